"""Targets against what the ledger shows: completion, last year, a term's running total.

A yearly target for year Y is compared with the flow over (31/12/Y-1, 31/12/Y], cut at today;
a term target Y1–Y2 with the running total over (31/12/Y1, 31/12/Y2] up to the end of the
year asked (a term covers the years after its congress year, as in the growth table's term
picks).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from config.dates import today
from organizations.models import PartyOrganization
from reports import statistics
from reports.formatting import percent
from reports.models import Metric, Target

# Which flow each target metric is compared with.
FLOW_OF = {
    Metric.ORGANIZATIONS_ESTABLISHED: ("organizations", "established"),
    Metric.MEMBERS_ADMITTED: ("members", "admitted"),
}


@dataclass(frozen=True)
class TargetRow:
    """One target with the actual figure it is measured against."""

    target: Target
    start: datetime.date
    end: datetime.date
    actual: int | None
    previous_actual: int | None

    @property
    def completion_pct(self) -> Decimal | None:
        return percent(self.actual, self.target.value)

    @property
    def vs_previous_pct(self) -> Decimal | None:
        return percent(self.actual, self.previous_actual)

    @property
    def metric(self) -> str:
        return self.target.metric

    @property
    def kind(self) -> str:
        return self.target.kind


def _flow(committee, metric, start, end, reader, day) -> int | None:
    flows = statistics.flows(committee, start, min(end, day), reader=reader)
    group, key = FLOW_OF[metric]
    values = getattr(flows, group)
    return None if values is None else values.get(key)


def _year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def target_rows(committee: PartyOrganization, targets, year: int | None = None) -> list[TargetRow]:
    """Rows for `targets` (already scoped); with `year`, those whose period covers it, and a
    term's actual is its running total up to the end of that year."""
    periods = []
    for target in targets.filter(committee=committee, metric__in=FLOW_OF).order_by(
        "start_year", "end_year", "metric", "kind"
    ):
        yearly = target.start_year == target.end_year
        if year is not None and not (
            (yearly and target.start_year == year)
            or (not yearly and target.start_year < year <= target.end_year)
        ):
            continue
        start = _year_end(target.start_year - 1 if yearly else target.start_year)
        end = _year_end(year if year is not None and not yearly else target.end_year)
        previous = _year_end(target.start_year - 2) if yearly else None
        periods.append((target, start, end, previous))
    # Every day the rows need, read at once.
    reader = statistics.Reader(committee)
    now = today()  # once: the time zone's date costs more than the rest of a row
    days = {min(day, now) for _t, *bounds in periods for day in bounds if day is not None}
    reader.prefetch(days)
    rows = []
    for target, start, end, previous in periods:
        actual = _flow(committee, target.metric, start, end, reader, now)
        before = _flow(committee, target.metric, previous, start, reader, now) if previous else None
        rows.append(TargetRow(target, start, end, actual, before))
    return rows
