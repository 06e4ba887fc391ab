"""Where a change came from, and the log of refused accesses.

Every historical table (django-simple-history) carries `history_source` next to the user and
the time: "web" for the portal's pages, "admin" for the administration site, "import #<id>"
for an import from the browser, "command <name>" for a management command, "erasure" for a
member's erasure. The source is a context variable: `AuditMiddleware` sets it per request,
the import engine and the commands per run; the field's default reads it, so every way a
history row is made (`save()`, `bulk_create_with_history`, simple-history's own managers)
records it without each caller passing it. The COPY path of the members import passes it
explicitly (reports/importing/bulk.py).
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The context variable lives in config.sources, which manage.py imports before Django is set
# up; its names are used from here throughout.
from config.sources import ADMIN, ERASURE, WEB, current_source, source  # noqa: E402,F401


class HistorySource(models.Model):
    """The base of every historical model: the source column (see the module docstring)."""

    history_source = models.CharField(
        _("source"), max_length=100, blank=True, default=current_source
    )

    class Meta:
        abstract = True


def client_ip(request) -> str | None:
    """The address the request came from, as django-axes sees it (config.auth.client_ip:
    REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the outermost appended,
    never one a client could write itself); None when there is none."""
    # Imported here: config.auth loads django.contrib.auth's models, and this module is
    # imported by models modules while the apps are loading.
    from config.auth import client_ip as axes_client_ip

    return axes_client_ip(request) or None


def log_access(
    request,
    action: str,
    *,
    member=None,
    object_type: str = "",
    object_id="",
    detail: str = "",
    path: str | None = None,
) -> None:
    """One access-log row (members.models.AccessLog) of what this request's user did: who,
    from which address, at which path (the request's unless given), what and why."""
    from members.models import AccessLog

    AccessLog.objects.create(
        user=request.user,
        member=member,
        action=action,
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        path=(request.path if path is None else path)[:255],
        ip=client_ip(request),
        detail=detail[:255],
    )


def _refused_object(request) -> tuple[str, str]:
    """The type and id of the object a refused URL names, as far as the URL tells."""
    match = request.resolver_match
    if match is None:
        return "", ""
    view_class = getattr(match.func, "view_class", None)
    model = getattr(view_class, "model", None)
    queryset = getattr(view_class, "queryset", None)
    if model is None and queryset is not None:
        model = queryset.model
    kind = model._meta.label_lower if model is not None else match.view_name
    ident = next(iter(match.kwargs.values()), "") if match.kwargs else ""
    return kind[:100], str(ident)[:64]


class AuditMiddleware:
    """Sets the history source of each request ("admin" under /admin/, "web" elsewhere) and
    logs every refused access (a view raising Http404 or PermissionDenied) in one place.

    Nothing runs on the normal path but a context variable: the log's INSERT happens only
    when a view refuses, so no page's query count changes.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefix = None

    def __call__(self, request):
        if self._admin_prefix is None:
            self._admin_prefix = reverse("admin:index")
        name = ADMIN if request.path.startswith(self._admin_prefix) else WEB
        with source(name):
            return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Http404 | PermissionDenied):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        from members.models import AccessLog

        kind, ident = _refused_object(request)
        log_access(
            request,
            AccessLog.Action.DENIED,
            object_type=kind,
            object_id=ident,
            path=request.get_full_path(),
            detail="403" if isinstance(exception, PermissionDenied) else "404",
        )
        return None
