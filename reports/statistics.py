"""Figures for a committee's subtree, computed from the ledgers of events.

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
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils.translation import gettext as _

from members.models import MemberEvent, Status
from organizations.models import OrganizationEvent, PartyOrganization
from reports.formatting import change_pct, multiple
from reports.models import Metric, YearlyFigure
from unions.models import Headcount, MassOrganization

ONE_DAY = datetime.timedelta(days=1)
ACTIVE = (Status.PROBATIONARY, Status.OFFICIAL)
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


class OrganizationLedger:
    """All organization events, loaded once, to rebuild the tree as it stood on any date."""

    def __init__(self):
        self.kind = dict(PartyOrganization.objects.values_list("pk", "kind"))
        self.current_parent = dict(PartyOrganization.objects.values_list("pk", "parent_id"))
        self.events = list(
            OrganizationEvent.objects.order_by("date", "pk").values_list(
                "organization_id", "kind", "date", "parent_id", "previous_parent_id"
            )
        )
        self.with_events = {row[0] for row in self.events}

    def tree_on(self, day: datetime.date, *, include_ended: bool = False) -> "Tree":
        """The tree on `day`; with `include_ended`, ended organizations stay in place."""
        # Organizations outside the ledger (no event at all) stand where they are now.
        parent = {pk: p for pk, p in self.current_parent.items() if pk not in self.with_events}
        exists = set(parent)
        for org_id, kind, date, parent_id, _previous in self.events:
            if date > day:
                break
            parent[org_id] = parent_id
            if kind in OrganizationEvent.ENDING_KINDS:
                exists.discard(org_id)
            else:
                exists.add(org_id)
        if not include_ended:
            parent = {pk: p for pk, p in parent.items() if pk in exists}
        return Tree(parent, self.kind)

    def moves_between(self, start: datetime.date, end: datetime.date):
        return [row for row in self.events if row[1] == "moved" and start < row[2] <= end]


class Tree:
    """A snapshot of the tree: parent by organization id."""

    def __init__(self, parent: dict[int, int | None], kind: dict[int, str]):
        self.parent = parent
        self.kind = kind
        self.children = defaultdict(list)
        for pk, parent_id in parent.items():
            if parent_id is not None:
                self.children[parent_id].append(pk)

    def subtree(self, root_id: int) -> set[int]:
        """`root_id` and everything under it (empty if it does not stand in this tree)."""
        if root_id not in self.parent:
            return set()
        found, stack = set(), [root_id]
        while stack:
            node = stack.pop()
            found.add(node)
            stack.extend(self.children.get(node, ()))
        return found


def coverage_start(committee: PartyOrganization) -> datetime.date | None:
    """The date from which the ledger holds every event of the committee's subtree."""
    dates = (
        PartyOrganization.objects.subtree_of(committee)
        .filter(ledger_starts_on__isnull=False)
        .values_list("ledger_starts_on", flat=True)
    )
    return max(dates, default=None)


def _member_count(org_ids: set[int], day: datetime.date, statuses=ACTIVE) -> int:
    return (
        MemberEvent.objects.current_on(day)
        .filter(organization_id__in=org_ids, status_after__in=statuses)
        .count()
    )


def _union_stock(org_ids: set[int], day: datetime.date, kind: str) -> tuple[int, int]:
    unions = MassOrganization.objects.existing_on(day).filter(
        kind=kind, level=MassOrganization.Level.GRASSROOTS, party_committee_id__in=org_ids
    )
    latest = (
        Headcount.objects.filter(organization=OuterRef("pk"), date__lte=day)
        .order_by("-date")
        .values("members")[:1]
    )
    totals = unions.annotate(latest_members=Subquery(latest)).aggregate(
        count=Count("pk"), members=Sum("latest_members")
    )
    return totals["count"], totals["members"] or 0


def _ledger_stock(committee_id: int, day: datetime.date, ledger: OrganizationLedger) -> dict:
    tree = ledger.tree_on(day)
    subtree = tree.subtree(committee_id)
    kinds = [ledger.kind[pk] for pk in subtree if pk != committee_id]
    direct = sum(1 for pk in tree.children.get(committee_id, ()))
    trade = _union_stock(subtree, day, MassOrganization.Kind.TRADE_UNION)
    youth = _union_stock(subtree, day, MassOrganization.Kind.YOUTH_UNION)
    return {
        Metric.PARTY_ORGANIZATIONS: direct,
        Metric.GRASSROOTS_ORGANIZATIONS: sum(
            k in PartyOrganization.GRASSROOTS_KINDS for k in kinds
        ),
        Metric.SUBORDINATE_CELLS: kinds.count(PartyOrganization.Kind.SUBORDINATE_CELL),
        Metric.PARTY_MEMBERS: _member_count(subtree, day),
        Metric.PROBATIONARY_MEMBERS: _member_count(subtree, day, (Status.PROBATIONARY,)),
        Metric.TRADE_UNIONS: trade[0],
        Metric.TRADE_UNION_MEMBERS: trade[1],
        Metric.YOUTH_UNIONS: youth[0],
        Metric.YOUTH_UNION_MEMBERS: youth[1],
    }


def _imported(committee: PartyOrganization, day: datetime.date, metrics) -> dict[str, Figure]:
    found = dict(
        YearlyFigure.objects.filter(committee=committee, as_of=day, metric__in=metrics).values_list(
            "metric", "value"
        )
    )
    return {
        metric: Figure(found.get(metric), Source.IMPORTED if metric in found else None)
        for metric in metrics
    }


def stock(
    committee: PartyOrganization, day: datetime.date, *, ledger: OrganizationLedger | None = None
) -> dict[str, Figure]:
    """Every stock metric of the committee's subtree on `day`."""
    start = coverage_start(committee)
    if start is not None and day < start:
        return _imported(committee, day, STOCK_METRICS)
    values = _ledger_stock(committee.pk, day, ledger or OrganizationLedger())
    return {metric: Figure(value, Source.LEDGER) for metric, value in values.items()}


@dataclass(frozen=True)
class Flows:
    """Movements over a period `(start, end]`; None where the ledger does not cover it."""

    organizations: dict[str, int] | None
    members: dict[str, int] | None
    unions: dict[str, int] | None
    source: str | None


def _segments(ledger: OrganizationLedger, committee_id: int, start, end):
    """Split `(start, end]` at each move, with the committee's subtree in each piece."""
    cuts = sorted({row[2] for row in ledger.moves_between(start, end)})
    bounds = [start + ONE_DAY, *cuts, end + ONE_DAY]
    pieces = []
    for low, high in zip(bounds, bounds[1:], strict=False):
        if low >= high:
            continue
        last_day = high - ONE_DAY
        # Ended organizations stay in, so that their last events are counted.
        subtree = ledger.tree_on(last_day, include_ended=True).subtree(committee_id)
        pieces.append((low, last_day, subtree))
    return pieces


def _member_flows(ledger, committee_id, start, end) -> dict[str, int]:
    counts = dict.fromkeys(MemberEvent.Kind.values, 0)
    condition = Q()
    for low, high, subtree in _segments(ledger, committee_id, start, end):
        condition |= Q(date__range=(low, high), organization_id__in=subtree)
    if condition:
        rows = MemberEvent.objects.filter(condition).values("kind").annotate(n=Count("pk"))
        counts.update({row["kind"]: row["n"] for row in rows})
    # Members carried in or out of the subtree when an organization moved across its edge.
    moved = 0
    for org_id, _kind, date, parent_id, previous_id in ledger.moves_between(start, end):
        before = ledger.tree_on(date - ONE_DAY)
        after = ledger.tree_on(date)
        was_in = previous_id in before.subtree(committee_id)
        now_in = parent_id in after.subtree(committee_id)
        if was_in != now_in:
            carried = _member_count(before.subtree(org_id), date - ONE_DAY)
            moved += carried if now_in else -carried
    counts["moved_with_organizations"] = moved
    return counts


def _organization_flows(committee_id, start, end) -> dict[str, int]:
    events = OrganizationEvent.objects.filter(date__gt=start, date__lte=end)
    direct = dict(events.filter(parent_id=committee_id).values_list("kind").annotate(n=Count("pk")))
    return {
        "established": direct.get(OrganizationEvent.Kind.ESTABLISHED, 0),
        "received": direct.get(OrganizationEvent.Kind.RECEIVED, 0),
        "dissolved": direct.get(OrganizationEvent.Kind.DISSOLVED, 0),
        "transferred_out": direct.get(OrganizationEvent.Kind.TRANSFERRED_OUT, 0),
        "moved_in": direct.get(OrganizationEvent.Kind.MOVED, 0),
        "moved_out": events.filter(
            kind=OrganizationEvent.Kind.MOVED, previous_parent_id=committee_id
        ).count(),
    }


def _union_flows(ledger, committee_id, start, end) -> dict[str, int]:
    subtree = ledger.tree_on(end, include_ended=True).subtree(committee_id)
    result = {}
    for kind in MassOrganization.Kind.values:
        unions = MassOrganization.objects.filter(
            kind=kind, level=MassOrganization.Level.GRASSROOTS, party_committee_id__in=subtree
        )
        result[f"{kind}s_established"] = unions.filter(
            founded_on__gt=start, founded_on__lte=end
        ).count()
        result[f"{kind}_members_recruited"] = (
            Headcount.objects.filter(
                organization__in=unions, date__gt=start, date__lte=end
            ).aggregate(n=Sum("recruited"))["n"]
            or 0
        )
    return result


def flows(
    committee: PartyOrganization,
    start: datetime.date,
    end: datetime.date,
    *,
    ledger: OrganizationLedger | None = None,
) -> Flows:
    """Movements of the committee's subtree after `start` up to and including `end`."""
    covered_from = coverage_start(committee)
    if covered_from is not None and start < covered_from:
        return _imported_flows(committee, start, end)
    ledger = ledger or OrganizationLedger()
    return Flows(
        organizations=_organization_flows(committee.pk, start, end),
        members=_member_flows(ledger, committee.pk, start, end),
        unions=_union_flows(ledger, committee.pk, start, end),
        source=Source.LEDGER,
    )


def _imported_flows(committee, start, end) -> Flows:
    # Imported flow figures run from 1 January to their date, so only such a period matches.
    if start != datetime.date(end.year - 1, 12, 31):
        return Flows(None, None, None, None)
    found = _imported(
        committee,
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


def growth(committee: PartyOrganization, base_date: datetime.date, as_of: datetime.date) -> Growth:
    """The growth of the committee's figures from `base_date` to `as_of` (DOMAIN.md)."""
    ledger = OrganizationLedger()
    base = stock(committee, base_date, ledger=ledger)
    now = stock(committee, as_of, ledger=ledger)
    labels = dict(Metric.choices)
    rows = [
        GrowthRow(metric, str(labels[metric]), base_date, base[metric], as_of, now[metric])
        for metric in GROWTH_METRICS
    ]
    return Growth(
        committee, base_date, as_of, rows, flows(committee, base_date, as_of, ledger=ledger)
    )
