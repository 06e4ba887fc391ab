"""Import formats of the reports app: yearly figures and targets."""

import re

from django.utils.translation import gettext as _

from config.dates import today
from organizations.models import PartyOrganization
from reports import summaries
from reports.importing.engine import Action, Column, ImportFormat, Row
from reports.importing.values import (
    CellError,
    parse_count,
    parse_date,
    parse_text,
)
from reports.models import (
    TARGET_METRIC_CHOICES,
    FigureSource,
    Metric,
    Target,
    TargetKind,
    YearlyFigure,
)


class CommitteeLookup:
    """Committees by code, only inside the user's scope (a code outside it is unknown)."""

    def __init__(self, user):
        self.user = user
        self._found: dict[str, PartyOrganization | None] = {}

    def get(self, code: str) -> PartyOrganization | None:
        if code not in self._found:
            self._found[code] = (
                PartyOrganization.objects.for_user(self.user).committees().filter(code=code).first()
            )
        return self._found[code]


def committee_cell(fmt, row: Row, cells: dict, key: str = "committee"):
    code = fmt.cell(row, cells, key, parse_text, max_length=32)
    if not code:
        fmt.require(row, key, code)
        return None
    committee = fmt.committees.get(code)
    if committee is None:
        # The message must not tell whether the code exists elsewhere.
        row.fail(
            key,
            _("No committee with the code “%(code)s” in your scope.") % {"code": code},
        )
    return committee


FIGURE_COLUMNS = {
    Metric.PARTY_ORGANIZATIONS: "Số tổ chức đảng",
    Metric.PARTY_MEMBERS: "Số đảng viên",
    Metric.ORGANIZATIONS_ESTABLISHED: "Tổ chức đảng thành lập mới",
    Metric.ORGANIZATIONS_RECEIVED: "Tổ chức đảng tiếp nhận",
    Metric.MEMBERS_ADMITTED: "Kết nạp đảng viên",
    Metric.TRADE_UNIONS: "Công đoàn cơ sở",
    Metric.TRADE_UNION_MEMBERS: "Đoàn viên công đoàn",
    Metric.YOUTH_UNIONS: "Tổ chức Đoàn cơ sở",
    Metric.YOUTH_UNION_MEMBERS: "Đoàn viên thanh niên",
}


class FiguresFormat(ImportFormat):
    """Yearly figures: one row per committee and date, one column per metric.

    Stock columns are values on `as_of`; flow columns are totals from 1 January of that year
    up to `as_of`. An empty cell is unknown: it neither creates nor clears a figure.
    """

    name = "figures"
    columns = (
        Column("committee", "Đơn vị", required=True, example="HN-KCNCX"),
        Column("as_of", "Tính đến ngày", required=True, example="31/12/2015"),
        *(Column(str(metric), vi) for metric, vi in FIGURE_COLUMNS.items()),
    )
    key = ("committee", "as_of")

    def __init__(self, user, **kwargs):
        super().__init__(user, **kwargs)
        self.committees = CommitteeLookup(user)

    def parse(self, row: Row, cells: dict) -> None:
        committee = committee_cell(self, row, cells)
        as_of = self.cell(row, cells, "as_of", parse_date)
        self.require(row, "as_of", as_of)
        if as_of and as_of > today():
            row.fail("as_of", _("The date is in the future."))
        figures = {}
        for metric in FIGURE_COLUMNS:
            value = self.cell(row, cells, str(metric), parse_count)
            if value is not None:
                figures[str(metric)] = value
        if not figures and not row.errors:
            row.fail("", _("The row has no figure: every figure cell is empty."))
        row.values = {"committee": committee.code if committee else None, "as_of": as_of}
        row.values.update(figures)
        row.committee = committee

    def classify(self, rows: list[Row]) -> None:
        existing = {
            (figure.committee_id, figure.as_of, figure.metric): figure
            for figure in YearlyFigure.objects.filter(
                committee__in={row.committee for row in rows},
                as_of__in={row.values["as_of"] for row in rows},
            )
        }
        for row in rows:
            committee, as_of = row.committee, row.values["as_of"]
            row.found = {}
            new = changed = 0
            for metric in FIGURE_COLUMNS:
                value = row.values.get(str(metric))
                if value is None:
                    continue
                figure = existing.get((committee.pk, as_of, str(metric)))
                row.found[str(metric)] = figure
                if figure is None:
                    new += 1
                elif figure.value != value:
                    if figure.source == FigureSource.COMPUTED:
                        row.fail(
                            str(metric),
                            _(
                                "This figure was computed from the ledger when the year was "
                                "closed (%(value)s); an import cannot overwrite it."
                            )
                            % {"value": figure.value},
                        )
                    changed += 1
                    row.changes.append(f"{metric}: {figure.value} → {value}")
            if row.action != Action.ERROR:
                row.action = Action.CHANGED if changed else Action.NEW if new else Action.UNCHANGED

    def write(self, rows: list[Row]) -> None:
        created = []
        for row in rows:
            for metric, figure in row.found.items():
                value = row.values[metric]
                if figure is None:
                    created.append(
                        YearlyFigure(
                            committee=row.committee,
                            as_of=row.values["as_of"],
                            metric=metric,
                            value=value,
                            source=FigureSource.IMPORTED,
                        )
                    )
                elif figure.value != value:
                    figure.value = value
                    figure._change_reason = self.reason
                    figure._history_user = self.user
                    figure.save(update_fields=["value"])
        if created:
            from simple_history.utils import bulk_create_with_history

            bulk_create_with_history(
                created, YearlyFigure, default_change_reason=self.reason, default_user=self.user
            )
            summaries.bump_version()  # no post_save signal for a bulk insert


_PERIOD = re.compile(r"(\d{4})(?:\s*[-–]\s*(\d{4}))?")


def period_text(start: int, end: int) -> str:
    """A period as the file writes it: "2023" for a year, "2020-2025" for a term."""
    return str(start) if start == end else f"{start}-{end}"


def parse_period(value) -> tuple[int, int] | None:
    """A year ("2023") or a term ("2020-2025") as (start year, end year)."""
    if value in (None, ""):
        return None
    found = _PERIOD.fullmatch(str(value))
    if not found:
        raise CellError(
            _("“%(value)s” is not a year (2023) or a term (2020-2025).") % {"value": value}
        )
    start = int(found.group(1))
    end = int(found.group(2) or start)
    if end < start:
        raise CellError(_("A term cannot end before it starts."))
    if not (1930 <= start <= 2100 and end <= 2100):
        raise CellError(_("“%(value)s” is not a plausible year.") % {"value": value})
    return start, end


class TargetsFormat(ImportFormat):
    """Targets: a value for a committee, a period, a metric and a kind of target."""

    name = "targets"
    columns = (
        Column("committee", "Đơn vị", required=True, example="HN-KCNCX"),
        Column("period", "Kỳ", required=True, example="2023"),
        Column(
            "metric",
            "Chỉ tiêu",
            required=True,
            example="members_admitted",
            choices=TARGET_METRIC_CHOICES,
        ),
        Column("kind", "Loại chỉ tiêu", example="plan", choices=TargetKind.choices),
        Column("value", "Giá trị", required=True, example="90"),
    )
    key = ("committee", "period", "metric", "kind")

    def __init__(self, user, **kwargs):
        super().__init__(user, **kwargs)
        self.committees = CommitteeLookup(user)

    def parse(self, row: Row, cells: dict) -> None:
        committee = committee_cell(self, row, cells)
        period = self.cell(row, cells, "period", parse_period)
        self.require(row, "period", period)
        metric = self.choice(row, cells, "metric")
        self.require(row, "metric", metric)
        kind = self.choice(row, cells, "kind")
        value = self.cell(row, cells, "value", parse_count)
        self.require(row, "value", value)
        row.values = {
            "committee": committee.code if committee else None,
            "period": period_text(*period) if period else None,
            "metric": metric,
            "kind": kind or TargetKind.PLAN,
            "value": value,
        }
        row.committee = committee
        row.years = period

    def classify(self, rows: list[Row]) -> None:
        existing = {
            (t.committee_id, t.start_year, t.end_year, t.metric, t.kind): t
            for t in Target.objects.filter(committee__in={row.committee for row in rows})
        }
        for row in rows:
            start, end = row.years
            row.found = existing.get(
                (row.committee.pk, start, end, row.values["metric"], row.values["kind"])
            )
            if row.found is None:
                row.action = Action.NEW
            elif row.found.value != row.values["value"]:
                row.action = Action.CHANGED
                row.changes.append(f"value: {row.found.value} → {row.values['value']}")
            else:
                row.action = Action.UNCHANGED

    def write(self, rows: list[Row]) -> None:
        for row in rows:
            target = row.found or Target(
                committee=row.committee,
                start_year=row.years[0],
                end_year=row.years[1],
                metric=row.values["metric"],
                kind=row.values["kind"],
            )
            target.value = row.values["value"]
            target._change_reason = self.reason
            target._history_user = self.user
            target.save()
