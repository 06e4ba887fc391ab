from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin


class PortalAdminSite(admin.AdminSite):
    """The admin shows every committee's data, so only superusers (administrators) enter it:
    the pages that committee staff use are scoped with for_user, the admin is not."""

    site_header = _("Party-building statistics: administration")
    site_title = _("Administration")

    def has_permission(self, request):
        # ...and only after their second factor (config/twofactor.py), like django-otp's
        # OTPAdminSite; the admin's own login form is never the way in without it.
        verified = getattr(request.user, "is_verified", lambda: False)()
        return request.user.is_active and request.user.is_superuser and verified

    def register(self, model_or_iterable, admin_class=None, **options):
        # Every form of the admin refuses control characters, as the portal's do (the
        # users' admin has a form of its own to add one).
        from config.forms import PrintableTextMixin

        admin_class = admin_class or admin.ModelAdmin
        for name in ("form", "add_form"):
            form = options.get(name) or getattr(admin_class, name, None)
            if form is not None and not issubclass(form, PrintableTextMixin):
                options[name] = type(form.__name__, (PrintableTextMixin, form), {})
        super().register(model_or_iterable, admin_class, **options)


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin, whose history page answers 404 for an id that is not
    one (simple-history looked `/admin/…/Đảng/history/` up as it came: ValueError, a server
    error found by tests/test_fuzz.py)."""

    def history_view(self, request, object_id, extra_context=None):
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None
        return super().history_view(request, object_id, extra_context)


class ReadOnlyAdmin:
    """Shown in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LedgerReadOnlyAdmin(ReadOnlyAdmin):
    """The ledger (events, unions and their head counts) is written only by the services,
    which keep derived fields and summary rows in step: the admin shows it, never edits it."""
