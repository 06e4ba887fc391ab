"""The import formats by name, as the commands, the views and the templates name them."""

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

FORMATS = {
    "organizations": ("organizations.imports.OrganizationsFormat", _("Party organizations")),
    "figures": ("reports.imports.FiguresFormat", _("Yearly figures")),
    "targets": ("reports.imports.TargetsFormat", _("Targets")),
    "members": ("members.imports.MembersFormat", _("Party members")),
}
CHOICES = [(name, title) for name, (_path, title) in FORMATS.items()]


def format_class(name: str):
    return import_string(FORMATS[name][0])


def format_title(name: str):
    return FORMATS[name][1]
