"""Filter pieces shared by the apps' filter sets (django-filter)."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_filters.fields import ModelChoiceField

from config.forms import IdChoiceField


class IdModelChoiceField(ModelChoiceField, IdChoiceField):
    """django-filter's ModelChoiceField that refuses an id no database integer can hold as
    an unknown choice (config.forms.IdChoiceField)."""


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter on an id: `?organization=99999999999999999999999` is an invalid
    choice, not a server error (OverflowError on SQLite)."""

    field_class = IdModelChoiceField


YES, NO = "true", "false"


class YesNoSelect(forms.Select):
    """A yes/no filter's list: all (nothing chosen), yes, no. django-filter's BooleanFilter
    offers "Unknown" for nothing chosen (NullBooleanSelect), which reads as "those whose
    answer is unknown" where the filter means "whatever the answer"."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs,
            choices=[
                ("", pgettext_lazy("a filter's choice", "All")),
                (YES, _("Yes")),
                (NO, _("No")),
            ],
        )

    def format_value(self, value):
        # The choice of a valid value; an invalid one (refused by the field) shows "All".
        return [{True: YES, YES: YES, False: NO, NO: NO}.get(value, "")]


class YesNoField(forms.NullBooleanField):
    """Yes, no or nothing chosen; any other value is refused (not read as "nothing")."""

    widget = YesNoSelect
    default_error_messages = {
        "invalid_choice": _("Choose yes or no (or all): “%(value)s” is not one of them."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if value in (True, YES):
            return True
        if value in (False, NO):
            return False
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class YesNoFilter(django_filters.BooleanFilter):
    """The filter of every yes/no question of the lists: "All", "Yes", "No"."""

    field_class = YesNoField
