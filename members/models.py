"""Party members, their dated ledger of events, and outstanding candidates.

`Member.organization`, `status`, `admitted_on` and `official_on` are derived from the events and
changed only by `members.services`. Each `MemberEvent` carries the member's organization and
status *after* it and the date the next event ended it (`ended_on`), so that "who was a member
of these organizations on day D" is one indexed range query:
`date <= D < ended_on (or ended_on is null)`.
"""

import functools

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.audit import HistorySource
from config.dates import add_months
from config.db import choices_constraint
from config.names import NameKeyField
from config.versioning import version_field
from organizations.models import Enterprise, PartyOrganization


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Position(models.TextChoices):
    MANAGER = "manager", _("Manager")
    UNION_OFFICER = "union_officer", _("Trade union officer")
    YOUTH_OFFICER = "youth_officer", _("Youth union officer")
    TECHNICAL = "technical", _("Technical staff")
    WORKER = "worker", _("Worker")


class Ethnicity(models.TextChoices):
    # The 54 ethnic groups in the order of the General Statistics Office's list (codes 01-54),
    # then "other" (a foreign-born member, say). English names without diacritics; the
    # Vietnamese names are in ETHNIC_NAMES_VI (imports accept both).
    KINH = "kinh", _("Kinh")
    TAY = "tay", _("Tay")
    THAI = "thai", _("Thai")
    HOA = "hoa", _("Hoa")
    KHMER = "khmer", _("Khmer")
    MUONG = "muong", _("Muong")
    NUNG = "nung", _("Nung")
    HMONG = "hmong", _("Hmong")
    DAO = "dao", _("Dao")
    GIA_RAI = "gia_rai", _("Gia Rai")
    NGAI = "ngai", _("Ngai")
    E_DE = "e_de", _("E De")
    BA_NA = "ba_na", _("Ba Na")
    XO_DANG = "xo_dang", _("Xo Dang")
    SAN_CHAY = "san_chay", _("San Chay")
    CO_HO = "co_ho", _("Co Ho")
    CHAM = "cham", _("Cham")
    SAN_DIU = "san_diu", _("San Diu")
    HRE = "hre", _("Hre")
    MNONG = "mnong", _("Mnong")
    RA_GLAI = "ra_glai", _("Ra Glai")
    XTIENG = "xtieng", _("Xtieng")
    BRU_VAN_KIEU = "bru_van_kieu", _("Bru Van Kieu")
    THO = "tho", _("Tho")
    GIAY = "giay", _("Giay")
    CO_TU = "co_tu", _("Co Tu")
    GIE_TRIENG = "gie_trieng", _("Gie Trieng")
    MA = "ma", _("Ma")
    KHO_MU = "kho_mu", _("Kho Mu")
    CO = "co", _("Co")
    TA_OI = "ta_oi", _("Ta Oi")
    CHO_RO = "cho_ro", _("Cho Ro")
    KHANG = "khang", _("Khang")
    XINH_MUN = "xinh_mun", _("Xinh Mun")
    HA_NHI = "ha_nhi", _("Ha Nhi")
    CHU_RU = "chu_ru", _("Chu Ru")
    LAO = "lao", _("Lao")
    LA_CHI = "la_chi", _("La Chi")
    LA_HA = "la_ha", _("La Ha")
    PHU_LA = "phu_la", _("Phu La")
    LA_HU = "la_hu", _("La Hu")
    LU = "lu", _("Lu")
    LO_LO = "lo_lo", _("Lo Lo")
    CHUT = "chut", _("Chut")
    MANG = "mang", _("Mang")
    PA_THEN = "pa_then", _("Pa Then")
    CO_LAO = "co_lao", _("Co Lao")
    CONG = "cong", _("Cong")
    BO_Y = "bo_y", _("Bo Y")
    SI_LA = "si_la", _("Si La")
    PU_PEO = "pu_peo", _("Pu Peo")
    BRAU = "brau", _("Brau")
    O_DU = "o_du", _("O Du")
    RO_MAM = "ro_mam", _("Ro Mam")
    OTHER = "other", _("Other ethnic group")


ETHNIC_NAMES_VI = {
    Ethnicity.KINH: "Kinh",
    Ethnicity.TAY: "Tày",
    Ethnicity.THAI: "Thái",
    Ethnicity.HOA: "Hoa",
    Ethnicity.KHMER: "Khơ-me",
    Ethnicity.MUONG: "Mường",
    Ethnicity.NUNG: "Nùng",
    Ethnicity.HMONG: "HMông",
    Ethnicity.DAO: "Dao",
    Ethnicity.GIA_RAI: "Gia-rai",
    Ethnicity.NGAI: "Ngái",
    Ethnicity.E_DE: "Ê-đê",
    Ethnicity.BA_NA: "Ba na",
    Ethnicity.XO_DANG: "Xơ-đăng",
    Ethnicity.SAN_CHAY: "Sán Chay",
    Ethnicity.CO_HO: "Cơ-ho",
    Ethnicity.CHAM: "Chăm",
    Ethnicity.SAN_DIU: "Sán Dìu",
    Ethnicity.HRE: "Hrê",
    Ethnicity.MNONG: "Mnông",
    Ethnicity.RA_GLAI: "Ra-glai",
    Ethnicity.XTIENG: "Xtiêng",
    Ethnicity.BRU_VAN_KIEU: "Bru-Vân Kiều",
    Ethnicity.THO: "Thổ",
    Ethnicity.GIAY: "Giáy",
    Ethnicity.CO_TU: "Cơ-tu",
    Ethnicity.GIE_TRIENG: "Giẻ-Triêng",
    Ethnicity.MA: "Mạ",
    Ethnicity.KHO_MU: "Khơ-mú",
    Ethnicity.CO: "Co",
    Ethnicity.TA_OI: "Tà-ôi",
    Ethnicity.CHO_RO: "Chơ-ro",
    Ethnicity.KHANG: "Kháng",
    Ethnicity.XINH_MUN: "Xinh-mun",
    Ethnicity.HA_NHI: "Hà Nhì",
    Ethnicity.CHU_RU: "Chu-ru",
    Ethnicity.LAO: "Lào",
    Ethnicity.LA_CHI: "La Chí",
    Ethnicity.LA_HA: "La Ha",
    Ethnicity.PHU_LA: "Phù Lá",
    Ethnicity.LA_HU: "La Hủ",
    Ethnicity.LU: "Lự",
    Ethnicity.LO_LO: "Lô Lô",
    Ethnicity.CHUT: "Chứt",
    Ethnicity.MANG: "Mảng",
    Ethnicity.PA_THEN: "Pà Thẻn",
    Ethnicity.CO_LAO: "Cờ Lao",
    Ethnicity.CONG: "Cống",
    Ethnicity.BO_Y: "Bố Y",
    Ethnicity.SI_LA: "Si La",
    Ethnicity.PU_PEO: "Pu Péo",
    Ethnicity.BRAU: "Brâu",
    Ethnicity.O_DU: "Ơ Đu",
    Ethnicity.RO_MAM: "Rơ-măm",
}


class Religion(models.TextChoices):
    NONE = "none", _("No religion")
    BUDDHISM = "buddhism", _("Buddhism")
    CATHOLICISM = "catholicism", _("Catholicism")
    PROTESTANTISM = "protestantism", _("Protestantism")
    CAO_DAI = "cao_dai", _("Cao Dai")
    HOA_HAO = "hoa_hao", _("Hoa Hao Buddhism")
    ISLAM = "islam", _("Islam")
    OTHER = "other", _("Other religion")


class Qualification(models.TextChoices):
    NONE = "none", _("No professional qualification")
    VOCATIONAL = "vocational", _("Vocational training")
    COLLEGE = "college", _("College")
    UNIVERSITY = "university", _("University")
    MASTER = "master", _("Master's degree")
    DOCTORATE = "doctorate", _("Doctorate")


class PoliticalTheory(models.TextChoices):
    NONE = "none", _("No political theory training")
    ELEMENTARY = "elementary", _("Elementary")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class Status(models.TextChoices):
    PROBATIONARY = "probationary", _("Probationary member")
    OFFICIAL = "official", _("Official member")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    DIED = "died", _("Died")
    STRUCK_OFF = "struck_off", _("Struck off")
    EXPELLED = "expelled", _("Expelled")
    LEFT = "left", _("Left the Party")


ACTIVE_STATUSES = (Status.PROBATIONARY, Status.OFFICIAL)


class MemberQuerySet(models.QuerySet):
    def for_user(self, user):
        """Members whose current organization is in the user's subtree."""
        return self.filter(organization__in=PartyOrganization.objects.for_user(user))

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)


class Member(models.Model):
    """A Party member. Identity fields are entered; organization and status are derived."""

    full_name = models.CharField(_("full name"), max_length=200)
    # The name as it is searched and sorted (config/names.py), kept by every save.
    search_key = NameKeyField(kind="search")
    sort_key = NameKeyField(kind="sort")
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # Blank is "unknown" for each of these coded attributes (counted as such in reports).
    ethnicity = models.CharField(
        _("ethnicity"), max_length=16, choices=Ethnicity.choices, blank=True, default="kinh"
    )
    religion = models.CharField(_("religion"), max_length=16, choices=Religion.choices, blank=True)
    education = models.CharField(_("general education"), max_length=50, blank=True)
    qualification = models.CharField(
        _("professional qualification"), max_length=16, choices=Qualification.choices, blank=True
    )
    political_theory = models.CharField(
        _("political theory"), max_length=16, choices=PoliticalTheory.choices, blank=True
    )
    position = models.CharField(
        _("position in the enterprise"), max_length=16, choices=Position.choices, blank=True
    )
    # Whether the member was admitted from an outstanding candidate (the pipeline): set by
    # `member_admit` when a candidate is admitted, or entered; null is "unknown".
    from_pipeline = models.BooleanField(
        _("from the candidate pipeline"), null=True, blank=True, default=None
    )
    card_number = models.CharField(_("Party card number"), max_length=20, blank=True)
    national_id = models.CharField(_("national ID number"), max_length=12, blank=True)
    # Not indexed alone: the indexes of Meta lead with it (see there).
    organization = models.ForeignKey(
        PartyOrganization,
        models.PROTECT,
        related_name="members",
        verbose_name=_("Party organization"),
        editable=False,
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, editable=False)
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True, editable=False)
    official_on = models.DateField(_("official on"), null=True, blank=True, editable=False)

    objects = MemberQuerySet.as_manager()
    # The edit forms' version (config/versioning.py): no save overwrites a newer one.
    updated_at = version_field()
    history = HistoricalRecords(bases=[HistorySource], no_db_index=["organization"])

    class Meta:
        verbose_name = _("Party member")
        verbose_name_plural = _("Party members")
        # Vietnamese order: by given name, then the rest (config.names.sort_key).
        ordering = ["sort_key", "pk"]
        # Each index costs every insert (an import writes hundreds of thousands of rows):
        # none repeats the first columns of another, and the history tables keep only
        # simple-history's own (the record's id, its date and user).
        indexes = [
            models.Index(fields=["organization", "status"]),
            # A plain B-tree: the one Django makes for db_index on PostgreSQL comes with a
            # second for LIKE, which nothing asks of a status.
            models.Index(fields=["status"], name="member_status_idx"),
            # The members list reads only these (index-only scans on PostgreSQL): its order by
            # name and the deep pages; the included columns let its filters and the name
            # search be checked without reading the table. The first serves the national list
            # and large subtrees, the second a committee's few organizations, the third a
            # search by the name's beginning (a range of the folded key).
            models.Index(
                fields=["sort_key", "id"],
                name="member_sort_key_idx",
                include=["search_key", "organization", "status", "gender", "admitted_on"],
            ),
            models.Index(
                fields=["organization", "sort_key", "id"],
                name="member_org_sort_key_idx",
                include=["search_key", "status", "gender", "admitted_on"],
            ),
            models.Index(fields=["search_key"], name="member_search_key_idx"),
        ]
        constraints = [
            choices_constraint("gender", Gender, "member_gender_valid"),
            choices_constraint("status", Status, "member_status_valid"),
            models.CheckConstraint(
                condition=Q(position="") | Q(position__in=Position.values),
                name="member_position_valid",
                violation_error_message=_("A value outside the allowed choices was given."),
            ),
            models.CheckConstraint(
                condition=Q(ethnicity="") | Q(ethnicity__in=Ethnicity.values),
                name="member_ethnicity_valid",
                violation_error_message=_("A value outside the allowed choices was given."),
            ),
            models.CheckConstraint(
                condition=Q(religion="") | Q(religion__in=Religion.values),
                name="member_religion_valid",
                violation_error_message=_("A value outside the allowed choices was given."),
            ),
            models.CheckConstraint(
                condition=Q(qualification="") | Q(qualification__in=Qualification.values),
                name="member_qualification_valid",
                violation_error_message=_("A value outside the allowed choices was given."),
            ),
            models.CheckConstraint(
                condition=Q(political_theory="") | Q(political_theory__in=PoliticalTheory.values),
                name="member_political_theory_valid",
                violation_error_message=_("A value outside the allowed choices was given."),
            ),
            models.UniqueConstraint(
                fields=["card_number"],
                condition=~Q(card_number=""),
                name="member_unique_card_number",
                violation_error_message=_("Another member already has this Party card number."),
            ),
            models.UniqueConstraint(
                fields=["national_id"],
                condition=~Q(national_id=""),
                name="member_unique_national_id",
                violation_error_message=_("Another member already has this national ID number."),
            ),
            models.CheckConstraint(
                condition=Q(official_on__isnull=True)
                | Q(admitted_on__isnull=True)
                | Q(official_on__gt=models.F("admitted_on")),
                name="member_official_after_admission",
                violation_error_message=_("Official membership must come after admission."),
            ),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("members:member_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def official_due_on(self):
        """The first day a probationary member may be made official (12 months' probation)."""
        if self.status != Status.PROBATIONARY or self.admitted_on is None:
            return None
        return add_months(self.admitted_on, 12)


class MemberEventQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(organization__in=PartyOrganization.objects.for_user(user))

    def correctable_by(self, user):
        """The events `user` may correct: their own committee's, since the member came to it.

        A member received from another committee brings the earlier record along (the file
        follows the person), but those events belong to the committee that wrote them: dated
        before the member's latest transfer in, or in an organization outside the user's
        scope, they stay read-only.
        """
        latest_in = (
            MemberEvent.objects.filter(
                member=OuterRef("member"), kind=MemberEventKind.TRANSFERRED_IN
            )
            .order_by("-date", "-pk")
            .values("date")[:1]
        )
        return (
            self.for_user(user)
            .filter(member__in=Member.objects.for_user(user))
            .annotate(arrived_on=Subquery(latest_in))
            .filter(Q(arrived_on__isnull=True) | Q(date__gte=F("arrived_on")))
        )

    def current_on(self, day):
        """The event that describes each member's state on `day` (one per member at most)."""
        return self.filter(date__lte=day).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))

    def between(self, start, end):
        """Events dated after `start` up to and including `end`."""
        return self.filter(date__gt=start, date__lte=end)


class MemberEventKind(models.TextChoices):
    ADMITTED = "admitted", _("Admitted")
    MADE_OFFICIAL = "made_official", _("Made official")
    TRANSFERRED_IN = "transferred_in", _("Transferred in")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    DIED = "died", _("Died")
    STRUCK_OFF = "struck_off", _("Struck off")
    EXPELLED = "expelled", _("Expelled")
    LEFT = "left", _("Left the Party")


class MemberEvent(models.Model):
    """One dated change in a member's life in the Party: the ledger the member counts follow."""

    Kind = MemberEventKind

    REMOVAL_KINDS = (Kind.DIED, Kind.STRUCK_OFF, Kind.EXPELLED, Kind.LEFT)

    # Neither key is indexed alone: Meta's indexes lead with each.
    member = models.ForeignKey(
        Member,
        models.PROTECT,
        related_name="events",
        verbose_name=_("Party member"),
        db_index=False,
    )
    kind = models.CharField(_("event"), max_length=16, choices=Kind.choices)
    date = models.DateField(_("date"))
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    organization = models.ForeignKey(
        PartyOrganization,
        models.PROTECT,
        related_name="member_events",
        verbose_name=_("Party organization"),
        db_index=False,
    )
    status_after = models.CharField(_("status after"), max_length=16, choices=Status.choices)
    ended_on = models.DateField(_("ended on"), null=True, blank=True, editable=False)
    other_unit = models.CharField(
        _("from / to unit"),
        max_length=255,
        blank=True,
        help_text=_("Where a transferred member came from or went to."),
    )
    note = models.TextField(_("note"), blank=True)

    objects = MemberEventQuerySet.as_manager()
    # The edit forms' version (config/versioning.py): no save overwrites a newer one.
    updated_at = version_field()
    history = HistoricalRecords(bases=[HistorySource], no_db_index=["member", "organization"])

    class Meta:
        verbose_name = _("member event")
        verbose_name_plural = _("member events")
        ordering = ["date", "pk"]
        indexes = [
            models.Index(fields=["organization", "date"]),
            models.Index(fields=["kind", "date"]),
            models.Index(fields=["member", "date"]),
        ]
        constraints = [
            choices_constraint("kind", MemberEventKind, "memberevent_kind_valid"),
            choices_constraint("status_after", Status, "memberevent_status_after_valid"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("date")),
                name="memberevent_ends_after_it_starts",
                violation_error_message=_("An event cannot end before its date."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.member} {self.date:%d/%m/%Y}"


class CandidateQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(organization__in=PartyOrganization.objects.for_user(user))


class Verification(models.TextChoices):
    PENDING = "pending", _("Not yet verified")
    IN_PROGRESS = "in_progress", _("Verification in progress")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Not approved")


class Candidate(models.Model):
    """An outstanding candidate (quần chúng ưu tú) on the way to admission."""

    Verification = Verification

    full_name = models.CharField(_("full name"), max_length=200)
    search_key = NameKeyField(kind="search")
    sort_key = NameKeyField(kind="sort")
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    national_id = models.CharField(_("national ID number"), max_length=12, blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="candidates",
        verbose_name=_("enterprise"),
    )
    organization = models.ForeignKey(
        PartyOrganization,
        models.PROTECT,
        related_name="candidates",
        verbose_name=_("Party organization"),
    )
    introduced_by = models.ForeignKey(
        "unions.MassOrganization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="candidates",
        verbose_name=_("introduced by"),
    )
    awareness_class_on = models.DateField(
        _("Party awareness class attended on"), null=True, blank=True
    )
    verification = models.CharField(
        _("background verification"),
        max_length=16,
        choices=Verification.choices,
        default=Verification.PENDING,
    )
    member = models.OneToOneField(
        Member,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="candidate",
        verbose_name=_("member once admitted"),
        editable=False,
    )

    objects = CandidateQuerySet.as_manager()
    # The edit forms' version (config/versioning.py): no save overwrites a newer one.
    updated_at = version_field()
    history = HistoricalRecords(bases=[HistorySource])

    class Stage(models.TextChoices):
        CLASS = "class", _("Awaiting the awareness class")
        VERIFICATION = "verification", _("Awaiting verification")
        READY = "ready", _("Ready for admission")
        ADMITTED = "admitted", _("Admitted")
        STOPPED = "stopped", _("Not approved")

    class Meta:
        verbose_name = _("outstanding candidate")
        verbose_name_plural = _("outstanding candidates")
        ordering = ["sort_key", "pk"]
        # The candidates list: its order by name and deep pages; the name search.
        indexes = [
            models.Index(
                fields=["sort_key", "id"],
                name="candidate_sort_key_idx",
                include=["search_key", "organization"],
            ),
            models.Index(fields=["search_key"], name="candidate_search_key_idx"),
        ]
        constraints = [
            choices_constraint("gender", Gender, "candidate_gender_valid"),
            choices_constraint("verification", Verification, "candidate_verification_valid"),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("members:candidate_update", args=[self.pk])

    @property
    def stage(self) -> str:
        """Where the candidate stands in the pipeline: class, verification, admission."""
        if self.member_id:
            return self.Stage.ADMITTED
        if self.verification == self.Verification.REJECTED:
            return self.Stage.STOPPED
        if self.awareness_class_on is None:
            return self.Stage.CLASS
        if self.verification != self.Verification.VERIFIED:
            return self.Stage.VERIFICATION
        return self.Stage.READY


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed the detail page")
    EXPORT = "export", _("Exported")
    DENIED = "denied", _("Refused access")
    ERASED = "erased", _("Erased personal data")


class AccessLog(models.Model):
    """Who looked at or exported personal data, who was refused an object, who erased a
    member, and when (sensitive data, Law 91/2025). Rows are never changed or deleted.

    It lives in `members` because nearly every row is about a member's personal data (it began
    as the log of views and exports of members); a refused access to another kind of object
    names it by `object_type` and `object_id` instead of the `member` link. It holds no
    personal data itself: an erasure row keeps the member's id and the reason only.
    """

    Action = AccessAction

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("user")
    )
    member = models.ForeignKey(
        Member,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="accesses",
        verbose_name=_("Party member"),
    )
    action = models.CharField(_("action"), max_length=8, choices=AccessAction.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    path = models.CharField(_("address"), max_length=255, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at"]
        indexes = [models.Index(fields=["action", "at"])]
        constraints = [choices_constraint("action", AccessAction, "accesslog_action_valid")]

    def __str__(self):
        what = self.member_id or f"{self.object_type} {self.object_id}".strip() or self.detail
        return f"{self.user} {self.action} {what} {self.at:%d/%m/%Y %H:%M}"


def _fold(text: str) -> str:
    """Lower case without diacritics, hyphens, apostrophes or spaces: "H'Mông" -> "hmong"."""
    import unicodedata

    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c)).lower()


# Other spellings met in lists (older names, the English ones, no diacritics).
_ETHNIC_SPELLINGS = {
    "mong": Ethnicity.HMONG,
    "meo": Ethnicity.HMONG,
    "khome": Ethnicity.KHMER,
    "brauvankieu": Ethnicity.BRU_VAN_KIEU,
    "vankieu": Ethnicity.BRU_VAN_KIEU,
    "ede": Ethnicity.E_DE,
    "bahnar": Ethnicity.BA_NA,
    "jarai": Ethnicity.GIA_RAI,
    "sedang": Ethnicity.XO_DANG,
    "stieng": Ethnicity.XTIENG,
    "coho": Ethnicity.CO_HO,
    "kohoo": Ethnicity.CO_HO,
    "hanhi": Ethnicity.HA_NHI,
    "colao": Ethnicity.CO_LAO,
    "khac": Ethnicity.OTHER,
}


def ethnicity_from_text(text: str) -> str | None:
    """The ethnic group a written name stands for (any spelling above), None if unknown."""
    folded = _fold(text or "")
    if not folded:
        return None
    found = _ethnic_names(get_language()).get(folded)
    return found if found is not None else _ETHNIC_SPELLINGS.get(folded)


@functools.cache
def _ethnic_names(language: str | None) -> dict[str, str]:
    """Each group's code, label (in `language`, the active one) and Vietnamese name, folded:
    made once per language, not once per row of an import (it folds 150 names)."""
    names: dict[str, str] = {}
    for value, label in Ethnicity.choices:
        for name in (value, str(label), ETHNIC_NAMES_VI.get(value, "")):
            if name:
                names.setdefault(_fold(name), value)
    return names
