"""organizations.services: establish, receive, dissolve, transfer out and move."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from config.dates import today
from members import services as member_services
from members.models import Member, MemberEvent
from organizations import services
from organizations.models import Enterprise, OrganizationEvent, PartyOrganization, Zone
from tests.factories import D, admitted, cell, zone_committee
from tests.helpers import assert_refused
from tests.helpers import ledger_counts as counts

# English messages, so that errors sharing a field (e.g. "date") can be told apart.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
Kind = PartyOrganization.Kind
ONE_DAY = datetime.timedelta(days=1)

# (field of a dict error, or code of a plain one; part of the English message)
FUTURE = ("date", "is in the future")
BEFORE_LAST = ("date", "must not be before the last recorded event")
MEMBER_BEFORE_LAST = ("date", "must not be before the member's last event")
CODE_TAKEN = ("code", "is already used")
KIND = ("kind", "Unknown kind of organization")
REQUIRED = ("required", "Code and name are required")
PARENT_KIND = ("parent", "cannot stand directly under")
NOT_EXISTING = ("parent", "did not exist on")
SAME_PARENT = ("new_parent", "is already under")
CYCLE = ("new_parent", "cannot be moved under itself or its own subtree")
# A move names its errors after the service's argument, the form's field.
MOVE_PARENT_KIND = ("new_parent", "cannot stand directly under")
MOVE_NOT_EXISTING = ("new_parent", "did not exist on")
ZONE_MISMATCH = ("enterprise", "not in the chosen zone")
FROM_UNIT = ("from_unit", "Name the committee")
TO_UNIT = ("to_unit", "Name the committee")
HAS_MEMBERS = ("has_members", "still has members")
HAS_CHILDREN = ("has_children", "Dissolve or move the organizations under")
INACTIVE = ("organization_inactive", "has been dissolved or transferred out")


def grassroots_committee(parent, day=datetime.date(2015, 2, 1)):
    return cell(parent, day, kind=Kind.GRASSROOTS_COMMITTEE)


def subordinate_cell(parent, day=datetime.date(2015, 3, 1)):
    return cell(parent, day, kind=Kind.SUBORDINATE_CELL)


def establish(
    parent, *, kind=Kind.GRASSROOTS_CELL, day=datetime.date(2015, 2, 1), code="T-ORG-X", **extra
):
    return services.organization_establish(
        code=code, name="Chi bộ thử", kind=kind, parent=parent, date=day, **extra
    )


def reload(organization):
    return PartyOrganization.objects.get(pk=organization.pk)


# Establish and receive ------------------------------------------------------------------------


def test_establish_records_the_event_and_the_derived_tree():
    zone = zone_committee()
    city = PartyOrganization.objects.get(code="TU-HN")
    org = services.organization_establish(
        code="  T-EST-1 ",
        name="  Chi bộ Công ty thử  ",
        kind=Kind.GRASSROOTS_CELL,
        parent=zone,
        date=D(2016, 4, 5),
        decision_number="12-QĐ/ĐU",
    )
    org = reload(org)
    assert (org.code, org.name) == ("T-EST-1", "Chi bộ Công ty thử")
    assert org.parent == zone and org.is_active
    assert zone.path == f"{city.path}{zone.pk}/"
    assert org.path == f"{zone.path}{org.pk}/"
    event = org.events.get()
    assert (event.kind, event.date, event.parent, event.decision_number) == (
        OrganizationEvent.Kind.ESTABLISHED,
        D(2016, 4, 5),
        zone,
        "12-QĐ/ĐU",
    )
    assert event.previous_parent is None
    assert org.existed_on(D(2016, 4, 5)) and not org.existed_on(D(2016, 4, 4))


def test_establish_a_top_level_zone_committee_has_a_root_path():
    org = establish(None, kind=Kind.ZONE_COMMITTEE, code="T-TOP-1")
    assert org.parent is None
    assert reload(org).path == f"/{org.pk}/"


def test_establish_today_is_accepted_and_tomorrow_refused():
    zone = zone_committee()
    assert establish(zone, day=today(), code="T-TODAY").is_active
    before = counts()
    with pytest.raises(ValidationError) as exc:
        establish(zone, day=today() + ONE_DAY, code="T-TOMORROW")
    assert_refused(exc, FUTURE)
    assert counts() == before
    assert not PartyOrganization.objects.filter(code="T-TOMORROW").exists()


@pytest.mark.parametrize("code", ["TU-HN", "  HN-KCNCX  "])
def test_duplicate_code_refused(code):
    zone = zone_committee()
    before = counts()
    with pytest.raises(ValidationError) as exc:
        establish(zone, code=code)
    assert_refused(exc, CODE_TAKEN)
    assert counts() == before


def test_duplicate_code_of_a_fresh_organization_refused():
    zone = zone_committee()
    establish(zone, code="T-DUP")
    before = counts()
    with pytest.raises(ValidationError) as exc:
        establish(zone, code="T-DUP", day=D(2017, 1, 1))
    assert_refused(exc, CODE_TAKEN)
    assert counts() == before


@pytest.mark.parametrize(("code", "name"), [("   ", "Chi bộ"), ("T-BLANK", "  ")])
def test_code_and_name_are_required(code, name):
    zone = zone_committee()
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.organization_establish(
            code=code, name=name, kind=Kind.GRASSROOTS_CELL, parent=zone, date=D(2016, 1, 1)
        )
    assert_refused(exc, REQUIRED)
    assert counts() == before


def test_unknown_kind_refused():
    zone = zone_committee()
    before = counts()
    with pytest.raises(ValidationError) as exc:
        establish(zone, kind="district_committee")
    assert_refused(exc, KIND)
    assert counts() == before


@pytest.mark.parametrize(
    ("kind", "parent_kind", "allowed"),
    [
        (Kind.SUBORDINATE_CELL, Kind.GRASSROOTS_COMMITTEE, True),
        (Kind.SUBORDINATE_CELL, Kind.ZONE_COMMITTEE, False),
        (Kind.SUBORDINATE_CELL, Kind.GRASSROOTS_CELL, False),
        (Kind.SUBORDINATE_CELL, Kind.SUBORDINATE_CELL, False),
        (Kind.GRASSROOTS_CELL, Kind.ZONE_COMMITTEE, True),
        (Kind.GRASSROOTS_CELL, Kind.PROVINCIAL_COMMITTEE, True),
        (Kind.GRASSROOTS_CELL, Kind.GRASSROOTS_COMMITTEE, False),
        (Kind.GRASSROOTS_CELL, None, False),
        (Kind.GRASSROOTS_COMMITTEE, Kind.ZONE_COMMITTEE, True),
        (Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_COMMITTEE, False),
        (Kind.ZONE_COMMITTEE, Kind.PROVINCIAL_COMMITTEE, True),
        (Kind.ZONE_COMMITTEE, Kind.ZONE_COMMITTEE, False),
        (Kind.PROVINCIAL_COMMITTEE, Kind.PROVINCIAL_COMMITTEE, False),
    ],
)
def test_parent_kind_rules(kind, parent_kind, allowed):
    zone = zone_committee()
    parents = {
        None: None,
        Kind.PROVINCIAL_COMMITTEE: PartyOrganization.objects.get(code="TU-HN"),
        Kind.ZONE_COMMITTEE: zone,
    }
    if parent_kind in (Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL):
        parents[parent_kind] = cell(zone, kind=parent_kind)
    if parent_kind == Kind.SUBORDINATE_CELL:
        parents[parent_kind] = subordinate_cell(grassroots_committee(zone))
    parent = parents[parent_kind]
    if allowed:
        org = establish(parent, kind=kind, day=D(2016, 1, 1))
        assert reload(org).parent == parent
        return
    before = counts()
    with pytest.raises(ValidationError) as exc:
        establish(parent, kind=kind, day=D(2016, 1, 1))
    assert_refused(exc, PARENT_KIND)
    assert counts() == before


def test_parent_must_exist_on_the_date():
    zone = zone_committee(day=D(2015, 1, 1))
    before = counts()
    with pytest.raises(ValidationError) as exc:
        establish(zone, day=D(2014, 12, 31))
    assert_refused(exc, NOT_EXISTING)
    assert counts() == before
    # The founding day itself is fine.
    assert establish(zone, day=D(2015, 1, 1)).is_active


def test_no_organization_under_a_dissolved_parent():
    zone = zone_committee()
    committee = grassroots_committee(zone)
    services.organization_dissolve(organization=committee, date=D(2017, 1, 1))
    committee = reload(committee)
    before = counts()
    for day in (D(2016, 6, 1), D(2018, 1, 1)):
        with pytest.raises(ValidationError) as exc:
            establish(committee, kind=Kind.SUBORDINATE_CELL, day=day)
        assert_refused(exc, NOT_EXISTING)
    assert counts() == before


def test_enterprise_must_be_in_the_chosen_zone():
    zone = zone_committee()
    park = Zone.objects.create(code="T-KCN-1", name="KCN thử 1", kind="industrial_park")
    other = Zone.objects.create(code="T-KCN-2", name="KCN thử 2", kind="industrial_park")
    enterprise = Enterprise.objects.create(name="Công ty thử", zone=park, ownership="fdi")
    before = counts()
    with pytest.raises(ValidationError) as exc:
        establish(zone, enterprise=enterprise, zone=other)
    assert_refused(exc, ZONE_MISMATCH)
    assert counts() == before
    # Without a zone, the enterprise's zone is taken.
    org = establish(zone, enterprise=enterprise)
    assert reload(org).zone == park


def test_receive_records_a_received_event_with_the_district():
    zone = zone_committee()
    org = services.organization_receive(
        code="T-RCV-1",
        name="Chi bộ tiếp nhận",
        kind=Kind.GRASSROOTS_CELL,
        parent=zone,
        date=D(2017, 5, 2),
        from_unit="  Quận ủy Bắc Từ Liêm ",
    )
    event = org.events.get()
    assert (event.kind, event.date, event.parent, event.other_unit) == (
        OrganizationEvent.Kind.RECEIVED,
        D(2017, 5, 2),
        zone,
        "Quận ủy Bắc Từ Liêm",
    )
    assert reload(org).path == f"{zone.path}{org.pk}/"


def test_receive_needs_the_district_and_a_past_date():
    zone = zone_committee()
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.organization_receive(
            code="T-RCV-2",
            name="Chi bộ",
            kind=Kind.GRASSROOTS_CELL,
            parent=zone,
            date=D(2017, 5, 2),
            from_unit="   ",
        )
    assert_refused(exc, FROM_UNIT)
    with pytest.raises(ValidationError) as exc:
        services.organization_receive(
            code="T-RCV-2",
            name="Chi bộ",
            kind=Kind.GRASSROOTS_CELL,
            parent=zone,
            date=today() + ONE_DAY,
            from_unit="Huyện ủy Mê Linh",
        )
    assert_refused(exc, FUTURE)
    assert counts() == before


def test_too_long_code_refused_with_a_validation_error():
    zone = zone_committee()
    with pytest.raises(ValidationError):
        establish(zone, code="T-" + "X" * 31)


# Dissolve ---------------------------------------------------------------------------------------


def test_dissolve_ends_the_organization():
    zone = zone_committee()
    org = cell(zone)
    path = reload(org).path
    services.organization_dissolve(
        organization=org, date=D(2018, 3, 1), decision_number="5-QĐ", note="hết hoạt động"
    )
    org = reload(org)
    assert not org.is_active
    assert (org.parent, org.path) == (zone, path)
    event = org.events.latest("pk")
    assert (event.kind, event.date, event.parent, event.note) == (
        OrganizationEvent.Kind.DISSOLVED,
        D(2018, 3, 1),
        zone,
        "hết hoạt động",
    )
    assert org.existed_on(D(2018, 2, 28)) and not org.existed_on(D(2018, 3, 1))


def test_dissolve_refused_while_members_remain():
    zone = zone_committee()
    org = cell(zone)
    member = admitted(org)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.organization_dissolve(organization=org, date=D(2018, 3, 1))
    assert_refused(exc, HAS_MEMBERS)
    assert counts() == before
    assert reload(org).is_active
    # Once the member has left, it can be dissolved.
    member_services.member_transfer_out(member=member, date=D(2018, 2, 1), to_unit="Quận ủy")
    services.organization_dissolve(organization=org, date=D(2018, 3, 1))
    assert not reload(org).is_active


def test_dissolve_refused_while_active_children_remain():
    zone = zone_committee()
    committee = grassroots_committee(zone)
    child = subordinate_cell(committee)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.organization_dissolve(organization=committee, date=D(2018, 3, 1))
    assert_refused(exc, HAS_CHILDREN)
    assert counts() == before
    services.organization_dissolve(organization=child, date=D(2018, 1, 1))
    services.organization_dissolve(organization=committee, date=D(2018, 3, 1))
    assert not reload(committee).is_active


def test_dissolve_twice_refused():
    zone = zone_committee()
    org = cell(zone)
    services.organization_dissolve(organization=org, date=D(2018, 3, 1))
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.organization_dissolve(organization=org, date=D(2019, 3, 1))
    assert_refused(exc, INACTIVE)
    assert counts() == before


def test_dissolve_before_the_last_event_refused():
    zone = zone_committee()
    other = zone_committee()
    org = cell(zone, day=D(2015, 2, 1))
    services.organization_move(organization=org, new_parent=other, date=D(2017, 6, 1))
    before = counts()
    for day in (D(2015, 1, 31), D(2017, 5, 31)):
        with pytest.raises(ValidationError) as exc:
            services.organization_dissolve(organization=org, date=day)
        assert_refused(exc, BEFORE_LAST)
    assert counts() == before
    assert reload(org).is_active


def test_dissolve_in_the_future_refused():
    org = cell(zone_committee())
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.organization_dissolve(organization=org, date=today() + ONE_DAY)
    assert_refused(exc, FUTURE)
    assert counts() == before


def test_dissolve_before_the_last_member_left_refused():
    org = cell(zone_committee())
    member = admitted(org, day=D(2016, 3, 1))
    member_services.member_transfer_out(member=member, date=D(2019, 6, 1), to_unit="Quận ủy")
    with pytest.raises(ValidationError):
        services.organization_dissolve(organization=org, date=D(2018, 1, 1))


def test_dissolve_before_a_child_was_dissolved_refused():
    committee = grassroots_committee(zone_committee())
    child = subordinate_cell(committee)
    services.organization_dissolve(organization=child, date=D(2019, 6, 1))
    with pytest.raises(ValidationError):
        services.organization_dissolve(organization=committee, date=D(2018, 1, 1))


# Transfer out -----------------------------------------------------------------------------------


def test_transfer_out_ends_the_subtree_and_transfers_its_members():
    zone = zone_committee()
    committee = grassroots_committee(zone)
    child = subordinate_cell(committee)
    gone = subordinate_cell(committee)
    services.organization_dissolve(organization=gone, date=D(2016, 1, 1))
    members = [admitted(committee), admitted(committee), admitted(child)]
    services.organization_transfer_out(
        organization=committee, date=D(2019, 5, 10), to_unit=" Đảng ủy Khối ", decision_number="9"
    )
    for org in (committee, child):
        org = reload(org)
        assert not org.is_active
        event = org.events.latest("pk")
        assert (event.kind, event.date, event.other_unit, event.decision_number) == (
            OrganizationEvent.Kind.TRANSFERRED_OUT,
            D(2019, 5, 10),
            "Đảng ủy Khối",
            "9",
        )
    assert reload(child).events.latest("pk").parent == committee
    assert reload(committee).events.latest("pk").parent == zone
    # The organization dissolved earlier keeps its dissolution as its last event.
    assert list(gone.events.values_list("kind", flat=True)) == ["established", "dissolved"]
    for member in members:
        member.refresh_from_db()
        assert member.status == "transferred_out"
        last = member.events.latest("pk")
        assert (last.kind, last.date, last.other_unit, last.ended_on) == (
            MemberEvent.Kind.TRANSFERRED_OUT,
            D(2019, 5, 10),
            "Đảng ủy Khối",
            None,
        )
        assert member.events.get(kind="admitted").ended_on == D(2019, 5, 10)


def test_transfer_out_needs_a_destination():
    committee = grassroots_committee(zone_committee())
    member = admitted(committee)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.organization_transfer_out(organization=committee, date=D(2019, 5, 10), to_unit=" ")
    assert_refused(exc, TO_UNIT)
    assert counts() == before
    member.refresh_from_db()
    assert member.status == "probationary"
    assert reload(committee).is_active


def test_transfer_out_rolls_back_when_a_member_has_a_later_event():
    committee = grassroots_committee(zone_committee())
    child = subordinate_cell(committee)
    early = admitted(committee, day=D(2016, 3, 1))
    late = admitted(child, day=D(2019, 8, 1))
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.organization_transfer_out(
            organization=committee, date=D(2019, 5, 10), to_unit="Quận ủy"
        )
    assert_refused(exc, MEMBER_BEFORE_LAST)
    assert counts() == before
    assert Member.objects.get(pk=early.pk).status == "probationary"
    assert Member.objects.get(pk=late.pk).status == "probationary"
    assert reload(committee).is_active and reload(child).is_active


def test_transfer_out_rolls_back_when_a_child_is_younger_than_the_date():
    committee = grassroots_committee(zone_committee(), day=D(2015, 2, 1))
    admitted(committee, day=D(2016, 3, 1))
    child = subordinate_cell(committee, day=D(2019, 1, 1))
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.organization_transfer_out(
            organization=committee, date=D(2018, 5, 10), to_unit="Quận ủy"
        )
    assert_refused(exc, BEFORE_LAST)
    assert counts() == before
    assert reload(committee).is_active and reload(child).is_active


def test_transfer_out_of_an_inactive_organization_refused():
    org = cell(zone_committee())
    services.organization_dissolve(organization=org, date=D(2017, 1, 1))
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.organization_transfer_out(organization=org, date=D(2018, 1, 1), to_unit="Quận")
    assert_refused(exc, INACTIVE)
    assert counts() == before


# Move -------------------------------------------------------------------------------------------


def test_move_changes_parent_and_paths_of_the_whole_subtree():
    old, new = zone_committee(), zone_committee()
    committee = grassroots_committee(old)
    child = subordinate_cell(committee)
    stays = cell(old)
    stays_path = reload(stays).path
    member = admitted(child)
    services.organization_move(
        organization=committee, new_parent=new, date=D(2018, 6, 15), decision_number="77"
    )
    committee, child = reload(committee), reload(child)
    assert committee.parent == new and committee.is_active
    assert committee.path == f"{new.path}{committee.pk}/"
    assert child.parent == committee and child.is_active
    assert child.path == f"{new.path}{committee.pk}/{child.pk}/"
    assert reload(stays).path == stays_path
    assert set(PartyOrganization.objects.subtree_of(new)) == {new, committee, child}
    assert set(PartyOrganization.objects.subtree_of(old)) == {old, reload(stays)}
    event = committee.events.latest("pk")
    assert (event.kind, event.date, event.parent, event.previous_parent, event.decision_number) == (
        OrganizationEvent.Kind.MOVED,
        D(2018, 6, 15),
        new,
        old,
        "77",
    )
    # Members stay in their organization; only the tree above it changed.
    member.refresh_from_db()
    assert member.organization == child
    assert member.events.count() == 1


def test_move_a_subordinate_cell_to_another_grassroots_committee():
    zone = zone_committee()
    first, second = grassroots_committee(zone), grassroots_committee(zone)
    child = subordinate_cell(first)
    services.organization_move(organization=child, new_parent=second, date=D(2018, 1, 1))
    child = reload(child)
    assert child.parent == second
    assert child.path == f"{reload(second).path}{child.pk}/"


def test_move_to_the_same_parent_refused():
    zone = zone_committee()
    org = cell(zone)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.organization_move(organization=org, new_parent=zone, date=D(2018, 1, 1))
    assert_refused(exc, SAME_PARENT)
    assert counts() == before


def test_move_into_its_own_subtree_refused():
    zone = zone_committee()
    committee = grassroots_committee(zone)
    child = subordinate_cell(committee)
    before = counts()
    for target in (committee, child):
        with pytest.raises(ValidationError) as exc:
            services.organization_move(
                organization=committee, new_parent=target, date=D(2018, 1, 1)
            )
        assert_refused(exc, CYCLE)
    with pytest.raises(ValidationError) as exc:
        services.organization_move(
            organization=zone, new_parent=reload(committee), date=D(2018, 1, 1)
        )
    assert_refused(exc, CYCLE)
    assert counts() == before
    assert reload(committee).parent == zone


def test_move_follows_the_parent_kind_rules():
    zone = zone_committee()
    committee = grassroots_committee(zone)
    child = subordinate_cell(committee)
    other_cell = cell(zone)
    before = counts()
    for org, target in ((child, zone), (child, other_cell), (other_cell, committee)):
        with pytest.raises(ValidationError) as exc:
            services.organization_move(organization=org, new_parent=target, date=D(2018, 1, 1))
        assert_refused(exc, MOVE_PARENT_KIND)
    assert counts() == before


def test_move_under_a_parent_not_existing_on_the_date_refused():
    old = zone_committee(day=D(2015, 1, 1))
    young = zone_committee(day=D(2019, 1, 1))
    dissolved = zone_committee(day=D(2015, 1, 1))
    services.organization_dissolve(organization=dissolved, date=D(2016, 1, 1))
    dissolved = reload(dissolved)
    org = cell(old)
    before = counts()
    for target in (young, dissolved):
        with pytest.raises(ValidationError) as exc:
            services.organization_move(organization=org, new_parent=target, date=D(2018, 1, 1))
        assert_refused(exc, MOVE_NOT_EXISTING)
    assert counts() == before
    assert reload(org).parent == old


def test_move_dated_before_the_last_event_or_in_the_future_refused():
    old, new = zone_committee(), zone_committee()
    org = cell(old, day=D(2016, 2, 1))
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.organization_move(organization=org, new_parent=new, date=D(2016, 1, 31))
    assert_refused(exc, BEFORE_LAST)
    with pytest.raises(ValidationError) as exc:
        services.organization_move(organization=org, new_parent=new, date=today() + ONE_DAY)
    assert_refused(exc, FUTURE)
    assert counts() == before
    # On the founding day itself the move is allowed.
    services.organization_move(organization=org, new_parent=new, date=D(2016, 2, 1))
    assert reload(org).parent == new


def test_move_of_a_dissolved_organization_refused():
    old, new = zone_committee(), zone_committee()
    org = cell(old)
    services.organization_dissolve(organization=org, date=D(2017, 1, 1))
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.organization_move(organization=org, new_parent=new, date=D(2018, 1, 1))
    assert_refused(exc, INACTIVE)
    assert counts() == before


def test_field_errors_keep_their_code():
    zone = zone_committee()
    with pytest.raises(ValidationError) as exc:
        establish(zone, code="TU-HN")
    assert [error.code for error in exc.value.error_dict["code"]] == ["code_taken"]


def test_dissolve_on_a_date_before_a_child_moved_out_is_refused():
    """The child still stood under the committee on that date: dissolving it then would
    leave the child under a committee that no longer exists (found by the summaries'
    property test: the summary rows and the ledger then disagreed)."""
    zone = zone_committee()
    other = zone_committee()
    org = cell(zone, day=D(2015, 2, 1))
    services.organization_move(organization=org, new_parent=other, date=D(2017, 6, 1))
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.organization_dissolve(organization=zone, date=D(2016, 1, 1))
    assert_refused(exc, ("date", "recorded after this date"))
    assert counts() == before
    assert reload(zone).is_active
    services.organization_dissolve(organization=zone, date=D(2017, 6, 1))  # after: allowed
    assert not reload(zone).is_active
