"""unions.services: found and dissolve union organizations, record head counts."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from config.dates import today
from organizations import services as org_services
from organizations.models import Enterprise, PartyOrganization, Zone
from tests.factories import D, cell, zone_committee
from tests.helpers import assert_refused, errors
from unions import services
from unions.models import Headcount, MassOrganization

# English messages, so that errors sharing a field (e.g. "date") can be told apart.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
ONE_DAY = datetime.timedelta(days=1)
FOUNDED = D(2016, 5, 1)

# (field of a dict error, or code of a plain one; part of the English message)
FUTURE = ("date", "is in the future")
FUTURE_FOUNDING = ("founded_on", "is in the future")
KIND = ("kind", "Choose trade union or youth union")
NAME = ("name", "Enter the organization's name")
COMMITTEE_INACTIVE = ("party_committee", "has been dissolved or transferred out")
ALREADY_DISSOLVED = ("dissolved", "already dissolved")
DATE_ORDER = ("date", "must come after the founding and the last head count")
NEGATIVE = ("members", "cannot be negative")
BEFORE_FOUNDING = ("date", "was founded on")
AFTER_DISSOLUTION = ("date", "was dissolved on")
DUPLICATE_DATE = ("date", "already has a head count on this date")


def counts():
    return MassOrganization.objects.count(), Headcount.objects.count()


@pytest.fixture
def committee():
    return cell(zone_committee(), day=D(2015, 2, 1))


def found(committee, *, founded_on=FOUNDED, kind="trade_union", name="Công đoàn thử", **extra):
    return services.mass_organization_found(
        kind=kind, name=name, party_committee=committee, founded_on=founded_on, **extra
    )


# Found ------------------------------------------------------------------------------------------


def test_found_registers_the_union_with_the_enterprises_zone(committee):
    park = Zone.objects.create(code="T-KCN-U", name="KCN thử", kind="industrial_park")
    enterprise = Enterprise.objects.create(name="Công ty thử", zone=park, ownership="fdi")
    union = found(committee, kind="youth_union", name="  Đoàn cơ sở thử ", enterprise=enterprise)
    union = MassOrganization.objects.get(pk=union.pk)
    assert (union.kind, union.level, union.name, union.founded_on, union.dissolved_on) == (
        "youth_union",
        "grassroots",
        "Đoàn cơ sở thử",
        FOUNDED,
        None,
    )
    assert (union.party_committee, union.enterprise, union.zone) == (committee, enterprise, park)
    assert MassOrganization.objects.existing_on(FOUNDED).filter(pk=union.pk).exists()
    assert not MassOrganization.objects.existing_on(FOUNDED - ONE_DAY).filter(pk=union.pk).exists()


def test_found_today_accepted_and_tomorrow_refused(committee):
    assert found(committee, founded_on=today()).founded_on == today()
    before = counts()
    with pytest.raises(ValidationError) as exc:
        found(committee, founded_on=today() + ONE_DAY)
    assert_refused(exc, FUTURE_FOUNDING)
    assert counts() == before


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [({"kind": "women_union"}, KIND), ({"name": "   "}, NAME)],
)
def test_found_checks_kind_and_name(committee, overrides, reason):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        found(committee, **overrides)
    assert_refused(exc, reason)
    assert counts() == before


def test_found_under_a_dissolved_committee_refused(committee):
    org_services.organization_dissolve(organization=committee, date=D(2017, 1, 1))
    committee = PartyOrganization.objects.get(pk=committee.pk)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        found(committee, founded_on=D(2016, 1, 1))
    assert_refused(exc, COMMITTEE_INACTIVE)
    assert counts() == before


def test_a_union_may_be_older_than_its_party_committee(committee):
    union = found(committee, founded_on=D(2005, 1, 1))
    assert union.founded_on == D(2005, 1, 1)


def test_found_with_an_unknown_level_is_a_validation_error(committee):
    with pytest.raises(ValidationError):
        found(committee, level="district")


def test_unknown_level_never_reaches_the_table(committee):
    before = counts()
    with pytest.raises((ValidationError, IntegrityError)):
        found(committee, level="district")
    assert counts() == before


def test_found_refuses_an_enterprise_outside_the_zone(committee):
    park = Zone.objects.create(code="T-KCN-U1", name="KCN thử 1", kind="industrial_park")
    other = Zone.objects.create(code="T-KCN-U2", name="KCN thử 2", kind="industrial_park")
    enterprise = Enterprise.objects.create(name="Công ty thử", zone=park, ownership="fdi")
    with pytest.raises(ValidationError):
        found(committee, enterprise=enterprise, zone=other)


# Dissolve ---------------------------------------------------------------------------------------


def test_dissolve_sets_the_date(committee):
    union = found(committee)
    services.headcount_record(organization=union, date=D(2017, 1, 1), members=40)
    services.mass_organization_dissolve(organization=union, date=D(2018, 6, 1))
    union.refresh_from_db()
    assert union.dissolved_on == D(2018, 6, 1)
    existing = MassOrganization.objects.existing_on
    assert existing(D(2018, 5, 31)).filter(pk=union.pk).exists()
    assert not existing(D(2018, 6, 1)).filter(pk=union.pk).exists()


def test_dissolve_twice_refused(committee):
    union = found(committee)
    services.mass_organization_dissolve(organization=union, date=D(2018, 6, 1))
    with pytest.raises(ValidationError) as exc:
        services.mass_organization_dissolve(organization=union, date=D(2019, 6, 1))
    assert_refused(exc, ALREADY_DISSOLVED)
    union.refresh_from_db()
    assert union.dissolved_on == D(2018, 6, 1)


@pytest.mark.parametrize("day", [FOUNDED, FOUNDED - ONE_DAY, D(2016, 12, 31)])
def test_dissolve_must_come_after_founding_and_the_last_head_count(committee, day):
    union = found(committee)
    services.headcount_record(organization=union, date=D(2017, 1, 1), members=40)
    with pytest.raises(ValidationError) as exc:
        services.mass_organization_dissolve(organization=union, date=day)
    assert_refused(exc, DATE_ORDER)
    union.refresh_from_db()
    assert union.dissolved_on is None


def test_dissolve_the_day_after_founding_accepted(committee):
    union = found(committee)
    services.mass_organization_dissolve(organization=union, date=FOUNDED + ONE_DAY)
    union.refresh_from_db()
    assert union.dissolved_on == FOUNDED + ONE_DAY


def test_dissolve_on_the_day_of_the_last_head_count_refused(committee):
    union = found(committee)
    services.headcount_record(organization=union, date=D(2017, 1, 1), members=40)
    with pytest.raises(ValidationError):
        services.mass_organization_dissolve(organization=union, date=D(2017, 1, 1))


def test_dissolve_in_the_future_refused(committee):
    union = found(committee)
    with pytest.raises(ValidationError) as exc:
        services.mass_organization_dissolve(organization=union, date=today() + ONE_DAY)
    assert_refused(exc, FUTURE)
    union.refresh_from_db()
    assert union.dissolved_on is None


# Head counts ------------------------------------------------------------------------------------


def test_headcount_record_stores_members_and_recruits(committee):
    union = found(committee)
    count = services.headcount_record(
        organization=union, date=D(2017, 1, 1), members=120, recruited=35
    )
    count = Headcount.objects.get(pk=count.pk)
    assert (count.organization, count.date, count.members, count.recruited) == (
        union,
        D(2017, 1, 1),
        120,
        35,
    )


def test_headcount_on_the_founding_day_and_the_day_before_dissolution(committee):
    union = found(committee)
    services.mass_organization_dissolve(organization=union, date=D(2018, 6, 1))
    union.refresh_from_db()
    services.headcount_record(organization=union, date=FOUNDED, members=10)
    services.headcount_record(organization=union, date=D(2018, 5, 31), members=12)
    assert list(union.headcounts.values_list("date", flat=True)) == [FOUNDED, D(2018, 5, 31)]


@pytest.mark.parametrize(
    ("members", "recruited"),
    [(-1, 0), (10, -1)],
)
def test_negative_counts_refused(committee, members, recruited):
    union = found(committee)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.headcount_record(
            organization=union, date=D(2017, 1, 1), members=members, recruited=recruited
        )
    assert_refused(exc, NEGATIVE)
    assert counts() == before


def test_headcount_before_founding_refused(committee):
    union = found(committee)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.headcount_record(organization=union, date=FOUNDED - ONE_DAY, members=10)
    assert_refused(exc, BEFORE_FOUNDING)
    assert "01/05/2016" in errors(exc.value)["date"]
    assert counts() == before


@pytest.mark.parametrize("day", [D(2018, 6, 1), D(2019, 1, 1)])
def test_headcount_on_or_after_dissolution_refused(committee, day):
    union = found(committee)
    services.mass_organization_dissolve(organization=union, date=D(2018, 6, 1))
    union.refresh_from_db()
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.headcount_record(organization=union, date=day, members=10)
    assert_refused(exc, AFTER_DISSOLUTION)
    assert counts() == before


def test_second_headcount_on_the_same_date_refused(committee):
    union = found(committee)
    services.headcount_record(organization=union, date=D(2017, 1, 1), members=40)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.headcount_record(organization=union, date=D(2017, 1, 1), members=41)
    assert_refused(exc, DUPLICATE_DATE)
    assert counts() == before
    assert union.headcounts.get().members == 40


def test_headcount_in_the_future_refused(committee):
    union = found(committee)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.headcount_record(organization=union, date=today() + ONE_DAY, members=10)
    assert_refused(exc, FUTURE)
    assert counts() == before
