"""The database rules of unions.models, for rows written without the services."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from tests.factories import D, cell, zone_committee
from tests.helpers import violations
from unions.models import Headcount, MassOrganization

pytestmark = pytest.mark.django_db
CHOICES = "A value outside the allowed choices was given."


@pytest.fixture
def committee():
    return cell(zone_committee())


def union(committee, **overrides) -> MassOrganization:
    fields = {
        "kind": "trade_union",
        "name": "Công đoàn cơ sở thử",
        "party_committee": committee,
        "founded_on": D(2016, 5, 1),
    }
    fields.update(overrides)
    return MassOrganization(**fields)


@pytest.mark.parametrize(("field", "value"), [("kind", "women_union"), ("level", "district")])
def test_union_choice_fields(english, committee, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        union(committee, **{field: value}).save()
    saved = union(committee)
    saved.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        MassOrganization.objects.filter(pk=saved.pk).update(**{field: value})
    setattr(saved, field, value)
    assert violations(saved) == [CHOICES]


@pytest.mark.parametrize("dissolved_on", [D(2016, 5, 1), D(2016, 4, 30)])
def test_a_union_cannot_be_dissolved_before_it_was_founded(english, committee, dissolved_on):
    with pytest.raises(IntegrityError), transaction.atomic():
        union(committee, dissolved_on=dissolved_on).save()
    saved = union(committee)
    saved.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        MassOrganization.objects.filter(pk=saved.pk).update(dissolved_on=dissolved_on)
    saved.dissolved_on = dissolved_on
    assert violations(saved) == ["An organization cannot be dissolved before it was founded."]
    with pytest.raises(ValidationError) as exc:
        saved.full_clean()
    assert exc.value.message_dict[NON_FIELD_ERRORS] == [
        "An organization cannot be dissolved before it was founded."
    ]


def test_dissolution_the_day_after_founding_is_fine(committee):
    saved = union(committee, dissolved_on=D(2016, 5, 2))
    saved.validate_constraints()
    saved.save()
    assert MassOrganization.objects.filter(pk=saved.pk, dissolved_on=D(2016, 5, 2)).exists()


def test_one_head_count_per_organization_and_date(english, committee):
    first, second = union(committee), union(committee, name="Công đoàn khác")
    first.save()
    second.save()
    Headcount.objects.create(organization=first, date=D(2017, 1, 1), members=10)
    # Another date, or another organization on the same date, is fine.
    Headcount.objects.create(organization=first, date=D(2018, 1, 1), members=11)
    Headcount.objects.create(organization=second, date=D(2017, 1, 1), members=12)
    with pytest.raises(IntegrityError), transaction.atomic():
        Headcount.objects.create(organization=first, date=D(2017, 1, 1), members=13)
    later = Headcount.objects.get(organization=first, date=D(2018, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Headcount.objects.filter(pk=later.pk).update(date=D(2017, 1, 1))
    duplicate = Headcount(organization=first, date=D(2017, 1, 1), members=13)
    message = "This organization already has a head count on this date."
    assert violations(duplicate) == [message]
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert exc.value.message_dict[NON_FIELD_ERRORS] == [message]


def test_head_count_message_is_vietnamese_by_default(committee):
    saved = union(committee)
    saved.save()
    Headcount.objects.create(organization=saved, date=D(2017, 1, 1), members=10)
    (message,) = violations(Headcount(organization=saved, date=D(2017, 1, 1), members=1))
    assert message != "This organization already has a head count on this date."
    assert not message.isascii()


@pytest.mark.parametrize("field", ["members", "recruited"])
def test_head_counts_are_not_negative(committee, field):
    saved = union(committee)
    saved.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Headcount.objects.create(
            organization=saved, date=D(2017, 1, 1), **{"members": 1, "recruited": 0, field: -1}
        )
    with pytest.raises(ValidationError) as exc:
        Headcount(
            organization=saved, date=D(2017, 1, 1), **{"members": 1, "recruited": 0, field: -1}
        ).full_clean()
    assert list(exc.value.message_dict) == [field]
    assert not saved.headcounts.exists()
