import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from config.tables import NUMBER
from unions.models import Headcount, MassOrganization


class MassOrganizationTable(tables.Table):
    name = tables.Column(linkify=True)
    party_committee = tables.Column(order_by=("party_committee__name",))
    latest_members = tables.Column(verbose_name=_("Members (latest count)"), attrs=NUMBER)
    latest_date = tables.DateColumn(verbose_name=_("Counted on"))

    class Meta:
        model = MassOrganization
        fields = [
            "name",
            "kind",
            "level",
            "party_committee",
            "founded_on",
            "dissolved_on",
            "latest_members",
            "latest_date",
        ]
        attrs = {"class": "table table-sm table-striped align-middle"}
        empty_text = _("No union organization matches these filters.")


class HeadcountTable(tables.Table):
    members = tables.Column(attrs=NUMBER)
    recruited = tables.Column(attrs=NUMBER)

    class Meta:
        model = Headcount
        fields = ["date", "members", "recruited"]
        attrs = {"class": "table table-sm"}
        orderable = False
        empty_text = _("No head count yet.")
