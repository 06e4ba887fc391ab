"""The database rules of members.models, for rows written without the services."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from members.models import Candidate, Member, MemberEvent, Position
from tests.factories import D, admitted, cell, zone_committee
from tests.helpers import violations

pytestmark = pytest.mark.django_db
CHOICES = "A value outside the allowed choices was given."


@pytest.fixture
def org():
    return cell(zone_committee())


def raw_member(org, **overrides) -> Member:
    fields = {
        "full_name": "Phạm Văn C",
        "gender": "male",
        "organization": org,
        "status": "official",
        "card_number": "",
        "national_id": "",
    }
    fields.update(overrides)
    return Member(**fields)


def raw_event(member, **overrides) -> MemberEvent:
    fields = {
        "member": member,
        "kind": "admitted",
        "date": D(2016, 3, 1),
        "organization": member.organization,
        "status_after": "probationary",
    }
    fields.update(overrides)
    return MemberEvent(**fields)


# Member -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("gender", "other"), ("status", "retired"), ("position", "director")],
)
def test_member_choice_fields(english, org, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_member(org, **{field: value}).save()
    member = raw_member(org)
    member.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(**{field: value})
    setattr(member, field, value)
    assert violations(member) == [CHOICES]


def test_member_position_may_be_blank_or_a_choice(org):
    for value in ["", *Position.values]:
        raw_member(org, position=value).validate_constraints()
        raw_member(org, position=value).save()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("card_number", "T9900001", "Another member already has this Party card number."),
        ("national_id", "099000000001", "Another member already has this national ID number."),
    ],
)
def test_identifiers_are_unique(english, org, field, value, message):
    raw_member(org, **{field: value}).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_member(org, **{field: value}).save()
    duplicate = raw_member(org, **{field: value})
    assert violations(duplicate) == [message]
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert exc.value.message_dict[NON_FIELD_ERRORS] == [message]
    # Changing another member's identifier onto a taken one is refused too.
    other = raw_member(org)
    other.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=other.pk).update(**{field: value})


def test_empty_identifiers_may_repeat(org):
    for _ in range(3):
        member = raw_member(org, card_number="", national_id="")
        member.validate_constraints()
        member.save()
    assert Member.objects.filter(organization=org, card_number="", national_id="").count() == 3


def test_unique_identifier_of_a_member_against_itself_is_fine(org):
    member = admitted(org)
    member.validate_constraints()
    member.full_clean()


@pytest.mark.parametrize("official_on", [D(2016, 3, 1), D(2016, 2, 1)])
def test_official_membership_comes_after_admission(english, org, official_on):
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_member(org, admitted_on=D(2016, 3, 1), official_on=official_on).save()
    member = admitted(org, day=D(2016, 3, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(official_on=official_on)
    member.official_on = official_on
    assert violations(member) == ["Official membership must come after admission."]


def test_official_membership_without_a_known_admission_is_fine(org):
    raw_member(org, admitted_on=None, official_on=D(2016, 3, 1)).save()
    raw_member(org, admitted_on=D(2016, 3, 1), official_on=None).save()
    member = raw_member(org, admitted_on=D(2016, 3, 1), official_on=D(2016, 3, 2))
    member.validate_constraints()
    member.save()


def test_official_membership_message_is_vietnamese_by_default(org):
    member = raw_member(org, admitted_on=D(2016, 3, 1), official_on=D(2016, 3, 1))
    (message,) = violations(member)
    assert message != "Official membership must come after admission."
    assert not message.isascii()


# Member event -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [("kind", "rejoined"), ("status_after", "retired")])
def test_event_choice_fields(english, org, field, value):
    member = admitted(org)
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_event(member, **{field: value}).save()
    event = member.events.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberEvent.objects.filter(pk=event.pk).update(**{field: value})
    setattr(event, field, value)
    assert violations(event) == [CHOICES]


def test_an_event_cannot_end_before_its_date(english, org):
    member = admitted(org, day=D(2016, 3, 1))
    event = member.events.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberEvent.objects.filter(pk=event.pk).update(ended_on=D(2016, 2, 29))
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_event(member, date=D(2017, 1, 1), ended_on=D(2016, 12, 31)).save()
    event.ended_on = D(2016, 2, 29)
    assert violations(event) == ["An event cannot end before its date."]
    # Ending on its own day (two events the same day) is allowed.
    event.ended_on = D(2016, 3, 1)
    event.validate_constraints()
    event.save()


# Candidate --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [("gender", "x"), ("verification", "approved")])
def test_candidate_choice_fields(english, org, field, value):
    fields = {"full_name": "Đỗ Thị D", "gender": "female", "organization": org, field: value}
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidate.objects.create(**fields)
    assert violations(Candidate(**fields)) == [CHOICES]
    assert Candidate.objects.filter(organization=org).count() == 0
