import django_tables2 as tables
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from members.models import Candidate, Member


class DayColumn(tables.Column):
    """A date as the language writes it (dd/mm/yyyy), formatted in Python: django-tables2's
    DateColumn compiles a template for every cell, most of the time of a 50-row page."""

    def render(self, value):
        return date_format(value, "SHORT_DATE_FORMAT")


class MemberTable(tables.Table):
    # Only the name sorts, both ways, in Vietnamese order (config.names.sort_key): the index of
    # the list's order serves it and its deep pages. Sorting millions of rows by another column
    # would read them all; the filters narrow the list by those columns instead.
    full_name = tables.Column(linkify=True, order_by=("sort_key",), orderable=True)
    organization = tables.Column(linkify=False)
    birth_date = DayColumn()
    admitted_on = DayColumn()
    official_on = DayColumn()
    # In the exports only (the page keeps its width): what the composition report counts.
    ethnicity = tables.Column(visible=False)
    religion = tables.Column(visible=False)
    education = tables.Column(visible=False)
    qualification = tables.Column(visible=False)
    political_theory = tables.Column(visible=False)
    position = tables.Column(visible=False)
    from_pipeline = tables.BooleanColumn(visible=False, null=True)

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
            "ethnicity",
            "religion",
            "education",
            "qualification",
            "political_theory",
            "position",
            "from_pipeline",
        ]
        attrs = {"class": "table table-sm table-striped table-hover align-middle"}
        empty_text = _("No member matches these filters.")
        orderable = False
        order_by = ("full_name",)
        template_name = "django_tables2/keyset.html"


class DueTable(tables.Table):
    full_name = tables.Column(linkify=True)
    organization = tables.Column()
    admitted_on = tables.Column()
    due_on = DayColumn(
        accessor="official_due_on", verbose_name=_("Due for official membership"), orderable=False
    )
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
    # Sorted by name only, as the members list (MemberTable).
    full_name = tables.Column(linkify=True, order_by=("sort_key",), orderable=True)
    organization = tables.Column()
    introduced_by = tables.Column()
    awareness_class_on = DayColumn()
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
        orderable = False
        order_by = ("full_name",)
        template_name = "django_tables2/keyset.html"
