"""members.services: admit, make official, transfer in and out, remove."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from config.dates import today
from members import services
from members.models import Candidate, Member, MemberEvent
from organizations import services as org_services
from organizations.models import PartyOrganization
from tests.factories import D, admitted, cell, person, zone_committee
from tests.helpers import assert_refused, errors
from tests.helpers import ledger_counts as counts

# English messages, so that errors sharing a field (e.g. "date") can be told apart; the test
# of the default language switches back to it.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
Kind = PartyOrganization.Kind
ONE_DAY = datetime.timedelta(days=1)
ADMITTED = D(2016, 3, 1)

# (field of a dict error, or code of a plain one; part of the English message)
FUTURE = ("date", "is in the future")
BEFORE_LAST = ("date", "must not be before the member's last event")
PROBATION = ("date", "Official membership comes no earlier than")
ORG_KIND = ("organization", "Members belong to a grassroots organization or a cell")
ORG_NOT_EXISTING = ("organization", "did not exist on")
TOO_YOUNG = ("birth_date", "at least 18 years old")
NAME = ("full_name", "Enter the member's full name")
GENDER = ("gender", "Choose a gender")
ID_FORMAT = ("national_id", "has 9 or 12 digits")
CARD_TAKEN = ("card_number", "Party card number is already on record")
ID_TAKEN = ("national_id", "national ID number is already on record")
INACTIVE = ("member_inactive", "is no longer an active member")
ALREADY_OFFICIAL = ("already_official", "is already an official member")
CANDIDATE_ADMITTED = ("candidate_admitted", "has already been admitted")
DUPLICATE = ("duplicate_person", "is already on record")
STATUS = ("status", "Choose probationary or official")
ADMITTED_ON_REQUIRED = ("admitted_on", "Enter the admission date of a probationary member")
ADMITTED_ON_ORDER = ("admitted_on", "cannot be after the transfer")
REMOVAL_KIND = ("kind", "Choose a reason for the removal")
MISMATCH = ("identity_mismatch", "the details do not match the records")


@pytest.fixture
def org():
    return cell(zone_committee(day=D(2015, 1, 1)), day=D(2015, 2, 1))


def reload(member) -> Member:
    return Member.objects.get(pk=member.pk)


def kinds(member):
    return list(member.events.order_by("date", "pk").values_list("kind", flat=True))


def transfer_in(organization, day=datetime.date(2018, 1, 1), **overrides):
    fields = person()
    fields.update(overrides)
    return services.member_transfer_in(organization=organization, date=day, **fields)


def assert_event_chain(member):
    """Each event ends on the next one's date; only the last is open."""
    events = list(member.events.order_by("date", "pk"))
    for event, following in zip(events, events[1:], strict=False):
        assert event.ended_on == following.date
    assert events[-1].ended_on is None


# Admit ------------------------------------------------------------------------------------------


def test_admit_creates_a_probationary_member_and_an_open_event(org):
    member = services.member_admit(
        organization=org,
        date=ADMITTED,
        decision_number="15-QĐ/ĐU",
        **person(full_name=" Lê Thị A "),
    )
    member = reload(member)
    assert member.full_name == "Lê Thị A"
    assert (member.status, member.organization, member.admitted_on, member.official_on) == (
        "probationary",
        org,
        ADMITTED,
        None,
    )
    event = member.events.get()
    assert (event.kind, event.date, event.organization, event.status_after, event.ended_on) == (
        MemberEvent.Kind.ADMITTED,
        ADMITTED,
        org,
        "probationary",
        None,
    )
    assert event.decision_number == "15-QĐ/ĐU"


@pytest.mark.parametrize(
    "kind", [Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL, Kind.SUBORDINATE_CELL]
)
def test_members_belong_to_grassroots_organizations_and_cells(kind):
    zone = zone_committee()
    if kind == Kind.SUBORDINATE_CELL:
        organization = cell(
            cell(zone, kind=Kind.GRASSROOTS_COMMITTEE), day=D(2015, 3, 1), kind=kind
        )
    else:
        organization = cell(zone, kind=kind)
    assert reload(admitted(organization)).organization == organization


def test_no_members_directly_in_a_zone_or_city_committee():
    zone = zone_committee()
    city = PartyOrganization.objects.get(code="TU-HN")
    before = counts()
    for organization in (zone, city):
        with pytest.raises(ValidationError) as exc:
            admitted(organization)
        assert_refused(exc, ORG_KIND)
        with pytest.raises(ValidationError) as exc:
            transfer_in(organization)
        assert_refused(exc, ORG_KIND)
    assert counts() == before


def test_admit_today_accepted_and_tomorrow_refused(org):
    assert reload(admitted(org, day=today())).admitted_on == today()
    before = counts()
    with pytest.raises(ValidationError) as exc:
        admitted(org, day=today() + ONE_DAY)
    assert_refused(exc, FUTURE)
    assert counts() == before


def test_no_admission_before_the_organization_existed(org):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        admitted(org, day=D(2015, 1, 31))
    assert_refused(exc, ORG_NOT_EXISTING)
    assert counts() == before
    assert admitted(org, day=D(2015, 2, 1)).status == "probationary"


def test_no_admission_into_a_dissolved_organization(org):
    org_services.organization_dissolve(organization=org, date=D(2017, 1, 1))
    org = PartyOrganization.objects.get(pk=org.pk)
    before = counts()
    for day in (D(2016, 6, 1), D(2018, 1, 1)):
        with pytest.raises(ValidationError) as exc:
            admitted(org, day=day)
        assert_refused(exc, ORG_NOT_EXISTING)
        with pytest.raises(ValidationError) as exc:
            transfer_in(org, day=day)
        assert_refused(exc, ORG_NOT_EXISTING)
    assert counts() == before


def test_a_member_must_be_at_least_18(org):
    day = D(2016, 3, 1)
    assert admitted(org, day=day, birth_date=D(1998, 3, 1)).status == "probationary"
    assert admitted(org, day=day, birth_date=None).birth_date is None
    before = counts()
    with pytest.raises(ValidationError) as exc:
        admitted(org, day=day, birth_date=D(1998, 3, 2))
    assert_refused(exc, TOO_YOUNG)
    with pytest.raises(ValidationError) as exc:
        transfer_in(org, day=day, birth_date=D(1998, 3, 2))
    assert_refused(exc, TOO_YOUNG)
    assert counts() == before


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"full_name": "   "}, NAME),
        ({"gender": "other"}, GENDER),
        ({"national_id": "12345678901"}, ID_FORMAT),
        ({"national_id": "0010900012a4"}, ID_FORMAT),
    ],
)
def test_identity_checks(org, overrides, reason):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        admitted(org, **overrides)
    assert_refused(exc, reason)
    assert counts() == before


def test_nine_digit_national_id_accepted(org):
    assert reload(admitted(org, national_id="123456789")).national_id == "123456789"


@pytest.mark.parametrize(
    ("field", "reason"), [("card_number", CARD_TAKEN), ("national_id", ID_TAKEN)]
)
def test_the_same_person_cannot_be_admitted_twice(org, field, reason):
    first = admitted(org)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        admitted(org, day=D(2017, 1, 1), **{field: getattr(first, field)})
    assert_refused(exc, reason)
    assert counts() == before


def test_a_demo_member_cannot_be_admitted_again(org):
    demo = Member.objects.exclude(card_number="").exclude(national_id="").first()
    before = counts()
    with pytest.raises(ValidationError) as exc:
        admitted(org, card_number=demo.card_number, national_id=demo.national_id)
    assert set(errors(exc.value)) == {"card_number", "national_id"}
    assert counts() == before


def test_a_transferred_out_person_cannot_be_admitted_again(org):
    first = admitted(org)
    services.member_transfer_out(member=first, date=D(2017, 1, 1), to_unit="Quận ủy")
    before = counts()
    with pytest.raises(ValidationError) as exc:
        admitted(org, day=D(2018, 1, 1), national_id=first.national_id)
    assert_refused(exc, ID_TAKEN)
    assert counts() == before


def test_empty_identifiers_are_not_duplicates(org):
    first = admitted(org, card_number="", national_id="")
    second = admitted(org, card_number="", national_id="")
    assert first.pk != second.pk


def test_a_duplicate_caught_by_the_database_is_a_validation_error(org, monkeypatch):
    """Two offices admitting the same person at once: the unique constraint decides."""
    first = admitted(org)
    monkeypatch.setattr(services, "_check_person", lambda **kwargs: None)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        admitted(org, card_number=first.card_number)
    assert_refused(exc, DUPLICATE)
    # The savepoint leaves the transaction usable.
    assert counts() == before


def ready_candidate(org, **overrides):
    fields = {
        "full_name": "Trần Văn B",
        "gender": "male",
        "organization": org,
        "awareness_class_on": D(2015, 10, 1),
        "verification": Candidate.Verification.VERIFIED,
    }
    fields.update(overrides)
    return Candidate.objects.create(**fields)


def test_admit_links_the_candidate_once(org):
    candidate = ready_candidate(org)
    member = admitted(org, candidate=candidate)
    candidate.refresh_from_db()
    assert candidate.member == member
    before = counts()
    with pytest.raises(ValidationError) as exc:
        admitted(org, day=D(2017, 1, 1), candidate=candidate)
    assert_refused(exc, CANDIDATE_ADMITTED)
    assert counts() == before


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"awareness_class_on": None}, "candidate_no_class"),
        ({"awareness_class_on": D(2016, 3, 2)}, "candidate_no_class"),
        ({"verification": Candidate.Verification.IN_PROGRESS}, "candidate_not_verified"),
    ],
)
def test_admit_a_candidate_only_after_class_and_verification(org, overrides, code):
    candidate = ready_candidate(org, **overrides)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        admitted(org, day=ADMITTED, candidate=candidate)
    assert exc.value.code == code
    assert counts() == before
    candidate.refresh_from_db()
    assert candidate.member is None


def test_too_long_card_number_refused_with_a_validation_error(org):
    with pytest.raises(ValidationError):
        admitted(org, card_number="T" * 21)


# Make official ----------------------------------------------------------------------------------


def test_exactly_twelve_months_after_admission_is_accepted(org):
    member = admitted(org, day=ADMITTED)
    event = services.member_make_official(member=member, date=D(2017, 3, 1), decision_number="3")
    member = reload(member)
    assert (member.status, member.admitted_on, member.official_on, member.organization) == (
        "official",
        ADMITTED,
        D(2017, 3, 1),
        org,
    )
    assert (event.kind, event.status_after, event.organization, event.ended_on) == (
        MemberEvent.Kind.MADE_OFFICIAL,
        "official",
        org,
        None,
    )
    assert member.events.get(kind="admitted").ended_on == D(2017, 3, 1)
    assert_event_chain(member)


def test_official_membership_a_day_early_refused(org):
    member = admitted(org, day=ADMITTED)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.member_make_official(member=member, date=D(2017, 2, 28))
    assert_refused(exc, PROBATION)
    assert "01/03/2017" in errors(exc.value)["date"]
    assert counts() == before
    member = reload(member)
    assert (member.status, member.official_on) == ("probationary", None)
    assert member.events.get().ended_on is None


def test_probation_from_the_29th_of_february_ends_on_the_28th():
    org = cell(zone_committee())
    member = admitted(org, day=D(2016, 2, 29))
    with pytest.raises(ValidationError) as exc:
        services.member_make_official(member=member, date=D(2017, 2, 27))
    assert "28/02/2017" in errors(exc.value)["date"]
    services.member_make_official(member=member, date=D(2017, 2, 28))
    assert reload(member).official_on == D(2017, 2, 28)


def test_twelve_month_message_in_english(org, english):
    member = admitted(org, day=ADMITTED)
    with pytest.raises(ValidationError) as exc:
        services.member_make_official(member=member, date=D(2017, 1, 1))
    assert exc.value.message_dict == {
        "date": ["Official membership comes no earlier than 01/03/2017, 12 months after admission."]
    }


def test_twelve_month_message_in_vietnamese_by_default(org):
    translation.deactivate()  # back to settings.LANGUAGE_CODE, as for a request without choice
    assert translation.get_language() == "vi"
    member = admitted(org, day=ADMITTED)
    with pytest.raises(ValidationError) as exc:
        services.member_make_official(member=member, date=D(2017, 1, 1))
    (message,) = exc.value.message_dict["date"]
    assert "01/03/2017" in message and "12" in message
    assert not message.isascii()
    assert "Official membership" not in message
    with translation.override("en"):
        assert message != translation.gettext(
            "Official membership comes no earlier than %(date)s, 12 months after admission."
        ) % {"date": "01/03/2017"}


def test_make_official_twice_refused(org):
    member = admitted(org, day=ADMITTED)
    services.member_make_official(member=member, date=D(2017, 3, 1))
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.member_make_official(member=member, date=D(2018, 3, 1))
    assert_refused(exc, ALREADY_OFFICIAL)
    assert counts() == before


def test_make_official_in_the_future_refused(org):
    member = admitted(org, day=today() - datetime.timedelta(days=400))
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.member_make_official(member=member, date=today() + ONE_DAY)
    assert_refused(exc, FUTURE)
    assert counts() == before


def test_probationary_transfer_in_is_made_official_from_its_admission_date(org):
    member = transfer_in(org, day=D(2016, 9, 1), status="probationary", admitted_on=D(2016, 5, 10))
    with pytest.raises(ValidationError) as exc:
        services.member_make_official(member=member, date=D(2017, 5, 9))
    assert "10/05/2017" in errors(exc.value)["date"]
    services.member_make_official(member=member, date=D(2017, 5, 10))
    assert reload(member).status == "official"


# Transfer in ------------------------------------------------------------------------------------


def test_transfer_in_of_an_official_member(org):
    member = transfer_in(org, day=D(2018, 1, 1), from_unit="  Huyện ủy Đông Anh ")
    member = reload(member)
    assert (member.status, member.organization, member.admitted_on, member.official_on) == (
        "official",
        org,
        None,
        None,
    )
    event = member.events.get()
    assert (event.kind, event.date, event.status_after, event.other_unit) == (
        MemberEvent.Kind.TRANSFERRED_IN,
        D(2018, 1, 1),
        "official",
        "Huyện ủy Đông Anh",
    )


def test_transfer_in_of_a_probationary_member_needs_the_admission_date(org):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        transfer_in(org, status="probationary")
    assert_refused(exc, ADMITTED_ON_REQUIRED)
    with pytest.raises(ValidationError) as exc:
        transfer_in(org, day=D(2018, 1, 1), status="probationary", admitted_on=D(2018, 1, 2))
    assert_refused(exc, ADMITTED_ON_ORDER)
    assert counts() == before
    member = transfer_in(org, status="probationary", admitted_on=D(2017, 6, 1))
    assert (reload(member).status, reload(member).admitted_on) == ("probationary", D(2017, 6, 1))


@pytest.mark.parametrize("status", ["transferred_out", "died", "bogus"])
def test_transfer_in_status_must_be_active(org, status):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        transfer_in(org, status=status)
    assert_refused(exc, STATUS)
    assert counts() == before


def test_transfer_in_in_the_future_or_before_the_organization_refused(org):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        transfer_in(org, day=today() + ONE_DAY)
    assert_refused(exc, FUTURE)
    with pytest.raises(ValidationError) as exc:
        transfer_in(org, day=D(2015, 1, 1))
    assert_refused(exc, ORG_NOT_EXISTING)
    assert counts() == before


def test_transfer_in_of_an_active_or_removed_member_refused(org):
    active = admitted(org)
    dead = admitted(org)
    services.member_remove(member=dead, kind="died", date=D(2017, 1, 1))
    before = counts()
    for other in (active, dead):
        with pytest.raises(ValidationError) as exc:
            transfer_in(org, day=D(2018, 1, 1), national_id=other.national_id)
        # The same words as any mismatch: nothing confirms that the person is on record.
        assert_refused(exc, MISMATCH)
    assert counts() == before
    assert reload(dead).status == "died"


def test_a_returning_member_keeps_one_record(org):
    other = cell(zone_committee())
    first = admitted(org, day=ADMITTED)
    services.member_make_official(member=first, date=D(2017, 3, 1))
    services.member_transfer_out(member=first, date=D(2018, 1, 1), to_unit="Quận ủy Cầu Giấy")
    before = counts()
    back = transfer_in(
        other,
        day=D(2019, 4, 1),
        national_id=first.national_id,
        card_number=first.card_number,
        from_unit="Quận ủy Cầu Giấy",
    )
    assert back.pk == first.pk
    assert Member.objects.filter(national_id=first.national_id).count() == 1
    assert counts()[:2] == (before[0], before[1] + 1)
    back = reload(back)
    assert (back.status, back.organization, back.admitted_on, back.official_on) == (
        "official",
        other,
        ADMITTED,
        D(2017, 3, 1),
    )
    assert kinds(back) == ["admitted", "made_official", "transferred_out", "transferred_in"]
    assert_event_chain(back)
    assert back.events.get(kind="transferred_out").ended_on == D(2019, 4, 1)


def test_a_returning_member_cannot_come_back_before_leaving(org):
    first = admitted(org, day=ADMITTED)
    services.member_transfer_out(member=first, date=D(2018, 1, 1))
    before = counts()
    with pytest.raises(ValidationError) as exc:
        transfer_in(org, day=D(2017, 12, 31), national_id=first.national_id, card_number="")
    assert_refused(exc, BEFORE_LAST)
    assert counts() == before
    assert reload(first).status == "transferred_out"


def test_a_returning_member_cannot_take_another_members_card(org):
    first = admitted(org)
    second = admitted(org)
    services.member_transfer_out(member=first, date=D(2018, 1, 1))
    before = counts()
    with pytest.raises(ValidationError) as exc:
        transfer_in(
            org, day=D(2019, 1, 1), national_id=first.national_id, card_number=second.card_number
        )
    assert_refused(exc, MISMATCH)
    assert counts() == before


def test_a_returning_member_known_by_card_number_keeps_one_record(org):
    first = admitted(org, national_id="")
    services.member_transfer_out(member=first, date=D(2018, 1, 1))
    back = transfer_in(org, day=D(2019, 1, 1), card_number=first.card_number, national_id="")
    assert back.pk == first.pk


# Transfer out and removal -----------------------------------------------------------------------


def test_transfer_out_keeps_the_organization_and_ends_the_membership(org):
    member = admitted(org, day=ADMITTED)
    event = services.member_transfer_out(
        member=member, date=D(2016, 8, 1), to_unit="  Quận ủy Long Biên ", decision_number="4"
    )
    member = reload(member)
    assert (member.status, member.organization, member.admitted_on) == (
        "transferred_out",
        org,
        ADMITTED,
    )
    assert (event.kind, event.status_after, event.other_unit, event.organization) == (
        MemberEvent.Kind.TRANSFERRED_OUT,
        "transferred_out",
        "Quận ủy Long Biên",
        org,
    )
    assert_event_chain(member)
    assert not Member.objects.active().filter(pk=member.pk).exists()


@pytest.mark.parametrize(
    "kind", [MemberEvent.Kind.DIED, "struck_off", MemberEvent.Kind.EXPELLED, "left"]
)
def test_remove_sets_the_matching_status(org, kind):
    member = admitted(org, day=ADMITTED)
    services.member_make_official(member=member, date=D(2017, 3, 1))
    event = services.member_remove(member=member, kind=kind, date=D(2019, 5, 5), note="ghi chú")
    member = reload(member)
    assert member.status == kind  # each removal kind has the status of the same name
    assert (member.official_on, member.organization) == (D(2017, 3, 1), org)
    assert (event.kind, event.status_after, event.note, event.ended_on) == (
        kind,
        kind,
        "ghi chú",
        None,
    )
    assert_event_chain(member)


@pytest.mark.parametrize("kind", ["transferred_out", "admitted", "made_official", "bogus"])
def test_remove_needs_a_removal_kind(org, kind):
    member = admitted(org)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.member_remove(member=member, kind=kind, date=D(2019, 1, 1))
    assert_refused(exc, REMOVAL_KIND)
    assert counts() == before
    assert reload(member).status == "probationary"


@pytest.mark.parametrize("ending", ["transferred_out", "died", "struck_off", "expelled", "left"])
def test_no_event_for_a_member_who_is_not_active(org, ending):
    member = admitted(org, day=ADMITTED)
    if ending == "transferred_out":
        services.member_transfer_out(member=member, date=D(2017, 1, 1))
    else:
        services.member_remove(member=member, kind=ending, date=D(2017, 1, 1))
    before = counts()
    calls = [
        lambda: services.member_make_official(member=member, date=D(2017, 3, 1)),
        lambda: services.member_transfer_out(member=member, date=D(2018, 1, 1)),
        lambda: services.member_remove(member=member, kind="died", date=D(2018, 1, 1)),
    ]
    for call in calls:
        with pytest.raises(ValidationError) as exc:
            call()
        assert_refused(exc, INACTIVE)
    assert counts() == before
    assert reload(member).status == ending


def test_no_event_before_the_members_last_event(org):
    member = admitted(org, day=ADMITTED)
    services.member_make_official(member=member, date=D(2017, 6, 1))
    before = counts()
    calls = [
        lambda: services.member_transfer_out(member=member, date=D(2017, 5, 31)),
        lambda: services.member_remove(member=member, kind="left", date=D(2016, 1, 1)),
    ]
    for call in calls:
        with pytest.raises(ValidationError) as exc:
            call()
        assert_refused(exc, BEFORE_LAST)
        assert "01/06/2017" in errors(exc.value)["date"]
    assert counts() == before
    # The same day as the last event is allowed.
    services.member_transfer_out(member=member, date=D(2017, 6, 1))
    assert reload(member).status == "transferred_out"
    assert_event_chain(member)


def test_transfer_out_and_removal_in_the_future_refused(org):
    member = admitted(org)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.member_transfer_out(member=member, date=today() + ONE_DAY)
    assert_refused(exc, FUTURE)
    with pytest.raises(ValidationError) as exc:
        services.member_remove(member=member, kind="died", date=today() + ONE_DAY)
    assert_refused(exc, FUTURE)
    assert counts() == before


def test_the_current_event_on_each_day_follows_the_chain(org):
    member = admitted(org, day=ADMITTED)
    services.member_make_official(member=member, date=D(2017, 3, 1))
    services.member_transfer_out(member=member, date=D(2018, 1, 1))
    events = MemberEvent.objects.filter(member=member)

    def state_on(day):
        return list(events.current_on(day).values_list("status_after", flat=True))

    assert state_on(D(2016, 2, 29)) == []
    assert state_on(ADMITTED) == ["probationary"]
    assert state_on(D(2017, 2, 28)) == ["probationary"]
    assert state_on(D(2017, 3, 1)) == ["official"]
    assert state_on(D(2018, 1, 1)) == ["transferred_out"]
