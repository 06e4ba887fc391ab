"""Settings come from the environment: SQLite by default, PostgreSQL with DATABASE_URL."""

import os
import subprocess
import sys

from django.conf import settings

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
