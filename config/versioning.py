"""No lost update: an edit form carries the version of the record it was read at.

Two clerks open the same record; the first saves. Without a version the second save would
silently put back what the first replaced. Each editable record has an `updated_at` column
(`version_field`); the form carries its value as a hidden field (`VersionField`), and the
write compares it with the row locked in its transaction (`check_version`): a record changed
since is refused with the time of the change, and the form keeps what was typed.

Writes that append (an admission, a transfer) need no version: their services lock the
member or organization and refuse what the newer state no longer allows.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.dates import dmy
from config.names import keys_for

NAME = "version"


def version_field():
    """The model field that every save moves on; rows written in bulk (COPY, executemany)
    get the database's clock."""
    return models.DateTimeField(_("updated at"), auto_now=True, db_default=Now(), editable=False)


def with_version(fields) -> list[str]:
    """`save(update_fields=...)` moves `updated_at` only when it is named: name it, and the
    name keys of a changed name (config.names)."""
    return [*fields, *keys_for(fields), "updated_at"]


def version_of(record) -> str:
    return record.updated_at.isoformat() if record.updated_at else ""


class VersionField(forms.CharField):
    """The version the form was read at, sent back with the typed data."""

    widget = forms.HiddenInput

    def __init__(self, record, **kwargs):
        # Not required: a missing version is refused by check_version, with its message.
        super().__init__(initial=version_of(record), required=False, **kwargs)


def stale_message(record) -> str:
    changed = timezone.localtime(record.updated_at)
    at = changed.strftime("%H:%M")
    if changed.date() != timezone.localdate():
        at = f"{at} {dmy(changed.date())}"
    return gettext("The record was changed by someone else at %(time)s; reload the page.") % {
        "time": at
    }


def check_version(record, read: str) -> None:
    """Refuse to write `record` (locked by the caller) if it changed since the form read it.

    A form sent without its version (a stale page from before this check, a script) is
    refused the same way: nothing shows it was read at the current version.
    """
    if read != version_of(record):
        raise ValidationError(stale_message(record), code="stale_version")


def add_version_field(form, record) -> None:
    """Give an edit form of `record` its hidden version field."""
    if record is not None and record.pk is not None:
        form.fields[NAME] = VersionField(record)


def check_form_version(form, model, pk) -> None:
    """Lock the row of `model` with `pk` and check it against the version the form carries."""
    if NAME in form.fields:
        check_version(model.objects.select_for_update().get(pk=pk), form.cleaned_data.get(NAME))
