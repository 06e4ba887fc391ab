"""The composition report: every dimension adds up to the growth table's figures."""

import datetime
from decimal import Decimal

import pytest

from members import services as member_services
from members.models import Member
from organizations.models import PartyOrganization
from reports import composition, statistics, summaries
from reports.models import Metric

D = datetime.date
pytestmark = pytest.mark.django_db


def assert_reconciles(found, expected):
    assert found.total == expected
    assert [d.key for d in found.dimensions] == list(composition.DIMENSIONS)
    for dimension in found.dimensions:
        assert dimension.total == expected, dimension.key
        assert dimension.categories[-1].value == composition.UNKNOWN


@pytest.mark.parametrize("day", [D(2012, 6, 19), D(2016, 4, 13), D(2020, 12, 31), D(2022, 5, 31)])
def test_members_on_a_date_add_up_to_the_growth_table(hanoi, day):
    expected = statistics.stock(hanoi, day)[Metric.PARTY_MEMBERS].value
    assert_reconciles(composition.members_on(hanoi, day), expected)


def test_the_done_figures_1328_members_and_92_admitted_in_2020(hanoi):
    assert_reconciles(composition.members_on(hanoi, D(2022, 5, 31)), 1328)
    assert_reconciles(composition.admitted_between(hanoi, D(2019, 12, 31), D(2020, 12, 31)), 92)


@pytest.mark.parametrize(
    ("start", "end"), [(D(2012, 6, 19), D(2022, 5, 31)), (D(2020, 12, 31), D(2021, 6, 30))]
)
def test_admissions_add_up_to_the_growth_table(hanoi, start, end):
    expected = statistics.flows(hanoi, start, end).members["admitted"]
    assert_reconciles(composition.admitted_between(hanoi, start, end), expected)


def test_hai_phong_reconciles_and_is_unknown_before_its_records(hai_phong):
    coverage = statistics.coverage_start(hai_phong)
    for day in (coverage, D(2022, 12, 31)):
        expected = statistics.stock(hai_phong, day)[Metric.PARTY_MEMBERS].value
        assert_reconciles(composition.members_on(hai_phong, day), expected)
    admitted = statistics.flows(hai_phong, D(2021, 12, 31), D(2022, 12, 31)).members["admitted"]
    assert_reconciles(
        composition.admitted_between(hai_phong, D(2021, 12, 31), D(2022, 12, 31)), admitted
    )
    before = composition.members_on(hai_phong, coverage - datetime.timedelta(days=1))
    assert (before.total, before.dimensions) == (None, [])


def test_empty_categories_show_zero_and_unknown_is_counted(hanoi):
    day = D(2022, 5, 31)
    found = composition.members_on(hanoi, day)
    religion = {c.value: c.count for c in found.dimension("religion").categories}
    assert religion["islam"] == 0  # the demo draws no Muslim member
    assert found.dimension("ethnicity").categories[-2].value == "other"
    # Members whose attributes are unknown move to "unknown", and nothing is lost.
    counted = statistics.stock(hanoi, day)[Metric.PARTY_MEMBERS].value
    ids = composition.ledger_counts.members_on(
        hanoi.pk, day, composition.ledger_counts.OrganizationLedger()
    ).values("member_id")
    chosen = list(Member.objects.filter(pk__in=ids[:10]).values_list("pk", flat=True))
    # As every writer of members does: the summary rows follow the change.
    with summaries.track(members=chosen):
        Member.objects.filter(pk__in=chosen).update(
            ethnicity="", religion="", qualification="", political_theory="", position="",
            birth_date=None, from_pipeline=None,
        )  # fmt: skip
    again = composition.members_on(hanoi, day)
    assert_reconciles(again, counted)
    for key in ("ethnicity", "religion", "qualification", "political_theory", "position"):
        before = found.dimension(key).categories[-1].count
        assert again.dimension(key).categories[-1].count >= before + 1, key
    assert again.dimension("age_band").categories[-1].count == 10


def test_shares_are_to_one_decimal_and_empty_when_no_one(hanoi):
    found = composition.members_on(hanoi, D(2022, 5, 31))
    gender = found.dimension("gender").categories
    assert gender[0].share == composition.share_pct(gender[0].count, 1328)
    assert gender[0].share.as_tuple().exponent == -1
    assert composition.share_pct(1, 3) == Decimal("33.3")
    assert composition.share_pct(2, 3) == Decimal("66.7")
    assert composition.share_pct(0, 0) is None


def test_age_bands_on_the_day_and_at_admission():
    day = D(2022, 5, 31)
    assert composition.age_band(D(1991, 6, 1), day) == "up_to_30"  # 30 until tomorrow
    assert composition.age_band(D(1991, 5, 31), day) == "31_40"  # 31 today
    assert composition.age_band(D(1981, 5, 31), day) == "41_50"
    assert composition.age_band(D(1961, 6, 1), day) == "51_60"
    assert composition.age_band(D(1961, 5, 31), day) == "over_60"
    assert composition.age_band(None, day) == "unknown"


def test_age_band_in_sql_matches_python(hanoi):
    day = D(2022, 5, 31)
    found = composition.members_on(hanoi, day)
    ids = composition.ledger_counts.members_on(
        hanoi.pk, day, composition.ledger_counts.OrganizationLedger()
    ).values_list("member__birth_date", flat=True)
    expected = {}
    for birth in ids:
        band = composition.age_band(birth, day)
        expected[band] = expected.get(band, 0) + 1
    got = {c.value: c.count for c in found.dimension("age_band").categories if c.count}
    assert got == expected


def test_admitting_a_candidate_marks_the_member_from_the_pipeline(hanoi, english):
    from members.models import Candidate

    candidate = Candidate.objects.filter(
        verification=Candidate.Verification.VERIFIED, awareness_class_on__isnull=False
    ).first()
    member = member_services.member_admit(
        organization=candidate.organization,
        date=D(2022, 6, 1),
        full_name=candidate.full_name,
        gender=candidate.gender,
        candidate=candidate,
        from_pipeline=False,
    )
    assert member.from_pipeline is True


def test_ownership_follows_the_cells_enterprise_or_the_committee_above(hanoi):
    day = D(2022, 5, 31)
    found = composition.members_on(hanoi, day)
    ledger = composition.ledger_counts.OrganizationLedger()
    events = composition.ledger_counts.members_on(hanoi.pk, day, ledger)
    expected = {}
    for org in events.values_list("organization", flat=True):
        organization = PartyOrganization.objects.select_related("enterprise", "parent").get(pk=org)
        enterprise = organization.enterprise or (
            organization.parent.enterprise if organization.parent else None
        )
        key = enterprise.ownership if enterprise else "unknown"
        expected[key] = expected.get(key, 0) + 1
    got = {c.value: c.count for c in found.dimension("ownership").categories if c.count}
    assert got == expected


def test_the_comparison_columns_add_up_to_the_whole(hanoi):
    found = composition.members_on(hanoi, D(2022, 5, 31))
    comparison = composition.compare(found)
    headings = [heading for heading, _c in comparison.columns]
    assert "Đảng bộ KCN Quang Minh" in headings[0]
    for _dimension, category, cells in comparison.rows():
        assert sum(count for count, _share in cells) == category.count
    quang_minh = comparison.columns[0][1]
    assert quang_minh.total == 49


def test_the_city_committee_compares_its_zone_committee(hanoi):
    city = PartyOrganization.objects.get(code="TU-HN")
    found = composition.admitted_between(city, D(2019, 12, 31), D(2020, 12, 31))
    comparison = composition.compare(found)
    assert [c.committee for _h, c in comparison.columns] == [hanoi]
    assert comparison.rest_total() == 0


def test_ownership_by_year_adds_up_to_each_years_members(hanoi):
    found = composition.members_on(hanoi, D(2022, 5, 31))
    split = composition.ownership_by_year(found)
    assert split.labels[0] == "2012" and split.labels[-1] == "2022"
    totals = [sum(series[2][i] for series in split.series) for i in range(len(split.labels))]
    assert totals[-1] == 1328
    assert totals[-3] == statistics.stock(hanoi, D(2020, 12, 31))[Metric.PARTY_MEMBERS].value
    fdi = next(series[2] for series in split.series if series[0] == "fdi")
    # The demo's FDI share grows over the years.
    assert fdi[-1] / totals[-1] > fdi[0] / totals[0]


def test_admissions_by_year_add_up_to_each_years_admissions(hanoi):
    found = composition.admitted_between(hanoi, D(2019, 12, 31), D(2020, 12, 31))
    split = composition.ownership_by_year(found)
    index = split.labels.index("2020")
    assert sum(series[2][index] for series in split.series) == 92


def run_command(**options) -> list[dict]:
    import csv
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("composition_report", format="csv", stdout=out, **options)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_command_as_of_may_2022_adds_up_to_1328():
    rows = run_command(committee="HN-KCNCX", as_of="2022-05-31")
    assert list(rows[0]) == ["dimension", "category", "count", "share_pct"]
    totals = {}
    for row in rows:
        totals[row["dimension"]] = totals.get(row["dimension"], 0) + int(row["count"])
        assert row["share_pct"] == str(composition.share_pct(int(row["count"]), 1328))
    assert list(totals) == [
        "gender", "age_band", "ethnicity", "religion", "qualification", "political_theory",
        "position", "ownership", "from_pipeline",
    ]  # fmt: skip
    assert set(totals.values()) == {1328}
    assert {"category": "islam", "count": "0"}.items() <= next(
        r for r in rows if r["category"] == "islam"
    ).items()


def test_command_admissions_of_2020_add_up_to_92():
    rows = run_command(
        committee="HN-KCNCX",
        as_of="2022-05-31",
        admitted_from="2020-01-01",
        admitted_to="2020-12-31",
    )
    totals = {}
    for row in rows:
        totals[row["dimension"]] = totals.get(row["dimension"], 0) + int(row["count"])
    assert set(totals.values()) == {92}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"committee": "NOPE", "as_of": "2022-05-31"}, "Unknown committee: 'NOPE'"),
        ({"committee": "HN-KCNCX", "as_of": "31/05/2022"}, "Not a date (YYYY-MM-DD)"),
        (
            {"committee": "HN-KCNCX", "as_of": "2022-05-31", "admitted_from": "2020-01-01"},
            "Give both",
        ),
        (
            {
                "committee": "HN-KCNCX",
                "as_of": "2022-05-31",
                "admitted_from": "2021-01-01",
                "admitted_to": "2020-01-01",
            },
            "must not come after",
        ),
        ({"committee": "HP-KKT", "as_of": "2019-01-01"}, "do not cover"),
    ],
)
def test_command_errors_are_one_line(options, message):
    from django.core.management import CommandError

    with pytest.raises(CommandError) as error:
        run_command(**options)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_a_moved_committee_counts_where_it_stood_on_each_day(hanoi, hai_phong):
    """The ledger count reads only the committee's part of the tree (its path, and the
    subtrees moves took in or out): it equals the count over the whole tree's ledger on
    every day around a move, for both committees and the city above the one it left."""
    from organizations import services as organization_services
    from reports.ledger import OrganizationLedger

    quang_minh = PartyOrganization.objects.get(code="HN-QM")
    moved_on = D(2021, 1, 1)
    organization_services.organization_move(
        organization=quang_minh, new_parent=hai_phong, date=moved_on
    )
    city = PartyOrganization.objects.get(code="TU-HN")
    ledger = OrganizationLedger()
    for committee in (hanoi, hai_phong, city):
        committee.refresh_from_db()
        for day in (D(2020, 12, 31), moved_on, D(2022, 5, 31)):
            scoped = composition.members_on(committee, day, naive=True)
            whole_tree = composition.members_on(committee, day, ledger=ledger)
            assert scoped == whole_tree, (committee.code, day)
        scoped = composition.admitted_between(
            committee, D(2019, 12, 31), D(2022, 5, 31), naive=True
        )
        whole_tree = composition.admitted_between(
            committee, D(2019, 12, 31), D(2022, 5, 31), ledger=ledger
        )
        assert scoped == whole_tree, committee.code
    # Quang Minh's 49 members were Hanoi's at the end of 2020 and Hai Phong's after.
    before = composition.compare(composition.members_on(hanoi, D(2020, 12, 31)))
    after = composition.compare(composition.members_on(hai_phong, D(2022, 5, 31)))
    assert quang_minh in before.children and quang_minh in after.children
    # Quang Minh was Hanoi's only child committee: nothing left to compare.
    assert composition.compare(composition.members_on(hanoi, moved_on)) is None
    moved_members = sum(before.counts[quang_minh.pk]["gender"].values())
    assert moved_members == composition.members_on(quang_minh, D(2020, 12, 31)).total > 0


def test_the_comparison_lines_of_one_dimension_add_up(hanoi):
    comparison = composition.compare(composition.members_on(hanoi, D(2022, 5, 31)))
    lines = comparison.lines("position")
    categories = comparison.whole.dimension("position").categories
    assert [line["committee"] for line in lines if line["committee"]] == comparison.children
    assert sum(line["total"] for line in lines) == comparison.whole.total == 1328
    for index, category in enumerate(categories):
        assert sum(line[f"count_{index}"] for line in lines) == category.count
    for line in lines:
        assert sum(line[f"count_{i}"] for i in range(len(categories))) == line["total"]
