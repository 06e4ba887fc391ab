"""Zones, enterprises and the Party organization tree with its dated ledger of events.

The current tree is kept on `PartyOrganization.parent` and a materialized `path` (so that a
committee's subtree is one indexed `path LIKE '/1/5/%'`); both are derived and changed only by
`organizations.services`. The tree as it stood on a past date is read from
`OrganizationEvent` rows (see `reports.statistics.OrganizationTree`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.audit import HistorySource
from config.db import choices_constraint
from config.versioning import version_field


class ZoneKind(models.TextChoices):
    INDUSTRIAL_PARK = "industrial_park", _("Industrial park")
    EXPORT_PROCESSING = "export_processing", _("Export-processing zone")
    ECONOMIC = "economic", _("Economic zone")


class ZoneQuerySet(models.QuerySet):
    def for_user(self, user):
        """Zones are public reference data: every signed-in user may choose any of them."""
        from organizations.scope import committee_path

        return self if committee_path(user) is not None else self.none()


class Zone(models.Model):
    """An industrial park, export-processing zone or economic zone."""

    Kind = ZoneKind

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    province = models.CharField(_("province"), max_length=100)

    objects = ZoneQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["name"]
        constraints = [choices_constraint("kind", ZoneKind, "zone_kind_valid")]

    def __str__(self):
        return self.name


class EnterpriseQuerySet(models.QuerySet):
    def for_user(self, user):
        """Enterprises registered by a committee of the user's subtree."""
        from organizations.scope import committee_path

        path = committee_path(user)
        if path is None:
            return self.none()
        if path == "":
            return self
        return self.filter(committee__path__startswith=path)


class Ownership(models.TextChoices):
    FDI = "fdi", _("Foreign-invested (FDI)")
    DOMESTIC_PRIVATE = "domestic_private", _("Domestic private")
    JOINT_VENTURE = "joint_venture", _("Joint venture")
    STATE = "state", _("State-owned")


class Enterprise(models.Model):
    """An enterprise in a zone; most are non-state, many foreign-invested (FDI)."""

    Ownership = Ownership

    name = models.CharField(_("name"), max_length=255)
    zone = models.ForeignKey(
        Zone, models.PROTECT, related_name="enterprises", verbose_name=_("zone")
    )
    ownership = models.CharField(_("ownership"), max_length=20, choices=Ownership.choices)
    investor_country = models.CharField(_("investor country"), max_length=100, blank=True)
    workforce = models.PositiveIntegerField(_("workforce"), null=True, blank=True)
    # Who keeps the record: an enterprise is in a user's scope through this committee, not
    # through its zone (a zone can be shared by committees of different cities).
    committee = models.ForeignKey(
        "PartyOrganization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_enterprises",
        verbose_name=_("registered by committee"),
    )

    objects = EnterpriseQuerySet.as_manager()
    # The edit forms' version (config/versioning.py): no save overwrites a newer one.
    updated_at = version_field()
    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        constraints = [
            choices_constraint("ownership", Ownership, "enterprise_ownership_valid"),
            models.UniqueConstraint(
                fields=["zone", "name"],
                name="enterprise_unique_name_in_zone",
                violation_error_message=_("This zone already has an enterprise with this name."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organizations:enterprise_update", args=[self.pk])


class PartyOrganizationQuerySet(models.QuerySet):
    def for_user(self, user):
        """The organizations the user may see: their committee's subtree, or all for admins."""
        from organizations.scope import committee_path

        path = committee_path(user)
        if path is None:
            return self.none()
        if path == "":
            return self
        return self.filter(path__startswith=path)

    def subtree_of(self, organization):
        """The organization and all its current descendants."""
        return self.filter(path__startswith=organization.path)

    def committees(self):
        """Organizations that can have organizations under them."""
        return self.filter(kind__in=PartyOrganization.COMMITTEE_KINDS)


class OrganizationKind(models.TextChoices):
    # The national level: the one root above the provinces' committees, so that national
    # figures are read like any committee's (there is no such Party organization in the
    # statute; it stands for the Central Organization Commission's view of the whole country).
    CENTRAL = "central", _("National level")
    PROVINCIAL_COMMITTEE = "provincial_committee", _("City/provincial committee")
    ZONE_COMMITTEE = "zone_committee", _("Zone Party committee")
    GRASSROOTS_COMMITTEE = "grassroots_committee", _("Grassroots Party committee")
    GRASSROOTS_CELL = "grassroots_cell", _("Grassroots Party cell")
    SUBORDINATE_CELL = "subordinate_cell", _("Subordinate Party cell")


class PartyOrganization(models.Model):
    """A Party committee or cell. Parent, path and `is_active` are derived from the ledger."""

    Kind = OrganizationKind

    COMMITTEE_KINDS = (
        Kind.CENTRAL,
        Kind.PROVINCIAL_COMMITTEE,
        Kind.ZONE_COMMITTEE,
        Kind.GRASSROOTS_COMMITTEE,
    )
    GRASSROOTS_KINDS = (Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL)
    # Which kinds may stand directly under which (None: top of the tree).
    ALLOWED_PARENT_KINDS = {
        Kind.CENTRAL: (None,),
        Kind.PROVINCIAL_COMMITTEE: (None, Kind.CENTRAL),
        Kind.ZONE_COMMITTEE: (None, Kind.PROVINCIAL_COMMITTEE),
        Kind.GRASSROOTS_COMMITTEE: (Kind.ZONE_COMMITTEE, Kind.PROVINCIAL_COMMITTEE),
        Kind.GRASSROOTS_CELL: (Kind.ZONE_COMMITTEE, Kind.PROVINCIAL_COMMITTEE),
        Kind.SUBORDINATE_CELL: (Kind.GRASSROOTS_COMMITTEE,),
    }

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organization"),
    )
    path = models.CharField(
        _("tree path"), max_length=255, blank=True, db_index=True, editable=False
    )
    enterprise = models.ForeignKey(
        Enterprise,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="party_organizations",
        verbose_name=_("enterprise"),
    )
    zone = models.ForeignKey(
        Zone,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="party_organizations",
        verbose_name=_("zone"),
    )
    is_active = models.BooleanField(_("active"), default=True, editable=False)
    ledger_starts_on = models.DateField(
        _("ledger starts on"),
        null=True,
        blank=True,
        help_text=_(
            "The date from which the portal holds every event of this committee's subtree. "
            "Figures for earlier dates come from imported yearly figures."
        ),
    )

    objects = PartyOrganizationQuerySet.as_manager()
    # The edit forms' version (config/versioning.py): no save overwrites a newer one.
    updated_at = version_field()
    history = HistoricalRecords(excluded_fields=["path"], bases=[HistorySource])

    class Meta:
        verbose_name = _("Party organization")
        verbose_name_plural = _("Party organizations")
        ordering = ["code"]
        indexes = [
            # Every report asks for the latest ledger start in a subtree: only committees
            # (a few hundred nationally) have one, so this index holds only them.
            models.Index(
                fields=["ledger_starts_on"],
                condition=Q(ledger_starts_on__isnull=False),
                name="organization_ledger_start",
            )
        ]
        constraints = [
            choices_constraint("kind", OrganizationKind, "partyorganization_kind_valid"),
            models.CheckConstraint(
                condition=Q(parent__isnull=False)
                | Q(kind__in=["central", "provincial_committee", "zone_committee"]),
                name="partyorganization_parent_required",
                violation_error_message=_("Only a top-level committee may have no parent."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="partyorganization_not_own_parent",
                violation_error_message=_("An organization cannot be its own parent."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organizations:organization_detail", args=[self.pk])

    @property
    def is_committee(self) -> bool:
        return self.kind in self.COMMITTEE_KINDS

    def parent_kind_allowed(self, parent: "PartyOrganization | None") -> bool:
        """Whether this organization's kind may stand directly under `parent`."""
        return (parent.kind if parent else None) in self.ALLOWED_PARENT_KINDS[self.kind]

    def existed_on(self, day) -> bool:
        """Whether the ledger shows this organization in existence on `day`.

        An organization without any event (a city committee above the ledger) always exists.
        """
        last = self.events.filter(date__lte=day).order_by("-date", "-pk").first()
        if last is None:
            return not self.events.exists()
        return last.kind not in OrganizationEvent.ENDING_KINDS

    def founded_on(self):
        """The date it was established or received, per the ledger (None outside the ledger)."""
        return (
            self.events.filter(kind__in=OrganizationEvent.STARTING_KINDS)
            .values_list("date", flat=True)
            .first()
        )

    def records_begin_on(self):
        """The first date whose figures the portal can give from its own records."""
        return self.ledger_starts_on or self.founded_on()

    def last_event_date(self):
        return self.events.aggregate(last=models.Max("date"))["last"]


class OrganizationEventQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(organization__in=PartyOrganization.objects.for_user(user))


class OrganizationEventKind(models.TextChoices):
    ESTABLISHED = "established", _("Established")
    RECEIVED = "received", _("Received from a district")
    DISSOLVED = "dissolved", _("Dissolved")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    MOVED = "moved", _("Moved under another organization")


class OrganizationEvent(models.Model):
    """One dated change of the organization tree: the ledger from which counts follow.

    `parent` is the organization's parent *after* the event (for dissolved and transferred
    out: the parent it left); `previous_parent` is set for moves only.
    """

    Kind = OrganizationEventKind

    STARTING_KINDS = (Kind.ESTABLISHED, Kind.RECEIVED)
    ENDING_KINDS = (Kind.DISSOLVED, Kind.TRANSFERRED_OUT)

    organization = models.ForeignKey(
        PartyOrganization, models.PROTECT, related_name="events", verbose_name=_("organization")
    )
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    parent = models.ForeignKey(
        PartyOrganization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("parent organization"),
    )
    previous_parent = models.ForeignKey(
        PartyOrganization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous parent"),
    )
    other_unit = models.CharField(
        _("from / to unit"),
        max_length=255,
        blank=True,
        help_text=_("The district committee it was received from or transferred to."),
    )
    note = models.TextField(_("note"), blank=True)

    objects = OrganizationEventQuerySet.as_manager()
    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        verbose_name = _("organization event")
        verbose_name_plural = _("organization events")
        ordering = ["date", "pk"]
        indexes = [
            models.Index(fields=["parent", "kind", "date"]),
            models.Index(fields=["organization", "date"]),
        ]
        constraints = [
            choices_constraint("kind", OrganizationEventKind, "organizationevent_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind="moved", previous_parent__isnull=False) | ~Q(kind="moved"),
                name="organizationevent_move_has_previous_parent",
                violation_error_message=_("A move must name the previous parent."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.organization} {self.date:%d/%m/%Y}"


class Role(models.TextChoices):
    STAFF = "staff", _("Staff")
    LEADER = "leader", _("Leader")
    ADMINISTRATOR = "administrator", _("Administrator")


class Profile(models.Model):
    """A user's place in the portal: the committee whose subtree they work in, and their role."""

    Role = Role

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="profile", verbose_name=_("user")
    )
    committee = models.ForeignKey(
        PartyOrganization, models.PROTECT, related_name="profiles", verbose_name=_("committee")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.STAFF)

    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")
        constraints = [choices_constraint("role", Role, "profile_role_valid")]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.committee.code})"


class SubmissionReceipt(models.Model):
    """A form submission already carried out: a second POST of the same form (double click,
    reload, a slow network resending) finds it and goes to the first one's result instead of
    writing again. The token is unique, so two simultaneous posts cannot both pass."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    url = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self):
        return self.token
