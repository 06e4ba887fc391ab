"""What every scoped view uses: reads through `for_user`, writes re-checked in the transaction."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.views.generic import FormView

from organizations.scope import can_write


class ScopedQuerysetMixin:
    """`get_queryset()` returns only what the user may see (STYLE.md rule 6): other
    committees' objects answer 404, as if they did not exist."""

    def get_queryset(self):
        return super().get_queryset().for_user(self.request.user)


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


class ServiceFormView(WriteAccessMixin, FormView):
    """A form whose valid data goes to one service (`perform`). The service's
    ValidationErrors come back next to the fields; the object it returns must still be in
    the user's scope, or the transaction rolls back (NetBox's ObjectEditView rule)."""

    title = ""
    success_message = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)

    def perform(self, data):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            with transaction.atomic():
                result = self.perform(form.cleaned_data)
                visible = type(result).objects.for_user(self.request.user)
                if not visible.filter(pk=result.pk).exists():
                    raise PermissionDenied
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message % {"name": result})
        return redirect(result)
