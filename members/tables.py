import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from members.models import Candidate, Member


class MemberTable(tables.Table):
    full_name = tables.Column(linkify=True)
    organization = tables.Column(linkify=False, order_by=("organization__name",))

    class Meta:
        model = Member
        fields = [
            "full_name",
            "gender",
            "birth_date",
            "organization",
            "status",
            "admitted_on",
            "official_on",
            "card_number",
        ]
        attrs = {"class": "table table-sm table-striped table-hover align-middle"}
        empty_text = _("No member matches these filters.")


class DueTable(tables.Table):
    full_name = tables.Column(linkify=True)
    organization = tables.Column()
    admitted_on = tables.Column()
    due_on = tables.DateColumn(verbose_name=_("Due for official membership"), orderable=False)
    action = tables.TemplateColumn(
        template_name="members/includes/make_official_button.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = Member
        fields = ["full_name", "organization", "admitted_on", "due_on", "action"]
        attrs = {"class": "table table-sm table-striped align-middle"}
        empty_text = _("No probationary member is due within 30 days.")


class CandidateTable(tables.Table):
    full_name = tables.Column(linkify=True)
    organization = tables.Column()
    introduced_by = tables.Column()
    awareness_class_on = tables.DateColumn()
    stage = tables.TemplateColumn(
        template_name="members/includes/candidate_stage.html",
        verbose_name=_("Stage"),
        orderable=False,
    )

    class Meta:
        model = Candidate
        fields = [
            "full_name",
            "organization",
            "introduced_by",
            "awareness_class_on",
            "verification",
            "stage",
        ]
        attrs = {"class": "table table-sm table-striped align-middle"}
        empty_text = _("No outstanding candidate yet.")
