"""reports.statistics when organizations move between committees or are transferred out.

The tree on a date is read from the ledger, so a move on day M counts the old tree on M-1 and
the new one on M, and the decomposition of a period spanning M balances on both sides.
"""

import datetime

import pytest

from members import services as member_services
from members.models import Member
from organizations import services as org_services
from organizations.models import PartyOrganization
from reports import ledger, statistics
from reports.models import Metric
from tests.factories import D, admitted, cell, zone_committee

pytestmark = pytest.mark.django_db
Kind = PartyOrganization.Kind
ONE_DAY = datetime.timedelta(days=1)
MOVED = D(2018, 6, 15)
BASE, AS_OF = D(2017, 12, 31), D(2018, 12, 31)


def values(committee, day):
    return {metric: figure.value for metric, figure in statistics.stock(committee, day).items()}


def assert_balances(growth):
    assert growth.flows.source == statistics.Source.LEDGER
    assert growth.balances(growth.member_lines()) is True
    assert growth.balances(growth.organization_lines()) is True


@pytest.fixture
def tree():
    """Zone A: grassroots committee G (2 members) with subordinate cell S (1 member), and cell
    C (1 member). Zone B: cell E (1 member). A member is admitted into S on 01/03/2018, G
    moves from A to B on MOVED, and a member is admitted into G on 01/09/2018."""
    giver, receiver = zone_committee(), zone_committee()
    committee = cell(giver, day=D(2015, 2, 1), kind=Kind.GRASSROOTS_COMMITTEE)
    sub = cell(committee, day=D(2015, 3, 1), kind=Kind.SUBORDINATE_CELL)
    stays = cell(giver, day=D(2015, 2, 1))
    other = cell(receiver, day=D(2015, 2, 1))
    for org in (committee, committee, sub, stays, other):
        admitted(org, day=D(2016, 3, 1))
    admitted(sub, day=D(2018, 3, 1))
    org_services.organization_move(organization=committee, new_parent=receiver, date=MOVED)
    admitted(committee, day=D(2018, 9, 1))
    return {"A": giver, "B": receiver, "G": committee, "S": sub}


def test_stock_uses_the_old_tree_the_day_before_the_move_and_the_new_one_on_it(tree):
    a_before, a_on = values(tree["A"], MOVED - ONE_DAY), values(tree["A"], MOVED)
    b_before, b_on = values(tree["B"], MOVED - ONE_DAY), values(tree["B"], MOVED)
    assert a_before[Metric.PARTY_ORGANIZATIONS] == 2
    assert a_before[Metric.GRASSROOTS_ORGANIZATIONS] == 2
    assert a_before[Metric.SUBORDINATE_CELLS] == 1
    assert a_before[Metric.PARTY_MEMBERS] == 5
    assert a_before[Metric.PROBATIONARY_MEMBERS] == 5
    assert (a_on[Metric.PARTY_ORGANIZATIONS], a_on[Metric.SUBORDINATE_CELLS]) == (1, 0)
    assert a_on[Metric.PARTY_MEMBERS] == 1
    assert (b_before[Metric.PARTY_ORGANIZATIONS], b_before[Metric.PARTY_MEMBERS]) == (1, 1)
    assert (b_on[Metric.PARTY_ORGANIZATIONS], b_on[Metric.SUBORDINATE_CELLS]) == (2, 1)
    assert b_on[Metric.PARTY_MEMBERS] == 5
    # The city committee above both sees no change at all.
    city = PartyOrganization.objects.get(code="TU-HN")
    tree_before = ledger.OrganizationLedger().tree_on(MOVED - ONE_DAY)
    tree_on = ledger.OrganizationLedger().tree_on(MOVED)
    assert tree_before.subtree(city.pk) == tree_on.subtree(city.pk)


def test_growth_over_the_move_balances_for_the_giver(tree):
    growth = statistics.growth(tree["A"], BASE, AS_OF)
    assert_balances(growth)
    members, orgs = growth.flows.members, growth.flows.organizations
    assert members["moved_with_organizations"] == -4
    assert members["admitted"] == 1  # into S before the move; the one in G after it is B's
    assert orgs["moved_out"] == 1 and orgs["moved_in"] == 0
    assert growth.row(Metric.PARTY_MEMBERS).base.value == 4
    assert growth.row(Metric.PARTY_MEMBERS).now.value == 1
    assert growth.row(Metric.PARTY_ORGANIZATIONS).change == -1


def test_growth_over_the_move_balances_for_the_receiver(tree):
    growth = statistics.growth(tree["B"], BASE, AS_OF)
    assert_balances(growth)
    members, orgs = growth.flows.members, growth.flows.organizations
    assert members["moved_with_organizations"] == 4
    assert members["admitted"] == 1
    assert orgs["moved_in"] == 1 and orgs["moved_out"] == 0
    assert (
        growth.row(Metric.PARTY_MEMBERS).base.value,
        growth.row(Metric.PARTY_MEMBERS).now.value,
    ) == (1, 6)
    assert growth.row(Metric.PARTY_ORGANIZATIONS).change == 1


@pytest.mark.parametrize("zone", ["A", "B"])
def test_a_period_of_the_move_day_alone_balances(tree, zone):
    growth = statistics.growth(tree[zone], MOVED - ONE_DAY, MOVED)
    assert_balances(growth)
    assert abs(growth.flows.members["moved_with_organizations"]) == 4
    assert growth.flows.members["admitted"] == 0


@pytest.mark.parametrize("zone", ["A", "B"])
def test_a_period_starting_on_the_move_day_has_no_move(tree, zone):
    growth = statistics.growth(tree[zone], MOVED, AS_OF)
    assert_balances(growth)
    assert growth.flows.members["moved_with_organizations"] == 0
    assert growth.flows.organizations["moved_in"] == growth.flows.organizations["moved_out"] == 0


def test_moving_a_subordinate_cell_across_zones_balances():
    giver, receiver = zone_committee(), zone_committee()
    first = cell(giver, day=D(2015, 2, 1), kind=Kind.GRASSROOTS_COMMITTEE)
    second = cell(receiver, day=D(2015, 2, 1), kind=Kind.GRASSROOTS_COMMITTEE)
    sub = cell(first, day=D(2015, 3, 1), kind=Kind.SUBORDINATE_CELL)
    admitted(sub, day=D(2016, 3, 1))
    admitted(sub, day=D(2016, 3, 1))
    org_services.organization_move(organization=sub, new_parent=second, date=MOVED)
    for zone, sign in ((giver, -1), (receiver, 1)):
        growth = statistics.growth(zone, BASE, AS_OF)
        assert_balances(growth)
        assert growth.flows.members["moved_with_organizations"] == 2 * sign
        # Subordinate cells are not the committee's direct organizations.
        assert growth.flows.organizations["moved_in"] == growth.flows.organizations["moved_out"]
        assert growth.row(Metric.PARTY_ORGANIZATIONS).change == 0
        before, after = values(zone, MOVED - ONE_DAY), values(zone, MOVED)
        assert after[Metric.SUBORDINATE_CELLS] - before[Metric.SUBORDINATE_CELLS] == sign


def test_transfer_out_of_a_grassroots_committee_with_its_cell_and_members():
    zone = zone_committee()
    committee = cell(zone, day=D(2015, 2, 1), kind=Kind.GRASSROOTS_COMMITTEE)
    sub = cell(committee, day=D(2015, 3, 1), kind=Kind.SUBORDINATE_CELL)
    stays = cell(zone, day=D(2015, 2, 1))
    leaving = [admitted(committee), admitted(committee), admitted(sub)]
    member_services.member_make_official(member=leaving[0], date=D(2017, 3, 1))
    staying = admitted(stays)
    day = D(2019, 5, 10)
    org_services.organization_transfer_out(organization=committee, date=day, to_unit="Quận ủy")

    assert set(
        Member.objects.filter(pk__in=[m.pk for m in leaving]).values_list("status", flat=True)
    ) == {"transferred_out"}
    assert Member.objects.get(pk=staying.pk).status == "probationary"
    assert not PartyOrganization.objects.filter(
        pk__in=[committee.pk, sub.pk], is_active=True
    ).exists()

    before, after = values(zone, day - ONE_DAY), values(zone, day)
    assert (before[Metric.PARTY_ORGANIZATIONS], after[Metric.PARTY_ORGANIZATIONS]) == (2, 1)
    assert (before[Metric.SUBORDINATE_CELLS], after[Metric.SUBORDINATE_CELLS]) == (1, 0)
    assert (before[Metric.PARTY_MEMBERS], after[Metric.PARTY_MEMBERS]) == (4, 1)

    growth = statistics.growth(zone, D(2018, 12, 31), D(2019, 12, 31))
    assert_balances(growth)
    assert growth.flows.members["transferred_out"] == 3
    assert growth.flows.members["moved_with_organizations"] == 0
    # Only the committee was directly under the zone; its cell went with it.
    assert growth.flows.organizations["transferred_out"] == 1
    assert growth.row(Metric.PARTY_ORGANIZATIONS).change == -1
    assert growth.row(Metric.PARTY_MEMBERS).change == -3


def test_growth_over_both_a_move_and_a_transfer_out_balances(tree):
    org_services.organization_transfer_out(
        organization=tree["G"], date=D(2018, 10, 1), to_unit="Đảng ủy Khối"
    )
    for zone, moved in (("A", -4), ("B", 4)):
        growth = statistics.growth(tree[zone], BASE, AS_OF)
        assert_balances(growth)
        assert growth.flows.members["moved_with_organizations"] == moved
    receiver = statistics.growth(tree["B"], BASE, AS_OF)
    # 4 moved in with G and 1 admitted into G afterwards all left with it.
    assert receiver.flows.members["transferred_out"] == 5
    assert receiver.flows.organizations["transferred_out"] == 1
    assert receiver.row(Metric.PARTY_MEMBERS).now.value == 1
    assert statistics.growth(tree["A"], BASE, AS_OF).flows.members["transferred_out"] == 0


def test_member_events_on_the_move_day_count_for_the_receiver():
    giver, receiver = zone_committee(), zone_committee()
    committee = cell(giver, day=D(2015, 2, 1), kind=Kind.GRASSROOTS_COMMITTEE)
    leaving, staying = admitted(committee), admitted(committee)
    org_services.organization_move(organization=committee, new_parent=receiver, date=MOVED)
    member_services.member_transfer_out(member=leaving, date=MOVED, to_unit="Quận ủy")
    admitted(committee, day=MOVED)
    member_services.member_make_official(member=staying, date=MOVED)
    giving = statistics.growth(giver, BASE, AS_OF)
    receiving = statistics.growth(receiver, BASE, AS_OF)
    for growth in (giving, receiving):
        assert_balances(growth)
    assert giving.flows.members["moved_with_organizations"] == -2
    assert receiving.flows.members["moved_with_organizations"] == 2
    assert (giving.flows.members["transferred_out"], giving.flows.members["admitted"]) == (0, 0)
    assert (receiving.flows.members["transferred_out"], receiving.flows.members["admitted"]) == (
        1,
        1,
    )
    assert receiving.flows.members["made_official"] == 1
    assert values(receiver, MOVED)[Metric.PARTY_MEMBERS] == 2
    assert values(giver, MOVED - ONE_DAY)[Metric.PARTY_MEMBERS] == 2
