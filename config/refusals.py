"""The portal's own pages for a refused request: 400, 403 (CSRF included), 404 and 500.

Each is in the layout and the user's language, says why in words a clerk reads, and offers a
way back: the page the user came from (when it is on this site) and the overview.
"""

import logging

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from organizations.scope import can_write

logger = logging.getLogger(__name__)


def _back_url(request) -> str:
    """The page the user came from, if it is on this site and not the refused page itself."""
    back = request.META.get("HTTP_REFERER", "")
    if back == request.build_absolute_uri() or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return back


def _refusal(request, template: str, status: int, **context):
    return render(request, template, {"back_url": _back_url(request), **context}, status=status)


def bad_request(request, exception=None):
    return _refusal(request, "400.html", 400)


def permission_denied(request, exception=None):
    user = request.user
    read_only = user.is_authenticated and not can_write(user)
    return _refusal(request, "403.html", 403, read_only=read_only)


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: most often a form left open past the session, or a page
    kept from before a new login."""
    return _refusal(request, "403.html", 403, csrf=True)


def page_not_found(request, exception=None):
    return _refusal(request, "404.html", 404)


def server_error(request):
    """The layout needs the database (the user, the menus); when the error is that the
    database is down, a plain page in both languages says the same without it."""
    try:
        return render(request, "500.html", status=500)
    except Exception:
        logger.exception("The 500 page could not be rendered in the layout")
        return HttpResponseServerError(
            "<!doctype html><html lang='vi'><meta charset='utf-8'><title>Lỗi máy chủ</title>"
            "<h1>Lỗi máy chủ / Server error</h1><p>Cổng thông tin đang gặp sự cố; hãy thử lại "
            "sau ít phút. / The portal has a problem; try again in a few minutes.</p>"
            "<p><a href='/'>Trang tổng quan / Overview</a></p></html>"
        )
