import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from config.tables import NUMBER, YES_NO
from organizations.models import Enterprise, PartyOrganization


class PartyOrganizationTable(tables.Table):
    # Tree order by default; the code (unique, indexed) is the one other order, so that each
    # page is an index range. Counts and names of related rows would sort the whole country.
    code = tables.Column(linkify=True, orderable=True)
    name = tables.Column(linkify=True)
    parent = tables.Column()
    member_count = tables.Column(verbose_name=_("Members"), attrs=NUMBER)
    is_active = tables.BooleanColumn(yesno=YES_NO)

    class Meta:
        model = PartyOrganization
        fields = ["code", "name", "kind", "parent", "enterprise", "member_count", "is_active"]
        attrs = {"class": "table table-sm table-striped align-middle"}
        empty_text = _("No organization matches these filters.")
        orderable = False
        template_name = "django_tables2/keyset.html"


class EnterpriseTable(tables.Table):
    # Sorted by name only: the coverage columns are computed per row, and sorting by them
    # would compute them for every enterprise of the country before the first page.
    name = tables.Column(linkify=True, orderable=True)
    has_party_organization = tables.BooleanColumn(
        verbose_name=_("Party organization"), yesno=YES_NO
    )
    has_trade_union = tables.BooleanColumn(verbose_name=_("Trade union"), yesno=YES_NO)
    has_youth_union = tables.BooleanColumn(verbose_name=_("Youth union"), yesno=YES_NO)

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "zone",
            "ownership",
            "investor_country",
            "workforce",
            "has_party_organization",
            "has_trade_union",
            "has_youth_union",
        ]
        attrs = {"class": "table table-sm table-striped align-middle"}
        empty_text = _("No enterprise matches these filters.")
        orderable = False
        template_name = "django_tables2/keyset.html"
