"""Issue 17, finding 1: a transfer in must not hand another committee's member over.

Through the route that found it: `canbo.hp` posts the transfer-in form with the national ID
or the Party card number of a member on Hanoi's records.
"""

import datetime

import pytest
from django.urls import reverse

from config.dates import dmy
from members.models import Member, MemberEvent, Status
from organizations.models import PartyOrganization
from tests.helpers import ledger_counts

pytestmark = pytest.mark.django_db

MISMATCH_VI = "Không thể tiếp nhận: thông tin không khớp với hồ sơ."
MISMATCH_EN = "Cannot receive: the details do not match the records."
URL = reverse("members:member_transfer_in")


@pytest.fixture
def hp_cell(hai_phong):
    return (
        PartyOrganization.objects.filter(
            path__startswith=hai_phong.path,
            kind=PartyOrganization.Kind.GRASSROOTS_CELL,
            is_active=True,
        )
        .order_by("pk")
        .first()
    )


@pytest.fixture
def hanoi_former(hanoi):
    """A member whom Hanoi transferred out, with both identifiers and a birth date."""
    return (
        Member.objects.filter(
            organization__path__startswith=hanoi.path, status=Status.TRANSFERRED_OUT
        )
        .exclude(national_id="")
        .exclude(card_number="")
        .exclude(birth_date=None)
        .order_by("pk")
        .first()
    )


def form(cell, **fields):
    data = {
        "organization": cell.pk,
        "date": dmy(datetime.date.today()),
        "full_name": "Trần Văn Giả",
        "gender": "male",
        "status": Status.OFFICIAL,
        "from_unit": "Thành ủy Hà Nội",
    }
    data.update(fields)
    return data


def state(member):
    """What a refused transfer must leave as it was: the record, its events, the ledger."""
    member = Member.objects.get(pk=member.pk)
    events = list(member.events.values_list("pk", "date", "organization_id"))
    return (member.organization_id, member.status, member.full_name, events, ledger_counts())


@pytest.mark.parametrize(
    "identifier",
    [
        lambda m: {"national_id": m.national_id},
        lambda m: {"card_number": m.card_number},
        lambda m: {"national_id": m.national_id, "card_number": m.card_number},
    ],
    ids=["national-id", "card", "both"],
)
def test_another_name_with_a_hanoi_identifier_is_refused_and_reveals_nothing(
    login, hp_cell, hanoi_former, identifier
):
    before = state(hanoi_former)
    response = login("canbo.hp").post(URL, form(hp_cell, **identifier(hanoi_former)))
    assert response.status_code == 200
    page = response.content.decode()
    assert MISMATCH_VI in page
    for secret in (hanoi_former.full_name, dmy(hanoi_former.birth_date), "already on record"):
        assert secret not in page
    assert state(hanoi_former) == before


@pytest.mark.parametrize(
    "change",
    [
        {"birth_date": "01/01/1970"},
        {"birth_date": ""},
        {"gender": "other-gender"},
        {"card_number": "ZZ99999999"},
    ],
    ids=["birth-date", "no-birth-date", "gender", "other-card"],
)
def test_the_right_name_with_one_detail_wrong_is_refused(login, hp_cell, hanoi_former, change):
    typed = {
        "full_name": hanoi_former.full_name,
        "gender": hanoi_former.gender,
        "birth_date": dmy(hanoi_former.birth_date),
        "national_id": hanoi_former.national_id,
    }
    if change.get("gender"):
        change = {"gender": "female" if hanoi_former.gender == "male" else "male"}
    typed.update(change)
    before = state(hanoi_former)
    response = login("canbo.hp").post(URL, form(hp_cell, **typed))
    assert MISMATCH_VI in response.content.decode()
    assert state(hanoi_former) == before


def test_an_active_member_elsewhere_gets_the_same_message(login, hanoi, hp_cell):
    active = (
        Member.objects.active()
        .filter(organization__path__startswith=hanoi.path)
        .exclude(national_id="")
        .order_by("pk")
        .first()
    )
    before = state(active)
    client = login("canbo.hp")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.post(
        URL, form(hp_cell, national_id=active.national_id, full_name=active.full_name)
    )
    page = response.content.decode()
    assert MISMATCH_EN in page
    assert "already on record" not in page
    assert state(active) == before


def test_a_matching_identity_continues_the_record_but_not_the_old_events(
    login, hp_cell, hanoi_former
):
    old_events = list(hanoi_former.events.values_list("pk", flat=True))
    client = login("canbo.hp")
    response = client.post(
        URL,
        form(
            hp_cell,
            # Clerks differ in spaces and letter case; the person is the same.
            full_name="  " + hanoi_former.full_name.upper() + " ",
            gender=hanoi_former.gender,
            birth_date=dmy(hanoi_former.birth_date),
            national_id=hanoi_former.national_id,
        ),
    )
    assert response.status_code == 302
    member = Member.objects.get(pk=hanoi_former.pk)
    assert (member.organization_id, member.status) == (hp_cell.pk, Status.OFFICIAL)
    arrived = member.events.get(kind=MemberEvent.Kind.TRANSFERRED_IN, organization=hp_cell)

    summary = ledger_counts()
    for pk in old_events:
        url = reverse("members:event_correct", args=[pk])
        assert client.get(url).status_code == 404
        posted = client.post(url, {"date": "01/01/2014", "reason": "sửa", "decision_number": ""})
        assert posted.status_code == 404
    assert ledger_counts() == summary
    assert list(member.events.filter(pk__in=old_events).values_list("pk", flat=True))

    # The receiving committee's own event is theirs to correct, and only it has the link.
    assert client.get(reverse("members:event_correct", args=[arrived.pk])).status_code == 200
    page = client.get(member.get_absolute_url()).content.decode()
    assert reverse("members:event_correct", args=[arrived.pk]) in page
    for pk in old_events:
        assert reverse("members:event_correct", args=[pk]) not in page


def test_hanoi_events_of_a_member_now_in_hai_phong_answer_404_to_hanoi_too(
    login, hp_cell, hanoi_former
):
    """Once received, the person is Hai Phong's: Hanoi's clerk cannot rewrite the record."""
    login("canbo.hp").post(
        URL,
        form(
            hp_cell,
            full_name=hanoi_former.full_name,
            gender=hanoi_former.gender,
            birth_date=dmy(hanoi_former.birth_date),
            card_number=hanoi_former.card_number,
        ),
    )
    assert Member.objects.get(pk=hanoi_former.pk).organization_id == hp_cell.pk
    client = login("canbo")
    event = hanoi_former.events.order_by("date").first()
    assert client.get(reverse("members:event_correct", args=[event.pk])).status_code == 404


def test_demo_identifiers_are_not_in_sequence(hanoi):
    """Knowing one member's card or ID number must not give the next one's."""
    members = list(
        Member.objects.filter(organization__path__startswith=hanoi.path)
        .exclude(card_number="")
        .order_by("pk")
        .values_list("card_number", "national_id")[:200]
    )
    assert len(members) == 200
    for index in (0, 1):
        numbers = [int("".join(c for c in pair[index] if c.isdigit())) for pair in members]
        steps = {b - a for a, b in zip(numbers, numbers[1:], strict=False)}
        # Numbers in sequence give a handful of small steps; random ones seldom repeat one.
        assert len(steps) > 150, sorted(steps)[:20]
