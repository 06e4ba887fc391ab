"""Settings of the portal, read from environment variables (see `.env.example`).

One module for every environment: development sets `DEBUG=1`, production sets
`SECRET_KEY`, `ALLOWED_HOSTS` and `DATABASE_URL`. Without `DATABASE_URL` the portal uses an
SQLite file (the embedded default); with it, PostgreSQL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    # Development only: a fixed key is harmless because DEBUG never runs in production.
    SECRET_KEY = "development-only-not-secret"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

# The demo users' password. Outside development it must be chosen explicitly.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD") or ("demo-portal-2012" if DEBUG else "")

INSTALLED_APPS = [
    # django-autocomplete-light must come before django.contrib.admin.
    "dal",
    "dal_select2",
    "config.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "import_export",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "organizations",
    "members",
    "unions",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store, private on whatever a logged-in user is sent (personal data).
    "config.middleware.PrivatePagesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Every page needs a login unless its view is marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Too large a body is refused from its Content-Length, before anything reads it.
    "config.middleware.UploadLimitMiddleware",
    # Idle and absolute session lifetimes, then the second factor (config/twofactor.py).
    "config.middleware.SessionLifetimeMiddleware",
    "config.twofactor.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # The source of each change ("web", "admin") and the log of refused accesses.
    "config.audit.AuditMiddleware",
    # Last: turns django-axes' lockout of a login attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.context_processors.portal",
            ],
            # {% fragment %} and {% render_table_fragment %}: HTML remembered by what it shows.
            "libraries": {"fragments": "config.fragments"},
        },
    },
]

# A connection kept between requests (CONN_MAX_AGE) is checked before a request uses it, so
# that a connection the database dropped costs a reconnection rather than a server error.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database beside a background import (a second process writing for
    # minutes): in WAL mode pages read while it writes, and a write waits up to 20 s for the
    # lock instead of failing at once ("database is locked"). synchronous=NORMAL is WAL's
    # usual companion: a power cut may lose the last commits, never the file. (Not
    # transaction_mode IMMEDIATE: a transaction that holds the write lock from its start
    # keeps sqlite3's backup of the same database waiting, for ever, inside a test.)
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A read replica for the report pages (config/routers.py), only when DATABASE_REPLICA_URL is
# set: every write and every other page stay on `default`, the one store.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # A test run has one database: the replica alias reads it with default's connection.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.routers.ReportReplicaRouter"]
    MIDDLEWARE.append("config.middleware.ReportReplicaMiddleware")

# Server-Timing header (time in Django, SQL time and query count) on every response, read by
# the browser's developer tools and by bench/run.py. Off by default: it tells any client how
# long each page takes.
if env_bool("SERVER_TIMING"):
    MIDDLEWARE.insert(0, "config.middleware.ServerTimingMiddleware")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first (it refuses a locked-out username or address before any password is
# checked), then Django's backend loading the profile and committee with the user.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "config.auth.ProfileBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins (django-axes): AXES_FAILURE_LIMIT failures lock out a username, whatever the
# address, and the same number lock out an address, whatever the usernames tried; for
# AXES_COOLOFF_MINUTES, during which even the right password is refused. Every attempt leaves
# a row: AccessLog for a success, AccessFailureLog and AccessAttempt for a failure.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Log lines ("AXES: Successful login by ...", "New login failure by ...") name the username and
# address (never the password), not the user agent; no start-up banner.
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = []
AXES_LOCKOUT_CALLABLE = "config.views.lockout"
# A refused CSRF check gets the portal's 403 page, which says what to do.
CSRF_FAILURE_VIEW = "config.refusals.csrf_failure"
# The client's address is REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT reverse proxies, the
# address the outermost of them put in X-Forwarded-For (config/auth.py): never a header a
# client could send directly.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "config.auth.client_ip"

# Sessions: logged out after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS
# after the login, whatever the activity (config.middleware.SessionLifetimeMiddleware).
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_MAX_SECONDS = int(os.environ.get("SESSION_MAX_HOURS", "8")) * 3600
# The cookie and the stored session expire with the idle timeout; the middleware pushes the
# expiry on at most every SESSION_REFRESH_SECONDS, so a page costs no session write.
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_REFRESH_SECONDS = 300

# Two-factor login (django-otp, TOTP): optional for every user, required for administrators.
# The name an authenticator app shows beside the codes.
OTP_TOTP_ISSUER = os.environ.get("OTP_ISSUER", "Party statistics")
# The admin never shows a device's secret key, its otpauth:// address or its QR code: whoever
# reads them can make the user's codes. (django-otp's pages for them also answered an unknown
# device with a server error.)
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Vietnamese by default, English on request (the language switch in the page header).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# dd/mm/yyyy dates and 1.328 / 19,2 numbers in Vietnamese (config/formats/vi/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded import files wait here between preview and confirm; they are deleted after the
# import or after IMPORT_FILE_HOURS (`manage.py prune_imports`). Never served over HTTP.
IMPORT_ROOT = Path(os.environ.get("IMPORT_ROOT", BASE_DIR / "var" / "imports"))
IMPORT_FILE_HOURS = 24
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_MB", "100")) * 1024 * 1024
# An XLSX file is a zip archive; what it unpacks to is checked before it is parsed
# (reports/importing/reading.py). The sheet is read as a stream (its size costs time, not
# memory); the shared strings and the other XML parts are parsed whole by openpyxl, at about
# 7 bytes of memory per byte of XML for the worst content: these defaults keep a 100 MB upload
# under 300 MB of memory. Larger files can be imported as CSV.
IMPORT_XLSX_MAX_UNCOMPRESSED = int(os.environ.get("IMPORT_XLSX_MAX_UNCOMPRESSED_MB", "1024")) << 20
IMPORT_XLSX_MAX_STRINGS = int(os.environ.get("IMPORT_XLSX_MAX_STRINGS_MB", "16")) << 20
IMPORT_XLSX_MAX_PART = int(os.environ.get("IMPORT_XLSX_MAX_PART_MB", "2")) << 20
# A part of over 1 MB that unpacks to more than this many times its packed size is a bomb
# (sheets that Excel or LibreOffice write stay far below).
IMPORT_XLSX_MAX_RATIO = int(os.environ.get("IMPORT_XLSX_MAX_RATIO", "100"))
IMPORT_XLSX_MAX_PARTS = int(os.environ.get("IMPORT_XLSX_MAX_PARTS", "1000"))
# A form's fields (files aside) hold at most this; a body above it (files included) is refused
# before it is read on every page but the import upload (config.middleware.UploadLimitMiddleware).
# Uploads above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file, never whole in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Files larger than this are checked and imported by the background worker, with a progress
# bar, so that the browser never waits on a long request.
IMPORT_BACKGROUND_BYTES = int(os.environ.get("IMPORT_BACKGROUND_KB", "256")) * 1024

# Background jobs (django-tasks with its database backend: no extra server to run).
# Start the worker with `python manage.py db_worker` (`make run` starts one).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "config.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Each process keeps the rendered report and list fragments it served (config.fragments).
# They are keyed by a fingerprint of their data, so processes need not share them and nothing
# is ever invalidated: the oldest are dropped past MAX_ENTRIES.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("FRAGMENT_CACHE_ENTRIES", "2000"))},
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = "Lax"
# Content-Security-Policy (django-csp): scripts and styles only from the portal's own files,
# no inline script or style attribute, no eval, no framing (templates follow it).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
