"""Workflows that change the Party organization tree: establish, receive, dissolve, transfer
out, move. Each validates before it writes, runs in one transaction, records an
`OrganizationEvent` and keeps the derived `parent`, `path` and `is_active` in step.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from config.dates import validate_not_future
from config.errors import check_fields, field_error
from config.versioning import check_version, with_version
from organizations.models import Enterprise, OrganizationEvent, PartyOrganization, Zone
from reports import summaries

Kind = PartyOrganization.Kind


def _check_parent(
    kind: str, parent: PartyOrganization | None, day: datetime.date, field: str = "parent"
) -> None:
    probe = PartyOrganization(kind=kind)
    if not probe.parent_kind_allowed(parent):
        raise field_error(
            field,
            _("A %(kind)s cannot stand directly under %(parent)s.")
            % {
                "kind": probe.get_kind_display().lower(),
                "parent": parent.name if parent else _("nothing (top level)"),
            },
            "parent_kind",
        )
    if parent is not None and not (parent.is_active and parent.existed_on(day)):
        raise field_error(
            field,
            _("%(parent)s did not exist on %(date)s.")
            % {"parent": parent.name, "date": day.strftime("%d/%m/%Y")},
            "parent_not_existing",
        )


def _check_can_change(organization: PartyOrganization, day: datetime.date) -> None:
    """An event needs a living organization and may not precede its latest recorded event."""
    validate_not_future(day)
    if not organization.is_active:
        raise ValidationError(
            _("%(name)s has been dissolved or transferred out.") % {"name": organization.name},
            code="organization_inactive",
        )
    last = organization.last_event_date()
    if last is not None and day < last:
        raise field_error(
            "date",
            _("The date must not be before the last recorded event (%(date)s).")
            % {"date": last.strftime("%d/%m/%Y")},
            "date_before_last_event",
        )


def _set_path(organization: PartyOrganization) -> None:
    prefix = organization.parent.path if organization.parent_id else "/"
    organization.path = f"{prefix}{organization.pk}/"
    PartyOrganization.objects.filter(pk=organization.pk).update(path=organization.path)


def _start(
    *,
    event_kind: str,
    code: str,
    name: str,
    kind: str,
    parent: PartyOrganization | None,
    date: datetime.date,
    decision_number: str,
    enterprise: Enterprise | None,
    zone: Zone | None,
    other_unit: str = "",
) -> PartyOrganization:
    validate_not_future(date)
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ValidationError(_("Code and name are required."), code="required")
    if kind not in Kind.values:
        raise field_error("kind", _("Unknown kind of organization."), "kind")
    check_fields(
        PartyOrganization(code=code, name=name, kind=kind),
        exclude=["parent", "enterprise", "zone", "ledger_starts_on"],
    )
    if PartyOrganization.objects.filter(code=code).exists():
        raise field_error(
            "code", _("The code %(code)s is already used.") % {"code": code}, "code_taken"
        )
    _check_parent(kind, parent, date)
    if enterprise is not None and zone is not None and enterprise.zone_id != zone.pk:
        raise field_error(
            "enterprise", _("The enterprise is not in the chosen zone."), "zone_mismatch"
        )
    with summaries.track(enterprises=[enterprise.pk] if enterprise else ()) as tracker:
        organization = PartyOrganization.objects.create(
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            enterprise=enterprise,
            zone=zone or (enterprise.zone if enterprise else None),
        )
        _set_path(organization)
        OrganizationEvent.objects.create(
            organization=organization,
            kind=event_kind,
            date=date,
            decision_number=decision_number,
            parent=parent,
            other_unit=other_unit,
        )
        tracker.add(organizations=[organization.pk])
    return organization


@transaction.atomic
def organization_establish(
    *,
    code: str,
    name: str,
    kind: str,
    parent: PartyOrganization | None,
    date: datetime.date,
    decision_number: str = "",
    enterprise: Enterprise | None = None,
    zone: Zone | None = None,
) -> PartyOrganization:
    """Establish a new Party organization under `parent` (thành lập mới)."""
    return _start(
        event_kind=OrganizationEvent.Kind.ESTABLISHED,
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        date=date,
        decision_number=decision_number,
        enterprise=enterprise,
        zone=zone,
    )


@transaction.atomic
def organization_receive(
    *,
    code: str,
    name: str,
    kind: str,
    parent: PartyOrganization,
    date: datetime.date,
    from_unit: str,
    decision_number: str = "",
    enterprise: Enterprise | None = None,
    zone: Zone | None = None,
) -> PartyOrganization:
    """Receive an existing organization from a district committee (tiếp nhận).

    Its members arrive separately, as transfers in (`members.services.member_transfer_in`).
    """
    if not from_unit.strip():
        raise field_error(
            "from_unit", _("Name the committee the organization is received from."), "required"
        )
    return _start(
        event_kind=OrganizationEvent.Kind.RECEIVED,
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        date=date,
        decision_number=decision_number,
        enterprise=enterprise,
        zone=zone,
        other_unit=from_unit.strip(),
    )


def _end(
    organization: PartyOrganization, *, kind: str, date, decision_number, other_unit="", note=""
):
    enterprises = [organization.enterprise_id] if organization.enterprise_id else ()
    with summaries.track(organizations=[organization.pk], enterprises=enterprises):
        OrganizationEvent.objects.create(
            organization=organization,
            kind=kind,
            date=date,
            decision_number=decision_number,
            parent=organization.parent,
            other_unit=other_unit,
            note=note,
        )
        organization.is_active = False
        organization.save(update_fields=with_version(["is_active"]))


@transaction.atomic
def organization_dissolve(
    *,
    organization: PartyOrganization,
    date: datetime.date,
    decision_number: str = "",
    note: str = "",
) -> None:
    """Dissolve an organization that no longer has members or organizations under it."""
    from members.models import Member, MemberEvent

    organization = PartyOrganization.objects.select_for_update().get(pk=organization.pk)
    _check_can_change(organization, date)
    # Nothing may have happened under it after the dissolution date, even if it is over now:
    # an organization established or moved in under it, or moved out of it (it was still
    # under it on the date).
    if (
        OrganizationEvent.objects.filter(
            Q(parent=organization) | Q(previous_parent=organization), date__gt=date
        ).exists()
        or MemberEvent.objects.filter(organization=organization, date__gt=date).exists()
    ):
        raise field_error(
            "date",
            _("Events under %(name)s are recorded after this date.") % {"name": organization.name},
            "events_after_date",
        )
    if organization.children.filter(is_active=True).exists():
        raise ValidationError(
            _("Dissolve or move the organizations under %(name)s first.")
            % {"name": organization.name},
            code="has_children",
        )
    if Member.objects.active().filter(organization=organization).exists():
        raise ValidationError(
            _("%(name)s still has members: transfer them first.") % {"name": organization.name},
            code="has_members",
        )
    _end(
        organization,
        kind=OrganizationEvent.Kind.DISSOLVED,
        date=date,
        decision_number=decision_number,
        note=note,
    )


@transaction.atomic
def organization_transfer_out(
    *, organization: PartyOrganization, date: datetime.date, to_unit: str, decision_number: str = ""
) -> None:
    """Transfer an organization, the organizations under it and their members to another
    committee outside the portal (chuyển đi). Each member gets a transfer-out event."""
    from members.models import Member
    from members.services import member_transfer_out

    organization = PartyOrganization.objects.select_for_update().get(pk=organization.pk)
    _check_can_change(organization, date)
    if not to_unit.strip():
        raise field_error(
            "to_unit", _("Name the committee the organization is transferred to."), "required"
        )
    subtree = list(
        PartyOrganization.objects.subtree_of(organization).filter(is_active=True).order_by("-path")
    )
    for member in Member.objects.active().filter(organization__in=subtree):
        member_transfer_out(
            member=member, date=date, to_unit=to_unit, decision_number=decision_number
        )
    # Deepest first, so that a cell ends before the committee above it.
    for node in subtree:
        _check_can_change(node, date)
        _end(
            node,
            kind=OrganizationEvent.Kind.TRANSFERRED_OUT,
            date=date,
            decision_number=decision_number,
            other_unit=to_unit.strip(),
        )


@transaction.atomic
def organization_move(
    *,
    organization: PartyOrganization,
    new_parent: PartyOrganization,
    date: datetime.date,
    decision_number: str = "",
) -> None:
    """Move an organization, with everything under it, under another parent.

    Past counts keep the old tree: the move is an event, read by date.
    """
    organization = PartyOrganization.objects.select_for_update().get(pk=organization.pk)
    _check_can_change(organization, date)
    if new_parent.pk == organization.parent_id:
        raise field_error(
            "new_parent",
            _("The organization is already under %(name)s.") % {"name": new_parent.name},
            "same_parent",
        )
    if new_parent.path.startswith(organization.path):
        raise field_error(
            "new_parent",
            _("An organization cannot be moved under itself or its own subtree."),
            "cycle",
        )
    _check_parent(organization.kind, new_parent, date, field="new_parent")
    # Everything in the subtree now counts for other committees from the move's date.
    with summaries.track(subtrees=[organization]):
        _move(organization, new_parent, date, decision_number)


def _move(organization, new_parent, date, decision_number) -> None:
    OrganizationEvent.objects.create(
        organization=organization,
        kind=OrganizationEvent.Kind.MOVED,
        date=date,
        decision_number=decision_number,
        parent=new_parent,
        previous_parent_id=organization.parent_id,
    )
    old_prefix = organization.path
    organization.parent = new_parent
    organization.save(update_fields=with_version(["parent"]))
    _set_path(organization)
    descendants = list(
        PartyOrganization.objects.filter(path__startswith=old_prefix).exclude(pk=organization.pk)
    )
    for node in descendants:
        node.path = organization.path + node.path[len(old_prefix) :]
    PartyOrganization.objects.bulk_update(descendants, ["path"])


@transaction.atomic
@transaction.atomic
def organization_rename(
    *, organization: PartyOrganization, name: str, reason: str, version: str | None = None
) -> PartyOrganization:
    """Give an organization its new name (or correct a misspelt one); the history keeps the
    old name with the reason. The reports name organizations as they are named today.

    `version` is the one the form was read at (config/versioning.py).
    """
    organization = PartyOrganization.objects.select_for_update().get(pk=organization.pk)
    if version is not None:
        check_version(organization, version)
    name = " ".join(name.split())
    if not reason.strip():
        raise field_error("reason", _("Say why the name changes."), "required")
    if not name:
        raise field_error("name", _("Enter the new name."), "required")
    if name == organization.name:
        raise field_error("name", _("This is already the organization's name."), "unchanged")
    organization.name = name
    check_fields(organization, exclude=["parent", "enterprise", "path"])
    organization._change_reason = reason.strip()
    organization.save(update_fields=with_version(["name"]))
    return organization


def enterprise_save(enterprise: Enterprise) -> Enterprise:
    """Save a new or changed enterprise: the committee that registers it and its ownership
    count in the summary rows (coverage, organizations by ownership)."""
    tracked = [enterprise.pk] if enterprise.pk else []
    organizations = PartyOrganization.objects.filter(enterprise_id__in=tracked)
    with summaries.track(
        enterprises=tracked, organizations=organizations.values_list("pk", flat=True)
    ) as tracker:
        enterprise.save()
        tracker.add(enterprises=[enterprise.pk])
    return enterprise
