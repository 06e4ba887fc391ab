from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.forms import PortalForm
from reports.importing.registry import CHOICES


class ImportUploadForm(PortalForm):
    """Choose a format and a file; the file is checked before anything is written."""

    format = forms.ChoiceField(label=gettext_lazy("What the file holds"), choices=CHOICES)
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV (UTF-8, UTF-16 or Windows-1258; comma or semicolon) or XLSX. Dates as "
            "dd/mm/yyyy or yyyy-mm-dd."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size == 0:
            raise forms.ValidationError(_("The file is empty."), code="empty")
        if uploaded.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size)s); the limit is %(limit)s.")
                % {
                    "size": filesizeformat(uploaded.size),
                    "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
                },
                code="too_large",
            )
        return uploaded
