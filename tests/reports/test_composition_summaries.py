"""Issue 8, point 7: a committee from the zone up reads its composition from summary rows
(reports.summaries' composition and age tables), and they give exactly what the ledger
counts, after every kind of writer: the services, an import, an erasure, an enterprise's
new ownership, a rebuild."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from members import services as member_services
from members.models import Member
from organizations import services as org_services
from organizations.models import Enterprise, PartyOrganization
from reports import composition, summaries
from tests.imports import run
from tests.imports.make_corpus import MEMBER, MEMBERS, utf8

D = datetime.date
pytestmark = pytest.mark.django_db
DAYS = [D(2014, 12, 31), D(2019, 6, 30), D(2022, 5, 31), D(2024, 2, 29)]
PERIODS = [(D(2012, 12, 31), D(2016, 12, 31)), (D(2019, 12, 31), D(2020, 12, 31))]


def summarized() -> list[PartyOrganization]:
    """The demo's committees that have composition rows: the zones and the two cities."""
    return list(PartyOrganization.objects.filter(kind__in=summaries.COMPOSITION.kinds))


def assert_rows_equal_the_ledger(committees=None):
    for committee in committees or summarized():
        for day in DAYS:
            read = composition.members_on(committee, day)
            assert read == composition.members_on(committee, day, naive=True), (committee, day)
        for start, end in PERIODS:
            read = composition.admitted_between(committee, start, end)
            assert read == composition.admitted_between(committee, start, end, naive=True)


def assert_rows_equal_a_rebuild():
    kept = [table.stored() for table in (summaries.COMPOSITION, summaries.AGES)]
    summaries.rebuild()
    assert [table.stored() for table in (summaries.COMPOSITION, summaries.AGES)] == kept


def test_the_demo_s_rows_give_the_ledger_s_composition():
    committees = summarized()
    kinds = {committee.kind for committee in committees}
    assert {"zone_committee", "provincial_committee"} <= kinds
    assert_rows_equal_the_ledger(committees)
    # Not a vacuous comparison: the rows hold the members.
    hanoi = PartyOrganization.objects.get(code="HN-KCNCX")
    assert composition.members_on(hanoi, D(2022, 5, 31)).total == 1328


def test_a_committee_s_composition_is_one_query_and_a_period_two():
    city = PartyOrganization.objects.get(code="TU-HN")
    with CaptureQueriesContext(connection) as members:
        composition.members_on(city, D(2022, 5, 31))
    with CaptureQueriesContext(connection) as admitted:
        composition.admitted_between(city, D(2019, 12, 31), D(2020, 12, 31))
    # Beside the coverage lookup, one query probes both tables (members), and one per date
    # for admissions: never the members table.
    assert [q for q in members.captured_queries if "member" in q["sql"].split("FROM")[1]] == []
    [probe] = [q["sql"] for q in members.captured_queries if "compositionsummary" in q["sql"]]
    assert "agesummary" in probe
    assert sum("compositionsummary" in q["sql"] for q in admitted.captured_queries) == 2


def test_comparison_and_yearly_split_of_a_city_read_the_rows_once():
    city = PartyOrganization.objects.get(code="TU-HN")
    whole = composition.members_on(city, D(2022, 5, 31))
    with CaptureQueriesContext(connection) as compared:
        comparison = composition.compare(whole)
    columns = [column for _heading, column in comparison.columns if column is not None]
    assert sum(column.total for column in columns) + comparison.rest_total() == whole.total
    assert sum("compositionsummary" in q["sql"] for q in compared.captured_queries) == 1
    with CaptureQueriesContext(connection) as yearly:
        years = composition.ownership_by_year(whole)
    assert sum("compositionsummary" in q["sql"] for q in yearly.captured_queries) == 1
    assert years.labels[-1] == "2022"
    last = sum(counts[-1] for _value, _label, counts in years.series)
    assert last == whole.total


def test_services_keep_the_rows_in_step():
    hanoi = PartyOrganization.objects.get(code="HN-KCNCX")
    cell = PartyOrganization.objects.subtree_of(hanoi).filter(
        kind=PartyOrganization.Kind.GRASSROOTS_CELL, is_active=True
    )[0]
    # Born so that the member turns 31 (a new band) while a member.
    member = member_services.member_admit(
        organization=cell, date=D(2019, 3, 1), full_name="Trần Thị Tuổi", gender="female",
        birth_date=D(1990, 7, 15), ethnicity="tay", position="technical", from_pipeline=True,
    )  # fmt: skip
    member_services.member_make_official(member=member, date=D(2020, 3, 2))
    member_services.member_transfer_out(member=member, date=D(2023, 1, 9), to_unit="Nơi khác")
    assert_rows_equal_the_ledger([hanoi])
    # The day before and the day the member turns 31 (a new band) read what the ledger says.
    for day in (D(2021, 7, 14), D(2021, 7, 15)):
        assert composition.members_on(hanoi, day) == composition.members_on(hanoi, day, naive=True)
    rows = summaries.AGES.totals_on(hanoi.pk, [D(2021, 7, 15)])
    assert rows[D(2021, 7, 15)]["m_age_band_31_40"] > 0
    assert_rows_equal_a_rebuild()


def test_an_erasure_moves_the_member_to_unknown(user):
    hanoi = PartyOrganization.objects.get(code="HN-KCNCX")
    day = D(2022, 5, 31)
    member = Member.objects.filter(
        organization__path__startswith=hanoi.path, status="official", birth_date__isnull=False
    ).first()
    before = composition.members_on(hanoi, day).dimension("age_band").categories[-1].count
    member_services.member_erase(member=member, user=user("admin"), reason="Yêu cầu của đương sự")
    found = composition.members_on(hanoi, day)
    assert found.dimension("age_band").categories[-1].count == before + 1
    assert found == composition.members_on(hanoi, day, naive=True)
    assert_rows_equal_a_rebuild()


def test_an_enterprise_s_new_ownership_moves_its_members():
    hanoi = PartyOrganization.objects.get(code="HN-KCNCX")
    day = D(2022, 5, 31)
    enterprise = Enterprise.objects.filter(
        party_organizations__path__startswith=hanoi.path, ownership="fdi"
    ).first()
    before = composition.members_on(hanoi, day).dimension("ownership")
    enterprise.ownership = "state"
    org_services.enterprise_save(enterprise)
    after = composition.members_on(hanoi, day).dimension("ownership")
    assert after.categories[0].count < before.categories[0].count  # fewer in FDI
    assert after.total == before.total
    assert composition.members_on(hanoi, day) == composition.members_on(hanoi, day, naive=True)
    assert_rows_equal_a_rebuild()


def test_an_import_of_new_and_changed_members_keeps_the_rows_in_step(user):
    canbo = user("canbo")
    existing = Member.objects.filter(
        organization__code__startswith="HN-", status="official", card_number__gt=""
    ).first()
    changed = [
        existing.full_name, existing.gender, "01/01/1960", existing.organization.code,
        existing.card_number, existing.national_id,
        existing.admitted_on.strftime("%d/%m/%Y"), "", "official",
    ]  # fmt: skip
    summary = run("members", canbo, utf8([MEMBERS, MEMBER, changed]))
    assert summary.committed, summary.messages
    assert Member.objects.get(pk=existing.pk).birth_date == D(1960, 1, 1)
    assert_rows_equal_the_ledger(
        list(PartyOrganization.objects.filter(code__in=["HN-KCNCX", "TU-HN"]))
    )
    assert_rows_equal_a_rebuild()


@given(
    birth=st.one_of(st.none(), st.dates(D(1940, 1, 1), D(2005, 12, 31))),
    start=st.dates(D(2010, 1, 1), D(2030, 12, 31)),
    length=st.one_of(st.none(), st.integers(1, 20_000)),
    offsets=st.lists(st.integers(0, 25_000), min_size=1, max_size=5),
)
def test_age_spans_give_the_band_of_every_day(birth, start, length, offsets):
    """The spans the age rows are made of agree with `age_band` on each day they cover,
    29 February births included."""
    end = start + datetime.timedelta(days=length) if length else None
    spans = summaries.age_spans(birth, start, end)
    assert spans[0][0] == start and spans[-1][1] == end
    for (_s, until, _band), (begins, _u, _b) in zip(spans, spans[1:], strict=False):
        assert until == begins
    for offset in offsets:
        day = start + datetime.timedelta(days=offset)
        if end is not None and day >= end:
            continue
        band = next(b for s, u, b in spans if s <= day and (u is None or day < u))
        assert band == summaries.age_band(birth, day)


def test_a_city_s_whole_page_reads_a_fixed_handful_of_queries():
    """Composition, comparison with its zones and the year-by-year split of a city: the
    members table is never read, and the count does not grow with the years or zones."""
    city = PartyOrganization.objects.get(code="TU-HN")
    with CaptureQueriesContext(connection) as captured:
        whole = composition.members_on(city, D(2022, 5, 31))
        composition.compare(whole)
        composition.ownership_by_year(whole)
    tables = " ".join(q["sql"] for q in captured.captured_queries)
    assert "members_member" not in tables and "members_memberevent" not in tables
    assert len(captured.captured_queries) <= 8


def test_several_tables_are_read_in_one_probe_with_zeros_where_no_row():
    city = PartyOrganization.objects.get(code="TU-HN")
    cell = PartyOrganization.objects.filter(kind=PartyOrganization.Kind.GRASSROOTS_CELL).first()
    tables = [summaries.FIGURES, summaries.COMPOSITION, summaries.AGES]
    for day in (D(2000, 1, 1), D(2016, 4, 13), D(2022, 5, 31)):
        with CaptureQueriesContext(connection) as captured:
            found = summaries.totals_of_tables(tables, [city.pk, cell.pk], day)
        assert len(captured.captured_queries) == 1
        for table, rows in zip(tables, found, strict=True):
            assert rows[cell.pk] == table.zero  # a cell has no rows of these tables
            assert rows[city.pk] == table.totals_on(city.pk, [day])[day]
    assert found[0][city.pk]["party_members"] > 0
