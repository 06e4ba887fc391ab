"""Form pieces shared by every app."""

from dal import autocomplete
from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from config.text import refuse_control, refuse_control_but_lines


class PickerDateInput(forms.DateInput):
    """A dd/mm/yyyy text box with the vendored flatpickr calendar (static/js/portal.js)."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "class": "datepicker",
                "autocomplete": "off",
                "placeholder": "dd/mm/yyyy",
                **(attrs or {}),
            },
            format="%d/%m/%Y",
        )


class DateField(forms.DateField):
    """A date typed as dd/mm/yyyy (or yyyy-mm-dd), read strictly: an impossible day is
    refused with the text kept, never rolled over into another date (static/js/portal.js
    reads it the same way in the browser)."""

    widget = PickerDateInput
    default_error_messages = {"invalid": _("Enter a valid date (dd/mm/yyyy).")}


class PrintableTextMixin:
    """Every text field of the form refuses control characters (config.text): the fields
    declared, the ones a ModelForm makes from CharField/TextField, and the ones added in
    `__init__`, since the validators are attached when the form is cleaned. A Textarea may
    hold line breaks and tabs."""

    def full_clean(self):
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not isinstance(field, forms.JSONField):
                multiline = isinstance(field.widget, forms.Textarea)
                validator = refuse_control_but_lines if multiline else refuse_control
                if validator not in field.validators:
                    field.validators.append(validator)
        super().full_clean()


class PortalForm(PrintableTextMixin, forms.Form):
    """The base of the portal's forms."""


class PortalModelForm(PrintableTextMixin, forms.ModelForm):
    """The base of the portal's model forms (and of the admin's, config.admin)."""


class ScopedForm(PortalForm):
    """A form that knows its user, so that every choice it offers comes from the user's scope."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user


class TOTPCodeForm(PortalForm):
    """The six-digit code of an authenticator app, checked against one device (django-otp
    throttles repeated wrong codes on the device, and refuses a code at or before the last one
    accepted)."""

    token = forms.CharField(
        label=_("Code from the authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or not self.verify(token):
            raise forms.ValidationError(
                _("This code is not right. Enter the code the app shows now."), code="invalid"
            )
        return token

    def verify(self, token: str) -> bool:
        """Check the code against the device read again under a row lock: django-otp records
        the code's time step on the device to refuse it a second time, and two sessions
        reading the device at once would both accept it (2 or 3 of 10 did)."""
        with transaction.atomic():
            self.device = type(self.device).objects.select_for_update().get(pk=self.device.pk)
            return self.device.verify_token(token)


class ForwardingModelSelect2(autocomplete.ModelSelect2):
    """django-autocomplete-light's ModelSelect2 whose forwarded values sit in a `hidden` div:
    DAL's own markup hides it with an inline style attribute, which the CSP refuses."""

    def render_forward_conf(self, id):
        return super().render_forward_conf(id).replace('style="display:none"', "hidden", 1)


def _fits_an_id(value) -> bool:
    """Whether `value` reads as an integer that a database id column can hold."""
    key = str(value).strip()
    digits = key[1:] if key[:1] == "-" else key
    return digits.isascii() and digits.isdigit() and -(2**63) <= int(key) < 2**63


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that refuses an id no database integer can hold, as it refuses an
    unknown one, and does not show it again. Django (and the autocomplete widget, when it
    renders the chosen value) looked such an id up and failed: OverflowError on SQLite,
    DataError on PostgreSQL, a server error found by the property-based form tests."""

    def _fits(self, value) -> bool:
        if value in self.empty_values or isinstance(value, models.Model):
            return True
        # Chosen by another column (a code, say): nothing to check here.
        return self.to_field_name not in (None, "pk", "id") or _fits_an_id(value)

    def to_python(self, value):
        if not self._fits(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def bound_data(self, data, initial):
        data = super().bound_data(data, initial)
        return data if self._fits(data) else None
