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
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, CharField, Count, Value, When
from django.utils.translation import gettext_lazy as _

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
from organizations.models import Ownership, PartyOrganization
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
        pairs = [*choices, (UNKNOWN, UNKNOWN_LABELS.get(key, _("Unknown")))]
        categories = [
            Category(value, str(text), found.get(value, 0), share_pct(found.get(value, 0), total))
            for value, text in pairs
        ]
        result.append(Dimension(key, str(label), categories))
    return result


def _count(events, *, day: datetime.date | None) -> dict[str, Counter]:
    """Every dimension of the members of `events` (one event per member counted)."""
    events = events.order_by()  # no ordering columns in the GROUP BY
    counts = {key: Counter() for key in DIMENSIONS}
    for key, (_label, field, _choices) in DIMENSIONS.items():
        if field is None:
            continue
        for value, n in events.values_list(f"member__{field}").annotate(n=Count("pk")):
            if key == "from_pipeline":
                value = {True: "yes", False: "no"}.get(value)
            counts[key][value or UNKNOWN] += n
    if day is not None:
        rows = events.annotate(band=_age_case(day)).values_list("band").annotate(n=Count("pk"))
        counts["age_band"].update(dict(rows))
    else:  # admissions: the age on each one's own admission day
        for date, birth, n in events.values_list("date", "member__birth_date").annotate(
            n=Count("pk")
        ):
            counts["age_band"][age_band(birth, date)] += n
    # The ownership as the summary rows reckon it: on the as-of date, or on each admission's.
    tree = summaries.TreeHistory()
    if day is not None:
        rows = [
            (org, day, n)
            for org, n in events.values_list("organization_id").annotate(n=Count("pk"))
        ]
    else:
        rows = list(events.values_list("organization_id", "date").annotate(n=Count("pk")))
    tree.load({org for org, _day, _n in rows})
    for org_id, on, n in rows:
        counts["ownership"][tree.ownership_on(org_id, on)] += n
    return counts


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
    """Several committees' members on `day` by category, from their summary rows."""
    rows = summaries.COMPOSITION.totals_of(committee_ids, day)
    ages = summaries.AGES.totals_of(committee_ids, day)
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
    root: PartyOrganization | None = None,
    naive: bool = False,
) -> Composition:
    """The members of the committee's subtree on `day` (the growth table's member count).

    `root`: whose records' coverage decides (a child's comparison column follows its
    parent's report); `naive`: counted from the ledger even where summary rows exist."""
    start = coverage_start(root or committee)
    if start is not None and day < start:
        return _not_covered(committee, False, None, day)
    if _summarized(committee) and not naive:
        counts = _members_from_rows([committee.pk], day)[committee.pk]
    else:
        ledger = ledger or ledger_counts.OrganizationLedger()
        events = ledger_counts.member_events_on(ledger.tree_on(day).subtree(committee.pk), day)
        counts = _count(events, day=day)
    total = _total(counts)
    return Composition(committee, False, None, day, total, _dimensions(counts, total))


def admitted_between(
    committee: PartyOrganization,
    start: datetime.date,
    end: datetime.date,
    *,
    ledger: ledger_counts.OrganizationLedger | None = None,
    root: PartyOrganization | None = None,
    naive: bool = False,
) -> Composition:
    """The members admitted in the committee's subtree after `start` up to and including
    `end` (the growth table's admissions of that period)."""
    covered_from = coverage_start(root or committee)
    if covered_from is not None and start < covered_from:
        return _not_covered(committee, True, start, end)
    if _summarized(committee) and not naive:
        counts = _admitted_from_rows([committee.pk], start, end)[committee.pk]
    else:
        ledger = ledger or ledger_counts.OrganizationLedger()
        events = ledger_counts.member_events_between(committee.pk, start, end, ledger).filter(
            kind=MemberEvent.Kind.ADMITTED
        )
        counts = _count(events, day=None)
    total = _total(counts)
    return Composition(committee, True, start, end, total, _dimensions(counts, total))


def compose(committee, *, as_of=None, start=None, end=None, **kwargs) -> Composition:
    """Members on `as_of`, or admissions over `(start, end]`."""
    if as_of is not None:
        return members_on(committee, as_of, **kwargs)
    return admitted_between(committee, start, end, **kwargs)


def children(committee: PartyOrganization, day: datetime.date) -> list[PartyOrganization]:
    """The committees directly under `committee` on `day`, which the comparison shows."""
    tree = ledger_counts.OrganizationLedger().tree_on(day)
    ids = [pk for pk in tree.children.get(committee.pk, ()) if pk in tree.parent]
    return list(
        PartyOrganization.objects.filter(
            pk__in=ids, kind__in=PartyOrganization.COMMITTEE_KINDS
        ).order_by("code")
    )


@dataclass(frozen=True)
class Comparison:
    """The composition side by side for each child committee, and the rest of the subtree
    (the organizations directly under it that are not committees): the columns add up to
    the whole."""

    whole: Composition
    columns: list[tuple[str, Composition | None]]  # (heading, composition); None: the rest

    def rows(self):
        """Per (dimension, category): the counts and shares of each column, then the rest."""
        others = {
            key: [c.dimension(key) for _h, c in self.columns if c is not None] for key in DIMENSIONS
        }
        for dimension, category in self.whole.rows():
            cells = []
            for _heading, column in self.columns:
                if column is None:
                    rest = category.count - sum(
                        d.categories[_index(dimension, category)].count
                        for d in others[dimension.key]
                    )
                    rest_total = self.rest_total()
                    cells.append((rest, share_pct(rest, rest_total)))
                else:
                    found = column.dimension(dimension.key).categories[_index(dimension, category)]
                    cells.append((found.count, found.share))
            yield dimension, category, cells

    def rest_total(self) -> int:
        return self.whole.total - sum(c.total for _h, c in self.columns if c is not None)


def _index(dimension: Dimension, category: Category) -> int:
    return next(i for i, c in enumerate(dimension.categories) if c.value == category.value)


def compare(whole: Composition) -> Comparison | None:
    """The comparison of `whole` by child committee; None if it has no child committee or is
    not covered."""
    if whole.total is None:
        return None
    day = whole.end
    found = children(whole.committee, day)
    if not found:
        return None
    ledger = ledger_counts.OrganizationLedger()
    # The committees among the children are read from their summary rows at once.
    ids = [child.pk for child in found if _summarized(child)]
    if whole.admitted:
        read = _admitted_from_rows(ids, whole.start, whole.end) if ids else {}
    else:
        read = _members_from_rows(ids, day) if ids else {}
    columns = []
    for child in found:
        if child.pk in read:
            total = _total(read[child.pk])
            dimensions = _dimensions(read[child.pk], total)
            column = Composition(child, whole.admitted, whole.start, day, total, dimensions)
        elif whole.admitted:
            column = admitted_between(
                child, whole.start, whole.end, ledger=ledger, root=whole.committee
            )
        else:
            column = members_on(child, day, ledger=ledger, root=whole.committee)
        columns.append((child.name, column))
    comparison = Comparison(whole, columns)
    if comparison.rest_total():
        columns.append((str(_("Other organizations directly under it")), None))
    return comparison


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
    first = coverage_start(committee) or committee.records_begin_on()
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
            for dimension, categories in ((d, _charted(d.categories)) for d in whole.dimensions)
        ],
        "years": {
            "labels": years.labels,
            "series": [{"label": label, "data": counts} for _v, label, counts in years.series],
        },
    }


def _charted(categories: list[Category]) -> list[Category]:
    # A long list (the 54 ethnic groups) is charted without its empty categories; its table
    # still lists them all.
    if len(categories) <= 12:
        return categories
    return [c for c in categories if c.count]
