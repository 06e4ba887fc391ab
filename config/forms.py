"""Form pieces shared by every app."""

from django import forms


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
    widget = PickerDateInput


class ScopedForm(forms.Form):
    """A form that knows its user, so that every choice it offers comes from the user's scope."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
