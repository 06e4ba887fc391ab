"""Workflows of the trade unions and youth unions: found, dissolve, record a head count."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from config.dates import validate_not_future
from config.errors import field_error
from organizations.models import Enterprise, PartyOrganization, Zone
from reports import summaries
from unions.models import Headcount, MassOrganization


@transaction.atomic
def mass_organization_found(
    *,
    kind: str,
    name: str,
    party_committee: PartyOrganization,
    founded_on: datetime.date,
    level: str = MassOrganization.Level.GRASSROOTS,
    enterprise: Enterprise | None = None,
    zone: Zone | None = None,
) -> MassOrganization:
    """Register a trade union or youth union founded on `founded_on`."""
    validate_not_future(founded_on, "founded_on")
    if kind not in MassOrganization.Kind.values:
        raise field_error("kind", _("Choose trade union or youth union."), "kind")
    if level not in MassOrganization.Level.values:
        raise field_error("level", _("Choose zone level or grassroots."), "level")
    if enterprise is not None and zone is not None and enterprise.zone_id != zone.pk:
        raise field_error(
            "enterprise", _("The enterprise is not in the chosen zone."), "zone_mismatch"
        )
    if not name.strip():
        raise field_error("name", _("Enter the organization's name."), "required")
    # Unions are often older than the Party committee they now report to, so only the
    # committee's present existence is required, not its existence on the founding date.
    if not party_committee.is_active:
        raise field_error(
            "party_committee",
            _("%(name)s has been dissolved or transferred out.") % {"name": party_committee.name},
            "committee_inactive",
        )
    with summaries.track(enterprises=[enterprise.pk] if enterprise else ()) as tracker:
        union = MassOrganization.objects.create(
            kind=kind,
            level=level,
            name=name.strip(),
            party_committee=party_committee,
            founded_on=founded_on,
            enterprise=enterprise,
            zone=zone or (enterprise.zone if enterprise else None),
        )
        tracker.add(unions=[union.pk])
    return union


@transaction.atomic
def mass_organization_dissolve(*, organization: MassOrganization, date: datetime.date) -> None:
    """Record that a union organization was dissolved on `date`."""
    validate_not_future(date)
    organization = MassOrganization.objects.select_for_update().get(pk=organization.pk)
    if organization.dissolved_on is not None:
        raise ValidationError(_("This organization is already dissolved."), code="dissolved")
    last = organization.headcounts.order_by("-date").values_list("date", flat=True).first()
    if date <= organization.founded_on or (last is not None and date <= last):
        raise field_error(
            "date",
            _("The date must come after the founding and the last head count."),
            "date_order",
        )
    enterprises = [organization.enterprise_id] if organization.enterprise_id else ()
    with summaries.track(unions=[organization.pk], enterprises=enterprises):
        organization.dissolved_on = date
        organization.save(update_fields=["dissolved_on"])


@transaction.atomic
def headcount_record(
    *, organization: MassOrganization, date: datetime.date, members: int, recruited: int = 0
) -> Headcount:
    """Record the members of a union organization on `date` and those recruited since the
    previous count."""
    validate_not_future(date)
    errors = {}
    if members < 0 or recruited < 0:
        errors["members"] = _("Counts cannot be negative.")
    if date < organization.founded_on:
        errors["date"] = _("The organization was founded on %(date)s.") % {
            "date": organization.founded_on.strftime("%d/%m/%Y")
        }
    elif organization.dissolved_on is not None and date >= organization.dissolved_on:
        errors["date"] = _("The organization was dissolved on %(date)s.") % {
            "date": organization.dissolved_on.strftime("%d/%m/%Y")
        }
    if Headcount.objects.filter(organization=organization, date=date).exists():
        errors["date"] = _("This organization already has a head count on this date.")
    if errors:
        raise ValidationError(errors, code="invalid_headcount")
    with summaries.track(unions=[organization.pk]):
        return Headcount.objects.create(
            organization=organization, date=date, members=members, recruited=recruited
        )
