"""Trade unions and youth unions, and their head counts by date.

A `Headcount` carries the members on its date and those recruited since the previous head
count: the sources report both a stock ("135,460 members") and a flow ("134,369 recruited").
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.audit import HistorySource
from config.db import choices_constraint
from organizations.models import Enterprise, PartyOrganization, Zone


class MassOrganizationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(party_committee__in=PartyOrganization.objects.for_user(user))

    def existing_on(self, day):
        return self.filter(founded_on__lte=day).exclude(dissolved_on__lte=day)


class MassOrganizationKind(models.TextChoices):
    TRADE_UNION = "trade_union", _("Trade union")
    YOUTH_UNION = "youth_union", _("Youth union")


class Level(models.TextChoices):
    ZONE = "zone", _("Zone level")
    GRASSROOTS = "grassroots", _("Grassroots")


class MassOrganization(models.Model):
    """A trade union or youth union organization, reporting to a Party organization."""

    Kind = MassOrganizationKind

    Level = Level

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    level = models.CharField(
        _("level"), max_length=12, choices=Level.choices, default=Level.GRASSROOTS
    )
    name = models.CharField(_("name"), max_length=255)
    enterprise = models.ForeignKey(
        Enterprise,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="mass_organizations",
        verbose_name=_("enterprise"),
    )
    zone = models.ForeignKey(
        Zone,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="mass_organizations",
        verbose_name=_("zone"),
    )
    party_committee = models.ForeignKey(
        PartyOrganization,
        models.PROTECT,
        related_name="mass_organizations",
        verbose_name=_("reports to Party organization"),
    )
    founded_on = models.DateField(_("founded on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    objects = MassOrganizationQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        verbose_name = _("mass organization")
        verbose_name_plural = _("mass organizations")
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["party_committee", "kind", "founded_on"])]
        constraints = [
            choices_constraint("kind", MassOrganizationKind, "massorganization_kind_valid"),
            choices_constraint("level", Level, "massorganization_level_valid"),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=models.F("founded_on")),
                name="massorganization_dissolved_after_founded",
                violation_error_message=_(
                    "An organization cannot be dissolved before it was founded."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("unions:union_detail", args=[self.pk])


class HeadcountQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(organization__in=MassOrganization.objects.for_user(user))


class Headcount(models.Model):
    """Members of a mass organization on a date, and members recruited since the last count."""

    organization = models.ForeignKey(
        MassOrganization, models.PROTECT, related_name="headcounts", verbose_name=_("organization")
    )
    date = models.DateField(_("date"))
    members = models.PositiveIntegerField(_("members"))
    recruited = models.PositiveIntegerField(_("recruited since the previous count"), default=0)

    objects = HeadcountQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        verbose_name = _("head count")
        verbose_name_plural = _("head counts")
        ordering = ["organization", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "date"],
                name="headcount_unique_per_date",
                violation_error_message=_(
                    "This organization already has a head count on this date."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.date:%d/%m/%Y}: {self.members}"
