"""The two mixins every scoped view uses: reads through `for_user`, writes re-checked."""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

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
