"""Workflows of a member's life in the Party: admit, make official, transfer in and out,
remove (died, struck off, expelled, left).

Each runs in one transaction, validates before it writes, appends a `MemberEvent` (closing the
previous one with `ended_on`) and keeps the member's derived organization and status in step.
Messages are translated: Vietnamese by default, English when the user chose it.
"""

import datetime
import unicodedata
from urllib.parse import quote, quote_plus

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config import audit
from config.dates import add_months, dmy, validate_not_future
from config.errors import check_fields, field_error
from config.versioning import check_version, with_version
from members.models import (
    ACTIVE_STATUSES,
    AccessLog,
    Candidate,
    Ethnicity,
    Member,
    MemberEvent,
    Status,
)
from organizations.models import PartyOrganization
from reports import summaries

PROBATION_MONTHS = 12
# One refusal for every transfer in that would touch a record the user cannot see.
IDENTITY_MISMATCH = gettext_lazy("Cannot receive: the details do not match the records.")
MINIMUM_AGE = 18
MEMBER_ORGANIZATION_KINDS = (
    PartyOrganization.Kind.GRASSROOTS_COMMITTEE,
    PartyOrganization.Kind.GRASSROOTS_CELL,
    PartyOrganization.Kind.SUBORDINATE_CELL,
)
REMOVAL_STATUS = {
    MemberEvent.Kind.DIED: Status.DIED,
    MemberEvent.Kind.STRUCK_OFF: Status.STRUCK_OFF,
    MemberEvent.Kind.EXPELLED: Status.EXPELLED,
    MemberEvent.Kind.LEFT: Status.LEFT,
}


def _check_organization(organization: PartyOrganization, day: datetime.date) -> None:
    if organization.kind not in MEMBER_ORGANIZATION_KINDS:
        raise field_error(
            "organization",
            _("Members belong to a grassroots organization or a cell."),
            "organization_kind",
        )
    if not (organization.is_active and organization.existed_on(day)):
        raise field_error(
            "organization",
            _("%(name)s did not exist on %(date)s.")
            % {"name": organization.name, "date": dmy(day)},
            "organization_not_existing",
        )


def _check_person(
    *,
    full_name: str,
    gender: str,
    birth_date,
    card_number: str,
    national_id: str,
    on: datetime.date,
    exclude_pk=None,
    attributes: dict | None = None,
) -> None:
    errors = {}
    if not full_name.strip():
        errors["full_name"] = _("Enter the member's full name.")
    if gender not in ("male", "female"):
        errors["gender"] = _("Choose a gender.")
    if birth_date is not None and add_months(birth_date, 12 * MINIMUM_AGE) > on:
        errors["birth_date"] = _("A member must be at least %(age)d years old.") % {
            "age": MINIMUM_AGE
        }
    if national_id and not (national_id.isdigit() and len(national_id) in (9, 12)):
        errors["national_id"] = _("A national ID number has 9 or 12 digits.")
    others = Member.objects.exclude(pk=exclude_pk)
    # The messages name no one: the other record may belong to another committee.
    if card_number and others.filter(card_number=card_number).exists():
        errors["card_number"] = _("A member with this Party card number is already on record.")
    if national_id and others.filter(national_id=national_id).exists():
        errors["national_id"] = _("A member with this national ID number is already on record.")
    if errors:
        raise ValidationError(errors, code="invalid_person")
    # Then the model's own limits (lengths, choices) that the checks above do not cover.
    check_fields(
        Member(
            full_name=full_name,
            gender=gender,
            card_number=card_number,
            national_id=national_id,
            **(attributes or {}),
        ),
        exclude=["organization", "status", "birth_date", "admitted_on", "official_on"],
    )


def _check_candidate_ready(candidate: Candidate, day: datetime.date) -> None:
    """A candidate is admitted once, after the awareness class and a passed verification."""
    if candidate.member_id is not None:
        raise ValidationError(
            _("This candidate has already been admitted."), code="candidate_admitted"
        )
    if candidate.awareness_class_on is None or candidate.awareness_class_on > day:
        raise ValidationError(
            _("The candidate must attend the Party awareness class before admission."),
            code="candidate_no_class",
        )
    if candidate.verification != Candidate.Verification.VERIFIED:
        raise ValidationError(
            _("The candidate's background verification is not complete."),
            code="candidate_not_verified",
        )


def _lock_active(member: Member, day: datetime.date) -> Member:
    """Re-read the member under a row lock and check that an event on `day` may be added."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    validate_not_future(day)
    if member.status not in ACTIVE_STATUSES:
        raise ValidationError(
            _("%(name)s is no longer an active member (%(status)s).")
            % {"name": member.full_name, "status": member.get_status_display()},
            code="member_inactive",
        )
    last = member.events.order_by("-date", "-pk").first()
    if last is not None and day < last.date:
        raise field_error(
            "date",
            _("The date must not be before the member's last event (%(date)s).")
            % {"date": dmy(last.date)},
            "date_before_last_event",
        )
    return member


def _append_event(
    member: Member,
    *,
    kind: str,
    date: datetime.date,
    organization,
    status_after,
    decision_number: str = "",
    other_unit: str = "",
    note: str = "",
) -> MemberEvent:
    """Close the member's current event, add the new one and update the derived fields."""
    # The member's events before and after: their figures and composition (whose age bands
    # and ownership run on to the closed event's new end) change by the difference.
    with summaries.track(members=[member.pk]):
        for previous in MemberEvent.objects.filter(member=member, ended_on__isnull=True):
            # One save per closed event (there is one), not QuerySet.update: the change of
            # the ledger must leave its history row like any other.
            previous.ended_on = date
            previous.save(update_fields=["ended_on"])
        event = MemberEvent.objects.create(
            member=member,
            kind=kind,
            date=date,
            organization=organization,
            status_after=status_after,
            decision_number=decision_number,
            other_unit=other_unit,
            note=note,
        )
    member.organization = organization
    member.status = status_after
    member.save(
        update_fields=with_version(["organization", "status", "admitted_on", "official_on"])
    )
    return event


def _create_member(**fields) -> Member:
    try:
        # A savepoint, so that a concurrent duplicate leaves the outer transaction usable.
        with transaction.atomic():
            return Member.objects.create(**fields)
    except IntegrityError as exc:
        raise ValidationError(
            _("A member with this Party card number or national ID number is already on record."),
            code="duplicate_person",
        ) from exc


@transaction.atomic
def member_admit(
    *,
    organization: PartyOrganization,
    date: datetime.date,
    full_name: str,
    gender: str,
    birth_date: datetime.date | None = None,
    decision_number: str = "",
    ethnicity: str = Ethnicity.KINH,
    religion: str = "",
    education: str = "",
    qualification: str = "",
    political_theory: str = "",
    position: str = "",
    from_pipeline: bool | None = None,
    card_number: str = "",
    national_id: str = "",
    candidate: Candidate | None = None,
) -> Member:
    """Admit a new member (kết nạp): a probationary member from `date`.

    The same person (card number or national ID) cannot be admitted twice. When `candidate`
    is given, the candidate is linked to the new member, who is then "from the pipeline"
    whatever `from_pipeline` says.
    """
    attributes = {
        "ethnicity": ethnicity,
        "religion": religion,
        "education": education,
        "qualification": qualification,
        "political_theory": political_theory,
        "position": position,
        "from_pipeline": True if candidate is not None else from_pipeline,
    }
    validate_not_future(date)
    _check_organization(organization, date)
    _check_person(
        full_name=full_name,
        gender=gender,
        birth_date=birth_date,
        card_number=card_number,
        national_id=national_id,
        on=date,
        attributes=attributes,
    )
    if candidate is not None:
        _check_candidate_ready(Candidate.objects.select_for_update().get(pk=candidate.pk), date)
    member = _create_member(
        full_name=full_name.strip(),
        gender=gender,
        birth_date=birth_date,
        **attributes,
        card_number=card_number,
        national_id=national_id,
        organization=organization,
        status=Status.PROBATIONARY,
        admitted_on=date,
    )
    _append_event(
        member,
        kind=MemberEvent.Kind.ADMITTED,
        date=date,
        organization=organization,
        status_after=Status.PROBATIONARY,
        decision_number=decision_number,
    )
    if candidate is not None:
        candidate.member = member
        candidate.save(update_fields=with_version(["member"]))
    return member


@transaction.atomic
def member_make_official(
    *, member: Member, date: datetime.date, decision_number: str = ""
) -> MemberEvent:
    """Make a probationary member official (chuyển đảng chính thức) after 12 months' probation."""
    member = _lock_active(member, date)
    if member.status != Status.PROBATIONARY:
        raise ValidationError(
            _("%(name)s is already an official member.") % {"name": member.full_name},
            code="already_official",
        )
    due = add_months(member.admitted_on, PROBATION_MONTHS)
    if date < due:
        raise field_error(
            "date",
            _("Official membership comes no earlier than %(date)s, 12 months after admission.")
            % {"date": dmy(due)},
            "probation_not_over",
        )
    member.official_on = date
    return _append_event(
        member,
        kind=MemberEvent.Kind.MADE_OFFICIAL,
        date=date,
        organization=member.organization,
        status_after=Status.OFFICIAL,
        decision_number=decision_number,
    )


@transaction.atomic
def member_transfer_in(
    *,
    organization: PartyOrganization,
    date: datetime.date,
    full_name: str,
    gender: str,
    status: str = Status.OFFICIAL,
    admitted_on: datetime.date | None = None,
    from_unit: str = "",
    decision_number: str = "",
    birth_date: datetime.date | None = None,
    ethnicity: str = Ethnicity.KINH,
    religion: str = "",
    education: str = "",
    qualification: str = "",
    political_theory: str = "",
    position: str = "",
    from_pipeline: bool | None = None,
    card_number: str = "",
    national_id: str = "",
) -> Member:
    """Receive a member from outside the portal's records (chuyển sinh hoạt đến).

    A person who was transferred out earlier and comes back keeps their record.
    """
    attributes = {
        "ethnicity": ethnicity,
        "religion": religion,
        "education": education,
        "qualification": qualification,
        "political_theory": political_theory,
        "position": position,
        "from_pipeline": from_pipeline,
    }
    validate_not_future(date)
    _check_organization(organization, date)
    if status not in ACTIVE_STATUSES:
        raise field_error("status", _("Choose probationary or official."), "status")
    if status == Status.PROBATIONARY and admitted_on is None:
        raise field_error(
            "admitted_on", _("Enter the admission date of a probationary member."), "required"
        )
    if admitted_on is not None and admitted_on > date:
        raise field_error(
            "admitted_on", _("The admission date cannot be after the transfer."), "order"
        )
    returning = None
    if national_id or card_number:
        returning = _record_to_continue(
            full_name=full_name,
            gender=gender,
            birth_date=birth_date,
            card_number=card_number,
            national_id=national_id,
        )
    if returning is not None:
        last = returning.events.order_by("-date", "-pk").first()
        if date < last.date:
            raise field_error(
                "date",
                _("The date must not be before the member's last event (%(date)s).")
                % {"date": dmy(last.date)},
                "date_before_last_event",
            )
        _check_person(
            full_name=full_name,
            gender=gender,
            birth_date=birth_date,
            card_number=card_number,
            national_id=national_id,
            on=date,
            exclude_pk=returning.pk,
            attributes=attributes,
        )
        member = returning
    else:
        _check_person(
            full_name=full_name,
            gender=gender,
            birth_date=birth_date,
            card_number=card_number,
            national_id=national_id,
            on=date,
            attributes=attributes,
        )
        member = _create_member(
            full_name=full_name.strip(),
            gender=gender,
            birth_date=birth_date,
            **attributes,
            card_number=card_number,
            national_id=national_id,
            organization=organization,
            status=status,
            admitted_on=admitted_on,
        )
    _append_event(
        member,
        kind=MemberEvent.Kind.TRANSFERRED_IN,
        date=date,
        organization=organization,
        status_after=status,
        decision_number=decision_number,
        other_unit=from_unit.strip(),
    )
    return member


def _same_name(a: str, b: str) -> bool:
    # Spaces and letter case are how clerks differ; diacritics are part of the name.
    def key(name):
        return " ".join(unicodedata.normalize("NFC", name).split()).casefold()

    return key(a) == key(b)


def _record_to_continue(
    *, full_name: str, gender: str, birth_date, card_number: str, national_id: str
) -> Member | None:
    """The transferred-out record of the person being received, or None for a new person.

    The record may belong to another committee, so it is handed over only when the whole
    typed identity matches it (name, gender, birth date and each identifier given). Any
    other record with either identifier (a mismatch, or an active member anywhere) is
    refused with one message that says nothing about that record or that it exists.
    """
    same_person = (Q(national_id=national_id) if national_id else Q()) | (
        Q(card_number=card_number) if card_number else Q()
    )
    found = list(Member.objects.filter(same_person).select_for_update()[:2])
    if not found:
        return None
    record = found[0]
    matches = (
        len(found) == 1
        and record.status == Status.TRANSFERRED_OUT
        and _same_name(record.full_name, full_name)
        and record.gender == gender
        and birth_date is not None
        and record.birth_date == birth_date
        and all(
            getattr(record, name) == value
            for name, value in (("national_id", national_id), ("card_number", card_number))
            if value and getattr(record, name)
        )
    )
    if not matches:
        raise ValidationError(IDENTITY_MISMATCH, code="identity_mismatch")
    return record


@transaction.atomic
def member_transfer_out(
    *, member: Member, date: datetime.date, to_unit: str = "", decision_number: str = ""
) -> MemberEvent:
    """Transfer a member to a committee outside the portal's records (chuyển sinh hoạt đi)."""
    member = _lock_active(member, date)
    return _append_event(
        member,
        kind=MemberEvent.Kind.TRANSFERRED_OUT,
        date=date,
        organization=member.organization,
        status_after=Status.TRANSFERRED_OUT,
        decision_number=decision_number,
        other_unit=to_unit.strip(),
    )


@transaction.atomic
def member_remove(
    *, member: Member, kind: str, date: datetime.date, decision_number: str = "", note: str = ""
) -> MemberEvent:
    """Record that a member died, was struck off, was expelled or left the Party."""
    if kind not in REMOVAL_STATUS:
        raise field_error("kind", _("Choose a reason for the removal."), "kind")
    member = _lock_active(member, date)
    return _append_event(
        member,
        kind=kind,
        date=date,
        organization=member.organization,
        status_after=REMOVAL_STATUS[kind],
        decision_number=decision_number,
        note=note,
    )


@transaction.atomic
def member_event_correct(
    *,
    event: MemberEvent,
    date: datetime.date,
    decision_number: str,
    other_unit: str,
    reason: str,
    version: str | None = None,
) -> MemberEvent:
    """Correct a wrongly entered event's date, decision number or unit.

    The event keeps its place among the member's events; the old values stay in the
    history with the reason and the user who corrected them. `version` is the one the
    correction form was read at: an event changed since is refused (config/versioning.py).
    """
    member = Member.objects.select_for_update().get(pk=event.member_id)
    event = MemberEvent.objects.select_for_update().get(pk=event.pk)
    if version is not None:
        check_version(event, version)
    validate_not_future(date)
    if not reason.strip():
        raise field_error("reason", _("Say why the event is corrected."), "required")
    siblings = list(member.events.order_by("date", "pk"))
    index = next(i for i, e in enumerate(siblings) if e.pk == event.pk)
    before = siblings[index - 1] if index > 0 else None
    after = siblings[index + 1] if index + 1 < len(siblings) else None
    if (before and date < before.date) or (after and date > after.date):
        raise field_error(
            "date",
            _("The corrected date must stay between the events before and after it."),
            "order",
        )
    if not event.organization.existed_on(date):
        # Found by the property-based form tests: a first event moved to before its
        # organization was founded broke the summary rows' tree (a server error).
        raise field_error(
            "date",
            _("%(name)s did not exist on %(date)s.")
            % {"name": event.organization.name, "date": dmy(date)},
            "organization_not_existing",
        )
    if event.kind == MemberEvent.Kind.ADMITTED:
        member.admitted_on = date
    if event.kind == MemberEvent.Kind.MADE_OFFICIAL:
        member.official_on = date
    if (
        member.admitted_on
        and member.official_on
        and member.official_on < add_months(member.admitted_on, PROBATION_MONTHS)
    ):
        raise field_error(
            "date",
            _("Official membership must come at least 12 months after admission."),
            "probation_not_over",
        )
    event.date, event.decision_number, event.other_unit = date, decision_number, other_unit.strip()
    event._change_reason = reason.strip()
    with summaries.track(members=[member.pk]):
        event.save()
        if before is not None and before.ended_on != date:
            before.ended_on = date
            before._change_reason = reason.strip()
            before.save(update_fields=["ended_on"])
    member._change_reason = reason.strip()
    member.save(update_fields=with_version(["admitted_on", "official_on"]))
    return event


# The personal details a correction may change; organization, status and the Party dates
# follow from the events and are corrected there.
PERSONAL_DETAILS = (
    "full_name",
    "gender",
    "birth_date",
    "card_number",
    "national_id",
    "ethnicity",
    "religion",
    "education",
    "qualification",
    "political_theory",
    "position",
    "from_pipeline",
)


@transaction.atomic
def member_correct(*, member: Member, reason: str, version: str | None = None, **details) -> Member:
    """Correct a member's personal details entered wrongly (a misspelt name, a wrong birth
    date, card or ID number), with the reason; the history keeps the old values.

    `version` is the one the form was read at (config/versioning.py). The checks are those of
    an admission: a member must have been 18 on their first event, identifiers stay unique.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    if version is not None:
        check_version(member, version)
    if set(details) - set(PERSONAL_DETAILS):
        raise ValueError(f"Not personal details: {sorted(set(details) - set(PERSONAL_DETAILS))}")
    if not reason.strip():
        raise field_error("reason", _("Say why the details are corrected."), "required")
    details = {**{name: getattr(member, name) for name in PERSONAL_DETAILS}, **details}
    details["full_name"] = details["full_name"].strip()
    first = member.events.order_by("date", "pk").first()
    _check_person(
        full_name=details["full_name"],
        gender=details["gender"],
        birth_date=details["birth_date"],
        card_number=details["card_number"],
        national_id=details["national_id"],
        on=first.date if first is not None else datetime.date.today(),
        exclude_pk=member.pk,
        attributes={name: details[name] for name in PERSONAL_DETAILS[5:]},
    )
    changed = [name for name in PERSONAL_DETAILS if getattr(member, name) != details[name]]
    if not changed:
        raise ValidationError(_("Nothing was changed."), code="unchanged")
    for name in changed:
        setattr(member, name, details[name])
    member._change_reason = reason.strip()
    # Gender, birth date and the attributes are counted in the composition report.
    with summaries.track(members=[member.pk]):
        member.save(update_fields=with_version(changed))
    return member


ERASED_NAME = "Đã xóa / erased #%(pk)s"


def _scrub_access_log(identifiers: list[str]) -> None:
    """Blank the address and detail of access-log rows that name the person: an export's
    query string may hold the name or number searched for."""
    patterns = set()
    for text in identifiers:
        if text:
            patterns |= {text, quote(text), quote_plus(text)}
    found = Q()
    for text in patterns:
        found |= Q(detail__contains=text) | Q(path__contains=text)
    if found:
        AccessLog.objects.filter(found).update(detail="(erased)", path="")


@transaction.atomic
def member_erase(*, member: Member, user, reason: str) -> Member:
    """Erase a member's personal data on request (the data subject's right, Law 91/2025).

    The personal fields are blanked (the name becomes a placeholder), but the member's row,
    organization, status, gender and ledger events stay: the statistics count them, and the
    figures of every year must not change (the composition report counts the blanked
    attributes as unknown). Every history row that holds the old personal
    data (the member's and a linked candidate's) is deleted, and so is the name in access-log
    addresses; the erasure itself is logged (who, when, why, the member's id: no personal
    data). The reason should not name the person.
    """
    reason = reason.strip()
    if not reason:
        raise field_error("reason", _("Say why the personal data are erased."), "required")
    member = Member.objects.select_for_update().get(pk=member.pk)
    identifiers = [member.full_name, member.card_number, member.national_id]
    placeholder = ERASED_NAME % {"pk": member.pk}
    # The blanked attributes move the member to "unknown" in the composition.
    with audit.source(audit.ERASURE), summaries.track(members=[member.pk]):
        for candidate in Candidate.objects.select_for_update().filter(member=member):
            identifiers += [candidate.full_name, candidate.national_id]
            Candidate.history.filter(id=candidate.pk).delete()
            candidate.full_name, candidate.birth_date, candidate.national_id = placeholder, None, ""
            candidate._change_reason = "Erasure"
            candidate.save()
        Member.history.filter(id=member.pk).delete()
        member.full_name = placeholder
        member.birth_date = None
        # Every personal attribute, the composition report's included (religion is sensitive
        # data): the report counts an erased member under "unknown".
        member.ethnicity = member.religion = member.education = member.position = ""
        member.qualification = member.political_theory = ""
        member.card_number = member.national_id = ""
        member._change_reason = "Erasure"
        member.save()
    _scrub_access_log(identifiers)
    AccessLog.objects.create(
        user=user,
        member=member,
        action=AccessLog.Action.ERASED,
        object_type=Member._meta.label_lower,
        object_id=str(member.pk),
        detail=reason[:255],
    )
    return member
