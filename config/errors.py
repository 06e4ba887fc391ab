"""Validation errors that keep their code when they name a field."""

from django.core.exceptions import ValidationError


def field_error(field: str, message: str, code: str) -> ValidationError:
    """`ValidationError({field: message}, code=...)` drops the code; this keeps it."""
    return ValidationError({field: ValidationError(message, code=code)})


def check_fields(instance, *, exclude=()) -> None:
    """Run the model's own field checks (lengths, choices) before a service writes.

    Without this a 33-character code is stored on SQLite and fails on PostgreSQL.
    """
    instance.clean_fields(exclude=list(exclude))
