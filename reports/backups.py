"""Backups of the whole database: `manage.py backup` and `manage.py restore`.

PostgreSQL: pg_dump's custom format (-Fc), restored by pg_restore --clean --if-exists
--no-owner. SQLite: a copy made with SQLite's online backup API, which is consistent even
while the portal writes. The client programs come from PG_BIN, else the newest
/usr/lib/postgresql/*/bin (Debian's layout), else the PATH.
"""

import contextlib
import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.db import connections


class BackupError(Exception):
    pass


def database(url: str | None = None) -> dict:
    """The settings of the database at `url`, or of the portal's own (`default`)."""
    return dj_database_url.parse(url) if url else settings.DATABASES["default"]


def is_postgresql(config: dict) -> bool:
    return "postgresql" in config["ENGINE"]


def default_path(config: dict) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = "dump" if is_postgresql(config) else "sqlite3"
    return settings.BASE_DIR / "var" / "backups" / f"portal-{stamp}.{suffix}"


def pg_program(name: str) -> str:
    if os.environ.get("PG_BIN"):
        return str(Path(os.environ["PG_BIN"]) / name)
    installed = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    if installed:
        return str(installed[-1])
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install PostgreSQL's client or set PG_BIN.")
    return found


def pg_arguments(config: dict) -> tuple[list[str], dict]:
    """Connection options and environment (the password never goes on the command line)."""
    arguments = []
    if config.get("HOST"):
        arguments += ["--host", str(config["HOST"])]
    if config.get("PORT"):
        arguments += ["--port", str(config["PORT"])]
    if config.get("USER"):
        arguments += ["--username", str(config["USER"])]
    env = {**os.environ}
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    return [*arguments, "--no-password", "--dbname", str(config["NAME"])], env


def run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


@contextlib.contextmanager
def owner_only():
    """Files and folders made inside the block (by this process or pg_dump) can be read by
    their owner only: a backup holds every member's personal data."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def backup(path: Path | None = None) -> Path:
    """Write a backup of the portal's database to `path` (default var/backups/) and return it,
    readable by its owner only."""
    config = database()
    path = Path(path or default_path(config))
    with owner_only():
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.chmod(0o600)  # an earlier file is overwritten, not made afresh
        if is_postgresql(config):
            arguments, env = pg_arguments(config)
            run([pg_program("pg_dump"), "--format=custom", "--file", str(path), *arguments], env)
            return path
        # Through Django's own connection, so that an in-memory test database is copied too.
        connection = connections["default"]
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    return path


def has_tables(config: dict) -> bool:
    """Whether the database already holds the portal's tables (then restore needs --force)."""
    if is_postgresql(config):
        import psycopg2

        with psycopg2.connect(
            dbname=config["NAME"],
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
        ) as connection, connection.cursor() as cursor:  # fmt: skip
            cursor.execute("SELECT to_regclass('public.django_migrations') IS NOT NULL")
            return cursor.fetchone()[0]
    name = Path(config["NAME"])
    if not name.exists() or name.stat().st_size == 0:
        return False
    with sqlite3.connect(name) as connection:
        return bool(
            connection.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'django_migrations'"
            ).fetchone()[0]
        )


def restore(path: Path, *, into: str | None = None, force: bool = False) -> dict:
    """Replace the database at `into` (default: the portal's own) with the backup at `path`.

    Refuses a database that already holds the portal's tables unless `force`: a restore
    throws away everything written since the backup."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    config = database(into)
    if has_tables(config) and not force:
        raise BackupError(
            f"The database {config['NAME']} is not empty: a restore replaces everything in it. "
            "Add --force to go on."
        )
    if into is None:
        connections.close_all()
    if is_postgresql(config):
        arguments, env = pg_arguments(config)
        command = [pg_program("pg_restore"), "--clean", "--if-exists", "--no-owner"]
        run([*command, "--exit-on-error", "--single-transaction", *arguments, str(path)], env)
        return config
    source = sqlite3.connect(path)
    target = sqlite3.connect(config["NAME"])
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return config
