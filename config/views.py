"""What every scoped view uses: reads through `for_user`, writes re-checked in the transaction."""

import uuid
from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import FormView
from django_otp import login as otp_login

from config import twofactor, versioning
from config.forms import TOTPCodeForm
from config.pagination import BoundedTableMixin
from organizations.models import SubmissionReceipt
from organizations.scope import can_write, committee_path


class ScopedQuerysetMixin:
    """`get_queryset()` returns only what the user may see (STYLE.md rule 6): other
    committees' objects answer 404, as if they did not exist."""

    def get_queryset(self):
        return super().get_queryset().for_user(self.request.user)


class RememberedTableMixin(BoundedTableMixin):
    """A table that the page shows inside a `{% fragment %}` remembered under the data's
    version (`reports.summaries.version`): built, and its rows computed, only when the
    fragment is rendered. An export (a format django-tables2 knows) builds it at once."""

    def exporting(self) -> bool:
        return self.export_class.is_valid_format(self.request.GET.get(self.export_trigger_param))

    def get_table(self, **kwargs):
        if self.exporting():
            return super().get_table(**kwargs)
        return SimpleLazyObject(lambda: super(RememberedTableMixin, self).get_table(**kwargs))


class RememberedListMixin(RememberedTableMixin):
    """A filtered list page (django-filter's FilterView with a django-tables2 table) shown
    inside a `{% fragment NAME stamp %}` remembered under the data's version.

    `stamp` is the version that every write to what the portal shows changes
    (`reports.summaries.version`: members, their ledger, organizations, enterprises, imports;
    see `reports.apps`), the user's scope and write access. The fragment's fingerprint adds
    the URL (filters, sorting, cursor), the language and the user. The filter form and the
    table are built, and the list queried, only when the fragment is not remembered; an
    export is built at once. The scope is part of the stamp, so a user moved to another
    committee never sees a page remembered for the old one."""

    def get(self, request, *args, **kwargs):
        if self.exporting():
            return super().get(request, *args, **kwargs)
        from reports import summaries

        user = request.user
        context = {
            "view": self,
            "filter": SimpleLazyObject(lambda: self.filtered),
            # The head's scripts and styles, by a name that does not build the filter form:
            # remembered, they are not asked for.
            "filter_form": SimpleLazyObject(lambda: self.filtered.form),
            "table": self.get_table(**self.get_table_kwargs()),
            "stamp": (summaries.version(), committee_path(user), can_write(user)),
            **self.remembered_context(),
            **(self.extra_context or {}),
        }
        return self.render_to_response(context)

    def remembered_context(self) -> dict:
        """More of the fragment's context, lazily (SimpleLazyObject): computed only when the
        fragment is not remembered."""
        return {}

    @cached_property
    def filtered(self):
        """The bound filter set, `object_list` set from it as FilterView.get does."""
        self.filterset = self.get_filterset(self.get_filterset_class())
        if not self.filterset.is_bound or self.filterset.is_valid() or not self.get_strict():
            self.object_list = self.filterset.qs
        else:
            self.object_list = self.filterset.queryset.none()
        return self.filterset

    def get_table_data(self):
        if not hasattr(self, "object_list"):  # a remembered page's table, built late
            self.filtered  # noqa: B018 (sets object_list)
        return super().get_table_data()

    def get_template_names(self):
        # ListView's own would look at object_list, which the list may never need.
        return [self.template_name]


class WriteAccessMixin:
    """Leaders read only: any POST from them answers 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD", "OPTIONS") and not can_write(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the form's fields it names, the rest on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(
            field if field in form.fields and field != NON_FIELD_ERRORS else None, errors
        )


class OnceOnlyMixin:
    """A form page that writes at most once per rendering of the form.

    The form carries a random token; the write stores it in a SubmissionReceipt inside the
    same transaction, so a repeated POST goes to the first result and writes nothing."""

    def get_context_data(self, **kwargs):
        token = self.request.POST.get("submission_token") or uuid.uuid4().hex
        return super().get_context_data(submission_token=token, **kwargs)

    def write_once(self, write):
        """Run `write()` (returns the saved object) unless this form was already sent."""
        token = self.request.POST.get("submission_token", "")[:64]
        if not token:
            return write(), None
        done = SubmissionReceipt.objects.filter(token=token, user=self.request.user).first()
        if done is not None:
            return None, done.url
        try:
            with transaction.atomic():
                receipt = SubmissionReceipt.objects.create(token=token, user=self.request.user)
                result = write()
                receipt.url = result.get_absolute_url()
                receipt.save(update_fields=["url"])
        except IntegrityError:
            # The same form was sent twice at once; the other request wrote it.
            done = SubmissionReceipt.objects.filter(token=token).first()
            return None, done.url if done else "/"
        return result, None

    def already_sent(self, url):
        messages.info(self.request, _("This form had already been sent; it was saved once."))
        return redirect(url)


class ServiceFormView(OnceOnlyMixin, WriteAccessMixin, FormView):
    """A form whose valid data goes to one service (`perform`). The service's
    ValidationErrors come back next to the fields; the object it returns must still be in
    the user's scope, or the transaction rolls back (NetBox's ObjectEditView rule)."""

    title = ""
    success_message = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)

    def edited_record(self):
        """The record this form edits, if it edits one: the form then carries the version it
        was read at, and `perform` gets it as `data["version"]` for the service to check
        under its lock (config/versioning.py)."""
        return None

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        versioning.add_version_field(form, self.edited_record())
        return form

    def perform(self, data):
        raise NotImplementedError

    def perform_in_scope(self, data):
        with transaction.atomic():
            result = self.perform(data)
            if not type(result).objects.for_user(self.request.user).filter(pk=result.pk).exists():
                raise PermissionDenied
        return result

    def form_valid(self, form):
        try:
            result, earlier = self.write_once(lambda: self.perform_in_scope(form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if earlier is not None:
            return self.already_sent(earlier)
        messages.success(self.request, self.success_message % {"name": result})
        return redirect(result)


class ScopedModelFormMixin(OnceOnlyMixin, WriteAccessMixin):
    """Create and update views of a registry model (candidates, enterprises, targets): the
    form's choices come from the user's scope and the saved object must stay in it."""

    list_url = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save_form(self, form):
        """Save the form's object; a view whose model has a service overrides this."""
        return form.save()

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # An update form carries the version it was read at (config/versioning.py).
        versioning.add_version_field(form, getattr(self, "object", None))
        return form

    def save_in_scope(self, form):
        with transaction.atomic():
            if form.instance.pk is not None:
                versioning.check_form_version(form, type(form.instance), form.instance.pk)
            saved = self.save_form(form)
            if not type(saved).objects.for_user(self.request.user).filter(pk=saved.pk).exists():
                raise PermissionDenied
        return saved

    def form_valid(self, form):
        try:
            self.object, earlier = self.write_once(lambda: self.save_in_scope(form))
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if earlier is not None:
            return self.already_sent(earlier)
        messages.success(self.request, _("%(name)s has been saved.") % {"name": self.object})
        return redirect(self.list_url)


class ObjectServiceFormView(ServiceFormView):
    """A service form about one object, found in the user's scope (404 otherwise).

    The object goes to the service as `service_argument` and to the template as
    `context_name`; `service` is the service function (wrap it in staticmethod)."""

    model = None
    service = None
    service_argument = ""
    context_name = ""
    # A form that changes the object itself (a rename, a correction) rather than adding an
    # event to it: it carries the object's version (config/versioning.py).
    edits_target = False

    def dispatch(self, request, *args, **kwargs):
        self.target = get_object_or_404(self.model.objects.for_user(request.user), pk=kwargs["pk"])
        self.check_target()
        return super().dispatch(request, *args, **kwargs)

    def check_target(self):
        """Refuse (PermissionDenied) before any work when the object may not be changed."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{self.context_name: self.target}, **kwargs)

    def edited_record(self):
        return self.target if self.edits_target else None

    def perform(self, data):
        result = self.service(**{self.service_argument: self.target}, **data)
        # The object as the service left it (a new name in the message), else as found.
        return result if isinstance(result, self.model) else self.target


def lockout(request, response=None, credentials=None):
    """django-axes' answer once a username or an address has too many failed logins
    (settings.AXES_LOCKOUT_CALLABLE): the lockout page, 429, even for the right password."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/lockout.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


class TwoFactorView(FormView):
    """Add an authenticator app (any user may; administrators must), or, once added, see it
    and, unless an administrator, turn it off with a current code."""

    template_name = "registration/two_factor.html"
    form_class = TOTPCodeForm

    def dispatch(self, request, *args, **kwargs):
        self.device = twofactor.confirmed_device(request.user)
        self.enrolling = self.device is None
        if self.enrolling:
            self.device = twofactor.totp_device_start(user=request.user)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.enrolling and twofactor.factor_required(request.user):
            raise PermissionDenied  # administrators keep their second factor
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "device": self.device}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            enrolling=self.enrolling,
            factor_required=twofactor.factor_required(self.request.user),
            **kwargs,
        )
        context["next"] = self.request.POST.get("next") or self.request.GET.get("next", "")
        if self.enrolling:
            context["qr_svg"] = mark_safe(twofactor.qr_svg(self.device))  # noqa: S308 (segno's own SVG)
            context["secret"] = twofactor.secret_text(self.device)
        return context

    def form_valid(self, form):
        if self.enrolling:
            twofactor.totp_device_confirm(request=self.request, device=self.device)
            messages.success(self.request, _("Two-factor login is on for your account."))
            return redirect(twofactor.next_url(self.request))
        twofactor.totp_device_remove(user=self.request.user)
        self.request.session.pop(twofactor.PENDING, None)
        messages.success(self.request, _("Two-factor login is off for your account."))
        return redirect("two_factor")


class TwoFactorVerifyView(FormView):
    """The second step of the login: the code of the user's authenticator app."""

    template_name = "registration/two_factor_verify.html"
    form_class = TOTPCodeForm

    def dispatch(self, request, *args, **kwargs):
        self.device = twofactor.confirmed_device(request.user)
        if self.device is None:
            if twofactor.factor_required(request.user):
                # An administrator without a device enrols first.
                return redirect(f"{resolve_url('two_factor')}?{request.GET.urlencode()}")
            request.session.pop(twofactor.PENDING, None)
            return redirect(twofactor.next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "device": self.device}

    def get_context_data(self, **kwargs):
        next_page = self.request.POST.get("next") or self.request.GET.get("next", "")
        return super().get_context_data(next=next_page, **kwargs)

    def form_valid(self, form):
        otp_login(self.request, self.device)
        self.request.session.pop(twofactor.PENDING, None)
        return redirect(twofactor.next_url(self.request))
