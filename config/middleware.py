import time
from contextlib import ExitStack
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.db import connections
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect, resolve_url
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config import routers


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and most office
    browsers are set to English; the portal must still open in Vietnamese.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ServerTimingMiddleware:
    """Adds `Server-Timing: app;dur=<ms>, db;dur=<ms>;desc="<n> queries"` to every response.

    `app` is the time spent in Django (every middleware below this one, the view and the
    template), `db` the time and number of SQL queries on every database alias. Browsers show
    the header in their developer tools and bench/run.py reads it, so that a measurement is
    the server's time and not the client's. It goes first in MIDDLEWARE so that it covers the
    others; it is on when SERVER_TIMING=1 (bench/settings.py always turns it on) and off by
    default, because it tells any client how long each page takes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = QueryTimer()
        started = time.perf_counter()
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(queries))
            response = self.get_response(request)
        app_ms = (time.perf_counter() - started) * 1000
        db_ms = queries.seconds * 1000
        response["Server-Timing"] = (
            f'app;dur={app_ms:.2f}, db;dur={db_ms:.2f};desc="{queries.count} queries"'
        )
        return response


class QueryTimer:
    """An execute wrapper that counts the queries it sees and adds up their time."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


class ReportReplicaMiddleware:
    """Sends the reads of the report pages to the read replica (config/routers.py).

    Only GET and HEAD requests of the views named in `config.routers.REPLICA_VIEWS` read from
    the replica: those pages only read, and a few seconds of replication lag do not change a
    report, whereas a list or form just written to must read its own writes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            token = getattr(request, "_replica_token", None)
            if token is not None:
                routers.reading_reports.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if request.method in ("GET", "HEAD") and match.view_name in routers.REPLICA_VIEWS:
            request._replica_token = routers.reading_reports.set(True)


class PrivatePagesMiddleware:
    """`Cache-Control: no-store, private` on every response to a logged-in user: pages,
    fragments and exports may hold personal data (names, birth dates, national IDs), which
    neither the browser's cache nor a shared proxy may keep. Static files never come here
    (WhiteNoise answers them first); pages for anonymous visitors (the login page) are left
    as they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


# Session keys of SessionLifetimeMiddleware: when the user logged in and when a request was
# last recorded, as seconds since the epoch.
LOGIN_AT = "portal_login_at"
SEEN_AT = "portal_seen_at"


def clock() -> float:
    """The time the session lifetimes are measured by (tests replace it)."""
    return time.time()


def stamp_login(sender, request, user, **kwargs):
    """On `user_logged_in`: start the session's absolute and idle clocks. Connected in
    config.apps, so that every way of logging in (the form, the test client) starts them and
    the first page after a login costs no session write."""
    if request is not None and hasattr(request, "session"):
        now = clock()
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


class SessionLifetimeMiddleware:
    """Logs the user out after SESSION_IDLE_SECONDS without a request, and SESSION_MAX_SECONDS
    after the login whatever the activity, with a message on the login page.

    Activity is recorded at most every SESSION_REFRESH_SECONDS rather than on every request
    (SESSION_SAVE_EVERY_REQUEST would add a database write to every page), so the idle
    timeout is reached between SESSION_IDLE_SECONDS minus that interval and
    SESSION_IDLE_SECONDS after the last request, never later. Each recorded activity also
    pushes on the expiry of the stored session and of its cookie (SESSION_COOKIE_AGE).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = clock()
            # A session from before this middleware (or a login that bypassed the signal).
            login_at = session.setdefault(LOGIN_AT, now)
            seen_at = session.get(SEEN_AT, login_at)
            if now - login_at >= settings.SESSION_MAX_SECONDS:
                hours = settings.SESSION_MAX_SECONDS // 3600
                return self.log_out(
                    request,
                    ngettext(
                        "Your session ended %(hours)d hour after you logged in. "
                        "Please log in again.",
                        "Your session ended %(hours)d hours after you logged in. "
                        "Please log in again.",
                        hours,
                    )
                    % {"hours": hours},
                )
            if now - seen_at >= settings.SESSION_IDLE_SECONDS:
                minutes = settings.SESSION_IDLE_SECONDS // 60
                return self.log_out(
                    request,
                    ngettext(
                        "You were logged out after %(minutes)d minute without activity. "
                        "Please log in again.",
                        "You were logged out after %(minutes)d minutes without activity. "
                        "Please log in again.",
                        minutes,
                    )
                    % {"minutes": minutes},
                )
            if now - seen_at >= settings.SESSION_REFRESH_SECONDS:
                session[SEEN_AT] = now
        return self.get_response(request)

    def log_out(self, request, message):
        logout(request)
        messages.warning(request, message)
        login = resolve_url(settings.LOGIN_URL)
        if request.method == "GET":
            login += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            # An htmx fragment (the import progress bar): the whole page goes to the login.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login
            return response
        return redirect(login)


# Room for the multipart boundaries, part headers and the other fields of a form.
UPLOAD_OVERHEAD = 64 * 1024


class UploadLimitMiddleware:
    """Refuses a request body larger than its page accepts from its Content-Length header,
    before anything reads it (CSRF's check would read the whole body, files included).

    The import upload page accepts IMPORT_MAX_BYTES (the form then checks the file's exact
    size); it answers with the form and a message. Every other page takes no files, so its
    body is limited to DATA_UPLOAD_MAX_MEMORY_SIZE (Django applies that to the fields only
    and would stream any file part to a temporary file): 413. Runs in the request phase,
    before any middleware's process_view.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._upload_path = None

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length and request.method in ("POST", "PUT", "PATCH"):
            if self._upload_path is None:
                self._upload_path = reverse("reports:import_create")
            if request.path == self._upload_path:
                if length > settings.IMPORT_MAX_BYTES + UPLOAD_OVERHEAD:
                    return self._refuse_upload(request, length)
            elif length > (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or length) + UPLOAD_OVERHEAD:
                return HttpResponse(
                    _("The request is too large."), status=413, content_type="text/plain"
                )
        return self.get_response(request)

    def _refuse_upload(self, request, length):
        message = _("The file is too large (%(size)s); the limit is %(limit)s.") % {
            "size": filesizeformat(length),
            "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
        }
        # Nothing of the body was read; the WSGI server drops what is left of it.
        if getattr(request, "_messages", None) is not None:
            messages.error(request, message)
            response = HttpResponseRedirect(self._upload_path)
        else:
            response = HttpResponse(message, status=413, content_type="text/plain")
        return response
