"""Imported yearly figures and targets: what the reports compare the ledger with."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.audit import HistorySource
from config.db import choices_constraint
from config.versioning import version_field
from members.models import Ethnicity, Gender, PoliticalTheory, Position, Qualification, Religion
from organizations.models import Ownership, PartyOrganization


class Metric(models.TextChoices):
    """The figures the portal reports; stock metrics are values on a date, flows over a period."""

    PARTY_ORGANIZATIONS = "party_organizations", _("Party organizations")
    GRASSROOTS_ORGANIZATIONS = "grassroots_organizations", _("Grassroots Party organizations")
    SUBORDINATE_CELLS = "subordinate_cells", _("Subordinate cells")
    PARTY_MEMBERS = "party_members", _("Party members")
    PROBATIONARY_MEMBERS = "probationary_members", _("Probationary members")
    TRADE_UNIONS = "trade_unions", _("Grassroots trade unions")
    TRADE_UNION_MEMBERS = "trade_union_members", _("Trade union members")
    YOUTH_UNIONS = "youth_unions", _("Grassroots youth unions")
    YOUTH_UNION_MEMBERS = "youth_union_members", _("Youth union members")
    ORGANIZATIONS_ESTABLISHED = "organizations_established", _("Organizations established")
    ORGANIZATIONS_RECEIVED = "organizations_received", _("Organizations received")
    MEMBERS_ADMITTED = "members_admitted", _("Members admitted")


# The metrics a target can have, offered by the target form and accepted by the targets import
# (one list: the import took `party_members`, which no form offers).
TARGET_METRICS = (Metric.ORGANIZATIONS_ESTABLISHED, Metric.MEMBERS_ADMITTED)
TARGET_METRIC_CHOICES = tuple((metric.value, metric.label) for metric in TARGET_METRICS)


class YearlyFigureQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(committee__in=PartyOrganization.objects.for_user(user))


class FigureSource(models.TextChoices):
    IMPORTED = "imported", _("Imported")
    COMPUTED = "computed", _("Computed from the ledger")


class YearlyFigure(models.Model):
    """A figure reported for a committee on a date: imported from a spreadsheet or computed.

    Stock metrics are values on `as_of`; flow metrics are totals from 1 January of that year
    up to `as_of`.
    """

    Source = FigureSource

    committee = models.ForeignKey(
        PartyOrganization,
        models.PROTECT,
        related_name="yearly_figures",
        verbose_name=_("committee"),
    )
    as_of = models.DateField(_("as of"))
    metric = models.CharField(_("metric"), max_length=32, choices=Metric.choices)
    value = models.PositiveIntegerField(_("value"))
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.IMPORTED
    )

    objects = YearlyFigureQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        verbose_name = _("yearly figure")
        verbose_name_plural = _("yearly figures")
        ordering = ["committee", "as_of", "metric"]
        constraints = [
            choices_constraint("metric", Metric, "yearlyfigure_metric_valid"),
            choices_constraint("source", FigureSource, "yearlyfigure_source_valid"),
            models.UniqueConstraint(
                fields=["committee", "as_of", "metric"],
                name="yearlyfigure_unique",
                violation_error_message=_("This committee already has this figure on this date."),
            ),
        ]

    def __str__(self):
        return f"{self.committee.code} {self.as_of:%d/%m/%Y} {self.metric}={self.value}"


class TargetQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(committee__in=PartyOrganization.objects.for_user(user))


class TargetKind(models.TextChoices):
    PLAN = "plan", _("Yearly plan")
    CONGRESS = "congress", _("Congress resolution")
    SUPPLEMENTARY = "supplementary", _("Supplementary plan")


class Target(models.Model):
    """A target for a year (start year == end year) or a term such as 2020-2025."""

    Kind = TargetKind

    committee = models.ForeignKey(
        PartyOrganization, models.PROTECT, related_name="targets", verbose_name=_("committee")
    )
    start_year = models.PositiveSmallIntegerField(_("from year"))
    end_year = models.PositiveSmallIntegerField(_("to year"))
    metric = models.CharField(_("metric"), max_length=32, choices=Metric.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PLAN)
    value = models.PositiveIntegerField(_("target"))

    objects = TargetQuerySet.as_manager()
    # The edit forms' version (config/versioning.py): no save overwrites a newer one.
    updated_at = version_field()
    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["committee", "start_year", "metric"]
        constraints = [
            choices_constraint("metric", Metric, "target_metric_valid"),
            choices_constraint("kind", TargetKind, "target_kind_valid"),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="target_period_ordered",
                violation_error_message=_("A term cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["committee", "start_year", "end_year", "metric", "kind"],
                name="target_unique",
                violation_error_message=_("This target already exists."),
            ),
        ]

    def __str__(self):
        period = (
            str(self.start_year)
            if self.start_year == self.end_year
            else f"{self.start_year}-{self.end_year}"
        )
        return f"{self.committee.code} {period} {self.metric}: {self.value}"

    def get_absolute_url(self):
        return reverse("reports:target_update", args=[self.pk])

    @property
    def period_label(self) -> str:
        if self.start_year == self.end_year:
            return str(self.start_year)
        return f"{self.start_year}–{self.end_year}"


class ImportState(models.TextChoices):
    CHECKING = "checking", _("Checking the file")
    CHECKED = "checked", _("Checked, waiting for confirmation")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Import complete")
    FAILED = "failed", _("Not imported (errors)")
    CANCELLED = "cancelled", _("Cancelled")


class ImportBatchQuerySet(models.QuerySet):
    def for_user(self, user):
        """An import is seen only by the user who uploaded it (administrators see all)."""
        from organizations.scope import is_administrator

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if is_administrator(user):
            return self
        return self.filter(created_by=user)


class ImportBatch(models.Model):
    """One uploaded file on its way through check (preview), confirmation and import.

    The file waits under `settings.IMPORT_ROOT` and is deleted once imported or cancelled, or
    after `IMPORT_FILE_HOURS`. `summary` is what the check found; `result` what the import did.
    """

    State = ImportState

    format = models.CharField(_("format"), max_length=16)
    file_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    state = models.CharField(
        _("state"), max_length=12, choices=ImportState.choices, default=ImportState.CHECKING
    )
    language = models.CharField(_("language"), max_length=8, default="vi")
    summary = models.JSONField(_("check summary"), default=dict, blank=True)
    result = models.JSONField(_("import result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="import_batches",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        constraints = [choices_constraint("state", ImportState, "importbatch_state_valid")]

    def __str__(self):
        return f"#{self.pk} {self.file_name}"

    def get_absolute_url(self):
        return reverse("reports:import_detail", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.state in (ImportState.CHECKING, ImportState.IMPORTING)

    @property
    def reason(self) -> str:
        """The change reason the history shows for every record this import writes."""
        return f"Import #{self.pk}: {self.file_name}"[:100]


# The figures a summary row cumulates. Stocks are values on the row's date; flows are counts
# since the beginning of the records, so a flow over (start, end] is row(end) - row(start).
SUMMARY_STOCKS = (
    "party_organizations",
    "grassroots_organizations",
    "subordinate_cells",
    "party_members",
    "probationary_members",
    "trade_unions",
    "trade_union_members",
    "youth_unions",
    "youth_union_members",
    # Grassroots organizations of the subtree (itself included) by their enterprise's ownership.
    "grassroots_fdi",
    "grassroots_domestic_private",
    "grassroots_joint_venture",
    "grassroots_state",
    "grassroots_no_enterprise",
    # Enterprises registered by the subtree's committees, and how many are covered.
    "enterprises",
    "enterprises_with_party",
    "enterprises_with_trade_union",
    "enterprises_with_youth_union",
)
SUMMARY_FLOWS = (
    "members_admitted",
    "members_made_official",
    "members_transferred_in",
    "members_transferred_out",
    "members_died",
    "members_struck_off",
    "members_expelled",
    "members_left",
    "members_moved",  # net: carried in minus carried out with their organizations
    "organizations_established",
    "organizations_received",
    "organizations_dissolved",
    "organizations_transferred_out",
    "organizations_moved_in",
    "organizations_moved_out",
    "trade_unions_established",
    "trade_union_members_recruited",
    "youth_unions_established",
    "youth_union_members_recruited",
)
SUMMARY_FIELDS = SUMMARY_STOCKS + SUMMARY_FLOWS


class CumulatedRow(models.Model):
    """A row of one of the summary tables (reports.summaries): a committee's subtree
    cumulated up to and including `date`."""

    organization = models.ForeignKey(
        PartyOrganization, models.CASCADE, related_name="+", verbose_name=_("committee")
    )
    date = models.DateField(_("date"))

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.organization_id} {self.date}"


class Summary(CumulatedRow):
    """A committee's subtree, cumulated up to and including `date`: one row for each date on
    which anything in the subtree changed (reports.summaries writes them).

    A stock on a day D is read from the row with the latest date <= D; a flow over a period
    (start, end] is the difference of two such rows. So a report reads a few rows whatever the
    number of members, instead of counting the ledger on every request.
    """

    locals().update({name: models.IntegerField(default=0) for name in SUMMARY_FIELDS})

    class Meta:
        verbose_name = _("summary row")
        verbose_name_plural = _("summary rows")
        constraints = [
            models.UniqueConstraint(fields=["organization", "date"], name="summary_unique_day")
        ]

    def values(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in SUMMARY_FIELDS}


# --- The composition of the members (reports.composition), cumulated like `Summary` ---------

UNKNOWN = "unknown"
AGE_BAND_VALUES = ("up_to_30", "31_40", "41_50", "51_60", "over_60")
# Dimension -> its categories, "unknown" last: a member whose attribute is not recorded is
# counted there, never dropped.
COMPOSITION_CATEGORIES = {
    dimension: (*values, UNKNOWN)
    for dimension, values in {
        "gender": Gender.values,
        "age_band": AGE_BAND_VALUES,
        "ethnicity": Ethnicity.values,
        "religion": Religion.values,
        "qualification": Qualification.values,
        "political_theory": PoliticalTheory.values,
        "position": Position.values,
        "ownership": Ownership.values,
        "from_pipeline": ("yes", "no"),
    }.items()
}
# Only these committees get composition rows: below them a subtree is small enough to count
# from the ledger (a grassroots committee has hundreds of members, a zone thousands).
COMPOSITION_KINDS = (
    PartyOrganization.Kind.CENTRAL,
    PartyOrganization.Kind.PROVINCIAL_COMMITTEE,
    PartyOrganization.Kind.ZONE_COMMITTEE,
)


def member_field(dimension: str, category: str) -> str:
    """The column counting the members in a category on a row's date (a stock)."""
    return f"m_{dimension}_{category}"


def admitted_field(dimension: str, category: str) -> str:
    """The column counting the admissions in a category since the records began (a flow)."""
    return f"a_{dimension}_{category}"


# Members by age band change with every birthday, so their rows have a table of their own:
# in the wide table every day would get a row.
AGE_FIELDS = tuple(member_field("age_band", c) for c in COMPOSITION_CATEGORIES["age_band"])
COMPOSITION_STOCKS = tuple(
    member_field(dimension, category)
    for dimension, categories in COMPOSITION_CATEGORIES.items()
    if dimension != "age_band"
    for category in categories
)
COMPOSITION_FLOWS = tuple(
    admitted_field(dimension, category)
    for dimension, categories in COMPOSITION_CATEGORIES.items()
    for category in categories
)
COMPOSITION_FIELDS = COMPOSITION_STOCKS + COMPOSITION_FLOWS


class CompositionSummary(CumulatedRow):
    """The composition of a committee's subtree cumulated up to `date` (`Summary`'s twin for
    `reports.composition`): members in each category on the date, and admissions in each
    category since the records began. Written by reports.summaries with the figures."""

    locals().update({name: models.IntegerField(default=0) for name in COMPOSITION_FIELDS})

    class Meta:
        verbose_name = _("composition summary row")
        verbose_name_plural = _("composition summary rows")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "date"], name="composition_summary_unique_day"
            )
        ]


class AgeSummary(CumulatedRow):
    """A committee's members by age band on `date`: one row for each day on which the
    subtree's members or their ages (a birthday crossing a band) changed."""

    locals().update({name: models.IntegerField(default=0) for name in AGE_FIELDS})

    class Meta:
        verbose_name = _("age summary row")
        verbose_name_plural = _("age summary rows")
        constraints = [
            models.UniqueConstraint(fields=["organization", "date"], name="age_summary_unique_day")
        ]


class SummaryVersion(models.Model):
    """The version of the summary rows, of the organizations and enterprises the reports name
    and of the members the members list shows: one row, whose value every change to them sets
    to a new random number in its own transaction (`reports.summaries.bump_version`). A report
    page whose figures come from the summary rows shows the same while the version stays the
    same, so it is remembered under it (`reports.views.ComposedPage`): one short read instead
    of the page's probes. So is a page of the members list (`config.views.RememberedListMixin`).
    """

    value = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("summary version")
        verbose_name_plural = _("summary versions")

    def __str__(self):
        return str(self.value)
