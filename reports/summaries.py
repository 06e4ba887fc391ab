"""Summary rows: each committee's figures cumulated day by day, kept in step with the ledger.

Why: counting members on every request takes seconds at national scale (5.5 million
members). A `Summary` row holds, for a committee and a date, every figure of its subtree
cumulated up to that date; a report reads a handful of rows whatever the size (see
`reports.models.Summary`).

How the rows follow from the ledger:
- Every ledger record (a member's events, an organization's events, a union with its head
  counts, an enterprise) makes *contributions* `(organization, date, field, reach) -> amount`
  at the organization where it happened. The reach says which nodes of the tree it counts for
  on that date: the organization and its ancestors (SUBTREE), its ancestors only (ANCESTORS,
  e.g. "grassroots organizations under the committee"), its parent only (PARENT, "party
  organizations directly under") or itself only (SELF).
- A stock contribution lasts: when a move later changes the organization's ancestors, it
  leaves the nodes it no longer reaches and joins the new ones on the move's date (members
  carried that way also count in the `members_moved` flow). A flow contribution counts once,
  on its date. This is exactly how `reports.ledger` reads the tree as it stood on each date.
- Only committees (`PartyOrganization.COMMITTEE_KINDS`) get rows; a cell's figures are small
  and read from the ledger.

Writers wrap a change in `track(...)`: the contributions of the records it touches are taken
before and after, and the difference is added to the rows, in the same transaction.
`rebuild()` recomputes every row from the ledger (`manage.py rebuild_summaries`).

Three tables are kept this way (`Table`): `Summary` (the figures, every committee),
`CompositionSummary` (members and admissions by category, reports.composition) and
`AgeSummary` (members by age band, whose rows change with birthdays), the last two for the
committees from the zone up. A contribution's field says which table it goes to.
"""

import contextlib
import contextvars
import datetime
import functools
import itertools
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, F, Q, Subquery

from config.dates import add_months
from members.models import ACTIVE_STATUSES, MemberEvent, Status
from organizations.models import Enterprise, OrganizationEvent, PartyOrganization
from reports.importing.bulk import insert_rows
from reports.models import (
    AGE_BAND_VALUES,
    AGE_FIELDS,
    COMPOSITION_CATEGORIES,
    COMPOSITION_FIELDS,
    COMPOSITION_KINDS,
    COMPOSITION_STOCKS,
    SUMMARY_FIELDS,
    SUMMARY_STOCKS,
    UNKNOWN,
    AgeSummary,
    CompositionSummary,
    Summary,
    SummaryVersion,
    admitted_field,
    member_field,
)
from unions.models import Headcount, MassOrganization

SUBTREE, ANCESTORS, PARENT, SELF = "subtree", "ancestors", "parent", "self"
# Records outside the dated ledger (an organization without events, an enterprise) count from
# the start of the records.
ALWAYS = datetime.date(1900, 1, 1)
COMMITTEES = frozenset(PartyOrganization.COMMITTEE_KINDS)
# Any 64-bit number of our own: the key of the advisory lock that serializes summary writes.
LOCK_KEY = 7_205_759_403_792_793

# Inside `deferred()`: summary rows are left alone, and rebuilt at the end.
_DEFERRED = contextvars.ContextVar("summaries_deferred", default=False)

Contributions = Counter  # (organization_id, date, field, reach) -> amount
Deltas = dict  # (committee_id, date) -> Counter(field -> amount)


# --- Contributions of ledger records -------------------------------------------------------


def _event(found: Contributions, org, date, kind, status, n=1) -> None:
    found[(org, date, f"members_{kind}", SUBTREE)] += n
    if status in ACTIVE_STATUSES:
        found[(org, date, "party_members", SUBTREE)] += n
    if status == Status.PROBATIONARY:
        found[(org, date, "probationary_members", SUBTREE)] += n


def _ended(found: Contributions, org, ended_on, status, n=1) -> None:
    """An event stops counting on the day the member's next event ends it."""
    if status in ACTIVE_STATUSES:
        found[(org, ended_on, "party_members", SUBTREE)] -= n
    if status == Status.PROBATIONARY:
        found[(org, ended_on, "probationary_members", SUBTREE)] -= n


def event_contributions(events) -> Contributions:
    """What member events given as `(organization_id, date, kind, status_after, ended_on)`
    contribute (an import's new events, before they are read back)."""
    found = Counter()
    for org, date, kind, status, ended_on in events:
        _event(found, org, date, kind, status)
        if ended_on is not None:
            _ended(found, org, ended_on, status)
    return found


def member_contributions(events) -> Contributions:
    """What a queryset of `MemberEvent` rows contributes (grouped in the database)."""
    found = Counter()
    grouped = (
        events.order_by()
        .values("organization_id", "date", "kind", "status_after")
        .annotate(n=Count("pk"))
        .values_list("organization_id", "date", "kind", "status_after", "n")
    )
    for org, date, kind, status, n in grouped:
        _event(found, org, date, kind, status, n)
    ended = (
        events.order_by()
        .filter(ended_on__isnull=False, status_after__in=ACTIVE_STATUSES)
        .values("organization_id", "ended_on", "status_after")
        .annotate(n=Count("pk"))
        .values_list("organization_id", "ended_on", "status_after", "n")
    )
    for org, ended_on, status, n in ended:
        _ended(found, org, ended_on, status, n)
    return found


# The member fields each static dimension of the composition reads.
MEMBER_DIMENSIONS = (
    "gender",
    "ethnicity",
    "religion",
    "qualification",
    "political_theory",
    "position",
    "from_pipeline",
)
# Full years at which the age band changes (reports.composition's bands).
AGE_LIMITS = (31, 41, 51, 61)
ONE_DAY = datetime.timedelta(days=1)


def age_band(birth_date: datetime.date | None, day: datetime.date) -> str:
    """The age band of someone born on `birth_date`, in full years on `day`."""
    if birth_date is None:
        return UNKNOWN
    for value, limit in zip(AGE_BAND_VALUES, AGE_LIMITS, strict=False):
        # Younger than `limit` on `day`: born after the day `limit` years before.
        if birth_date > add_months(day, -12 * limit):
            return value
    return AGE_BAND_VALUES[-1]


@functools.lru_cache(maxsize=65_536)
def _turns(birth_date: datetime.date) -> tuple[datetime.date, ...]:
    """The first day of each band after the first, by `age_band`'s reckoning (29 February
    included): the days someone born on `birth_date` turns 31, 41, 51 and 61. Birth dates
    repeat across millions of members, hence the cache."""
    days = []
    for limit in AGE_LIMITS:
        day = add_months(birth_date, 12 * limit)
        while add_months(day - ONE_DAY, -12 * limit) >= birth_date:
            day -= ONE_DAY
        while add_months(day, -12 * limit) < birth_date:
            day += ONE_DAY
        days.append(day)
    return tuple(days)


def age_spans(birth_date, start, end):
    """`(from, until or None, band)`: the age bands of a member over `[start, end)`."""
    if birth_date is None:
        return [(start, end, UNKNOWN)]
    turns = _turns(birth_date)
    band = sum(day <= start for day in turns)
    spans, day = [], start
    for turn in turns[band:]:
        if end is not None and turn >= end:
            break
        spans.append((day, turn, AGE_BAND_VALUES[band]))
        day, band = turn, band + 1
    spans.append((day, end, AGE_BAND_VALUES[band]))
    return spans


def category(dimension: str, value) -> str:
    """The composition category of a member's attribute value."""
    if dimension == "from_pipeline":
        return {True: "yes", False: "no"}.get(value, UNKNOWN)
    return value or UNKNOWN


# Column names by (dimension, category), made once: contributions name millions of them.
_MEMBER_FIELD = {(d, c): member_field(d, c) for d, cs in COMPOSITION_CATEGORIES.items() for c in cs}
_ADMITTED_FIELD = {
    (d, c): admitted_field(d, c) for d, cs in COMPOSITION_CATEGORIES.items() for c in cs
}


def composition_contributions(rows, tree: "TreeHistory") -> Contributions:
    """What member events contribute to the composition tables; `rows` are
    `(organization_id, date, kind, status_after, ended_on, birth_date, *MEMBER_DIMENSIONS)`
    (`composition_rows`, or an import's new events with their members' values).

    A member counts in a category of each dimension while an event makes them a member, as
    the growth table counts them; the age band changes on the birthdays that cross a band,
    and the ownership (of the nearest organization above with an enterprise) when a move
    changes the organizations above. An admission counts once, with the age and ownership
    of its day."""
    rows = list(rows)
    tree.load({row[0] for row in rows})
    found = Counter()
    admitted = MemberEvent.Kind.ADMITTED
    member_fields, admitted_fields = _MEMBER_FIELD, _ADMITTED_FIELD

    def span(org, field, start, end):
        found[(org, start, field, SUBTREE)] += 1
        if end is not None:
            found[(org, end, field, SUBTREE)] -= 1

    for org, date, kind, status, ended_on, birth_date, *values in rows:
        static = [
            (dimension, category(dimension, value))
            for dimension, value in zip(MEMBER_DIMENSIONS, values, strict=True)
        ]
        if kind == admitted:
            for key in static:
                found[(org, date, admitted_fields[key], SUBTREE)] += 1
            band = age_band(birth_date, date)
            found[(org, date, admitted_fields[("age_band", band)], SUBTREE)] += 1
            own = tree.ownership_on(org, date)
            found[(org, date, admitted_fields[("ownership", own)], SUBTREE)] += 1
        if status not in ACTIVE_STATUSES:
            continue
        for key in static:
            span(org, member_fields[key], date, ended_on)
        for start, end, band in age_spans(birth_date, date, ended_on):
            span(org, member_fields[("age_band", band)], start, end)
        for start, end, own in tree.ownership_spans(org, date, ended_on):
            span(org, member_fields[("ownership", own)], start, end)
    return found


def composition_rows(events):
    """A queryset of `MemberEvent` as `composition_contributions` reads it."""
    return events.order_by().values_list(
        "organization_id",
        "date",
        "kind",
        "status_after",
        "ended_on",
        "member__birth_date",
        *(f"member__{name}" for name in MEMBER_DIMENSIONS),
    )


def _existence_fields(kind: str, ownership: str | None) -> list[tuple[str, str]]:
    fields = [("party_organizations", PARENT)]
    if kind in PartyOrganization.GRASSROOTS_KINDS:
        fields.append(("grassroots_organizations", ANCESTORS))
        fields.append((f"grassroots_{ownership or 'no_enterprise'}", SUBTREE))
    if kind == PartyOrganization.Kind.SUBORDINATE_CELL:
        fields.append(("subordinate_cells", ANCESTORS))
    return fields


def organization_contributions(organizations) -> Contributions:
    """What a queryset of organizations contributes through their events."""
    found = Counter()
    info = {
        pk: (kind, ownership)
        for pk, kind, ownership in organizations.order_by().values_list(
            "pk", "kind", "enterprise__ownership"
        )
    }
    events = (
        OrganizationEvent.objects.filter(organization__in=organizations.order_by().values("pk"))
        .order_by()
        .values_list("organization_id", "kind", "date", "previous_parent_id")
    )
    with_events = set()
    for org, kind, date, previous in events:
        with_events.add(org)
        sign = (
            1
            if kind in OrganizationEvent.STARTING_KINDS
            else -1
            if kind in OrganizationEvent.ENDING_KINDS
            else 0
        )
        if sign:
            for field, reach in _existence_fields(*info[org]):
                found[(org, date, field, reach)] += sign
            found[(org, date, f"organizations_{kind}", PARENT)] += 1
        if kind == OrganizationEvent.Kind.MOVED:
            found[(org, date, "organizations_moved_in", PARENT)] += 1
            found[(previous, date, "organizations_moved_out", SELF)] += 1
    # Outside the ledger (no event at all): it stands where it is now, from the start.
    for org in info.keys() - with_events:
        for field, reach in _existence_fields(*info[org]):
            found[(org, ALWAYS, field, reach)] += 1
    return found


def existence(organization_ids) -> dict[int, list[tuple]]:
    """Each organization's spans of existence `(from, until or None)` per its events; one
    without events exists throughout."""
    steps = defaultdict(list)
    for org, kind, date in (
        OrganizationEvent.objects.filter(organization_id__in=list(organization_ids))
        .order_by("date", "pk")
        .values_list("organization_id", "kind", "date")
    ):
        if kind in OrganizationEvent.STARTING_KINDS:
            steps[org].append([date, None])
        elif kind in OrganizationEvent.ENDING_KINDS and steps[org]:
            steps[org][-1][1] = date
    return {
        org: [tuple(span) for span in steps[org]] or [(ALWAYS, None)] for org in organization_ids
    }


def union_contributions(unions) -> Contributions:
    """What a queryset of mass organizations contributes: grassroots unions only, with their
    latest head count on each day, while both the union and its Party organization exist.

    A union older than its Party organization (many are) joins the subtree when that
    organization is established: its founding and recruitment count from that day, as in
    `reports.ledger`."""
    found = Counter()
    unions = list(
        unions.filter(level=MassOrganization.Level.GRASSROOTS)
        .order_by()
        .values_list("pk", "kind", "party_committee_id", "founded_on", "dissolved_on")
    )
    counts = defaultdict(list)
    for union, date, members, recruited in (
        Headcount.objects.filter(organization_id__in=[u[0] for u in unions])
        .order_by("organization_id", "date")
        .values_list("organization_id", "date", "members", "recruited")
    ):
        counts[union].append((date, members, recruited))
    spans = existence({u[2] for u in unions})
    for pk, kind, org, founded, dissolved in unions:
        joined = max(founded, spans[org][0][0])
        found[(org, joined, f"{kind}s_established", SUBTREE)] += 1
        for date, _members, recruited in counts[pk]:
            if recruited:
                found[(org, max(date, joined), f"{kind}_members_recruited", SUBTREE)] += recruited
        for start, until in spans[org]:
            begin = max(founded, start)
            end = min(day for day in (dissolved, until) if day) if (dissolved or until) else None
            if end is not None and begin >= end:
                continue
            found[(org, begin, f"{kind}s", SUBTREE)] += 1
            if end is not None:
                found[(org, end, f"{kind}s", SUBTREE)] -= 1
            counted = 0
            for date, members, _recruited in counts[pk]:
                effective = max(date, begin)
                if end is not None and effective >= end:
                    break
                found[(org, effective, f"{kind}_members", SUBTREE)] += members - counted
                counted = members
            if end is not None and counted:
                found[(org, end, f"{kind}_members", SUBTREE)] -= counted
    return found


def _coverage_steps(intervals: list[tuple[datetime.date, int]]) -> list[tuple[datetime.date, int]]:
    """+1 when the running count of `(date, ±1)` steps rises from zero, -1 when it falls back."""
    by_day = Counter()
    for day, step in intervals:
        by_day[day] += step
    steps, running = [], 0
    for day in sorted(by_day):
        before, running = running, running + by_day[day]
        if before <= 0 < running:
            steps.append((day, 1))
        elif running <= 0 < before:
            steps.append((day, -1))
    return steps


def enterprise_contributions(enterprises) -> Contributions:
    """Enterprises registered by a committee, and whether a Party organization, a trade union
    and a youth union cover them on each day."""
    found = Counter()
    committee = dict(
        enterprises.filter(committee__isnull=False).order_by().values_list("pk", "committee_id")
    )
    if not committee:
        return found
    party = defaultdict(list)
    organizations = PartyOrganization.objects.filter(enterprise_id__in=list(committee))
    with_events = set()
    for enterprise, org, kind, date in (
        OrganizationEvent.objects.filter(organization__in=organizations.values("pk"))
        .order_by()
        .values_list("organization__enterprise_id", "organization_id", "kind", "date")
    ):
        with_events.add(org)
        if kind in OrganizationEvent.STARTING_KINDS:
            party[enterprise].append((date, 1))
        elif kind in OrganizationEvent.ENDING_KINDS:
            party[enterprise].append((date, -1))
    for org, enterprise in organizations.order_by().values_list("pk", "enterprise_id"):
        if org not in with_events:
            party[enterprise].append((ALWAYS, 1))
    unions = defaultdict(list)
    for enterprise, kind, founded, dissolved in (
        MassOrganization.objects.filter(enterprise_id__in=list(committee))
        .order_by()
        .values_list("enterprise_id", "kind", "founded_on", "dissolved_on")
    ):
        unions[(enterprise, kind)].append((founded, 1))
        if dissolved:
            unions[(enterprise, kind)].append((dissolved, -1))
    for enterprise, org in committee.items():
        found[(org, ALWAYS, "enterprises", SUBTREE)] += 1
        covers = [
            ("enterprises_with_party", party[enterprise]),
            ("enterprises_with_trade_union", unions[(enterprise, "trade_union")]),
            ("enterprises_with_youth_union", unions[(enterprise, "youth_union")]),
        ]
        for field, intervals in covers:
            for day, step in _coverage_steps(intervals):
                found[(org, day, field, SUBTREE)] += step
    return found


# --- The tree over time, and rolling contributions up it ------------------------------------


class TreeHistory:
    """Each organization's parent over time: its current parent, except where moves changed
    it. Loaded lazily for the organizations asked about and their ancestors."""

    def __init__(self):
        self.parent: dict[int, int | None] = {}
        self.kind: dict[int, str] = {}
        # The ownership of each organization's own enterprise (None without one).
        self.ownership: dict[int, str | None] = {}
        self.moves = defaultdict(list)  # organization -> [(date, new parent, previous parent)]
        for org, date, parent, previous in (
            OrganizationEvent.objects.filter(kind=OrganizationEvent.Kind.MOVED)
            .order_by("date", "pk")
            .values_list("organization_id", "date", "parent_id", "previous_parent_id")
        ):
            self.moves[org].append((date, parent, previous))
        self._segments = {}
        self._reached = {}
        self._owned_pieces = {}

    def load(self, pks: Iterable[int] | None = None) -> None:
        """Load these organizations and everything above them now or before a move (all
        organizations when `pks` is None)."""
        columns = ("pk", "parent_id", "kind", "enterprise__ownership")
        if pks is None:
            self.remember(PartyOrganization.objects.values_list(*columns))
            return
        wanted = {pk for pk in pks if pk is not None} - self.parent.keys()
        while wanted:
            rows = list(
                PartyOrganization.objects.filter(pk__in=list(wanted)).values_list(*columns, "path")
            )
            self.remember(row[:4] for row in rows)
            above = set()
            for pk, parent, _kind, _ownership, path in rows:
                above.update(int(part) for part in path.strip("/").split("/") if part)
                above.add(parent)
                above.update(previous for _date, _new, previous in self.moves.get(pk, ()))
            wanted = {pk for pk in above if pk is not None} - self.parent.keys()

    def remember(self, rows) -> None:
        """Take these `(pk, parent_id, kind, ownership)` rows as loaded."""
        for pk, parent, kind, ownership in rows:
            self.parent[pk] = parent
            self.kind[pk] = kind
            self.ownership[pk] = ownership

    def parent_on(self, pk: int, day: datetime.date) -> int | None:
        moves = self.moves.get(pk)
        if not moves:
            return self.parent[pk]
        parent = moves[0][2]  # where it stood before its first move
        for date, new_parent, _previous in moves:
            if date > day:
                break
            parent = new_parent
        return parent

    def chain_on(self, pk: int, day: datetime.date) -> tuple[int, ...]:
        """The organization and its ancestors on `day`, nearest first."""
        chain = []
        while pk is not None:
            chain.append(pk)
            pk = self.parent_on(pk, day)
        return tuple(chain)

    def _change_days(self, pk: int, seen: frozenset = frozenset()) -> set[datetime.date]:
        if pk is None or pk in seen:
            return set()
        moves = self.moves.get(pk, ())
        days = {date for date, _new, _previous in moves}
        parents = {self.parent[pk]} | {p for _d, new, prev in moves for p in (new, prev)}
        for parent in parents:
            days |= self._change_days(parent, seen | {pk})
        return days

    def segments(self, pk: int) -> list[tuple[datetime.date, tuple[int, ...]]]:
        """`(from_day, chain)` pieces: the chain of ancestors from each day a move changed it."""
        if pk not in self._segments:
            pieces = [(ALWAYS, self.chain_on(pk, ALWAYS))]
            for day in sorted(self._change_days(pk)):
                chain = self.chain_on(pk, day)
                if chain != pieces[-1][1]:
                    pieces.append((day, chain))
            self._segments[pk] = pieces
        return self._segments[pk]

    def _owner(self, chain: tuple[int, ...]) -> str:
        """A member's enterprise ownership: that of the nearest organization of the chain
        with an enterprise (a subordinate cell takes its grassroots committee's)."""
        return next((self.ownership[pk] for pk in chain if self.ownership.get(pk)), UNKNOWN)

    def _owned(self, pk: int) -> list[tuple]:
        """`(from, until or None, ownership)` of organization `pk`'s members over time."""
        if pk not in self._owned_pieces:
            pieces = self.segments(pk)
            self._owned_pieces[pk] = [
                (begin, pieces[i + 1][0] if i + 1 < len(pieces) else None, self._owner(chain))
                for i, (begin, chain) in enumerate(pieces)
            ]
        return self._owned_pieces[pk]

    def ownership_on(self, pk: int, day: datetime.date) -> str:
        """The ownership of the members of organization `pk` on `day`."""
        return next(own for begin, until, own in self._owned(pk) if until is None or day < until)

    def ownership_spans(self, pk: int, start, end):
        """`(from, until or None, ownership)` over `[start, end)`, split where a move changes
        the organizations above `pk`."""
        owned = self._owned(pk)
        if len(owned) == 1:
            return [(start, end, owned[0][2])]
        spans = []
        for begin, until, own in owned:
            low = max(begin, start)
            high = min(d for d in (until, end) if d is not None) if until or end else None
            if high is None or low < high:
                spans.append((low, high, own))
        return spans

    def reached(self, chain: tuple[int, ...], reach: str, kinds=COMMITTEES) -> frozenset[int]:
        """The committees of `kinds` a contribution of this reach counts for, given the chain."""
        key = (chain, reach, kinds)
        if key not in self._reached:
            self._reached[key] = self._reach(chain, reach, kinds)
        return self._reached[key]

    def _reach(self, chain: tuple[int, ...], reach: str, kinds) -> frozenset[int]:
        nodes = {
            SUBTREE: chain,
            ANCESTORS: chain[1:],
            PARENT: chain[1:2],
            SELF: chain[:1],
        }[reach]
        return frozenset(node for node in nodes if self.kind.get(node) in kinds)


# --- The tables of summary rows -------------------------------------------------------------


# Up to this many days of change, a committee's rows are updated in place, one UPDATE per
# day; beyond it (an import, years back) its rows from the first day on are rewritten at once.
STEP_LIMIT = 16


class Table:
    """One table of summary rows: a row per committee (of `kinds`) and day of change, each
    field cumulated up to that day; `stocks` follow their organization when it moves."""

    def __init__(self, model, fields, stocks, kinds):
        self.model = model
        self.fields = tuple(fields)
        self.field_set = frozenset(self.fields)
        self.stocks = frozenset(stocks)
        self.kinds = frozenset(kinds)
        self.zero = dict.fromkeys(self.fields, 0)

    def __repr__(self):
        return f"Table({self.model.__name__})"

    def row_values(self, row) -> dict[str, int]:
        return dict(zip(self.fields, row, strict=True))

    def insert(self, rows: list[tuple]) -> None:
        for start in range(0, len(rows), 10_000):
            insert_rows(
                self.model, ["organization_id", "date", *self.fields], rows[start:][:10_000]
            )

    def apply(self, by_node: dict[int, dict]) -> None:
        """Add each committee's changes by day to its rows (`apply`)."""
        many = sorted(node for node, days in by_node.items() if len(days) > STEP_LIMIT)
        for start in range(0, len(many), 100):
            self._rewrite({node: by_node[node] for node in many[start : start + 100]})
        few = {node: days for node, days in by_node.items() if len(days) <= STEP_LIMIT}
        for start in range(0, len(few), 200):
            self._step(dict(list(few.items())[start : start + 200]))

    def _step(self, by_node: dict[int, dict]) -> None:
        """Update the rows in place: a row for each day of change that has none (a copy of
        the row before it), then each stretch of rows between two days of change gets the
        change so far. Committees with the same stretch and change (a new event's ancestors,
        typically) share one UPDATE."""
        rows = self.model.objects
        days = {day for node_days in by_node.values() for day in node_days}
        stored = set(
            rows.filter(organization_id__in=list(by_node), date__in=days).values_list(
                "organization_id", "date"
            )
        )
        missing = [
            (node, day)
            for node, node_days in by_node.items()
            for day in node_days
            if (node, day) not in stored
        ]
        if missing:
            earlier_rows = defaultdict(list)
            # A few subqueries per statement: SQLite limits the depth of an expression.
            for start in range(0, len(missing), 100):
                condition = Q()
                for node, day in missing[start : start + 100]:
                    earlier = rows.filter(organization_id=node, date__lt=day)
                    condition |= Q(pk=Subquery(earlier.order_by("-date").values("pk")[:1]))
                for node, day, *values in rows.filter(condition).values_list(
                    "organization_id", "date", *self.fields
                ):
                    earlier_rows[node].append((day, values))
            new = []
            for node, day in missing:
                before = [row for row in earlier_rows[node] if row[0] < day]
                values = (
                    max(before, key=lambda row: row[0])[1] if before else list(self.zero.values())
                )
                new.append((node, day, *values))
            self.insert(new)
        updates = defaultdict(list)
        for node, node_days in by_node.items():
            ordered = sorted(node_days)
            running = Counter()
            for index, day in enumerate(ordered):
                running.update(node_days[day])
                change = tuple(sorted((f, amount) for f, amount in running.items() if amount))
                end = ordered[index + 1] if index + 1 < len(ordered) else None
                if change:
                    updates[(day, end, change)].append(node)
        for (day, end, change), nodes in updates.items():
            stretch = rows.filter(organization_id__in=nodes, date__gte=day)
            if end is not None:
                stretch = stretch.filter(date__lt=end)
            stretch.update(**{field: F(field) + amount for field, amount in change})

    def _rewrite(self, by_node: dict[int, dict]) -> None:
        """Recompute the rows of each committee from its first day of change on, and replace
        them (many days of change: fewer statements than updating stretch by stretch)."""
        rows = self.model.objects
        condition, tails = Q(), Q()
        for node, days in by_node.items():
            first = min(days)
            before = (
                rows.filter(organization_id=node, date__lt=first).order_by("-date").values("pk")[:1]
            )
            tails |= Q(organization_id=node, date__gte=first)
            condition |= Q(organization_id=node, date__gte=first) | Q(pk=Subquery(before))
        stored = defaultdict(list)
        for node, day, *values in (
            rows.filter(condition)
            .order_by("organization_id", "date")
            .values_list("organization_id", "date", *self.fields)
        ):
            stored[node].append((day, values))
        new = []
        for node, days in by_node.items():
            first = min(days)
            current = dict(self.zero)
            existing = {}
            for day, values in stored[node]:
                if day < first:
                    current = self.row_values(values)
                else:
                    existing[day] = self.row_values(values)
            added = Counter()
            for day in sorted(existing.keys() | days.keys()):
                if day in existing:
                    current = existing[day]
                added.update(days.get(day, {}))
                new.append((node, day, *[current[f] + added[f] for f in self.fields]))
        rows.filter(tails).delete()
        self.insert(new)

    def cumulate(self, deltas: Deltas) -> list[tuple]:
        """Rows `(committee, date, *fields)` that cumulate this table's part of `deltas`."""
        by_node = defaultdict(list)
        for (node, day), values in deltas.items():
            if any(values[f] for f in values.keys() & self.field_set):
                by_node[node].append((day, values))
        rows = []
        for node, days in by_node.items():
            running = Counter()
            for day, values in sorted(days, key=lambda item: item[0]):
                running.update(values)
                rows.append((node, day, *[running[f] for f in self.fields]))
        return rows

    def canonical(self, rows: dict) -> dict:
        """`{(committee, date): values}` without the rows that change nothing (equal to the
        committee's row before, or all zero at its start): two sets of rows that give the
        same figures on every day have the same canonical form."""
        result, previous = {}, {}
        for (node, day), values in sorted(rows.items()):
            if values != previous.get(node, tuple(self.zero.values())):
                result[(node, day)] = values
            previous[node] = values
        return result

    def stored(self, nodes=None) -> dict:
        """The table's rows as `{(committee, date): values}`, canonical."""
        rows = self.model.objects.all()
        if nodes is not None:
            rows = rows.filter(organization_id__in=list(nodes))
        return self.canonical(
            {
                (node, day): tuple(values)
                for node, day, *values in rows.values_list("organization_id", "date", *self.fields)
            }
        )

    def select_latest(self, pairs: list[tuple[int, datetime.date]]) -> list[tuple]:
        """The row of each `(committee, day)`: the committee's latest row dated on or before
        the day. Each is one probe of the (organization, date) index, so a handful of rows is
        read however many rows the committees have. Raw SQL: the ORM's per-pair subqueries
        cost more to build than the query takes to run."""
        if not pairs:
            return []
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(name) for name in self.fields)
        if connection.vendor == "postgresql":
            # The same probes as two arrays and a LATERAL join: one short statement whatever
            # the number of pairs, so planning stays under a millisecond (63 UNION ALL
            # branches took longer to plan than to run).
            sql = (
                f"SELECT want.node, latest.date, {columns} "
                "FROM unnest(%s::bigint[], %s::date[]) AS want(node, day) "
                f"CROSS JOIN LATERAL (SELECT * FROM {table} WHERE organization_id = want.node "
                "AND date <= want.day ORDER BY date DESC LIMIT 1) AS latest"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [[node for node, _ in pairs], [day for _, day in pairs]])
                return cursor.fetchall()
        probe = f"SELECT %s, MAX(date) FROM {table} WHERE organization_id = %s AND date <= %s"
        sql = (
            f"SELECT organization_id, date, {columns} FROM {table} "
            f"WHERE (organization_id, date) IN ({' UNION ALL '.join([probe] * len(pairs))})"
        )
        params = []
        for node, day in pairs:
            params += [node, node, connection.ops.adapt_datefield_value(day)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def totals_on(self, committee_id: int, days) -> dict[datetime.date, dict]:
        """The committee's cumulated fields on each of `days`, in one query."""
        days = sorted(set(days))
        rows = sorted(
            (
                (_as_date(day), values)
                for _node, day, *values in self.select_latest([(committee_id, d) for d in days])
            ),
            key=lambda row: row[0],
        )
        result = {}
        for day in days:
            found = [values for row_day, values in rows if row_day <= day]
            result[day] = self.row_values(found[-1]) if found else dict(self.zero)
        return result

    def totals_of(self, committee_ids, day: datetime.date) -> dict[int, dict]:
        """Several committees' cumulated fields on one day, in one query."""
        return totals_of_tables([self], committee_ids, day)[0]


def totals_of_tables(tables: list[Table], committee_ids, day: datetime.date) -> list[dict]:
    """`Table.totals_of` of several tables, in one query: for each table, the committees'
    cumulated fields on `day` (a committee without a row on or before it: zeros).

    PostgreSQL takes each committee's latest row of each table through a LATERAL join per
    table (one short statement, planned in well under a millisecond, see `select_latest`);
    SQLite through a correlated MAX(date) per table. Either way one probe of each table's
    (organization, date) index per committee."""
    ids = list(committee_ids)
    if not ids:
        return [{} for _table in tables]
    quote = connection.ops.quote_name
    columns, joins = [], []
    for index, table in enumerate(tables):
        alias, name = f"t{index}", quote(table.model._meta.db_table)
        columns += [f"{alias}.date", *(f"{alias}.{quote(field)}" for field in table.fields)]
        if connection.vendor == "postgresql":
            joins.append(
                f"LEFT JOIN LATERAL (SELECT * FROM {name} WHERE organization_id = want.node "
                f"AND date <= want.day ORDER BY date DESC LIMIT 1) AS {alias} ON true"
            )
        else:
            joins.append(
                f"LEFT JOIN {name} AS {alias} ON {alias}.organization_id = want.node AND "
                f"{alias}.date = (SELECT MAX(date) FROM {name} WHERE organization_id = want.node "
                "AND date <= want.day)"
            )
    if connection.vendor == "postgresql":
        wanted = "unnest(%s::bigint[], %s::date[]) AS want(node, day)"
        params = [ids, [day] * len(ids)]
    else:
        wanted = "(" + " UNION ALL ".join(["SELECT %s AS node, %s AS day"] * len(ids)) + ") AS want"
        params = [value for pk in ids for value in (pk, connection.ops.adapt_datefield_value(day))]
    sql = f"SELECT want.node, {', '.join(columns)} FROM {wanted} {' '.join(joins)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result = [{pk: dict(table.zero) for pk in ids} for table in tables]
    for node, *values in rows:
        start = 0
        for index, table in enumerate(tables):
            date, found = values[start], values[start + 1 : start + 1 + len(table.fields)]
            start += 1 + len(table.fields)
            if date is not None:
                result[index][node] = table.row_values(found)
    return result


FIGURES = Table(Summary, SUMMARY_FIELDS, SUMMARY_STOCKS, COMMITTEES)
COMPOSITION = Table(CompositionSummary, COMPOSITION_FIELDS, COMPOSITION_STOCKS, COMPOSITION_KINDS)
AGES = Table(AgeSummary, AGE_FIELDS, AGE_FIELDS, COMPOSITION_KINDS)
TABLES = (FIGURES, COMPOSITION, AGES)
TABLE_OF = {field: table for table in TABLES for field in table.fields}
ZERO = FIGURES.zero


def rollup(
    contributions: Contributions,
    tree: TreeHistory | None = None,
    only: set | None = None,
    into: Deltas | None = None,
) -> Deltas:
    """The change each contribution makes to the committees' rows, by committee and date
    (`only`: to these committees' rows alone; `into`: added to these deltas)."""
    tree = tree or TreeHistory()
    tree.load({org for org, *_rest in contributions})
    deltas = defaultdict(Counter) if into is None else into
    for (org, day, field, reach), amount in contributions.items():
        if not amount:
            continue
        table = TABLE_OF[field]
        pieces = tree.segments(org)
        if len(pieces) == 1:  # never moved: the same committees on every day
            nodes = tree.reached(pieces[0][1], reach, table.kinds)
            for node in nodes if only is None else nodes & only:
                deltas[(node, day)][field] += amount
            continue
        index = max(i for i, (start, _chain) in enumerate(pieces) if start <= day)
        nodes = tree.reached(pieces[index][1], reach, table.kinds)
        if only is not None:
            nodes = nodes & only
        for node in nodes:
            deltas[(node, day)][field] += amount
        if field not in table.stocks:
            continue
        # A stock follows its organization when a later move changes the ancestors.
        for start, chain in pieces[index + 1 :]:
            now = tree.reached(chain, reach, table.kinds)
            if only is not None:
                now = now & only
            for node, sign in [(n, -1) for n in nodes - now] + [(n, 1) for n in now - nodes]:
                deltas[(node, start)][field] += sign * amount
                if field == "party_members":
                    deltas[(node, start)]["members_moved"] += sign * amount
            nodes = now
    return deltas


def subtract(after: Deltas, before: Deltas) -> Deltas:
    result = defaultdict(Counter)
    for key, values in after.items():
        result[key].update(values)
    for key, values in before.items():
        result[key].subtract(values)
    return {key: values for key, values in result.items() if any(values.values())}


# --- Writing the rows ----------------------------------------------------------------------


def _lock() -> None:
    """One writer of summary rows at a time, until the transaction ends: every change also
    changes the rows of the committees above it, up to the national level."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def bump_version() -> None:
    """Give the summary rows a new version (`SummaryVersion`), in the caller's transaction:
    the pages remembered under the version before are not shown again. Called by every
    write to the rows (`apply`, `rebuild`), whether or not its deltas come to anything.

    A random number rather than a count: a count goes back when a transaction rolls back or
    a backup is restored, and a page remembered under a later count could then be shown for
    other figures; a random 63-bit number never comes back."""
    value = secrets.randbits(63)
    if not SummaryVersion.objects.filter(pk=1).update(value=value):
        SummaryVersion.objects.update_or_create(pk=1, defaults={"value": value})


def bump_version_on_save(sender, **kwargs) -> None:
    """`bump_version` as a signal receiver (an organization, enterprise, target, yearly figure
    or member saved or deleted)."""
    if not kwargs.get("raw") and not _VERSION_LATER.get():  # not while loading fixtures
        bump_version()


_VERSION_LATER = contextvars.ContextVar("summaries_version_later", default=False)


@contextlib.contextmanager
def version_later():
    """Saves inside the block leave the version alone: the caller changes it once, before
    its transaction ends (`apply` does). A long import would otherwise hold the version's
    row from its first saved member on, and a service that locked a member the import saves
    later, then waits for the version, would deadlock with it."""
    token = _VERSION_LATER.set(True)
    try:
        yield
    finally:
        _VERSION_LATER.reset(token)


def version() -> int:
    """The summary rows' version (`SummaryVersion`, 0 before the first change): one short
    read."""
    return SummaryVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0


@transaction.atomic
def apply(deltas: Deltas) -> None:
    """Add `deltas` to the committees' rows: each day's change counts on that day's row and
    every later one; a day without a row gets one, carrying the day before's values."""
    if _DEFERRED.get():
        return
    bump_version()
    by_table = {table: defaultdict(dict) for table in TABLES}
    for (node, day), values in deltas.items():
        for field, amount in values.items():
            if amount:
                by_table[TABLE_OF[field]][node].setdefault(day, Counter())[field] += amount
    if not any(by_table.values()):
        return
    _lock()
    for table, by_node in by_table.items():
        if by_node:
            table.apply(by_node)


class Tracker:
    """The records a change touches; see `track`."""

    def __init__(self, *, members=(), organizations=(), unions=(), enterprises=(), subtrees=()):
        self.members, self.organizations = set(members), set(organizations)
        self.unions, self.enterprises = set(unions), set(enterprises)
        # Organizations all of whose members' events are touched (a moved subtree).
        self.events_at = set()
        for root in subtrees:
            ids = list(PartyOrganization.objects.subtree_of(root).values_list("pk", flat=True))
            self.organizations.update(ids)
            self.events_at.update(ids)
            self.unions.update(
                MassOrganization.objects.filter(party_committee_id__in=ids).values_list(
                    "pk", flat=True
                )
            )
            self.enterprises.update(
                Enterprise.objects.filter(committee_id__in=ids).values_list("pk", flat=True)
            )
        # A union counts only while its Party organization exists (union_contributions).
        if self.organizations:
            self.unions.update(
                MassOrganization.objects.filter(
                    party_committee_id__in=list(self.organizations)
                ).values_list("pk", flat=True)
            )
        self.events_at.update(self._owned_below())
        # The tree is the same after the change unless a subtree moves (new organizations are
        # loaded when first seen).
        self.tree = TreeHistory()
        self.before = rollup(self.contributions(), self.tree)

    def _owned_below(self) -> set[int]:
        """The organizations whose members' ownership may change with the records touched:
        the subtrees of the organizations changed (their enterprise may be another after) and
        of those whose enterprise is changed. Committees from the zone up never have an
        enterprise of their own; their subtrees are left out unless they move."""
        roots = Q(enterprise_id__in=list(self.enterprises)) if self.enterprises else Q()
        if self.organizations:
            roots |= Q(pk__in=list(self.organizations)) & ~Q(kind__in=COMPOSITION_KINDS)
        if not roots:
            return set()
        below = set()
        for path in PartyOrganization.objects.filter(roots).values_list("path", flat=True):
            below.update(
                PartyOrganization.objects.filter(path__startswith=path).values_list("pk", flat=True)
            )
        return below

    @classmethod
    def idle(cls) -> "Tracker":
        """A tracker that records nothing (inside `deferred()`)."""
        tracker = cls.__new__(cls)
        tracker.members, tracker.organizations = set(), set()
        tracker.unions, tracker.enterprises, tracker.events_at = set(), set(), set()
        return tracker

    def add(self, *, members=(), organizations=(), unions=(), enterprises=()) -> None:
        """Records created inside the block: they had no contributions before it."""
        self.members.update(members)
        self.organizations.update(organizations)
        self.unions.update(unions)
        self.enterprises.update(enterprises)

    def contributions(self) -> Contributions:
        found = Counter()
        event_filter = Q(member_id__in=list(self.members))
        if self.events_at:
            event_filter |= Q(organization_id__in=list(self.events_at))
        if self.members or self.events_at:
            events = MemberEvent.objects.filter(event_filter)
            found.update(member_contributions(events))
            found.update(composition_contributions(composition_rows(events), self.tree))
        if self.organizations:
            organizations = PartyOrganization.objects.filter(pk__in=list(self.organizations))
            found.update(organization_contributions(organizations))
        if self.unions:
            found.update(
                union_contributions(MassOrganization.objects.filter(pk__in=list(self.unions)))
            )
        if self.enterprises:
            found.update(
                enterprise_contributions(Enterprise.objects.filter(pk__in=list(self.enterprises)))
            )
        return found


@contextlib.contextmanager
def track(**records):
    """Keep the summary rows in step with a change to `records` (ids of members,
    organizations, unions, enterprises; `subtrees`: organizations whose whole subtree the
    change affects, e.g. a move). Records created inside the block are added with
    `tracker.add(...)`. Must run inside the change's transaction."""
    if _DEFERRED.get():
        yield Tracker.idle()
        return
    tracker = Tracker(**records)
    yield tracker
    if tracker.events_at:
        tracker.tree = TreeHistory()  # a move: the tree after it
    apply(subtract(rollup(tracker.contributions(), tracker.tree), tracker.before))


# --- Rebuilding everything -----------------------------------------------------------------


@contextlib.contextmanager
def deferred():
    """Leave the summary rows alone inside the block and rebuild them all at its end: for a
    bulk load (the demo, a data set) where keeping them in step change by change would rewrite
    the same rows over and over."""
    token = _DEFERRED.set(True)
    try:
        yield
    finally:
        _DEFERRED.reset(token)
    rebuild()


def cumulate(deltas: Deltas) -> list[tuple]:
    """Rows `(committee, date, *fields)` of `Summary` that cumulate `deltas` from nothing."""
    return FIGURES.cumulate(deltas)


def canonical(rows: dict) -> dict:
    """`Table.canonical` for `Summary` rows."""
    return FIGURES.canonical(rows)


# Member events read at a time when the composition tables are rebuilt.
REBUILD_CHUNK = 50_000


@transaction.atomic
def rebuild() -> int:
    """Recompute every row from the ledger; returns the number of rows written."""
    _lock()
    bump_version()
    tree = TreeHistory()
    tree.load()
    found = member_contributions(MemberEvent.objects.all())
    found.update(organization_contributions(PartyOrganization.objects.all()))
    found.update(union_contributions(MassOrganization.objects.all()))
    found.update(enterprise_contributions(Enterprise.objects.all()))
    rows = FIGURES.cumulate(rollup(found, tree))
    del found
    Summary.objects.all().delete()
    FIGURES.insert(rows)
    return len(rows) + _rebuild_composition(tree)


def _composition_groups(tree: TreeHistory) -> tuple[list[list[int]], set[int]]:
    """The organizations in groups that share no committee with composition rows but the
    national level: one per province (or top zone), merged where a move crossed from one to
    another; and the national-level committees, which every group reaches."""
    central = {pk for pk, kind in tree.kind.items() if kind == PartyOrganization.Kind.CENTRAL}
    head = {}  # union-find over the groups' top committees

    def find(key):
        while head.setdefault(key, key) != key:
            key = head[key]
        return key

    top_of = {}
    for org in list(tree.parent):
        tops = set()
        for _start, chain in tree.segments(org):
            uppers = [n for n in chain if tree.kind.get(n) in COMPOSITION_KINDS]
            if uppers:
                below = [n for n in uppers if n not in central]
                tops.add(below[-1] if below else uppers[-1])
        if not tops:
            continue  # under no committee with composition rows
        first, *rest = sorted(tops)
        for other in rest:
            head[find(other)] = find(first)
        top_of[org] = first
    groups = defaultdict(list)
    for org, top in top_of.items():
        groups[find(top)].append(org)
    return [sorted(orgs) for _top, orgs in sorted(groups.items())], central


def _rebuild_composition(tree: TreeHistory) -> int:
    """The composition tables, group by group (`_composition_groups`): the member events of
    a province's organizations are read once, in chunks, and its committees' rows written
    before the next province is read, so memory holds one province's rows (and the national
    level's) at a time."""
    CompositionSummary.objects.all().delete()
    AgeSummary.objects.all().delete()
    groups, central = _composition_groups(tree)
    national = defaultdict(Counter)
    written = 0
    for orgs in groups:
        deltas = defaultdict(Counter)
        if len(orgs) == len(tree.parent):
            events = MemberEvent.objects.all()
        else:
            events = MemberEvent.objects.filter(organization_id__in=orgs)
        rows = composition_rows(events).iterator(chunk_size=REBUILD_CHUNK)
        while chunk := list(itertools.islice(rows, REBUILD_CHUNK)):
            rollup(composition_contributions(chunk, tree), tree, into=deltas)
        for key in [key for key in deltas if key[0] in central]:
            national[key].update(deltas.pop(key))
        written += _write_composition(deltas)
    return written + _write_composition(national)


def _write_composition(deltas: Deltas) -> int:
    written = 0
    for table in (COMPOSITION, AGES):
        rows = table.cumulate(deltas)
        table.insert(rows)
        written += len(rows)
    return written


# --- Reading --------------------------------------------------------------------------------


def _as_date(value) -> datetime.date:
    # SQLite returns dates of raw queries as text.
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def totals_on(committee_id: int, days: Iterable[datetime.date]) -> dict[datetime.date, dict]:
    """The committee's cumulated figures on each of `days`, in one query."""
    return FIGURES.totals_on(committee_id, days)


def totals_of(committee_ids: Iterable[int], day: datetime.date) -> dict[int, dict]:
    """Several committees' cumulated figures on one day, in one query."""
    return FIGURES.totals_of(committee_ids, day)
