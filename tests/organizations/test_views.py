"""organizations.views: lists, detail, the tree's workflows, enterprises and autocompletes."""

import datetime
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.db.models import Count, Q
from django.urls import reverse

from config.dates import today
from config.versioning import version_of
from members.models import ACTIVE_STATUSES, Member, MemberEvent, Status
from organizations.models import (
    Enterprise,
    OrganizationEvent,
    PartyOrganization,
    Profile,
    Zone,
)
from tests.factories import admitted, cell, zone_committee
from unions.models import MassOrganization

pytestmark = pytest.mark.django_db
Kind = PartyOrganization.Kind
LIST = reverse("organizations:organization_list")
ENTERPRISES = reverse("organizations:enterprise_list")
ESTABLISH = reverse("organizations:organization_establish")
RECEIVE = reverse("organizations:organization_receive")


def dmy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def records(response) -> list:
    return [row.record for row in response.context["table"].page.object_list]


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def tree_counts() -> tuple[int, int]:
    return PartyOrganization.objects.count(), OrganizationEvent.objects.count()


def results(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()["results"]


@pytest.fixture
def quang_minh():
    return PartyOrganization.objects.get(code="HN-QM")


@pytest.fixture
def populated_cell(hanoi):
    """An active Hanoi grassroots cell with several active members and nothing under it."""
    return (
        PartyOrganization.objects.filter(
            path__startswith=hanoi.path, kind=Kind.GRASSROOTS_CELL, is_active=True
        )
        .annotate(active=Count("members", filter=Q(members__status__in=ACTIVE_STATUSES)))
        .filter(active__gte=3)
        .order_by("code")
        .first()
    )


@pytest.fixture
def empty_cell(hanoi):
    """A Hanoi cell established a month ago, with no member yet."""
    return cell(hanoi, today() - datetime.timedelta(days=30))


def establishment(parent, **overrides) -> dict:
    data = {
        "code": "HN-T-901",
        "name": "Chi bộ Công ty TNHH Thử nghiệm",
        "kind": Kind.GRASSROOTS_CELL,
        "parent": parent.pk,
        "date": dmy(today() - datetime.timedelta(days=10)),
        "decision_number": "901-QĐ/ĐU",
    }
    data.update(overrides)
    return data


# Organization list


def test_organization_list_is_scoped(login, hanoi, hai_phong):
    hp = records(login("canbo.hp").get(LIST, {"per_page": 1000}))
    assert hp and not any(o.code.startswith("HN-") for o in hp)
    assert all(o.path.startswith(hai_phong.path) for o in hp)
    hn = records(login("canbo").get(LIST, {"per_page": 1000}))
    assert {o.code for o in hn} >= {"HN-KCNCX", "HN-001", "HN-QM", "HN-QM-01"}
    assert all(o.path.startswith(hanoi.path) for o in hn)
    assert len(hn) == PartyOrganization.objects.filter(path__startswith=hanoi.path).count()


def test_organization_list_search_by_code_and_name(login):
    client = login("canbo")
    by_code = records(client.get(LIST, {"q": "hn-qm"}))
    assert {o.code for o in by_code} == {"HN-QM", "HN-QM-01", "HN-QM-02", "HN-QM-03", "HN-QM-04"}
    by_name = records(client.get(LIST, {"q": "Quang Minh"}))
    assert [o.code for o in by_name] == ["HN-QM"]
    # HP-NBHP matches, but lies outside canbo's scope; Hai Phong's staff do find it.
    assert records(client.get(LIST, {"q": "HP-NBHP"})) == []
    found = records(login("canbo.hp").get(LIST, {"q": "HP-NBHP"}))
    assert "HP-NBHP" in {o.code for o in found}


def test_organization_list_kind_filter(login, quang_minh):
    client = login("canbo")
    subordinate = records(client.get(LIST, {"kind": Kind.SUBORDINATE_CELL}))
    assert subordinate and {o.kind for o in subordinate} == {Kind.SUBORDINATE_CELL}
    assert {o.parent for o in subordinate} == {quang_minh}
    committees = records(client.get(LIST, {"kind": Kind.GRASSROOTS_COMMITTEE}))
    assert committees == [quang_minh]


def test_organization_list_member_count_is_the_active_members(login, populated_cell):
    # One member of the cell dies: the column must stop counting them.
    leaving = Member.objects.active().filter(organization=populated_cell).first()
    Member.objects.filter(pk=leaving.pk).update(status=Status.DIED)
    shown = {o.pk: o.member_count for o in records(login("canbo").get(LIST, {"per_page": 1000}))}
    active = dict(
        Member.objects.active()
        .values("organization")
        .annotate(n=Count("pk"))
        .values_list("organization", "n")
    )
    assert shown == {pk: active.get(pk, 0) for pk in shown}
    assert sum(shown.values()) > 1000  # the demo's Hanoi members, not an empty column
    expected = Member.objects.active().filter(organization=populated_cell).count()
    assert shown[populated_cell.pk] == expected
    page = login("canbo").get(LIST, {"q": populated_cell.code}).content.decode()
    assert f'<td class="num">{expected}</td>' in page


@pytest.mark.parametrize(
    "query",
    [{}, {"q": "Chi bộ"}, {"kind": Kind.GRASSROOTS_CELL, "is_active": "true"}, {"page": 2}],
)
def test_organization_list_query_count_is_pinned(login, django_assert_num_queries, query):
    client = login("canbo")
    client.get(LIST)  # warm the session
    # session, user, profile, committee (scope), one page of organizations with their counts
    with django_assert_num_queries(3) as captured:
        response = client.get(LIST, query)
    assert response.status_code == 200 and records(response)
    sql = [q["sql"].upper() for q in captured.captured_queries]
    # LazyPaginator: no COUNT(*) of the list. The only COUNT( is the member_count annotation,
    # inside the query that reads the page itself.
    assert not any("COUNT(*)" in q for q in sql)
    assert [q for q in sql if "COUNT(" in q] == [sql[-1]]
    assert "LIMIT 51" in sql[-1]


# Organization detail


def test_detail_shows_the_timeline_and_the_children(login, quang_minh):
    response = login("lanhdao").get(quang_minh.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    events = list(quang_minh.events.order_by("-date", "-pk"))
    assert events and list(response.context["events"]) == events
    assert "215-QĐ/ĐU" in html and "Thành lập" in html
    children = list(quang_minh.children.order_by("code"))
    assert [c.code for c in children] == ["HN-QM-01", "HN-QM-02", "HN-QM-03", "HN-QM-04"]
    assert list(response.context["children"]) == children
    for child in children:
        assert f'<a href="{child.get_absolute_url()}">{child.code}</a>' in html
    assert response.context["member_count"] == (
        Member.objects.active().filter(organization=quang_minh).count()
    )


def test_detail_timeline_of_a_received_cell_names_the_district(login):
    received = OrganizationEvent.objects.filter(
        kind=OrganizationEvent.Kind.RECEIVED, organization__code__startswith="HN-"
    ).first()
    response = login("canbo").get(received.organization.get_absolute_url())
    assert received.other_unit and received.other_unit in response.content.decode()
    assert response.context["children"].count() == 0


def test_detail_of_another_committees_organization_is_404(login, quang_minh, hai_phong):
    assert login("canbo.hp").get(quang_minh.get_absolute_url()).status_code == 404
    assert login("canbo").get(hai_phong.get_absolute_url()).status_code == 404
    assert login("canbo.hp").get(hai_phong.get_absolute_url()).status_code == 200


# Establish and receive


def test_establish_creates_the_organization_and_its_event(login, hanoi, user):
    response = login("canbo").post(ESTABLISH, establishment(hanoi))
    created = PartyOrganization.objects.get(code="HN-T-901")
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert (created.name, created.kind, created.parent, created.is_active) == (
        "Chi bộ Công ty TNHH Thử nghiệm",
        Kind.GRASSROOTS_CELL,
        hanoi,
        True,
    )
    assert created.path == f"{hanoi.path}{created.pk}/"
    event = created.events.get()
    assert (event.kind, event.date, event.decision_number, event.parent) == (
        OrganizationEvent.Kind.ESTABLISHED,
        today() - datetime.timedelta(days=10),
        "901-QĐ/ĐU",
        hanoi,
    )
    assert messages_of(response) == ["Đã thành lập Chi bộ Công ty TNHH Thử nghiệm."]
    assert created.history.first().history_user == user("canbo")


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"code": "HN-001"}, "code", "Mã HN-001 đã được dùng."),
        (
            {"date": dmy(today() + datetime.timedelta(days=1))},
            "date",
            "là ngày trong tương lai",
        ),
    ],
    ids=["duplicate-code", "future-date"],
)
def test_establish_errors_come_back_next_to_the_field(login, hanoi, overrides, field, text):
    before = tree_counts()
    response = login("canbo").post(ESTABLISH, establishment(hanoi, **overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert text in " ".join(form.errors[field])
    assert list(form.errors) == [field]
    html = response.content.decode()
    assert f'id="error_1_id_{field}"' in html and text in html
    # What was typed is kept.
    assert 'value="Chi bộ Công ty TNHH Thử nghiệm"' in html
    assert 'value="901-QĐ/ĐU"' in html
    assert f'value="{overrides.get("code", "HN-T-901")}"' in html
    assert tree_counts() == before


def test_establish_under_another_committee_is_refused(login, hai_phong):
    before = tree_counts()
    response = login("canbo").post(ESTABLISH, establishment(hai_phong))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["parent"]
    assert tree_counts() == before
    assert not PartyOrganization.objects.filter(code="HN-T-901").exists()


def test_establish_a_kind_that_cannot_stand_under_the_parent(login, hanoi):
    before = tree_counts()
    response = login("canbo").post(ESTABLISH, establishment(hanoi, kind=Kind.SUBORDINATE_CELL))
    assert response.status_code == 200
    assert "không thể" in " ".join(response.context["form"].errors["parent"])
    assert tree_counts() == before


def test_leaders_cannot_establish(login, hanoi):
    before = tree_counts()
    client = login("lanhdao")
    assert client.post(ESTABLISH, establishment(hanoi)).status_code == 403
    assert client.post(RECEIVE, establishment(hanoi, from_unit="Quận ủy")).status_code == 403
    assert tree_counts() == before


def test_receive_needs_the_unit_it_comes_from(login, hanoi):
    client = login("canbo")
    before = tree_counts()
    response = client.post(RECEIVE, establishment(hanoi))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["from_unit"]
    assert tree_counts() == before

    response = client.post(RECEIVE, establishment(hanoi, from_unit="  Quận ủy Long Biên "))
    received = PartyOrganization.objects.get(code="HN-T-901")
    assert response.status_code == 302
    assert response["Location"] == received.get_absolute_url()
    event = received.events.get()
    assert (event.kind, event.other_unit, event.parent) == (
        OrganizationEvent.Kind.RECEIVED,
        "Quận ủy Long Biên",
        hanoi,
    )
    assert tree_counts() == (before[0] + 1, before[1] + 1)


# Dissolve, move, transfer out


def action(name: str, organization) -> str:
    return reverse(f"organizations:organization_{name}", args=[organization.pk])


def test_dissolve_is_refused_while_members_remain(login, populated_cell):
    before = tree_counts()
    response = login("canbo").post(
        action("dissolve", populated_cell), {"date": dmy(today()), "decision_number": "1-QĐ"}
    )
    assert response.status_code == 200
    message = f"{populated_cell.name} vẫn còn đảng viên: hãy chuyển sinh hoạt cho họ trước."
    assert response.context["form"].non_field_errors() == [message]
    assert message in response.content.decode()
    populated_cell.refresh_from_db()
    assert populated_cell.is_active
    assert tree_counts() == before


def test_dissolve_an_empty_new_cell(login, empty_cell):
    autocomplete = reverse("organizations:organization_autocomplete")
    offered = results(login("canbo").get(autocomplete, {"q": empty_cell.code}))
    assert [int(item["id"]) for item in offered] == [empty_cell.pk]
    response = login("canbo").post(
        action("dissolve", empty_cell),
        {"date": dmy(today()), "decision_number": "77-QĐ/ĐU", "note": "Doanh nghiệp giải thể"},
    )
    assert response.status_code == 302
    assert response["Location"] == empty_cell.get_absolute_url()
    empty_cell.refresh_from_db()
    assert not empty_cell.is_active
    event = empty_cell.events.latest("pk")
    assert (event.kind, event.date, event.decision_number, event.note) == (
        OrganizationEvent.Kind.DISSOLVED,
        today(),
        "77-QĐ/ĐU",
        "Doanh nghiệp giải thể",
    )
    assert messages_of(response) == [f"Đã ghi nhận việc giải thể {empty_cell.name}."]
    # A dissolved cell is no longer offered as a choice.
    assert results(login("canbo").get(autocomplete, {"q": empty_cell.code})) == []


def test_move_a_cell_under_another_committee(login, hanoi, quang_minh):
    new_committee = cell(
        hanoi, today() - datetime.timedelta(days=20), kind=Kind.GRASSROOTS_COMMITTEE
    )
    moving = PartyOrganization.objects.get(code="HN-QM-02")
    assert moving.path == f"{quang_minh.path}{moving.pk}/"
    members_before = set(Member.objects.filter(organization=moving).values_list("pk", "status"))
    response = login("canbo").post(
        action("move", moving),
        {"new_parent": new_committee.pk, "date": dmy(today()), "decision_number": "5-QĐ"},
    )
    assert response.status_code == 302
    assert response["Location"] == moving.get_absolute_url()
    moving.refresh_from_db()
    assert moving.parent == new_committee
    assert moving.path == f"{new_committee.path}{moving.pk}/"
    event = moving.events.latest("pk")
    assert (event.kind, event.parent, event.previous_parent) == (
        OrganizationEvent.Kind.MOVED,
        new_committee,
        quang_minh,
    )
    members_after = set(Member.objects.filter(organization=moving).values_list("pk", "status"))
    assert members_after == members_before
    assert messages_of(response) == [f"Đã chuyển {moving.name}."]


def test_move_a_committee_carries_its_subtree(login, quang_minh, hai_phong):
    # Only an administrator sees both cities.
    cells = list(quang_minh.children.all())
    response = login("admin").post(
        action("move", quang_minh), {"new_parent": hai_phong.pk, "date": dmy(today())}
    )
    assert response.status_code == 302
    quang_minh.refresh_from_db()
    assert quang_minh.path == f"{hai_phong.path}{quang_minh.pk}/"
    for child in cells:
        child.refresh_from_db()
        assert child.path == f"{quang_minh.path}{child.pk}/"
    # From now on the Hai Phong staff see Quang Minh and the Hanoi staff do not.
    assert login("canbo.hp").get(quang_minh.get_absolute_url()).status_code == 200
    assert login("canbo").get(cells[0].get_absolute_url()).status_code == 404


def test_move_under_another_committees_organization_is_refused(login, hai_phong):
    moving = PartyOrganization.objects.get(code="HN-001")
    before = (moving.parent_id, moving.path, tree_counts())
    response = login("canbo").post(
        action("move", moving), {"new_parent": hai_phong.pk, "date": dmy(today())}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["new_parent"]
    moving.refresh_from_db()
    assert (moving.parent_id, moving.path, tree_counts()) == before


def test_move_under_the_same_parent_is_refused(login, hanoi):
    moving = PartyOrganization.objects.get(code="HN-001")
    before = tree_counts()
    response = login("canbo").post(
        action("move", moving), {"new_parent": hanoi.pk, "date": dmy(today())}
    )
    assert response.status_code == 200
    assert f"Tổ chức đã trực thuộc {hanoi.name}." in response.content.decode()
    assert tree_counts() == before


def test_move_errors_come_back_next_to_the_new_parent_field(login, hanoi):
    moving = PartyOrganization.objects.get(code="HN-001")
    response = login("canbo").post(
        action("move", moving), {"new_parent": hanoi.pk, "date": dmy(today())}
    )
    assert f"Tổ chức đã trực thuộc {hanoi.name}." in response.context["form"].errors.get(
        "new_parent", []
    )


def test_transfer_out_takes_the_members_and_shows_the_parent(login, hanoi, populated_cell):
    leaving = list(Member.objects.active().filter(organization=populated_cell))
    events_before = MemberEvent.objects.count()
    response = login("canbo").post(
        action("transfer_out", populated_cell),
        {"date": dmy(today()), "to_unit": "Quận ủy Cầu Giấy", "decision_number": "9-QĐ"},
    )
    assert response.status_code == 302
    assert response["Location"] == hanoi.get_absolute_url()
    populated_cell.refresh_from_db()
    assert not populated_cell.is_active
    event = populated_cell.events.latest("pk")
    assert (event.kind, event.other_unit) == (
        OrganizationEvent.Kind.TRANSFERRED_OUT,
        "Quận ủy Cầu Giấy",
    )
    statuses = set(
        Member.objects.filter(pk__in=[m.pk for m in leaving]).values_list("status", flat=True)
    )
    assert statuses == {Status.TRANSFERRED_OUT}
    assert MemberEvent.objects.count() == events_before + len(leaving)
    assert not Member.objects.active().filter(organization=populated_cell).exists()


def test_transfer_out_that_would_leave_the_users_scope_is_rolled_back(login, client):
    # A small committee of its own, so that its staff can try to transfer out their whole scope.
    root = zone_committee(day=today() - datetime.timedelta(days=60))
    inner = cell(root, today() - datetime.timedelta(days=50))
    member = admitted(inner, today() - datetime.timedelta(days=40))
    staff = get_user_model().objects.create_user("canbo.thu", password="x")
    Profile.objects.create(user=staff, committee=root, role=Profile.Role.STAFF)
    client.force_login(staff)
    before = tree_counts(), MemberEvent.objects.count()
    response = client.post(action("transfer_out", root), {"date": dmy(today()), "to_unit": "X"})
    # The parent it would show afterwards (the city committee) is not in the user's scope.
    assert response.status_code == 403
    assert (tree_counts(), MemberEvent.objects.count()) == before
    root.refresh_from_db()
    inner.refresh_from_db()
    member.refresh_from_db()
    assert root.is_active and inner.is_active and member.status == Status.PROBATIONARY


@pytest.mark.parametrize("name", ["dissolve", "move", "transfer_out"])
def test_actions_on_another_committees_organization_are_404(login, name):
    target = PartyOrganization.objects.get(code="HN-QM-01")
    before = tree_counts()
    client = login("canbo.hp")
    assert client.get(action(name, target)).status_code == 404
    data = {"date": dmy(today()), "to_unit": "x", "new_parent": target.parent_id}
    assert client.post(action(name, target), data).status_code == 404
    assert tree_counts() == before


@pytest.mark.parametrize("name", ["dissolve", "move", "transfer_out"])
def test_leaders_cannot_change_the_tree(login, empty_cell, name):
    before = tree_counts()
    data = {"date": dmy(today()), "to_unit": "x", "new_parent": empty_cell.parent_id}
    assert login("lanhdao").post(action(name, empty_cell), data).status_code == 403
    assert tree_counts() == before


# Enterprises


def coverage_in_database(enterprise) -> tuple[bool, bool, bool]:
    unions = MassOrganization.objects.filter(enterprise=enterprise, dissolved_on__isnull=True)
    return (
        PartyOrganization.objects.filter(enterprise=enterprise, is_active=True).exists(),
        unions.filter(kind=MassOrganization.Kind.TRADE_UNION).exists(),
        unions.filter(kind=MassOrganization.Kind.YOUTH_UNION).exists(),
    )


def coverage_shown(row) -> tuple[bool, bool, bool]:
    return (row.has_party_organization, row.has_trade_union, row.has_youth_union)


def hanoi_enterprises(hanoi):
    return Enterprise.objects.filter(
        zone__party_organizations__path__startswith=hanoi.path
    ).distinct()


def marks_rendered(html: str, enterprise) -> tuple[bool, ...]:
    """The ✓ (True) and — (False) marks of the enterprise's row, left to right."""
    row = html[html.index(f'href="{enterprise.get_absolute_url()}"') :].split("</tr>", 1)[0]
    return tuple(mark == "true" for mark in re.findall(r'<span class="(true|false)">', row))


def test_enterprise_list_coverage_agrees_with_the_database(login, hanoi):
    in_scope = hanoi_enterprises(hanoi)
    with_cell = PartyOrganization.objects.get(code="HN-001").enterprise
    youth = in_scope.filter(mass_organizations__kind=MassOrganization.Kind.YOUTH_UNION).first()
    bare = in_scope.filter(party_organizations=None, mass_organizations=None).first()
    # A dissolved trade union and a cell that is no longer active do not count.
    dissolved_union = (
        MassOrganization.objects.filter(
            enterprise__in=in_scope, kind=MassOrganization.Kind.TRADE_UNION
        )
        .exclude(enterprise__in=[with_cell, youth, bare])
        .first()
    )
    MassOrganization.objects.filter(pk=dissolved_union.pk).update(dissolved_on=today())
    ended = (
        PartyOrganization.objects.filter(
            enterprise__isnull=False, path__startswith=hanoi.path, members=None
        )
        .exclude(enterprise__in=[with_cell, youth, bare, dissolved_union.enterprise])
        .first()
    )
    PartyOrganization.objects.filter(pk=ended.pk).update(is_active=False)
    chosen = [with_cell, youth, bare, dissolved_union.enterprise, ended.enterprise]
    assert len({e.pk for e in chosen}) == 5

    client = login("canbo")
    shown = {}
    for enterprise in chosen:
        response = client.get(ENTERPRISES, {"q": enterprise.name})
        row = next(r for r in records(response) if r.pk == enterprise.pk)
        shown[enterprise] = coverage_in_database(enterprise)
        assert coverage_shown(row) == shown[enterprise], enterprise
        assert marks_rendered(response.content.decode(), enterprise) == shown[enterprise]
    # The sample holds both answers in every column.
    assert all({values[i] for values in shown.values()} == {True, False} for i in range(3))
    assert shown[bare] == (False, False, False)
    assert shown[dissolved_union.enterprise][1] is False
    assert shown[ended.enterprise][0] is False


@pytest.mark.parametrize("value", [True, False])
def test_enterprise_list_filters_on_party_organization(login, hanoi, value):
    response = login("canbo").get(
        ENTERPRISES, {"has_party_organization": str(value).lower(), "per_page": 1000}
    )
    shown = {e.pk for e in records(response)}
    expected = {e.pk for e in hanoi_enterprises(hanoi) if coverage_in_database(e)[0] is value}
    # One page holds at most 200 rows (BoundedLazyPaginator): every row shown is expected,
    # and the page is full or complete.
    assert shown and shown <= expected
    assert len(shown) == min(200, len(expected))


def test_enterprise_list_is_scoped(login):
    hp = records(login("canbo.hp").get(ENTERPRISES, {"per_page": 1000}))
    assert hp and {e.zone.province for e in hp} == {"Hải Phòng"}
    hn = records(login("canbo").get(ENTERPRISES, {"per_page": 1000}))
    assert hn and {e.zone.province for e in hn} == {"Hà Nội"}
    assert len(hn) == min(200, Enterprise.objects.filter(zone__province="Hà Nội").count())


def test_enterprise_list_query_count_is_pinned(login, django_assert_num_queries):
    client = login("canbo")
    client.get(ENTERPRISES)
    with django_assert_num_queries(3) as captured:
        response = client.get(ENTERPRISES, {"has_party_organization": "true", "page": 2})
    assert records(response)
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)


def test_a_cell_tagged_with_another_citys_zone_does_not_open_its_enterprises(login, hanoi):
    zone = Zone.objects.get(code="KKT-HAIPHONG")
    theirs = Enterprise.objects.filter(zone=zone).order_by("pk").first()
    url = reverse("organizations:enterprise_update", args=[theirs.pk])
    client = login("canbo")
    assert client.get(url).status_code == 404
    client.post(ESTABLISH, establishment(hanoi, zone=zone.pk))
    assert client.get(url).status_code == 404
    assert theirs not in records(client.get(ENTERPRISES, {"q": theirs.name}))


def new_enterprise(zone, **overrides) -> dict:
    data = {
        "name": "Công ty TNHH Thử nghiệm Sakura Việt Nam",
        "zone": zone.pk,
        "ownership": Enterprise.Ownership.FDI,
        "investor_country": "Nhật Bản",
        "workforce": 850,
        "committee": PartyOrganization.objects.get(code="HN-KCNCX").pk,
    }
    data.update(overrides)
    return data


def test_create_an_enterprise_in_a_zone_of_the_committee(login, user):
    zone = Zone.objects.get(code="KCN-THANGLONG")
    response = login("canbo").post(reverse("organizations:enterprise_create"), new_enterprise(zone))
    assert response.status_code == 302
    assert response["Location"] == ENTERPRISES
    created = Enterprise.objects.get(name="Công ty TNHH Thử nghiệm Sakura Việt Nam")
    assert (created.zone, created.ownership, created.investor_country, created.workforce) == (
        zone,
        Enterprise.Ownership.FDI,
        "Nhật Bản",
        850,
    )
    assert created.history.first().history_user == user("canbo")
    listed = records(login("canbo").get(ENTERPRISES, {"q": "Sakura Việt Nam"}))
    assert created in listed


def test_create_an_enterprise_for_another_committee_is_refused(login):
    before = Enterprise.objects.count()
    zone = Zone.objects.get(code="KCN-TRANGDUE")  # Hai Phong's
    hai_phong = PartyOrganization.objects.get(code="HP-KKT")
    response = login("canbo").post(
        reverse("organizations:enterprise_create"), new_enterprise(zone, committee=hai_phong.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["committee"]
    assert Enterprise.objects.count() == before


def test_leaders_cannot_create_an_enterprise(login):
    before = Enterprise.objects.count()
    zone = Zone.objects.get(code="KCN-THANGLONG")
    response = login("lanhdao").post(
        reverse("organizations:enterprise_create"), new_enterprise(zone)
    )
    assert response.status_code == 403
    assert Enterprise.objects.count() == before


def test_update_an_enterprise(login):
    enterprise = PartyOrganization.objects.get(code="HN-001").enterprise
    url = reverse("organizations:enterprise_update", args=[enterprise.pk])
    data = new_enterprise(enterprise.zone, name=enterprise.name, workforce=4321)
    data["version"] = version_of(enterprise)
    response = login("canbo").post(url, data)
    assert response.status_code == 302 and response["Location"] == ENTERPRISES
    enterprise.refresh_from_db()
    assert enterprise.workforce == 4321


def test_update_of_another_committees_enterprise_is_404(login):
    enterprise = Enterprise.objects.filter(committee__code="HP-KKT").first()
    before = (enterprise.name, enterprise.workforce)
    url = reverse("organizations:enterprise_update", args=[enterprise.pk])
    client = login("canbo")
    assert client.get(url).status_code == 404
    data = new_enterprise(enterprise.zone, name="Đổi tên", workforce=1)
    assert client.post(url, data).status_code == 404
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.workforce) == before
    assert login("canbo.hp").get(url).status_code == 200


# Autocompletes


def test_organization_autocomplete_is_scoped(login, quang_minh):
    url = reverse("organizations:organization_autocomplete")
    found = results(login("canbo").get(url, {"q": "HN-QM"}))
    assert sorted(item["text"] for item in found) == sorted(
        PartyOrganization.objects.filter(code__startswith="HN-QM").values_list("name", flat=True)
    )
    assert results(login("canbo.hp").get(url, {"q": "HN-QM"})) == []
    assert results(login("canbo.hp").get(url, {"q": quang_minh.name})) == []
    committees = results(
        login("canbo").get(
            url, {"q": "Đảng bộ", "forward": json.dumps({"kinds": [Kind.GRASSROOTS_COMMITTEE]})}
        )
    )
    assert [int(item["id"]) for item in committees] == [quang_minh.pk]
    hp = results(login("canbo.hp").get(url, {"q": "Chi bộ"}))
    ids = [int(item["id"]) for item in hp]
    assert ids
    assert not PartyOrganization.objects.filter(pk__in=ids).exclude(code__startswith="HP-")


def test_enterprise_autocomplete_is_scoped(login, hanoi):
    url = reverse("organizations:enterprise_autocomplete")
    enterprise = hanoi_enterprises(hanoi).filter(name__endswith="HN300").get()
    found = results(login("canbo").get(url, {"q": enterprise.name}))
    assert [int(item["id"]) for item in found] == [enterprise.pk]
    assert results(login("canbo.hp").get(url, {"q": enterprise.name})) == []
    for username, province in [("canbo", "Hà Nội"), ("canbo.hp", "Hải Phòng")]:
        ids = [int(item["id"]) for item in results(login(username).get(url, {"q": "Công ty"}))]
        assert len(ids) == 10  # one page
        assert set(
            Enterprise.objects.filter(pk__in=ids).values_list("zone__province", flat=True)
        ) == {province}


def test_zone_autocomplete_offers_the_zones_to_signed_in_users(login, client):
    url = reverse("organizations:zone_autocomplete")
    found = results(login("canbo").get(url, {"q": "Quang Minh"}))
    assert [item["text"] for item in found] == ["KCN Quang Minh"]
    assert [int(item["id"]) for item in found] == [Zone.objects.get(code="KCN-QUANGMINH").pk]
    everything = results(login("canbo.hp").get(url))
    assert len(everything) == Zone.objects.count() == 10
    client.logout()
    response = client.get(url, {"q": "Quang Minh"})
    assert response.status_code == 302 and "/login" in response["Location"]


def test_staff_cannot_move_or_transfer_their_own_committee(login, hanoi):
    client = login("canbo")
    page = client.get(hanoi.get_absolute_url())
    assert reverse("organizations:organization_transfer_out", args=[hanoi.pk]) not in page.text
    before = MemberEvent.objects.count()
    url = reverse("organizations:organization_transfer_out", args=[hanoi.pk])
    assert client.post(url, {"date": "01/01/2024", "to_unit": "Thành ủy"}).status_code == 403
    assert MemberEvent.objects.count() == before


def test_per_page_is_capped(login):
    response = login("canbo").get(reverse("members:member_list"), {"per_page": 100000})
    assert len(response.context["table"].page.object_list) == 200
