"""Every figure of DOMAIN.md's Hanoi table, reproduced from the demo ledger."""

import datetime
from decimal import Decimal

import pytest

from organizations.models import PartyOrganization
from reports import statistics
from reports.demo import load_demo
from reports.formatting import multiple, percent
from reports.models import Metric, Target

D = datetime.date
FOUNDING = D(2012, 6, 19)
pytestmark = pytest.mark.django_db


def values(committee, day):
    return {metric: figure.value for metric, figure in statistics.stock(committee, day).items()}


def test_founding_five_organizations_and_248_members(hanoi):
    figures = values(hanoi, FOUNDING)
    assert figures[Metric.PARTY_ORGANIZATIONS] == 5
    assert figures[Metric.PARTY_MEMBERS] == 248


def test_end_of_2020_92_grassroots_organizations_and_1208_members(hanoi):
    figures = values(hanoi, D(2020, 12, 31))
    assert figures[Metric.GRASSROOTS_ORGANIZATIONS] == 92
    assert figures[Metric.PARTY_ORGANIZATIONS] == 92
    assert figures[Metric.PARTY_MEMBERS] == 1208


def test_year_2020_established_and_admitted_against_targets(hanoi):
    flows = statistics.flows(hanoi, D(2019, 12, 31), D(2020, 12, 31))
    established = flows.organizations["established"]
    admitted = flows.members["admitted"]
    assert (established, admitted) == (5, 92)
    targets = {
        t.metric: t.value
        for t in Target.objects.filter(committee=hanoi, start_year=2020, end_year=2020)
    }
    assert percent(established, targets[Metric.ORGANIZATIONS_ESTABLISHED]) == 100
    assert percent(admitted, targets[Metric.MEMBERS_ADMITTED]) == Decimal("102.2")


def test_first_half_of_2021(hanoi):
    flows = statistics.flows(hanoi, D(2020, 12, 31), D(2021, 6, 30))
    assert flows.organizations["established"] == 3
    assert flows.members["admitted"] == 37


def test_quang_minh_committee_has_four_cells_and_49_members():
    quang_minh = PartyOrganization.objects.get(code="HN-QM")
    figures = values(quang_minh, D(2022, 5, 31))
    assert figures[Metric.SUBORDINATE_CELLS] == 4
    assert figures[Metric.PARTY_MEMBERS] == 49


def test_may_2022_multiples_since_founding(hanoi):
    growth = statistics.growth(hanoi, FOUNDING, D(2022, 5, 31))
    organizations = growth.row(Metric.PARTY_ORGANIZATIONS)
    members = growth.row(Metric.PARTY_MEMBERS)
    assert (organizations.base.value, organizations.now.value) == (5, 96)
    assert (members.base.value, members.now.value) == (248, 1328)
    assert str(organizations.multiple) == "19.2"
    assert str(members.multiple) == "5.35"
    assert organizations.multiple == multiple(96, 5)


def test_since_founding_7_received_84_established_998_admitted(hanoi):
    flows = statistics.flows(hanoi, FOUNDING, D(2022, 5, 31))
    assert flows.organizations["received"] == 7
    assert flows.organizations["established"] == 84
    assert flows.organizations["dissolved"] == flows.organizations["transferred_out"] == 0
    assert flows.members["admitted"] == 998
    other = (
        flows.members["transferred_in"]
        - flows.members["transferred_out"]
        - sum(flows.members[k] for k in ("died", "struck_off", "expelled", "left"))
    )
    assert other == 82


def test_decomposition_balances(hanoi):
    growth = statistics.growth(hanoi, FOUNDING, D(2022, 5, 31))
    assert growth.balances(growth.organization_lines()) is True
    assert growth.balances(growth.member_lines()) is True


def test_direct_organization_count_never_falls(hanoi):
    reader = statistics.Reader(hanoi)
    counts = [
        statistics.stock(hanoi, D(year, 12, 31), reader=reader)[Metric.PARTY_ORGANIZATIONS].value
        for year in range(2012, 2022)
    ]
    assert counts == sorted(counts)


@pytest.mark.parametrize(
    ("kind", "organizations", "members", "established", "recruited"),
    [
        ("trade_union", 315, 135_460, 203, 134_369),
        ("youth_union", 44, 3_555, 39, 2_855),
    ],
)
def test_unions_in_june_2022(hanoi, kind, organizations, members, established, recruited):
    figures = values(hanoi, D(2022, 6, 30))
    assert figures[f"{kind}s"] == organizations
    assert figures[f"{kind}_members"] == members
    flows = statistics.flows(hanoi, FOUNDING, D(2022, 6, 30))
    assert flows.unions[f"{kind}s_established"] == established
    assert flows.unions[f"{kind}_members_recruited"] == recruited


def test_hai_phong_2022_and_2023():
    hai_phong = PartyOrganization.objects.get(code="HP-KKT")
    year_2022 = statistics.flows(hai_phong, D(2021, 12, 31), D(2022, 12, 31))
    assert (year_2022.organizations["established"], year_2022.members["admitted"]) == (9, 88)
    plan = Target.objects.get(committee=hai_phong, start_year=2022, metric=Metric.MEMBERS_ADMITTED)
    assert percent(88, plan.value) == Decimal("187.2")
    to_july = statistics.flows(hai_phong, D(2022, 12, 31), D(2023, 7, 31))
    assert (to_july.organizations["established"], to_july.members["admitted"]) == (7, 105)
    nhat_ban = PartyOrganization.objects.get(code="HP-NBHP")
    figures = values(nhat_ban, D(2023, 7, 31))
    assert (figures[Metric.SUBORDINATE_CELLS], figures[Metric.PARTY_MEMBERS]) == (23, 241)


def test_before_the_ledger_imported_figures_are_used():
    hai_phong = PartyOrganization.objects.get(code="HP-KKT")
    before = statistics.stock(hai_phong, D(2019, 12, 31))
    assert before[Metric.PARTY_MEMBERS] == statistics.Figure(590, statistics.Source.IMPORTED)
    assert before[Metric.TRADE_UNIONS].value is None  # unknown, not zero
    flows = statistics.flows(hai_phong, D(2019, 12, 31), D(2020, 12, 31))
    assert flows.source == statistics.Source.IMPORTED
    assert flows.members["admitted"] == 38
    unknown = statistics.flows(hai_phong, D(2019, 6, 30), D(2021, 6, 30))
    assert unknown.members is None


def test_load_demo_is_idempotent():
    before = PartyOrganization.objects.count()
    assert load_demo(password="another-password-2012") is False
    assert PartyOrganization.objects.count() == before
