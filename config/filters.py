"""Filter pieces shared by the apps' filter sets (django-filter)."""

import django_filters
from django_filters.fields import ModelChoiceField

from config.forms import IdChoiceField


class IdModelChoiceField(ModelChoiceField, IdChoiceField):
    """django-filter's ModelChoiceField that refuses an id no database integer can hold as
    an unknown choice (config.forms.IdChoiceField)."""


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter on an id: `?organization=99999999999999999999999` is an invalid
    choice, not a server error (OverflowError on SQLite)."""

    field_class = IdModelChoiceField
