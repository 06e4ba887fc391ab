"""Settings of the national benchmark (bench/run.py): production settings plus the floor and
naive views and the Server-Timing header.

The same settings module the portal runs with in production (DEBUG off, hashed static files
served by WhiteNoise, persistent connections), with three differences that exist only here:
`bench.urls` mounts the benchmark's extra views beside the portal's URLs, every response
carries `Server-Timing`, and the benchmark speaks plain HTTP on 127.0.0.1, so the HTTPS-only
cookies and redirects (a TLS proxy's business in production) are off; static files are not
compressed ahead (see below).
"""

import os

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

DEBUG = False
ROOT_URLCONF = "bench.urls"
MIDDLEWARE = [
    "config.middleware.ServerTimingMiddleware",
    *(name for name in MIDDLEWARE if name != "config.middleware.ServerTimingMiddleware"),
]
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# collectstatic writes here (a temporary directory of bench/run.py). Hashed names and
# WhiteNoise's far-future caching as in production, without the gzip and Brotli copies: they
# take collectstatic seconds and change nothing the benchmark measures.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", STATIC_ROOT)  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "config.storage.ManifestStaticFilesStorage"},
}
