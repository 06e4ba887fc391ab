"""Who the members are: the composition of a committee's members on a date, or of the members
it admitted in a period, by gender, age band, ethnicity, religion, qualification, political
theory, position, the enterprise's ownership and whether they came from the candidates.

The members counted are exactly those the growth table counts (`reports.ledger.members_on`,
`member_events_between`): for every dimension the categories add up to the growth table's
member count of the same date, or to its admissions of the same period. A member whose
attribute is unknown is counted under "unknown", never dropped; a category without members
shows 0. Age is taken on the as-of date for members, on the admission date for admissions.

A member's ownership is that of their organization's enterprise, or, for a cell without one,
of the nearest organization above it that has one (a subordinate cell of a grassroots
committee of an enterprise); none found is "unknown".

`members_on`, `admitted_between` (and the children and yearly views built on them) are the
only entry points. For a committee from the zone up they read the composition summary rows
(`reports.summaries`: two rows for a date, four for a period, whatever the number of
members); below, a subtree of a few hundred members is counted from the ledger. Both give
the same counts (tests/reports/test_composition_summaries.py).
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.dates import add_months
from members.models import (
    Ethnicity,
    Gender,
    MemberEvent,
    PoliticalTheory,
    Position,
    Qualification,
    Religion,
)
from organizations.models import OrganizationEvent, Ownership, PartyOrganization
from reports import ledger as ledger_counts
from reports import summaries
from reports.models import (
    AGE_BAND_VALUES,
    COMPOSITION_CATEGORIES,
    COMPOSITION_KINDS,
    UNKNOWN,
    admitted_field,
    member_field,
)
from reports.statistics import coverage_start
from reports.summaries import AGE_LIMITS, age_band

ONE_DAY = datetime.timedelta(days=1)
AGE_BANDS = tuple(
    zip(
        AGE_BAND_VALUES,
        (_("Up to 30"), _("31–40"), _("41–50"), _("51–60"), _("Over 60")),
        (*AGE_LIMITS, None),  # younger than the limit on the day
        strict=True,
    )
)
PIPELINE = (("yes", _("From the outstanding candidates")), ("no", _("Not from them")))

# Dimension key -> (label, the member field it reads or None, ordered (value, label) pairs).
DIMENSIONS = {
    "gender": (_("Gender"), "gender", Gender.choices),
    "age_band": (_("Age"), None, [(value, label) for value, label, _limit in AGE_BANDS]),
    "ethnicity": (_("Ethnicity"), "ethnicity", Ethnicity.choices),
    "religion": (_("Religion"), "religion", Religion.choices),
    "qualification": (_("Professional qualification"), "qualification", Qualification.choices),
    "political_theory": (_("Political theory"), "political_theory", PoliticalTheory.choices),
    "position": (_("Position in the enterprise"), "position", Position.choices),
    "ownership": (_("Enterprise ownership"), None, Ownership.choices),
    "from_pipeline": (_("Came from the outstanding candidates"), "from_pipeline", PIPELINE),
}
UNKNOWN_LABELS = {"ownership": _("Unknown or not in an enterprise")}


def share_pct(count: int, total: int) -> Decimal | None:
    """The share in percent to one decimal (half up); None when there is no one to share."""
    if not total:
        return None
    return (Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _age_case(day: datetime.date) -> Case:
    """`age_band` as SQL, for everyone counted on the same day."""
    whens = [When(member__birth_date__isnull=True, then=Value(UNKNOWN))]
    for value, _label, limit in AGE_BANDS:
        if limit is not None:
            whens.append(
                When(member__birth_date__gt=add_months(day, -12 * limit), then=Value(value))
            )
    return Case(*whens, default=Value(AGE_BANDS[-1][0]), output_field=CharField())


@dataclass(frozen=True)
class Category:
    value: str
    label: str
    count: int
    share: Decimal | None


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    categories: list[Category]

    @property
    def total(self) -> int:
        return sum(category.count for category in self.categories)


@dataclass(frozen=True)
class Composition:
    """The composition of one set of members; `total` None when the records do not cover
    the date or period (then `dimensions` is empty)."""

    committee: PartyOrganization
    admitted: bool  # False: members on `end`; True: admitted over `(start, end]`
    start: datetime.date | None
    end: datetime.date
    total: int | None
    dimensions: list[Dimension]
    # The ledger's grouped rows it was counted from (`_ledger_rows`), None when read from
    # summary rows: the comparison by child committee tallies them again.
    counted_from: list | None = field(default=None, compare=False, repr=False)
    # The date from which the records cover the subtree (`coverage_start`), read once.
    covered_from: datetime.date | None = field(default=None, compare=False, repr=False)

    def dimension(self, key: str) -> Dimension:
        return next(d for d in self.dimensions if d.key == key)

    def rows(self):
        """(dimension, category) pairs in order, as the tables and exports list them."""
        for dimension in self.dimensions:
            for category in dimension.categories:
                yield dimension, category


def _dimensions(counts: dict[str, Counter], total: int) -> list[Dimension]:
    result = []
    for key, (label, _field, choices) in DIMENSIONS.items():
        found = counts[key]
        pairs = [
            *choices,
            (UNKNOWN, UNKNOWN_LABELS.get(key, pgettext_lazy("an attribute", "Unknown"))),
        ]
        categories = [
            Category(value, str(text), found.get(value, 0), share_pct(found.get(value, 0), total))
            for value, text in pairs
        ]
        result.append(Dimension(key, str(label), categories))
    return result


def _ledger_rows(events, *, day: datetime.date | None) -> list[tuple]:
    """The members of `events` (one event per member counted) grouped in one query, as
    `(organization_id, day, age band, *MEMBER_DIMENSIONS values, n)`: the age and ownership
    on `day`, or for admissions (`day` None) on each one's own admission day. One query for
    every dimension, and per organization, so that the committees under the subtree can be
    told apart without counting again (`compare`)."""
    events = events.order_by()  # no ordering columns in the GROUP BY
    values = [f"member__{name}" for name in summaries.MEMBER_DIMENSIONS]
    if day is not None:
        grouped = (
            events.annotate(band=_age_case(day))
            .values_list("organization_id", "band", *values)
            .annotate(n=Count("pk"))
        )
        return [(org, day, band, *rest) for org, band, *rest in grouped]
    grouped = events.values_list("organization_id", "date", "member__birth_date", *values)
    return [
        (org, date, age_band(birth, date), *rest)
        for org, date, birth, *rest in grouped.annotate(n=Count("pk"))
    ]


def _tally(rows: list[tuple], key=None, tree=None) -> dict:
    """Every dimension's counts of `_ledger_rows`, by `key(tree, organization_id, day)` (all
    under None without a key); the ownership as the summary rows reckon it. `tree`: a
    `TreeHistory` that already holds the rows' organizations (else one is loaded)."""
    if tree is None:
        tree = summaries.TreeHistory()
        tree.load({row[0] for row in rows})
    result = {}
    for org, on, band, *values, n in rows:
        group = key(tree, org, on) if key else None
        counts = result.setdefault(group, {name: Counter() for name in DIMENSIONS})
        for name, value in zip(summaries.MEMBER_DIMENSIONS, values, strict=True):
            counts[name][summaries.category(name, value)] += n
        counts["age_band"][band] += n
        counts["ownership"][tree.ownership_on(org, on)] += n
    return result


def _standing(organizations, day: datetime.date):
    """`organizations` with what their own events say of `day`: `in_ledger` (any event at
    all), and the last event up to the day's `parent_on` and `kind_on` (None before the
    first). As `reports.ledger.OrganizationLedger.tree_on`: an organization outside the
    ledger stands where it is now; in it, it is nowhere before its first event, and its
    last event up to the day sets the parent and whether it exists."""
    events = OrganizationEvent.objects.filter(organization=OuterRef("pk"))
    last = events.filter(date__lte=day).order_by("-date", "-pk")
    return organizations.annotate(
        in_ledger=Exists(events),
        parent_on=Subquery(last.values("parent_id")[:1]),
        kind_on=Subquery(last.values("kind")[:1]),
    )


def _exists(in_ledger: bool, kind_on: str | None) -> bool:
    return not in_ledger or (kind_on is not None and kind_on not in OrganizationEvent.ENDING_KINDS)


def _subtree(committee, day: datetime.date | None):
    """`(tree, counts_for)`: a `TreeHistory` holding the organizations that are or were
    under `committee` (and those above it), and `counts_for(pk, on)`: whether organization
    `pk` counts for the committee on day `on`, being under it then, it and every
    organization between them existing (their existence is read for `day`, which must then
    be the day asked about; None: not checked, as for admissions).

    Two queries in all (the moves, then the organizations with their standing on `day`),
    where the whole tree's ledger (`OrganizationLedger`) reads every organization and event
    of the country: the subtree is the committee's path, and the subtrees of the
    organizations whose moves took them in or out of it."""
    tree = summaries.TreeHistory()
    tree.load(tree.moves)  # nothing to read when nothing ever moved
    moved = [pk for pk in tree.moves if any(committee.pk in c for _d, c in tree.segments(pk))]
    above = [int(part) for part in committee.path.strip("/").split("/") if part]
    wanted = Q(path__startswith=committee.path) | Q(pk__in=above)
    for pk in moved:
        wanted |= Q(path__contains=f"/{pk}/")
    found = PartyOrganization.objects.filter(wanted).order_by()
    columns = ("pk", "parent_id", "kind", "enterprise__ownership")
    if day is None:
        tree.remember(found.values_list(*columns))
        return tree, lambda pk, on: committee.pk in tree.chain_on(pk, on)
    rows = list(_standing(found, day).values_list(*columns, "in_ledger", "kind_on"))
    tree.remember(row[:4] for row in rows)
    existing = {row[0] for row in rows if _exists(*row[4:])}

    def counts_for(pk, on):
        chain = tree.chain_on(pk, on)
        if committee.pk not in chain:
            return False
        return existing.issuperset(chain[: chain.index(committee.pk) + 1])

    return tree, counts_for


def _member_rows(committee, day, ledger=None) -> list[tuple]:
    """`_ledger_rows` of the members of the committee's subtree on `day`; from the whole
    tree's ledger if one is given (read once for many dates)."""
    if ledger is not None:
        events = ledger_counts.member_events_on(ledger.tree_on(day).subtree(committee.pk), day)
        return _ledger_rows(events, day=day)
    return _scoped_member_rows(committee, day)[0]


def _scoped_member_rows(committee, day):
    """`(rows, tree)`: `_member_rows` with the committee's own part of the tree (`_subtree`)."""
    tree, counts_for = _subtree(committee, day)
    under = {pk for pk in tree.parent if counts_for(pk, day)}
    return _ledger_rows(ledger_counts.member_events_on(under, day), day=day), tree


def _admission_rows(committee, start, end, ledger=None) -> list[tuple]:
    """`_ledger_rows` of the admissions in the committee's subtree over `(start, end]`."""
    if ledger is not None:
        events = ledger_counts.member_events_between(committee.pk, start, end, ledger)
        return _ledger_rows(events.filter(kind=MemberEvent.Kind.ADMITTED), day=None)
    return _scoped_admission_rows(committee, start, end)[0]


def _scoped_admission_rows(committee, start, end):
    """`(rows, tree)`: `_admission_rows` with the committee's own part of the tree; each
    admission counted where its organization stood on its day."""
    tree, counts_for = _subtree(committee, None)
    events = MemberEvent.objects.filter(
        kind=MemberEvent.Kind.ADMITTED,
        date__gt=start,
        date__lte=end,
        organization_id__in=list(tree.parent),
    )
    rows = [row for row in _ledger_rows(events, day=None) if counts_for(row[0], row[1])]
    return rows, tree


def _counted(rows: list[tuple]) -> dict[str, Counter]:
    return _tally(rows).get(None, {name: Counter() for name in DIMENSIONS})


def _from_rows(values: dict, field) -> dict[str, Counter]:
    """The counts of every dimension from a composition summary row (`field`: the member or
    the admission columns)."""
    return {
        key: Counter({category: values[field(key, category)] for category in categories})
        for key, categories in COMPOSITION_CATEGORIES.items()
    }


def _summarized(committee: PartyOrganization) -> bool:
    return committee.kind in COMPOSITION_KINDS


def _members_from_rows(committee_ids, day) -> dict[int, dict[str, Counter]]:
    """Several committees' members on `day` by category, from their summary rows (both
    tables in one query)."""
    tables = [summaries.COMPOSITION, summaries.AGES]
    rows, ages = summaries.totals_of_tables(tables, committee_ids, day)
    return {pk: _from_rows({**rows[pk], **ages[pk]}, member_field) for pk in rows}


def _admitted_from_rows(committee_ids, start, end) -> dict[int, dict[str, Counter]]:
    """Several committees' admissions over `(start, end]` by category, from their rows."""
    before = summaries.COMPOSITION.totals_of(committee_ids, start)
    after = summaries.COMPOSITION.totals_of(committee_ids, end)
    return {
        pk: _from_rows(
            {f: after[pk][f] - before[pk][f] for f in summaries.COMPOSITION.fields}, admitted_field
        )
        for pk in after
    }


def _total(counts: dict[str, Counter]) -> int:
    return sum(counts["gender"].values())


def _not_covered(committee, admitted, start, end) -> Composition:
    return Composition(committee, admitted, start, end, None, [])


def members_on(
    committee: PartyOrganization,
    day: datetime.date,
    *,
    ledger: ledger_counts.OrganizationLedger | None = None,
    naive: bool = False,
) -> Composition:
    """The members of the committee's subtree on `day` (the growth table's member count).

    `naive`: counted from the ledger even where summary rows exist."""
    start = coverage_start(committee)
    if start is not None and day < start:
        return _not_covered(committee, False, None, day)
    rows = None
    if _summarized(committee) and not naive:
        counts = _members_from_rows([committee.pk], day)[committee.pk]
    else:
        rows = _member_rows(committee, day, ledger)
        counts = _counted(rows)
    total = _total(counts)
    dimensions = _dimensions(counts, total)
    return Composition(committee, False, None, day, total, dimensions, rows, start)


def admitted_between(
    committee: PartyOrganization,
    start: datetime.date,
    end: datetime.date,
    *,
    ledger: ledger_counts.OrganizationLedger | None = None,
    naive: bool = False,
) -> Composition:
    """The members admitted in the committee's subtree after `start` up to and including
    `end` (the growth table's admissions of that period)."""
    covered_from = coverage_start(committee)
    if covered_from is not None and start < covered_from:
        return _not_covered(committee, True, start, end)
    rows = None
    if _summarized(committee) and not naive:
        counts = _admitted_from_rows([committee.pk], start, end)[committee.pk]
    else:
        rows = _admission_rows(committee, start, end, ledger)
        counts = _counted(rows)
    total = _total(counts)
    dimensions = _dimensions(counts, total)
    return Composition(committee, True, start, end, total, dimensions, rows, covered_from)


def compose(committee, *, as_of=None, start=None, end=None, **kwargs) -> Composition:
    """Members on `as_of`, or admissions over `(start, end]`."""
    if as_of is not None:
        return members_on(committee, as_of, **kwargs)
    return admitted_between(committee, start, end, **kwargs)


def children(committee: PartyOrganization, day: datetime.date) -> list[PartyOrganization]:
    """The committees directly under `committee` on `day`, which the comparison shows: those
    under it now and those a move took in or out, each with its parent and standing on the
    day read from its own last event up to the day (at national scale the whole tree's ledger
    has 100,000 organizations). As `reports.ledger.OrganizationLedger.tree_on`: an
    organization without events stands where it is now; one with events is nowhere before
    its first, and its last event up to the day sets the parent and whether it exists.

    One query; the candidates come from three indexed lookups (an OR over a join with the
    events read the whole events table at national scale)."""
    moved = OrganizationEvent.objects.order_by()
    candidates = (
        PartyOrganization.objects.filter(parent=committee)
        .order_by()
        .values("pk")
        .union(
            moved.filter(parent=committee).values("organization_id"),
            moved.filter(previous_parent=committee).values("organization_id"),
        )
    )
    found = _standing(
        PartyOrganization.objects.filter(
            pk__in=candidates, kind__in=PartyOrganization.COMMITTEE_KINDS
        ),
        day,
    )
    under = []
    for child in found.order_by("code"):
        parent = child.parent_on if child.in_ledger else child.parent_id
        if parent == committee.pk and _exists(child.in_ledger, child.kind_on):
            under.append(child)
    return under


@dataclass(frozen=True)
class Comparison:
    """The composition side by side for each child committee, and the rest of the subtree
    (the organizations directly under it that are not committees): the columns add up to
    the whole.

    Holds the counts as read (`counts`: every dimension's counts by child committee); the
    columns, with their shares, are built only when shown, so that a page can recognise
    figures it rendered before from the counts alone (`config.fragments`)."""

    whole: Composition
    children: list[PartyOrganization]
    counts: dict[int, dict[str, Counter]]

    @cached_property
    def columns(self) -> list[tuple[str, Composition | None]]:
        """(heading, composition) per child committee, then ("the rest", None) if any."""
        whole = self.whole
        columns = []
        for child in self.children:
            counts = self.counts.get(child.pk) or {name: Counter() for name in DIMENSIONS}
            total = _total(counts)
            composed = Composition(
                child, whole.admitted, whole.start, whole.end, total, _dimensions(counts, total)
            )
            columns.append((child.name, composed))
        if self.rest_total():
            columns.append((str(_("Other organizations directly under it")), None))
        return columns

    @cached_property
    def rest(self) -> Composition:
        """The organizations directly under the whole that are not committees: what the
        whole counts beyond its child committees."""
        whole = self.whole
        counts = {}
        for dimension in whole.dimensions:
            found = Counter({c.value: c.count for c in dimension.categories})
            for child in self.children:
                found.subtract(self.counts.get(child.pk, {}).get(dimension.key, {}))
            counts[dimension.key] = found
        total = self.rest_total()
        dimensions = _dimensions(counts, total)
        return Composition(
            whole.committee, whole.admitted, whole.start, whole.end, total, dimensions
        )

    def _shown(self):
        """Each column's composition, the rest's included."""
        return [column or self.rest for _heading, column in self.columns]

    def rows(self):
        """Per (dimension, category): the count and share of each column, the rest's last."""
        shown = self._shown()
        for index, dimension in enumerate(self.whole.dimensions):
            for position, category in enumerate(dimension.categories):
                cells = []
                for column in shown:
                    found = column.dimensions[index].categories[position]
                    cells.append((found.count, found.share))
                yield dimension, category, cells

    def lines(self, key: str) -> list[dict]:
        """Dimension `key` with a line per column (the child committees, then the rest):
        its heading, committee (None for the rest), total and each category's count and
        share (`count_<i>`, `share_<i>` in the order of the dimension's categories)."""
        result = []
        for (heading, column), composed in zip(self.columns, self._shown(), strict=True):
            line = {
                "heading": heading,
                "committee": column and column.committee,
                "total": composed.total,
            }
            for index, category in enumerate(composed.dimension(key).categories):
                line[f"count_{index}"] = category.count
                line[f"share_{index}"] = category.share
            result.append(line)
        return result

    def rest_total(self) -> int:
        counted = sum(
            sum(self.counts.get(c.pk, {}).get("gender", {}).values()) for c in self.children
        )
        return self.whole.total - counted


def _by_child(whole: Composition) -> dict[int, dict[str, Counter]]:
    """The whole's ledger rows tallied by the committee directly under it that each
    organization stood in on the row's day (None: directly under it)."""
    rows, tree = whole.counted_from, None
    if rows is None and whole.admitted:
        rows, tree = _scoped_admission_rows(whole.committee, whole.start, whole.end)
    elif rows is None:
        rows, tree = _scoped_member_rows(whole.committee, whole.end)

    def child(tree, org, on):
        chain = tree.chain_on(org, on)
        index = chain.index(whole.committee.pk) if whole.committee.pk in chain else 0
        return chain[index - 1] if index else None

    return _tally(rows, key=child, tree=tree)


def compare(whole: Composition) -> Comparison | None:
    """The comparison of `whole` by child committee; None if it has no child committee or is
    not covered."""
    if whole.total is None:
        return None
    day = whole.end
    found = children(whole.committee, day)
    if not found:
        return None
    # The committees among the children with summary rows are read from them at once; the
    # others are told apart in the rows the whole was counted from (one more query if the
    # whole was read from its summary rows).
    ids = [child.pk for child in found if _summarized(child)]
    if whole.admitted:
        read = _admitted_from_rows(ids, whole.start, whole.end) if ids else {}
    else:
        read = _members_from_rows(ids, day) if ids else {}
    if len(read) < len(found):
        read.update(_by_child(whole))
    return Comparison(whole, found, read)


@dataclass(frozen=True)
class YearSplit:
    """Members at each year's end (or admissions in each year) by ownership, for a chart."""

    labels: list[str]
    series: list[tuple[str, str, list[int]]]  # (value, label, counts by year)

    def rows(self) -> list[tuple[str, list[int]]]:
        """A row per year: its label and the count of each series (the chart's table)."""
        return [
            (label, [counts[index] for _v, _l, counts in self.series])
            for index, label in enumerate(self.labels)
        ]


def ownership_by_year(whole: Composition) -> YearSplit:
    """From the year the records begin to the report's year: members on 31 December of
    each year (on the as-of date for its own year), or admissions in each calendar year (up to
    the period's end), split by the enterprise's ownership."""
    committee = whole.committee
    first = whole.covered_from or committee.records_begin_on()
    if whole.total is None or first is None:
        return YearSplit([], [])
    periods = []  # (label, start of the admissions or None for members, end)
    for year in range(first.year, whole.end.year + 1):
        year_end = min(datetime.date(year, 12, 31), whole.end)
        if whole.admitted:
            year_start = max(datetime.date(year - 1, 12, 31), first)
            if year_start < year_end:
                periods.append((str(year), year_start, year_end))
        elif year_end >= first:
            periods.append((str(year), None, year_end))
    if not periods:
        return YearSplit([], [])
    columns = _ownership_counts(committee, periods)
    series = []
    for value, label in [*Ownership.choices, (UNKNOWN, UNKNOWN_LABELS["ownership"])]:
        series.append((value, str(label), [column[value] for column in columns]))
    return YearSplit([label for label, _s, _e in periods], [s for s in series if any(s[2])])


def _ownership_counts(committee, periods) -> list[Counter]:
    """Members (or admissions) by ownership for each `(label, start, end)`: a committee's
    summary rows are read in one query."""
    if not _summarized(committee):
        ledger = ledger_counts.OrganizationLedger()
        return [
            Counter(
                {
                    c.value: c.count
                    for c in (
                        admitted_between(committee, start, end, ledger=ledger)
                        if start
                        else members_on(committee, end, ledger=ledger)
                    )
                    .dimension("ownership")
                    .categories
                }
            )
            for _label, start, end in periods
        ]
    days = {day for _label, start, end in periods for day in (start, end) if day}
    rows = summaries.COMPOSITION.totals_on(committee.pk, days)
    result = []
    for _label, start, end in periods:
        field = admitted_field if start else member_field
        result.append(
            Counter(
                {
                    c: rows[end][field("ownership", c)]
                    - (rows[start][field("ownership", c)] if start else 0)
                    for c in COMPOSITION_CATEGORIES["ownership"]
                }
            )
        )
    return result


def chart_data(whole: Composition, years: YearSplit) -> dict:
    """What the page's charts draw (static/js/composition.js), from the rows its tables show."""
    return {
        "dimensions": [
            {
                "key": dimension.key,
                "label": dimension.label,
                "labels": [c.label for c in categories],
                "counts": [c.count for c in categories],
            }
            for dimension, categories in ((d, charted(d.categories)) for d in whole.dimensions)
        ],
        "years": {
            "labels": years.labels,
            "series": [{"label": label, "data": counts} for _v, label, counts in years.series],
        },
    }


def charted(categories: list[Category]) -> list[Category]:
    """The categories a chart (or the comparison) shows."""
    # A long list (the 54 ethnic groups) is charted without its empty categories; its table
    # still lists them all.
    if len(categories) <= 12:
        return categories
    return [c for c in categories if c.count]
