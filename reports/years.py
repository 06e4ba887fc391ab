"""Year-by-year figures, and the comparison of imported figures with the ledger.

Each cell says where it came from: the ledger, an imported yearly figure, or a figure
computed and stored when the year was closed (`close_year`).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction

from config.dates import today
from organizations.models import PartyOrganization
from reports import statistics
from reports.models import Metric, YearlyFigure

YEAR_STOCKS = (
    Metric.PARTY_ORGANIZATIONS,
    Metric.PARTY_MEMBERS,
    Metric.TRADE_UNIONS,
    Metric.TRADE_UNION_MEMBERS,
    Metric.YOUTH_UNIONS,
    Metric.YOUTH_UNION_MEMBERS,
)
YEAR_FLOWS = {
    Metric.ORGANIZATIONS_ESTABLISHED: ("organizations", "established"),
    Metric.ORGANIZATIONS_RECEIVED: ("organizations", "received"),
    Metric.MEMBERS_ADMITTED: ("members", "admitted"),
}
YEAR_METRICS = (*YEAR_STOCKS, *YEAR_FLOWS)
CLOSED = YearlyFigure.Source.COMPUTED


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def ledger_figures(committee, as_of, reader=None) -> dict[str, statistics.Figure]:
    """Stocks on `as_of` and flows from 1 January of its year, from the ledger (or imports
    where the ledger does not cover them, per reports.statistics)."""
    reader = reader or statistics.Reader(committee)
    figures = {
        m: f
        for m, f in statistics.stock(committee, as_of, reader=reader).items()
        if m in YEAR_STOCKS
    }
    flows = statistics.flows(committee, year_end(as_of.year - 1), as_of, reader=reader)
    for metric, (group, key) in YEAR_FLOWS.items():
        values = getattr(flows, group)
        value = None if values is None else values.get(key)
        figures[metric] = statistics.Figure(value, flows.source if value is not None else None)
    return figures


@dataclass(frozen=True)
class YearRow:
    year: int
    as_of: datetime.date
    figures: dict  # metric -> Figure


def year_rows(
    committee: PartyOrganization,
    first_year: int,
    last_year: int,
    *,
    reader: statistics.Reader | None = None,
    also: tuple = (),
) -> list[YearRow]:
    """One row per year: values on 31 December (today for the current year). The summary
    rows of all these days (and of the days in `also`) are read at once."""
    reader = reader or statistics.Reader(committee)
    closed = {key: value for key, (value, source) in reader.figures.items() if source == CLOSED}
    now = today()
    days = [min(year_end(year), now) for year in range(first_year, last_year + 1)]
    reader.prefetch(days + [year_end(day.year - 1) for day in days] + list(also))
    rows = []
    for as_of in days:
        year = as_of.year
        if all((as_of, m) in closed for m in YEAR_METRICS):
            figures = {m: statistics.Figure(closed[(as_of, m)], CLOSED) for m in YEAR_METRICS}
        else:
            figures = ledger_figures(committee, as_of, reader)
        rows.append(YearRow(year, as_of, figures))
    return rows


def first_year(committee: PartyOrganization, reader: statistics.Reader | None = None) -> int:
    """The year the committee's records begin, or its earliest imported figure."""
    reader = reader or statistics.Reader(committee)
    candidates = [committee.records_begin_on()]
    candidates.append(min((as_of for as_of, _metric in reader.figures), default=None))
    known = [day for day in candidates if day is not None]
    return min(known).year if known else today().year


@transaction.atomic
def year_close(*, committee: PartyOrganization, year: int) -> list[YearlyFigure]:
    """Store the year's figures computed from the ledger (source: computed), so that past
    years stay fixed and fast to read. Closing a year again replaces its computed figures."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if year_end(year) >= today():
        raise ValidationError(_("Only a year that has ended can be closed."), code="open_year")
    figures = ledger_figures(committee, year_end(year))
    stored = []
    for metric, figure in figures.items():
        if figure.value is None or figure.source == statistics.Source.IMPORTED:
            continue
        row, _created = YearlyFigure.objects.update_or_create(
            committee=committee,
            as_of=year_end(year),
            metric=metric,
            defaults={"value": figure.value, "source": CLOSED},
        )
        stored.append(row)
    return stored


@dataclass(frozen=True)
class Reconciliation:
    """An imported figure next to what the ledger says for the same committee, date, metric."""

    committee: PartyOrganization
    as_of: datetime.date
    metric: str
    imported: int
    ledger: int

    @property
    def difference(self) -> int:
        return self.imported - self.ledger

    @property
    def matches(self) -> bool:
        return self.difference == 0


def reconciliations(figures) -> list[Reconciliation]:
    """For each imported figure (already scoped) whose date the ledger covers."""
    readers, cache = {}, {}
    rows = []
    for figure in (
        figures.filter(source=YearlyFigure.Source.IMPORTED)
        .select_related("committee")
        .order_by("committee__code", "as_of", "metric")
    ):
        key = (figure.committee_id, figure.as_of)
        if key not in cache:
            reader = readers.setdefault(figure.committee_id, statistics.Reader(figure.committee))
            cache[key] = ledger_figures(figure.committee, figure.as_of, reader)
        computed = cache[key].get(figure.metric)
        if computed is None or computed.source != statistics.Source.LEDGER:
            continue
        rows.append(
            Reconciliation(
                figure.committee, figure.as_of, figure.metric, figure.value, computed.value
            )
        )
    return rows
