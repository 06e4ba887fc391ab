"""Figures counted straight from the ledger of events: the reference the summary rows must
equal, the way figures are read for a cell (which has no summary rows), and the "naive way"
the benchmark compares the summaries with.

Each figure here scans the events of the subtree: fine for one zone, seconds at national
scale. Reports read `reports.summaries` through `reports.statistics` instead.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, OuterRef, Q, Subquery, Sum

from members.models import MemberEvent, Status
from organizations.models import OrganizationEvent, PartyOrganization
from reports.models import Metric
from unions.models import Headcount, MassOrganization

ONE_DAY = datetime.timedelta(days=1)
ACTIVE = (Status.PROBATIONARY, Status.OFFICIAL)


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
        self.starts = {}  # organization -> the day it was first established or received
        for org_id, kind, date, _parent, _previous in self.events:
            if kind in OrganizationEvent.STARTING_KINDS:
                self.starts.setdefault(org_id, date)

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


def member_events_on(org_ids: set[int], day: datetime.date, statuses=ACTIVE):
    """The events that make the members of `org_ids` on `day`: one per member counted."""
    return MemberEvent.objects.current_on(day).filter(
        organization_id__in=org_ids, status_after__in=statuses
    )


def members_on(committee_id: int, day: datetime.date, ledger: OrganizationLedger):
    """The events of the members the committee's subtree counts on `day` (as `ledger_stock`)."""
    return member_events_on(ledger.tree_on(day).subtree(committee_id), day)


def _member_count(org_ids: set[int], day: datetime.date, statuses=ACTIVE) -> int:
    return member_events_on(org_ids, day, statuses).count()


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


def ledger_stock(committee_id: int, day: datetime.date, ledger: OrganizationLedger) -> dict:
    """Every stock metric of the committee's subtree on `day`, counted from the ledger."""
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


def member_events_between(committee_id: int, start, end, ledger: OrganizationLedger):
    """The member events of the committee's subtree over `(start, end]`, each counted where
    its organization stood on its date (filter by `kind` for admissions, say)."""
    condition = Q()
    for low, high, subtree in _segments(ledger, committee_id, start, end):
        condition |= Q(date__range=(low, high), organization_id__in=subtree)
    return MemberEvent.objects.filter(condition) if condition else MemberEvent.objects.none()


def _member_flows(ledger, committee_id, start, end) -> dict[str, int]:
    counts = dict.fromkeys(MemberEvent.Kind.values, 0)
    rows = (
        member_events_between(committee_id, start, end, ledger)
        .values("kind")
        .annotate(n=Count("pk"))
    )
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
    # A union founded before its Party organization joins the subtree when that organization
    # is established: its founding and recruitment count from then (reports.summaries too).
    result = {}
    pieces = _segments(ledger, committee_id, start, end)
    for kind in MassOrganization.Kind.values:
        established = recruited = 0
        for low, high, subtree in pieces:
            unions = MassOrganization.objects.filter(
                kind=kind, level=MassOrganization.Level.GRASSROOTS, party_committee_id__in=subtree
            )
            for org, founded in unions.values_list("party_committee_id", "founded_on"):
                established += low <= max(founded, ledger.starts.get(org, founded)) <= high
            for org, date, n in Headcount.objects.filter(
                organization__in=unions, date__lte=high
            ).values_list("organization__party_committee_id", "date", "recruited"):
                recruited += n if low <= max(date, ledger.starts.get(org, date)) <= high else 0
        result[f"{kind}s_established"] = established
        result[f"{kind}_members_recruited"] = recruited
    return result


def ledger_flows(committee_id: int, start, end, ledger: OrganizationLedger) -> dict:
    """Movements of the committee's subtree over `(start, end]`, counted from the ledger."""
    return {
        "organizations": _organization_flows(committee_id, start, end),
        "members": _member_flows(ledger, committee_id, start, end),
        "unions": _union_flows(ledger, committee_id, start, end),
    }


# The same figures as reports.statistics, the naive way (for the benchmark and the tests).


def stock(committee, day):
    from reports import statistics

    return statistics.stock(committee, day, naive=True)


def flows(committee, start, end):
    from reports import statistics

    return statistics.flows(committee, start, end, naive=True)


def growth(committee, base_date, as_of):
    from reports import statistics

    return statistics.growth(committee, base_date, as_of, naive=True)
