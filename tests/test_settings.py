"""Settings come from the environment: SQLite by default, PostgreSQL with DATABASE_URL."""

import ast
import concurrent.futures
import os
import subprocess
import sys

from django.conf import settings
from django.db.utils import ConnectionHandler

BASE_ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def read_setting(expression: str, **env) -> subprocess.CompletedProcess:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
        f"from django.conf import settings; print({expression})"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**BASE_ENV, **env},
        cwd=settings.BASE_DIR,
    )


def test_secret_key_is_required_when_debug_is_off():
    result = read_setting("settings.SECRET_KEY", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_sqlite_without_database_url():
    result = read_setting("settings.DATABASES['default']['ENGINE']", DEBUG="1")
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_postgresql_with_database_url():
    result = read_setting(
        "settings.DATABASES['default']['ENGINE']",
        DEBUG="0",
        SECRET_KEY="x" * 60,
        DATABASE_URL="postgres://portal@127.0.0.1:5432/portal",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_demo_password_has_a_default_only_in_debug():
    assert read_setting("settings.DEMO_PASSWORD", DEBUG="1").stdout.strip() == "demo-portal-2012"
    production = read_setting("repr(settings.DEMO_PASSWORD)", DEBUG="0", SECRET_KEY="x" * 60)
    assert production.stdout.strip() == "''"


def test_vietnamese_is_the_default_language():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert [code for code, _name in settings.LANGUAGES] == ["vi", "en"]


def test_connections_are_checked_before_reuse_on_both_databases():
    """Issue 17.6: a connection the database dropped cost a server error per connection."""
    sqlite = read_setting("settings.DATABASES['default']['CONN_HEALTH_CHECKS']", DEBUG="1")
    assert sqlite.stdout.strip() == "True"
    postgresql = read_setting(
        "settings.DATABASES['default']['CONN_HEALTH_CHECKS'], "
        "'OPTIONS' in settings.DATABASES['default']",
        DEBUG="1",
        DATABASE_URL="postgres://portal@db.example:5432/portal",
    )
    assert postgresql.stdout.strip() == "True False"


def test_the_sqlite_file_is_in_wal_mode_and_waits_for_the_write_lock(tmp_path, django_db_blocker):
    """Issue 17.6: pages answered `database is locked` while a background import wrote. The
    settings' options, applied to a file database (the test database is in memory)."""
    result = read_setting("repr(settings.DATABASES['default']['OPTIONS'])", DEBUG="1")
    options = ast.literal_eval(result.stdout)
    assert options["timeout"] == 20
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(tmp_path / "portal.sqlite3"),
                "OPTIONS": options,
            }
        }
    )

    def pragmas():
        database = handler["default"]
        try:
            with database.cursor() as cursor:
                found = []
                for pragma in ("journal_mode", "synchronous", "busy_timeout"):
                    cursor.execute(f"PRAGMA {pragma}")
                    found.append(cursor.fetchone()[0])
                cursor.execute("CREATE TABLE written (id integer)")
            return found, (tmp_path / "portal.sqlite3-wal").exists()
        finally:
            database.close()

    # In a thread of its own: after the browser tests, Playwright's event loop runs in this
    # one, and Django refuses to open a connection beside a running loop.
    with django_db_blocker.unblock(), concurrent.futures.ThreadPoolExecutor(1) as pool:
        found, wal_file = pool.submit(pragmas).result()
    assert found == ["wal", 1, 20000]  # synchronous 1 is NORMAL
    assert wal_file
