"""The database rules of reports.models, for rows written without the services."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from reports.models import Target, YearlyFigure
from tests.factories import D, zone_committee
from tests.helpers import violations

pytestmark = pytest.mark.django_db
CHOICES = "A value outside the allowed choices was given."


@pytest.fixture
def committee():
    return zone_committee()


def figure(committee, **overrides) -> YearlyFigure:
    fields = {
        "committee": committee,
        "as_of": D(2020, 12, 31),
        "metric": "party_members",
        "value": 1208,
    }
    fields.update(overrides)
    return YearlyFigure(**fields)


def target(committee, **overrides) -> Target:
    fields = {
        "committee": committee,
        "start_year": 2020,
        "end_year": 2020,
        "metric": "members_admitted",
        "value": 90,
    }
    fields.update(overrides)
    return Target(**fields)


# Yearly figures ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [("metric", "cadres"), ("source", "guessed")])
def test_figure_choice_fields(english, committee, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        figure(committee, **{field: value}).save()
    saved = figure(committee)
    saved.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        YearlyFigure.objects.filter(pk=saved.pk).update(**{field: value})
    setattr(saved, field, value)
    assert violations(saved) == [CHOICES]


def test_one_figure_per_committee_date_and_metric(english, committee):
    figure(committee).save()
    # Another metric, date, committee or source on its own is a different figure.
    figure(committee, metric="party_organizations").save()
    figure(committee, as_of=D(2021, 12, 31)).save()
    figure(zone_committee()).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        figure(committee, value=1, source="computed").save()
    other = YearlyFigure.objects.get(committee=committee, as_of=D(2021, 12, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        YearlyFigure.objects.filter(pk=other.pk).update(as_of=D(2020, 12, 31))
    message = "This committee already has this figure on this date."
    duplicate = figure(committee, value=1)
    assert violations(duplicate) == [message]
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert exc.value.message_dict[NON_FIELD_ERRORS] == [message]
    assert YearlyFigure.objects.filter(committee=committee).count() == 3


def test_figure_value_is_not_negative(committee):
    with pytest.raises(IntegrityError), transaction.atomic():
        figure(committee, value=-1).save()
    assert not YearlyFigure.objects.filter(committee=committee).exists()


def test_unique_figure_message_is_vietnamese_by_default(committee):
    figure(committee).save()
    (message,) = violations(figure(committee, value=2))
    assert message != "This committee already has this figure on this date."
    assert not message.isascii()


# Targets ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [("metric", "cadres"), ("kind", "wish")])
def test_target_choice_fields(english, committee, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        target(committee, **{field: value}).save()
    saved = target(committee)
    saved.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.filter(pk=saved.pk).update(**{field: value})
    setattr(saved, field, value)
    assert violations(saved) == [CHOICES]


def test_a_term_cannot_end_before_it_starts(english, committee):
    with pytest.raises(IntegrityError), transaction.atomic():
        target(committee, start_year=2020, end_year=2019).save()
    term = target(committee, start_year=2020, end_year=2025, kind="congress")
    term.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.filter(pk=term.pk).update(end_year=2015)
    term.end_year = 2015
    assert violations(term) == ["A term cannot end before it starts."]
    # A single year (start == end) is a valid period.
    target(committee, start_year=2021, end_year=2021).validate_constraints()


def test_one_target_per_committee_period_metric_and_kind(english, committee):
    target(committee).save()
    # The same period and metric from another kind of plan is a different target.
    target(committee, kind="supplementary").save()
    target(committee, start_year=2020, end_year=2025, kind="congress").save()
    target(committee, metric="organizations_established").save()
    with pytest.raises(IntegrityError), transaction.atomic():
        target(committee, value=100).save()
    duplicate = target(committee, value=100)
    assert violations(duplicate) == ["This target already exists."]
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert exc.value.message_dict[NON_FIELD_ERRORS] == ["This target already exists."]
    assert Target.objects.filter(committee=committee).count() == 4
