"""Figures for a committee's subtree: read from its summary rows (`reports.summaries`), which
follow from the ledgers of events; a cell, which has no summary rows, is counted from the
ledger itself (`reports.ledger`, which also gives every figure the naive way with `naive=True`).

Rules:
- A *stock* (organizations, members, unions, ...) is a value on a date, counting the events
  dated up to and including that day. A *flow* (established, admitted, ...) is a total over a
  period `(start, end]`: after `start`, up to and including `end`.
- The tree is read as it stood on each date from `OrganizationEvent` rows, so an organization
  moved under another committee counts where it was on the date asked.
- "Party organizations" are the organizations directly under the committee (DOMAIN.md);
  grassroots organizations and subordinate cells are counted in the whole subtree.
- Ledger coverage: a committee's figures come from the ledger from its *coverage start*, the
  latest `ledger_starts_on` among the committee and the committees under it: stocks on that
  day and after, flows over periods starting on that day or after. For an earlier date, a
  stock is read from the imported `YearlyFigure` of that committee on that exact date, and a
  year-to-date flow (from 31 December of the previous year) from the imported flow figure;
  anything else is unknown (None), never zero.
"""

import datetime
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Max
from django.utils.translation import gettext as _

from members.models import MemberEvent
from organizations.models import PartyOrganization
from reports import ledger as ledger_counts
from reports import summaries
from reports.formatting import change_pct, multiple
from reports.models import Metric, YearlyFigure

ONE_DAY = datetime.timedelta(days=1)
GROWTH_METRICS = (
    Metric.PARTY_ORGANIZATIONS,
    Metric.PARTY_MEMBERS,
    Metric.TRADE_UNIONS,
    Metric.TRADE_UNION_MEMBERS,
    Metric.YOUTH_UNIONS,
    Metric.YOUTH_UNION_MEMBERS,
)
STOCK_METRICS = (
    Metric.PARTY_ORGANIZATIONS,
    Metric.GRASSROOTS_ORGANIZATIONS,
    Metric.SUBORDINATE_CELLS,
    Metric.PARTY_MEMBERS,
    Metric.PROBATIONARY_MEMBERS,
    Metric.TRADE_UNIONS,
    Metric.TRADE_UNION_MEMBERS,
    Metric.YOUTH_UNIONS,
    Metric.YOUTH_UNION_MEMBERS,
)


class Source:
    LEDGER = "ledger"
    IMPORTED = "imported"


@dataclass(frozen=True)
class Figure:
    """A value and where it came from; `value` None means unknown."""

    value: int | None
    source: str | None


class Reader:
    """What a report reads about one committee, each fetched once: its coverage start, its
    yearly figures, and its summary rows on the days asked (`prefetch` several at once, so
    that a year table is one query rather than one per year)."""

    def __init__(self, committee: PartyOrganization, *, naive: bool = False):
        self.committee = committee
        # A cell has no summary rows: it is counted from the ledger, as everything is when
        # `naive` (the benchmark's baseline).
        self.naive = naive or not committee.is_committee
        self._start = self._figures = self._ledger = None
        self._totals = {}
        self.flows_found = {}  # (start, end) -> Flows

    @property
    def coverage_start(self) -> datetime.date | None:
        if self._start is None:
            self._read_committee()
        return self._start[0]

    @property
    def figures(self) -> dict[tuple, tuple[int, str]]:
        """The committee's yearly figures: `(as_of, metric) -> (value, source)`."""
        if self._figures is None:
            self._read_committee()
        return self._figures

    def _read_committee(self) -> None:
        """The yearly figures and the coverage start, in one statement: every report needs
        both, and a page has a budget of queries. Raw SQL, as `summaries.totals_on`: the ORM
        took longer to build this UNION than the database to answer it."""
        figures = YearlyFigure._meta
        organizations = PartyOrganization._meta
        alias = router.db_for_read(YearlyFigure)
        connection = connections[alias]
        quote = connection.ops.quote_name
        # The latest ledger_starts_on of the subtree: MAX over the partial index on the column.
        sql = (
            f"SELECT as_of, metric, value, source FROM {quote(figures.db_table)} "
            "WHERE committee_id = %s "
            "UNION ALL "
            f"SELECT MAX(ledger_starts_on), %s, NULL, NULL FROM {quote(organizations.db_table)} "
            "WHERE path LIKE %s ESCAPE '\\' AND ledger_starts_on IS NOT NULL"
        )
        subtree = connection.ops.prep_for_like_query(self.committee.path) + "%"
        found, start = {}, None
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.committee.pk, COVERAGE, subtree])
            for as_of, metric, value, source in cursor.fetchall():
                day = as_of if as_of is None else summaries._as_date(as_of)
                if metric == COVERAGE:
                    start = day
                else:
                    found[(day, metric)] = (value, source)
        self._figures, self._start = found, (start,)

    def imported(self, day: datetime.date, metrics) -> dict[str, "Figure"]:
        found = {m: self.figures.get((day, m), (None, None))[0] for m in metrics}
        return {
            metric: Figure(value, Source.IMPORTED if value is not None else None)
            for metric, value in found.items()
        }

    @property
    def ledger(self) -> ledger_counts.OrganizationLedger:
        if self._ledger is None:
            self._ledger = ledger_counts.OrganizationLedger()
        return self._ledger

    def prefetch(self, days) -> None:
        if not self.naive:
            missing = set(days) - self._totals.keys()
            self._totals.update(summaries.totals_on(self.committee.pk, missing))

    def totals(self, day: datetime.date) -> dict[str, int]:
        if day not in self._totals:
            self.prefetch([day])
        return self._totals[day]


# The metric of the row that carries the coverage start among a committee's yearly figures.
COVERAGE = "_coverage_start"


def coverage_start(committee: PartyOrganization) -> datetime.date | None:
    """The date from which the ledger holds every event of the committee's subtree."""
    return (
        PartyOrganization.objects.subtree_of(committee)
        .filter(ledger_starts_on__isnull=False)
        .aggregate(start=Max("ledger_starts_on"))["start"]
    )


def stock(
    committee: PartyOrganization,
    day: datetime.date,
    *,
    reader: Reader | None = None,
    naive: bool = False,
) -> dict[str, Figure]:
    """Every stock metric of the committee's subtree on `day`."""
    reader = reader or Reader(committee, naive=naive)
    start = reader.coverage_start
    if start is not None and day < start:
        return reader.imported(day, STOCK_METRICS)
    if reader.naive:
        values = ledger_counts.ledger_stock(committee.pk, day, reader.ledger)
    else:
        totals = reader.totals(day)
        values = {metric: totals[metric] for metric in STOCK_METRICS}
    return {metric: Figure(value, Source.LEDGER) for metric, value in values.items()}


@dataclass(frozen=True)
class Flows:
    """Movements over a period `(start, end]`; None where the ledger does not cover it."""

    organizations: dict[str, int] | None
    members: dict[str, int] | None
    unions: dict[str, int] | None
    source: str | None


ORGANIZATION_FLOWS = (
    "established",
    "received",
    "dissolved",
    "transferred_out",
    "moved_in",
    "moved_out",
)
UNION_FLOWS = (
    "trade_unions_established",
    "trade_union_members_recruited",
    "youth_unions_established",
    "youth_union_members_recruited",
)


# `Kind.values` builds its list again on each call.
MEMBER_EVENT_KINDS = tuple(MemberEvent.Kind.values)


def _summary_flows(reader: Reader, start: datetime.date, end: datetime.date) -> dict:
    reader.prefetch([start, end])
    before, after = reader.totals(start), reader.totals(end)

    def change(field):
        return after[field] - before[field]

    members = {kind: change(f"members_{kind}") for kind in MEMBER_EVENT_KINDS}
    members["moved_with_organizations"] = change("members_moved")
    return {
        "organizations": {key: change(f"organizations_{key}") for key in ORGANIZATION_FLOWS},
        "members": members,
        "unions": {key: change(key) for key in UNION_FLOWS},
    }


def flows(
    committee: PartyOrganization,
    start: datetime.date,
    end: datetime.date,
    *,
    reader: Reader | None = None,
    naive: bool = False,
) -> Flows:
    """Movements of the committee's subtree after `start` up to and including `end`."""
    reader = reader or Reader(committee, naive=naive)
    # A target report asks for the same period once per metric: computed once per reader.
    if (start, end) not in reader.flows_found:
        reader.flows_found[(start, end)] = _flows(committee, start, end, reader)
    return reader.flows_found[(start, end)]


def _flows(committee, start, end, reader) -> Flows:
    covered_from = reader.coverage_start
    if covered_from is not None and start < covered_from:
        return _imported_flows(reader, start, end)
    if reader.naive:
        found = ledger_counts.ledger_flows(committee.pk, start, end, reader.ledger)
    else:
        found = _summary_flows(reader, start, end)
    return Flows(**found, source=Source.LEDGER)


def _imported_flows(reader: Reader, start, end) -> Flows:
    # Imported flow figures run from 1 January to their date, so only such a period matches.
    if start != datetime.date(end.year - 1, 12, 31):
        return Flows(None, None, None, None)
    found = reader.imported(
        end,
        (Metric.ORGANIZATIONS_ESTABLISHED, Metric.ORGANIZATIONS_RECEIVED, Metric.MEMBERS_ADMITTED),
    )
    if all(figure.value is None for figure in found.values()):
        return Flows(None, None, None, None)
    return Flows(
        organizations={
            "established": found[Metric.ORGANIZATIONS_ESTABLISHED].value,
            "received": found[Metric.ORGANIZATIONS_RECEIVED].value,
        },
        members={"admitted": found[Metric.MEMBERS_ADMITTED].value},
        unions=None,
        source=Source.IMPORTED,
    )


@dataclass(frozen=True)
class GrowthRow:
    """One metric of the growth table."""

    metric: str
    label: str
    base_date: datetime.date
    base: Figure
    as_of: datetime.date
    now: Figure

    @property
    def change(self) -> int | None:
        if self.base.value is None or self.now.value is None:
            return None
        return self.now.value - self.base.value

    @property
    def change_pct(self):
        return change_pct(self.now.value, self.base.value)

    @property
    def multiple(self):
        return multiple(self.now.value, self.base.value)


@dataclass(frozen=True)
class DecompositionLine:
    label: str
    value: int | None
    sign: int  # +1 adds to the base, -1 takes away, 0 is the base or the result


@dataclass(frozen=True)
class Growth:
    """The growth table of a committee between two dates, with the decomposition of totals."""

    committee: PartyOrganization
    base_date: datetime.date
    as_of: datetime.date
    rows: list[GrowthRow]
    flows: Flows

    def row(self, metric: str) -> GrowthRow:
        return next(row for row in self.rows if row.metric == metric)

    def organization_lines(self) -> list[DecompositionLine]:
        org = self.flows.organizations or {}
        row = self.row(Metric.PARTY_ORGANIZATIONS)
        return self._lines(
            row,
            [
                (_("Established"), org.get("established"), 1),
                (_("Received from districts"), org.get("received"), 1),
                (_("Moved in from another committee"), org.get("moved_in"), 1),
                (_("Dissolved"), org.get("dissolved"), -1),
                (_("Transferred out"), org.get("transferred_out"), -1),
                (_("Moved under another committee"), org.get("moved_out"), -1),
            ],
        )

    def member_lines(self) -> list[DecompositionLine]:
        mem = self.flows.members or {}
        row = self.row(Metric.PARTY_MEMBERS)
        return self._lines(
            row,
            [
                (_("Admitted"), mem.get("admitted"), 1),
                (_("Transferred in"), mem.get("transferred_in"), 1),
                (_("Moved with their organization (net)"), mem.get("moved_with_organizations"), 1),
                (_("Transferred out"), mem.get("transferred_out"), -1),
                (_("Died"), mem.get("died"), -1),
                (_("Struck off"), mem.get("struck_off"), -1),
                (_("Expelled"), mem.get("expelled"), -1),
                (_("Left the Party"), mem.get("left"), -1),
            ],
        )

    @staticmethod
    def _lines(row: GrowthRow, parts) -> list[DecompositionLine]:
        lines = [DecompositionLine(_("At the base date"), row.base.value, 0)]
        lines += [DecompositionLine(label, value, sign) for label, value, sign in parts]
        lines.append(DecompositionLine(_("At the as-of date"), row.now.value, 0))
        return lines

    @staticmethod
    def balances(lines: list[DecompositionLine]) -> bool | None:
        """Whether base plus the movements gives the total; None when a part is unknown."""
        if any(line.value is None for line in lines):
            return None
        moved = sum(line.sign * line.value for line in lines[1:-1])
        return lines[0].value + moved == lines[-1].value


def growth(
    committee: PartyOrganization,
    base_date: datetime.date,
    as_of: datetime.date,
    *,
    naive: bool = False,
) -> Growth:
    """The growth of the committee's figures from `base_date` to `as_of` (DOMAIN.md)."""
    reader = Reader(committee, naive=naive)
    reader.prefetch([base_date, as_of])
    base = stock(committee, base_date, reader=reader)
    now = stock(committee, as_of, reader=reader)
    labels = dict(Metric.choices)
    rows = [
        GrowthRow(metric, str(labels[metric]), base_date, base[metric], as_of, now[metric])
        for metric in GROWTH_METRICS
    ]
    return Growth(
        committee, base_date, as_of, rows, flows(committee, base_date, as_of, reader=reader)
    )
