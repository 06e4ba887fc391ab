"""`manage.py backup` and `restore`: a backup restored into a scratch database holds every
table with every row (SQLite always; PostgreSQL when DATABASE_URL is a PostgreSQL one)."""

import os
import sqlite3
import stat

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from members.models import Member

POSTGRESQL = connection.vendor == "postgresql"


def live_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def sqlite_counts(path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.fixture
def scratch_url(tmp_path):
    """A database of its own to restore into: a new SQLite file, or a new PostgreSQL database
    beside the test database, dropped afterwards."""
    if not POSTGRESQL:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg2

    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME']}_restore"
    params = {
        "dbname": "postgres",
        "user": settings_dict["USER"] or None,
        "password": settings_dict["PASSWORD"] or None,
        "host": settings_dict["HOST"] or None,
        "port": settings_dict["PORT"] or None,
    }
    admin = psycopg2.connect(**params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = settings_dict["USER"] or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 5432
    yield f"postgres://{user}{password}@{host}:{port}/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def postgresql_counts(url) -> dict[str, int]:
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    with psycopg2.connect(
        dbname=config["NAME"],
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"],
        port=config["PORT"],
    ) as db, db.cursor() as cursor:  # fmt: skip
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        counts = {}
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        return counts


def test_a_backup_restores_whole_into_a_scratch_database(tmp_path, scratch_url, db):
    backup = tmp_path / ("portal.dump" if POSTGRESQL else "portal.sqlite3")
    call_command("backup", "--output", str(backup))
    assert backup.stat().st_size > 0
    call_command("restore", str(backup), "--into", scratch_url)

    expected = live_counts()
    restored = postgresql_counts(scratch_url) if POSTGRESQL else sqlite_counts(scratch_url[10:])
    assert Member.objects.count() > 100  # the demo is there to be copied
    assert restored == expected


def test_restore_refuses_a_database_with_data_unless_forced(tmp_path, scratch_url, db):
    backup = tmp_path / ("portal.dump" if POSTGRESQL else "portal.sqlite3")
    call_command("backup", "--output", str(backup))
    call_command("restore", str(backup), "--into", scratch_url)
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(backup), "--into", scratch_url)
    call_command("restore", str(backup), "--into", scratch_url, "--force")  # replaces, no error


def test_restore_of_a_missing_file_says_so(tmp_path, scratch_url, db):
    with pytest.raises(CommandError, match="No backup"):
        call_command("restore", str(tmp_path / "none.dump"), "--into", scratch_url)


def test_a_backup_is_readable_by_its_owner_only(tmp_path, db):
    # It holds every member's personal data: no other account on the server may read it,
    # whatever the umask the command runs with.
    backup = tmp_path / "backups" / ("portal.dump" if POSTGRESQL else "portal.sqlite3")
    previous = os.umask(0o022)
    try:
        call_command("backup", "--output", str(backup))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700
