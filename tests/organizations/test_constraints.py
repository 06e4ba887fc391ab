"""The database rules of organizations.models, for rows written without the services."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from organizations.models import (
    Enterprise,
    OrganizationEvent,
    PartyOrganization,
    Profile,
    Zone,
)
from tests.factories import D, cell, zone_committee
from tests.helpers import violations

pytestmark = pytest.mark.django_db
CHOICES = "A value outside the allowed choices was given."


def new_zone(code="T-Z-C1", **extra):
    fields = {"code": code, "name": f"KCN {code}", "kind": "industrial_park", "province": "HN"}
    fields.update(extra)
    return Zone(**fields)


# Zone and enterprise ----------------------------------------------------------------------------


def test_zone_kind_must_be_a_choice(english):
    with pytest.raises(IntegrityError), transaction.atomic():
        new_zone(kind="city").save()
    assert violations(new_zone(kind="city")) == [CHOICES]
    for kind in Zone.Kind.values:
        new_zone(code=f"T-Z-{kind}", kind=kind).validate_constraints()


def test_zone_code_is_unique():
    new_zone(code="T-Z-U").save()
    with pytest.raises(IntegrityError), transaction.atomic():
        new_zone(code="T-Z-U").save()
    with pytest.raises(ValidationError) as exc:
        new_zone(code="T-Z-U").full_clean()
    assert list(exc.value.message_dict) == ["code"]


def test_enterprise_ownership_must_be_a_choice(english):
    zone = Zone.objects.create(code="T-Z-E", name="KCN", kind="industrial_park")
    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.create(name="Công ty", zone=zone, ownership="cooperative")
    assert violations(Enterprise(name="Công ty", zone=zone, ownership="cooperative")) == [CHOICES]


def test_enterprise_name_is_unique_within_its_zone(english):
    zone = Zone.objects.create(code="T-Z-N1", name="KCN 1", kind="industrial_park")
    other = Zone.objects.create(code="T-Z-N2", name="KCN 2", kind="industrial_park")
    Enterprise.objects.create(name="Công ty ABC", zone=zone, ownership="fdi")
    # The same name in another zone is a different enterprise.
    Enterprise.objects.create(name="Công ty ABC", zone=other, ownership="fdi")
    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.create(name="Công ty ABC", zone=zone, ownership="state")
    duplicate = Enterprise(name="Công ty ABC", zone=zone, ownership="state")
    assert violations(duplicate) == ["This zone already has an enterprise with this name."]
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert exc.value.message_dict[NON_FIELD_ERRORS] == [
        "This zone already has an enterprise with this name."
    ]


def test_enterprise_rename_into_a_taken_name_refused():
    zone = Zone.objects.create(code="T-Z-R", name="KCN", kind="industrial_park")
    Enterprise.objects.create(name="Công ty A", zone=zone, ownership="fdi")
    second = Enterprise.objects.create(name="Công ty B", zone=zone, ownership="fdi")
    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.filter(pk=second.pk).update(name="Công ty A")
    second.refresh_from_db()
    assert second.name == "Công ty B"


def test_unique_enterprise_message_is_vietnamese_by_default():
    zone = Zone.objects.create(code="T-Z-V", name="KCN", kind="industrial_park")
    Enterprise.objects.create(name="Công ty V", zone=zone, ownership="fdi")
    (message,) = violations(Enterprise(name="Công ty V", zone=zone, ownership="fdi"))
    assert message != "This zone already has an enterprise with this name."
    assert not message.isascii()


# Party organization -----------------------------------------------------------------------------


def test_organization_kind_must_be_a_choice(english):
    zone = zone_committee()
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyOrganization.objects.create(code="T-K-1", name="X", kind="district", parent=zone)
    org = cell(zone)
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyOrganization.objects.filter(pk=org.pk).update(kind="district")
    org.kind = "district"
    assert violations(org) == [CHOICES]


@pytest.mark.parametrize(
    "kind",
    [
        PartyOrganization.Kind.GRASSROOTS_COMMITTEE,
        PartyOrganization.Kind.GRASSROOTS_CELL,
        PartyOrganization.Kind.SUBORDINATE_CELL,
    ],
)
def test_only_a_top_level_committee_may_have_no_parent(english, kind):
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyOrganization.objects.create(code="T-NP-1", name="X", kind=kind)
    orphan = PartyOrganization(code="T-NP-1", name="X", kind=kind)
    assert violations(orphan) == ["Only a top-level committee may have no parent."]
    org = cell(zone_committee(), kind=PartyOrganization.Kind.GRASSROOTS_CELL)
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyOrganization.objects.filter(pk=org.pk).update(parent=None)
    org.refresh_from_db()
    assert org.parent is not None


@pytest.mark.parametrize("kind", ["central", "provincial_committee", "zone_committee"])
def test_top_level_committees_may_have_no_parent(kind):
    org = PartyOrganization.objects.create(code="T-TOP-C", name="X", kind=kind)
    org.validate_constraints()
    assert org.parent is None


def test_an_organization_cannot_be_its_own_parent(english):
    org = cell(zone_committee())
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyOrganization.objects.filter(pk=org.pk).update(parent=F("pk"))
    org.refresh_from_db()
    assert org.parent_id != org.pk
    org.parent = org
    assert violations(org) == ["An organization cannot be its own parent."]


def test_organization_code_is_unique():
    zone = zone_committee()
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyOrganization.objects.create(
            code="HN-KCNCX", name="X", kind="grassroots_cell", parent=zone
        )
    with pytest.raises(ValidationError) as exc:
        PartyOrganization(
            code="HN-KCNCX", name="X", kind="grassroots_cell", parent=zone
        ).full_clean()
    assert "code" in exc.value.message_dict


# Organization event -----------------------------------------------------------------------------


def test_event_kind_must_be_a_choice(english):
    org = cell(zone_committee())
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationEvent.objects.create(organization=org, kind="merged", date=D(2016, 1, 1))
    event = OrganizationEvent(organization=org, kind="merged", date=D(2016, 1, 1))
    assert violations(event) == [CHOICES]


def test_a_move_must_name_the_previous_parent(english):
    zone = zone_committee()
    org = cell(zone)
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationEvent.objects.create(
            organization=org, kind="moved", date=D(2016, 1, 1), parent=zone
        )
    move = OrganizationEvent(organization=org, kind="moved", date=D(2016, 1, 1), parent=zone)
    assert violations(move) == ["A move must name the previous parent."]
    # Other kinds need no previous parent; a move naming it is fine.
    OrganizationEvent(organization=org, kind="dissolved", date=D(2016, 1, 1)).validate_constraints()
    move.previous_parent = zone_committee()
    move.validate_constraints()
    move.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationEvent.objects.filter(pk=move.pk).update(previous_parent=None)


# Profile ----------------------------------------------------------------------------------------


def test_profile_role_must_be_a_choice(english):
    user = get_user_model().objects.create_user("t-constraint-user")
    committee = PartyOrganization.objects.get(code="HN-KCNCX")
    with pytest.raises(IntegrityError), transaction.atomic():
        Profile.objects.create(user=user, committee=committee, role="superuser")
    assert violations(Profile(user=user, committee=committee, role="superuser")) == [CHOICES]
    Profile.objects.create(user=user, committee=committee, role="leader").validate_constraints()
