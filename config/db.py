"""Small helpers shared by the apps' models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def choices_constraint(field: str, choices: type[models.TextChoices], name: str):
    """A CheckConstraint that keeps `field` within `choices`, also for raw SQL and imports."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": choices.values}),
        name=name,
        violation_error_message=_("A value outside the allowed choices was given."),
    )
