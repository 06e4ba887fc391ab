"""The national data set: a whole country of zone Party committees, for benchmarks.

`national_generate` writes one national root (kind central, code `N-TQ`), the provinces'
committees under it, zone committees under those, grassroots organizations (committees with
subordinate cells, and cells) each in an enterprise of a zone, their members with fifteen and
a half years of ledger (01/01/2011 to 30/06/2026, after an opening balance recorded on
31/12/2010, the day the committees' ledgers start), trade and youth unions with yearly head
counts, targets and four benchmark users. Every code it writes starts with `N-`, so it sits
beside the demo, and `national_delete` finds it again.

Speed comes from writing rows directly instead of through the services: COPY on PostgreSQL,
batched inserts elsewhere (the helpers of `reports.importing.bulk`), one zone committee at a
time so that memory stays flat, the big tables' secondary indexes and constraints set aside
during the load on PostgreSQL, and no simple-history rows (the data is generated, not work
done in the portal). Summary rows are left to `rebuild_summaries`, which the command runs.

The rows are still those the services would have written: a member's events chain
(`ended_on` is the next event's date) and the member's organization, status, admission and
official dates are what `members.services` leaves; the tests replay members through the
services to check it.

Deterministic: the same seed and size give the same rows. Each zone committee draws from its
own generator, seeded with the seed and the committee's code.
"""

import contextlib
import datetime
import itertools
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command, get_commands
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from config.dates import add_months
from config.names import name_keys
from members.models import Member, MemberEvent, Status
from organizations.models import Enterprise, OrganizationEvent, PartyOrganization, Profile, Zone
from reports import summaries
from reports.demo import (
    BRANDS,
    COUNTRIES,
    EDUCATION,
    ETHNICITIES,
    GIVEN,
    MIDDLE,
    POLITICAL_THEORY,
    POSITIONS,
    QUALIFICATIONS,
    RELIGIONS,
    SURNAMES,
    TRADES,
    apportion,
)
from reports.importing.bulk import insert_rows, reserve_ids
from reports.models import Metric, Target
from unions.models import Headcount, MassOrganization

D = datetime.date
PREFIX = "N-"
ROOT_CODE = "N-TQ"
FULL_MEMBERS = 5_500_000
FULL_ZONE_COMMITTEES = 400
MEMBERS_PER_GRASSROOTS = 100
MINIMUM_MEMBERS = 100
OPENING = D(2010, 12, 31)  # the committees' ledgers start here, with the opening balance
LEDGER_END = D(2026, 6, 30)
LAST_FOUNDING = D(2026, 3, 31)  # so that the newest organizations have members
TERM = (2020, 2025)
DEFAULT_PASSWORD = "bench-password-2026"
# username, role, committee: the root, the first province, that province's first zone committee.
BENCH_USERS = [
    ("bench-national", Profile.Role.LEADER, "central"),
    ("bench-province", Profile.Role.LEADER, "province"),
    ("bench-zone", Profile.Role.LEADER, "zone"),
    ("bench-staff", Profile.Role.STAFF, "zone"),
]

# Plain strings rather than TextChoices members: COPY text is made by exact type.
Kind = PartyOrganization.Kind
CENTRAL = Kind.CENTRAL.value
PROVINCIAL = Kind.PROVINCIAL_COMMITTEE.value
ZONE_COMMITTEE = Kind.ZONE_COMMITTEE.value
GRASSROOTS_COMMITTEE = Kind.GRASSROOTS_COMMITTEE.value
GRASSROOTS_CELL = Kind.GRASSROOTS_CELL.value
SUBORDINATE_CELL = Kind.SUBORDINATE_CELL.value
ESTABLISHED = OrganizationEvent.Kind.ESTABLISHED.value
RECEIVED = OrganizationEvent.Kind.RECEIVED.value
ADMITTED = MemberEvent.Kind.ADMITTED.value
MADE_OFFICIAL = MemberEvent.Kind.MADE_OFFICIAL.value
TRANSFERRED_IN = MemberEvent.Kind.TRANSFERRED_IN.value
TRANSFERRED_OUT = MemberEvent.Kind.TRANSFERRED_OUT.value
PROBATIONARY = Status.PROBATIONARY.value
OFFICIAL = Status.OFFICIAL.value
# How members leave the ledger: event kind, the status it leaves (as members.services sets
# it), weight. In the zones most leave by moving away with their job.
EXITS = [
    (TRANSFERRED_OUT, Status.TRANSFERRED_OUT.value, 72),
    (MemberEvent.Kind.DIED.value, Status.DIED.value, 7),
    (MemberEvent.Kind.STRUCK_OFF.value, Status.STRUCK_OFF.value, 13),
    (MemberEvent.Kind.LEFT.value, Status.LEFT.value, 5),
    (MemberEvent.Kind.EXPELLED.value, Status.EXPELLED.value, 3),
]
EXIT_WEIGHTS = list(itertools.accumulate(weight for *_rest, weight in EXITS))
EXIT_RATE = 0.028  # members leaving the ledger per year, all reasons together
RETURN_SHARE = 0.2  # official members transferred out who come back to another organization
OPENING_NOTE = "Số liệu đầu kỳ"  # the opening balance, as in the demo's Hai Phong ledger

# The 63 provinces and centrally-run cities (before the 2025 merger): code, name, the
# province code of the citizen ID card, the day its committee took its present form, and a
# weight for its industrial zones (roughly how many it has).
PROVINCES = [
    ("HNI", "Thành phố Hà Nội", "001", D(2008, 8, 1), 14),
    ("HGG", "tỉnh Hà Giang", "002", D(1991, 10, 1), 1),
    ("CBG", "tỉnh Cao Bằng", "004", D(1976, 2, 2), 1),
    ("BKN", "tỉnh Bắc Kạn", "006", D(1997, 1, 1), 1),
    ("TQG", "tỉnh Tuyên Quang", "008", D(1991, 10, 1), 2),
    ("LCI", "tỉnh Lào Cai", "010", D(1991, 10, 1), 3),
    ("DBN", "tỉnh Điện Biên", "011", D(2004, 1, 1), 1),
    ("LCU", "tỉnh Lai Châu", "012", D(2004, 1, 1), 1),
    ("SLA", "tỉnh Sơn La", "014", D(1976, 2, 2), 1),
    ("YBI", "tỉnh Yên Bái", "015", D(1991, 10, 1), 2),
    ("HBH", "tỉnh Hòa Bình", "017", D(1991, 10, 1), 4),
    ("TNN", "tỉnh Thái Nguyên", "019", D(1997, 1, 1), 7),
    ("LSN", "tỉnh Lạng Sơn", "020", D(1976, 2, 2), 2),
    ("QNH", "tỉnh Quảng Ninh", "022", D(1976, 2, 2), 10),
    ("BGG", "tỉnh Bắc Giang", "024", D(1997, 1, 1), 9),
    ("PTO", "tỉnh Phú Thọ", "025", D(1997, 1, 1), 5),
    ("VPC", "tỉnh Vĩnh Phúc", "026", D(1997, 1, 1), 10),
    ("BNH", "tỉnh Bắc Ninh", "027", D(1997, 1, 1), 16),
    ("HDG", "tỉnh Hải Dương", "030", D(1997, 1, 1), 11),
    ("HPG", "Thành phố Hải Phòng", "031", D(1976, 2, 2), 14),
    ("HYN", "tỉnh Hưng Yên", "033", D(1997, 1, 1), 10),
    ("TBH", "tỉnh Thái Bình", "034", D(1976, 2, 2), 8),
    ("HNM", "tỉnh Hà Nam", "035", D(1997, 1, 1), 9),
    ("NDH", "tỉnh Nam Định", "036", D(1997, 1, 1), 6),
    ("NBH", "tỉnh Ninh Bình", "037", D(1992, 4, 1), 7),
    ("THA", "tỉnh Thanh Hóa", "038", D(1976, 2, 2), 10),
    ("NAN", "tỉnh Nghệ An", "040", D(1991, 10, 1), 8),
    ("HTH", "tỉnh Hà Tĩnh", "042", D(1991, 10, 1), 5),
    ("QBH", "tỉnh Quảng Bình", "044", D(1989, 7, 1), 4),
    ("QTI", "tỉnh Quảng Trị", "045", D(1989, 7, 1), 4),
    ("TTH", "tỉnh Thừa Thiên Huế", "046", D(1989, 7, 1), 7),
    ("DNG", "Thành phố Đà Nẵng", "048", D(1997, 1, 1), 7),
    ("QNM", "tỉnh Quảng Nam", "049", D(1997, 1, 1), 9),
    ("QNI", "tỉnh Quảng Ngãi", "051", D(1989, 7, 1), 6),
    ("BDH", "tỉnh Bình Định", "052", D(1989, 7, 1), 7),
    ("PYN", "tỉnh Phú Yên", "054", D(1989, 7, 1), 4),
    ("KHA", "tỉnh Khánh Hòa", "056", D(1989, 7, 1), 6),
    ("NTN", "tỉnh Ninh Thuận", "058", D(1992, 4, 1), 3),
    ("BTN", "tỉnh Bình Thuận", "060", D(1992, 4, 1), 7),
    ("KTM", "tỉnh Kon Tum", "062", D(1991, 10, 1), 3),
    ("GLI", "tỉnh Gia Lai", "064", D(1991, 10, 1), 3),
    ("DLK", "tỉnh Đắk Lắk", "066", D(2004, 1, 1), 3),
    ("DNO", "tỉnh Đắk Nông", "067", D(2004, 1, 1), 2),
    ("LDG", "tỉnh Lâm Đồng", "068", D(1976, 2, 2), 3),
    ("BPC", "tỉnh Bình Phước", "070", D(1997, 1, 1), 11),
    ("TNH", "tỉnh Tây Ninh", "072", D(1976, 2, 2), 7),
    ("BDG", "tỉnh Bình Dương", "074", D(1997, 1, 1), 29),
    ("DNI", "tỉnh Đồng Nai", "075", D(1976, 2, 2), 32),
    ("BRV", "tỉnh Bà Rịa – Vũng Tàu", "077", D(1991, 10, 1), 15),
    ("HCM", "Thành phố Hồ Chí Minh", "079", D(1976, 7, 2), 23),
    ("LAN", "tỉnh Long An", "080", D(1976, 2, 2), 24),
    ("TGG", "tỉnh Tiền Giang", "082", D(1976, 2, 2), 6),
    ("BTE", "tỉnh Bến Tre", "083", D(1976, 2, 2), 4),
    ("TVH", "tỉnh Trà Vinh", "084", D(1992, 4, 1), 3),
    ("VLG", "tỉnh Vĩnh Long", "086", D(1992, 4, 1), 4),
    ("DTP", "tỉnh Đồng Tháp", "087", D(1976, 2, 2), 4),
    ("AGG", "tỉnh An Giang", "089", D(1976, 2, 2), 5),
    ("KGG", "tỉnh Kiên Giang", "091", D(1976, 2, 2), 5),
    ("CTO", "Thành phố Cần Thơ", "092", D(2004, 1, 1), 8),
    ("HUG", "tỉnh Hậu Giang", "093", D(2004, 1, 1), 5),
    ("STG", "tỉnh Sóc Trăng", "094", D(1992, 4, 1), 3),
    ("BLU", "tỉnh Bạc Liêu", "095", D(1997, 1, 1), 2),
    ("CMU", "tỉnh Cà Mau", "096", D(1997, 1, 1), 3),
]
ID_CARD_CODES = [province[2] for province in PROVINCES]


def _words(text: str) -> list[str]:
    return text.split()


# Surnames by their rough share of the population (Nguyễn alone is more than a third).
SURNAME_WEIGHTS = list(
    itertools.accumulate(
        [38, 11, 9.5, 7, 5, 2, 4.5, 4, 4, 2, 2, 1.4, 1.3, 1.3, 1, 0.5, 0.8, 0.6, 0.5, 0.4]
    )
)
PLACE_FIRST = _words(
    "Tân Phú An Long Mỹ Hòa Nam Bắc Đông Tây Quế Yên Thuận Đức Hiệp Vĩnh Bình Thành Hưng "
    "Phước Nhơn Đình Sông Quang Tiên Kim Đại Hải Lộc Thạnh"
)
PLACE_SECOND = _words(
    "Bình Phú Thạnh Lợi Hòa Hiệp Phong Khánh Quang Xuân Sơn Hải Thịnh An Lộc Mỹ Tiến Long "
    "Đông Hưng Trạch Vũ Châu Điền Nghĩa Lâm Tân Phát Thuận"
)
# Zone kind, the short and long words of its name, weight.
ZONE_KINDS = [
    (Zone.Kind.INDUSTRIAL_PARK.value, "KCN", "Khu công nghiệp", 92),
    (Zone.Kind.EXPORT_PROCESSING.value, "KCX", "Khu chế xuất", 3),
    (Zone.Kind.ECONOMIC.value, "KKT", "Khu kinh tế", 5),
]
BRAND_FIRST = _words("Hana Sun Tae Dong Viet Kim Tan Phu Thai Minh Yama Shin Hwa Nam Sei Daiwa")
BRAND_SECOND = _words("tech vina won long phat hung kyo sung moto star field tronic core max")
DEPARTMENTS = [
    "Phòng Hành chính – Nhân sự",
    "Phòng Kỹ thuật",
    "Phòng Kế toán",
    "Phòng Quản lý chất lượng",
    "Phòng Kinh doanh",
    "Kho vận",
    "Xưởng Cơ khí",
    "Xưởng Lắp ráp",
    "Xưởng Bảo trì",
]
DISTRICT_KINDS = ["Huyện ủy", "Huyện ủy", "Huyện ủy", "Thị ủy", "Quận ủy", "Thành ủy"]
OWNERSHIPS = [
    Enterprise.Ownership.FDI.value,
    Enterprise.Ownership.DOMESTIC_PRIVATE.value,
    Enterprise.Ownership.JOINT_VENTURE.value,
    Enterprise.Ownership.STATE.value,
]


@dataclass(frozen=True)
class Sizes:
    """How big the data set is: members, and the organizations that hold them."""

    members: int
    provinces: int
    zone_committees: int
    grassroots: int


def national_sizes(members: int) -> Sizes:
    """The tree for `members` member records.

    Grassroots organizations scale with the members (one per ~100); provinces and zone
    committees with the square root, so that a small data set keeps a broad tree (two
    provinces and eight zone committees for 2,000 members) while the full one has 63 and 400.
    """
    grassroots = max(1, round(members / MEMBERS_PER_GRASSROOTS))
    breadth = math.sqrt(members / FULL_MEMBERS)
    provinces = max(1, min(len(PROVINCES), math.ceil(len(PROVINCES) * breadth)))
    zones = max(provinces, min(grassroots, math.ceil(FULL_ZONE_COMMITTEES * breadth)))
    return Sizes(members, provinces, zones, max(grassroots, zones))


def national_exists() -> bool:
    """Whether a national data set (its root, or any of its zones) is in the database."""
    return (
        PartyOrganization.objects.filter(code=ROOT_CODE).exists()
        or Zone.objects.filter(code__startswith=PREFIX).exists()
    )


def _purge(queryset, seen: frozenset = frozenset()) -> None:
    """Delete `queryset`'s rows, after the rows of every table that refers to them.

    One DELETE per table, never a row at a time (there are millions): `_raw_delete` skips the
    collector that `delete()` runs. A table met again lower down (an organization's parent,
    the enterprise it sits in) is left to the caller's statement, since foreign keys are
    checked at commit. History rows of the deleted records go too: SQLite reuses the highest
    ids, and a new record must not inherit an old one's history.
    """
    model = queryset.model
    seen = seen | {model}
    for relation in model._meta.get_fields(include_hidden=True):
        if relation.concrete or not (relation.one_to_many or relation.one_to_one):
            continue
        if not relation.field.db_constraint or relation.related_model in seen:
            continue
        _purge(
            relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": queryset}),
            seen,
        )
    history = getattr(model, "history", None)
    if history is not None:
        history.model._base_manager.filter(id__in=queryset.values("pk"))._raw_delete(queryset.db)
    queryset._raw_delete(queryset.db)


@transaction.atomic
def national_delete() -> None:
    """Delete the national data set: the root's subtree with every row that refers to it,
    and the zones it created. The demo stays; the benchmark users stay, without profiles."""
    root = PartyOrganization.objects.filter(code=ROOT_CODE).first()
    if root is not None:
        _purge(PartyOrganization.objects.filter(path__startswith=root.path))
    _purge(Zone.objects.filter(code__startswith=PREFIX))
    summaries.bump_version()  # raw deletes, without signals


class Writer:
    """Rows waiting to be written, by model, and how many each table has received.

    The builder reserves ids for one zone committee at a time and writes its rows before the
    next reservation: on SQLite, a reservation is the table's highest id plus one.
    """

    def __init__(self, progress: Callable[[str], None]):
        self.rows = defaultdict(list)
        self.columns = {}
        self.counts = Counter()
        self.progress = progress
        self.started = time.monotonic()

    def table(self, model, fields: tuple[str, ...]) -> list:
        """The list that collects `model`'s rows, each a tuple of `fields` in this order."""
        if model not in self.columns:
            self.columns[model] = [model._meta.get_field(name).column for name in fields]
        return self.rows[model]

    def flush(self) -> None:
        """Write the rows waiting (COPY on PostgreSQL); no history rows."""
        for model, rows in self.rows.items():
            if rows:
                insert_rows(model, self.columns[model], rows)
                self.counts[model._meta.db_table] += len(rows)
                rows.clear()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def rate(self) -> int:
        return round(self.total / max(self.elapsed, 0.001))


MEMBER_FIELDS = (
    "id",
    "full_name",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "position",
    "card_number",
    "national_id",
    "organization",
    "status",
    "admitted_on",
    "official_on",
    "religion",
    "qualification",
    "political_theory",
    "from_pipeline",
    "search_key",
    "sort_key",
)


def _trait_table(weights: list[tuple[str, int]], stream: random.Random, size: int = 100) -> list:
    """`size` values in the proportions of `weights`, shuffled: a member's value is read at
    its id's place, cheaply and the same on every run, without drawing from the chunks' rng
    (whose draws make the figures)."""
    values = [str(value) for value, n in weights for _ in range(n)]
    table = [values[i * len(values) // size] for i in range(size)]
    stream.shuffle(table)
    return table


_TRAITS = random.Random("national-traits")
RELIGION_TABLE = _trait_table(RELIGIONS, _TRAITS)
THEORY_TABLE = _trait_table(POLITICAL_THEORY, _TRAITS)
QUALIFICATION_TABLES = {
    str(position): _trait_table(weights, _TRAITS) for position, weights in QUALIFICATIONS.items()
}
# No id: nothing refers to these rows, and the database numbers them in the order written,
# which is each member's date order (the services read a member's events by date, then pk).
EVENT_FIELDS = (
    "member",
    "kind",
    "date",
    "decision_number",
    "organization",
    "status_after",
    "ended_on",
    "other_unit",
    "note",
)
ORGANIZATION_FIELDS = (
    "id",
    "code",
    "name",
    "kind",
    "parent",
    "path",
    "enterprise",
    "zone",
    "is_active",
    "ledger_starts_on",
)
ORGANIZATION_EVENT_FIELDS = (
    "organization",
    "kind",
    "date",
    "decision_number",
    "parent",
    "previous_parent",
    "other_unit",
    "note",
)
ZONE_FIELDS = ("id", "code", "name", "kind", "province")
ENTERPRISE_FIELDS = (
    "id",
    "name",
    "zone",
    "ownership",
    "investor_country",
    "workforce",
    "committee",
)
UNION_FIELDS = (
    "id",
    "kind",
    "level",
    "name",
    "enterprise",
    "zone",
    "party_committee",
    "founded_on",
    "dissolved_on",
)
HEADCOUNT_FIELDS = ("organization", "date", "members", "recruited")
TARGET_FIELDS = ("committee", "start_year", "end_year", "metric", "kind", "value")


@dataclass
class Cell:
    """Where members sit: a grassroots cell, or a subordinate cell of a grassroots committee."""

    founded: int  # date ordinal
    id: int = 0


@dataclass
class Grassroots:
    """A grassroots organization being generated."""

    code: str
    founded: int  # date ordinal
    received: bool
    weight: float
    members: int = 0
    kind: str = GRASSROOTS_CELL
    id: int = 0
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Tally:
    """What a committee's ledger shows per year, for its targets."""

    admitted: Counter = field(default_factory=Counter)
    established: Counter = field(default_factory=Counter)

    def add(self, other: "Tally") -> None:
        self.admitted.update(other.admitted)
        self.established.update(other.established)


ORD_OPENING = OPENING.toordinal()
ORD_END = LEDGER_END.toordinal()
DAYS_PER_YEAR = 365.25


def localized(value: float, places: int = 0) -> str:
    """A count or a time for the progress lines, as the active language writes it (1.328 and
    2,5 in Vietnamese)."""
    # Rounded first: number_format cuts a float's decimals off rather than rounding them.
    return number_format(round(value, places), places, force_grouping=True)


def _day(rng: random.Random, low: int, high: int) -> int:
    """A day (ordinal) from `low` to `high`."""
    return rng.randint(low, high) if high > low else low


def _fdi_share(year: int) -> float:
    """FDI enterprises' share of new Party organizations: 30% in the 1990s, 70% by 2025."""
    return min(0.7, max(0.3, 0.3 + 0.4 * (year - 1995) / 30))


def _district(rng: random.Random) -> str:
    return f"{rng.choice(DISTRICT_KINDS)} {rng.choice(PLACE_FIRST)} {rng.choice(PLACE_SECOND)}"


class NationalBuilder:
    """Generates the national tree, one zone committee at a time, into a Writer."""

    def __init__(self, *, sizes: Sizes, seed: int, writer: Writer):
        self.sizes = sizes
        self.seed = seed
        self.writer = writer
        self.id_serials = Counter()  # (ID card province, century-gender digit, yy) -> last
        self.card_serials = Counter()  # ID card province code -> last Party card serial
        self.decisions = Counter()  # deciding committee's code -> last decision number
        self.bench_committees: dict[str, int] = {}
        self.organizations = writer.table(PartyOrganization, ORGANIZATION_FIELDS)
        self.organization_events = writer.table(OrganizationEvent, ORGANIZATION_EVENT_FIELDS)
        self.members = writer.table(Member, MEMBER_FIELDS)
        self.events = writer.table(MemberEvent, EVENT_FIELDS)
        self.zones = writer.table(Zone, ZONE_FIELDS)
        self.enterprises = writer.table(Enterprise, ENTERPRISE_FIELDS)
        self.unions = writer.table(MassOrganization, UNION_FIELDS)
        self.headcounts = writer.table(Headcount, HEADCOUNT_FIELDS)
        self.targets = writer.table(Target, TARGET_FIELDS)

    def build(self) -> None:
        """The root, then each province with its zone committees, then national targets."""
        sizes, writer = self.sizes, self.writer
        rng = random.Random(f"{self.seed}:plan")
        # The most industrial provinces first when there are fewer than 63, north to south.
        provinces = sorted(PROVINCES, key=lambda p: -p[4])[: sizes.provinces]
        provinces.sort(key=lambda p: p[2])
        zone_counts = _split(sizes.zone_committees, [p[4] for p in provinces])
        # Members and organizations follow the zones, some provinces denser than others.
        weights = [count * rng.uniform(0.7, 1.3) for count in zone_counts]
        member_counts = apportion(sizes.members, weights)
        grassroots_counts = _split(sizes.grassroots, weights, floor=zone_counts)

        root_id, *province_ids = reserve_ids(PartyOrganization, 1 + len(provinces))
        root_path = f"/{root_id}/"
        self.organization(
            root_id,
            code=ROOT_CODE,
            name="Toàn quốc",
            kind=CENTRAL,
            parent=None,
            path=root_path,
            founded=D(1930, 2, 3),  # the Party's founding
            decision="",
        )
        self.bench_committees["central"] = root_id
        titles = []
        for province, pk in zip(provinces, province_ids, strict=True):
            code, name, _card, founded, _weight = province
            if name.startswith("Thành phố "):
                titles.append(f"Thành ủy {name.removeprefix('Thành phố ')}")
            else:
                titles.append(f"Tỉnh ủy {name.removeprefix('tỉnh ')}")
            self.organization(
                pk,
                code=f"{PREFIX}TU-{code}",
                name=titles[-1],
                kind=PROVINCIAL,
                parent=root_id,
                path=f"{root_path}{pk}/",
                founded=founded,
                decision=self.decision(ROOT_CODE, "TW"),
            )
        self.bench_committees["province"] = province_ids[0]
        writer.flush()  # before the zone committees reserve ids: on SQLite, the highest + 1

        national = Tally()
        for number, (province, pk) in enumerate(zip(provinces, province_ids, strict=True)):
            code = province[0]
            tally = Tally()
            zones = zone_counts[number]
            zone_rng = random.Random(f"{self.seed}:{code}")
            zone_members = apportion(
                member_counts[number], [zone_rng.uniform(0.4, 1.6) for _ in range(zones)]
            )
            zone_grassroots = _split(grassroots_counts[number], zone_members)
            for index in range(zones):
                tally.add(
                    self.zone_committee(
                        province=province,
                        province_id=pk,
                        province_path=f"{root_path}{pk}/",
                        code=f"{PREFIX}{code}-Z{index + 1:02d}",
                        members=zone_members[index],
                        count=zone_grassroots[index],
                    )
                )
                writer.flush()
            self.target_rows(pk, tally, random.Random(f"{self.seed}:targets:{code}"))
            national.add(tally)
            writer.flush()
            writer.progress(
                _(
                    "%(number)d/%(total)d %(name)s: %(members)s members so far, "
                    "%(rows)s rows in %(seconds)s s (%(rate)s rows/s)"
                )
                % {
                    "number": number + 1,
                    "total": len(provinces),
                    "name": titles[number],
                    "members": localized(writer.counts[Member._meta.db_table]),
                    "rows": localized(writer.total),
                    "seconds": localized(writer.elapsed, 1),
                    "rate": localized(writer.rate()),
                }
            )
        self.target_rows(root_id, national, random.Random(f"{self.seed}:targets"))
        writer.flush()

    # Rows that more than one level writes

    def organization(
        self,
        pk: int,
        *,
        code: str,
        name: str,
        kind: str,
        parent: int | None,
        path: str,
        founded: D,
        decision: str,
        enterprise: int | None = None,
        zone: int | None = None,
        received_from: str = "",
    ) -> None:
        """An organization and the event that started it; committees from the zone
        committees up have their ledger start at the opening balance."""
        starts = OPENING if kind in (CENTRAL, PROVINCIAL, ZONE_COMMITTEE) else None
        self.organizations.append(
            (pk, code, name, kind, parent, path, enterprise, zone, True, starts)
        )
        event = RECEIVED if received_from else ESTABLISHED
        self.organization_events.append(
            (pk, event, founded, decision, parent, None, received_from, "")
        )

    def decision(self, committee_code: str, suffix: str) -> str:
        """The next decision number of the committee, as it would write it (12-QĐ/ĐU)."""
        self.decisions[committee_code] += 1
        return f"{self.decisions[committee_code]}-QĐ/{suffix}"

    def target_rows(self, committee_id: int, tally: Tally, rng: random.Random) -> None:
        """Yearly plans near what the ledger shows, and the 2020-2025 congress term."""
        for metric, counts in (
            (Metric.MEMBERS_ADMITTED.value, tally.admitted),
            (Metric.ORGANIZATIONS_ESTABLISHED.value, tally.established),
        ):
            for year in range(OPENING.year + 1, LEDGER_END.year + 1):
                value = round(counts[year] * rng.uniform(0.85, 1.15))
                if value:
                    self.targets.append((committee_id, year, year, metric, "plan", value))
            term = sum(counts[year] for year in range(TERM[0] + 1, TERM[1] + 1))
            value = round(term * rng.uniform(0.9, 1.1))
            if value:
                self.targets.append((committee_id, *TERM, metric, "congress", value))

    # A zone committee and everything under it

    def zone_committee(self, *, province, province_id, province_path, code, members, count):
        """The committee, its zones, grassroots organizations with their enterprises, unions
        and members; returns its tally for the targets above it."""
        rng = random.Random(f"{self.seed}:{code}")
        abbreviation, province_name, card_code, province_founded, _weight = province
        zones = []
        for number, zone_id in enumerate(reserve_ids(Zone, rng.choices([1, 2, 3], [6, 3, 1])[0])):
            kind, short, long, _w = rng.choices(ZONE_KINDS, [z[3] for z in ZONE_KINDS])[0]
            place = f"{rng.choice(PLACE_FIRST)} {rng.choice(PLACE_SECOND)}"
            zones.append((zone_id, place, long))
            province_short = province_name.removeprefix("tỉnh ").removeprefix("Thành phố ")
            self.zones.append(
                (zone_id, f"{code}-{short}{number + 1}", f"{short} {place}", kind, province_short)
            )
        _zone_id, place, long = zones[0]
        title = f"Đảng bộ {long} {place}"
        if len(zones) > 1:
            title = f"Đảng bộ các khu công nghiệp {place}"
        low = max(province_founded, D(1996, 1, 1)).toordinal() + 30
        founded = _day(rng, low, D(2009, 12, 31).toordinal())
        plan = self.plan_grassroots(rng, code, founded, members, count)
        ids = iter(reserve_ids(PartyOrganization, 1 + sum(1 + len(g.cells) for g in plan)))
        chunk = Chunk(
            rng=rng,
            code=code,
            committee_id=next(ids),
            card_code=card_code,
            zones=[zone[0] for zone in zones],
            plan=plan,
            organization_ids=ids,
            enterprise_ids=iter(reserve_ids(Enterprise, len(plan))),
            union_ids=iter(reserve_ids(MassOrganization, 2 * len(plan))),
        )
        chunk.path = f"{province_path}{chunk.committee_id}/"
        self.bench_committees.setdefault("zone", chunk.committee_id)
        self.organization(
            chunk.committee_id,
            code=code,
            name=title,
            kind=ZONE_COMMITTEE,
            parent=province_id,
            path=chunk.path,
            founded=D.fromordinal(founded),
            decision=self.decision(f"TU-{abbreviation}", "TU"),
        )
        for grassroots in plan:
            self.grassroots_rows(chunk, grassroots)
        chunk.member_ids = iter(reserve_ids(Member, members))
        for grassroots in plan:
            self.member_rows(chunk, grassroots)
        self.target_rows(chunk.committee_id, chunk.tally, rng)
        return chunk.tally

    def plan_grassroots(self, rng, code, committee_founded, members, count) -> list[Grassroots]:
        """The committee's grassroots organizations: founded when, how many members, which
        kind. A third are older than the ledger; the others are founded faster each year."""
        plan = []
        for number in range(1, count + 1):
            old = rng.random() < 0.35
            if old:
                founded = _day(rng, committee_founded + 30, ORD_OPENING - 60)
            else:
                span = LAST_FOUNDING.toordinal() - ORD_OPENING - 1
                founded = ORD_OPENING + 1 + int(span * math.sqrt(rng.random()))
            # Older organizations have gathered more members.
            years = (ORD_END - max(founded, ORD_OPENING)) / DAYS_PER_YEAR + (5 if old else 0)
            plan.append(
                Grassroots(
                    code=f"{code}-{number:04d}",
                    founded=founded,
                    received=not old and rng.random() < 0.08,
                    weight=rng.lognormvariate(0, 0.9) * years,
                )
            )
        # Three members each at least (a cell's minimum), the rest by weight.
        floor = min(3, members // count)
        extra = apportion(members - floor * count, [g.weight for g in plan])
        for grassroots, more in zip(plan, extra, strict=True):
            grassroots.members = floor + more
        # The biggest sixth are grassroots committees, with subordinate cells: three from the
        # start, more as the enterprise grows.
        biggest = sorted((g.members for g in plan), reverse=True)[max(0, count // 6 - 1)]
        for grassroots in plan:
            if grassroots.members >= max(biggest, 30):
                grassroots.kind = GRASSROOTS_COMMITTEE
                cells = max(3, min(20, grassroots.members // 40))
                days = [grassroots.founded] * 3 + [
                    _day(rng, grassroots.founded, ORD_END - 90) for _ in range(cells - 3)
                ]
                grassroots.cells = [Cell(day) for day in sorted(days)]
        return plan

    def grassroots_rows(self, chunk: "Chunk", grassroots: Grassroots) -> None:
        """A grassroots organization with its enterprise, subordinate cells and unions."""
        rng = chunk.rng
        grassroots.id = next(chunk.organization_ids)
        zone_id = rng.choice(chunk.zones)
        founded = D.fromordinal(grassroots.founded)
        workforce = max(30, int(grassroots.members * rng.uniform(6, 14)))
        enterprise_id = next(chunk.enterprise_ids)
        enterprise = self.enterprise(chunk, enterprise_id, zone_id, founded.year, workforce)
        committee = grassroots.kind == GRASSROOTS_COMMITTEE
        self.organization(
            grassroots.id,
            code=grassroots.code,
            name=f"{'Đảng bộ' if committee else 'Chi bộ'} {enterprise}",
            kind=grassroots.kind,
            parent=chunk.committee_id,
            path=f"{chunk.path}{grassroots.id}/",
            founded=founded,
            decision=self.decision(chunk.code, "ĐU"),
            enterprise=enterprise_id,
            zone=zone_id,
            received_from=_district(rng) if grassroots.received else "",
        )
        if grassroots.founded > ORD_OPENING and not grassroots.received:
            chunk.tally.established[founded.year] += 1
        if not committee:
            grassroots.cells = [Cell(grassroots.founded, grassroots.id)]
        for number, cell in enumerate(grassroots.cells if committee else ()):
            cell.id = next(chunk.organization_ids)
            name = f"Chi bộ {DEPARTMENTS[number % len(DEPARTMENTS)]}"
            if number >= len(DEPARTMENTS):
                name += f" số {number // len(DEPARTMENTS) + 1}"
            self.organization(
                cell.id,
                code=f"{grassroots.code}-{number + 1:02d}",
                name=name,
                kind=SUBORDINATE_CELL,
                parent=grassroots.id,
                path=f"{chunk.path}{grassroots.id}/{cell.id}/",
                founded=D.fromordinal(cell.founded),
                decision=self.decision(grassroots.code, "ĐU"),
                zone=zone_id,
            )
        self.union_rows(chunk, grassroots, enterprise_id, enterprise, zone_id, workforce)

    def enterprise(self, chunk: "Chunk", pk, zone_id, year, workforce) -> str:
        """An enterprise of the zone, its ownership drawn for the year its Party
        organization was founded; returns its name (unique within the zone)."""
        rng = chunk.rng
        fdi = _fdi_share(year)
        state = max(0.02, 0.12 - 0.004 * (year - 1995))
        ownership = rng.choices(OWNERSHIPS, [fdi, 1 - fdi - 0.07 - state, 0.07, state])[0]
        trade = rng.choice(TRADES)
        if rng.random() < 0.5:
            brand = rng.choice(BRANDS)
        else:
            brand = f"{rng.choice(BRAND_FIRST)}{rng.choice(BRAND_SECOND)}"
        country = rng.choice(COUNTRIES) if ownership in ("fdi", "joint_venture") else ""
        name = {
            "fdi": f"Công ty TNHH {trade} {brand} Việt Nam",
            "joint_venture": f"Công ty liên doanh {trade} {brand}",
            "state": f"Công ty TNHH MTV {trade} {brand}",
        }.get(ownership, f"Công ty CP {trade} {brand}")
        unique, number = name, 1
        while (zone_id, unique) in chunk.enterprise_names:
            number += 1
            unique = f"{name} {number}"
        chunk.enterprise_names.add((zone_id, unique))
        self.enterprises.append(
            (pk, unique, zone_id, ownership, country, workforce, chunk.committee_id)
        )
        return unique

    def union_rows(self, chunk: "Chunk", grassroots, enterprise_id, enterprise, zone_id, workforce):
        """The enterprise's trade union and, in about half, youth union, reporting to its
        Party organization, with a head count when first counted, every 31 December and at
        the end of the ledger."""
        rng = chunk.rng
        unions = [("trade_union", "Công đoàn cơ sở", rng.uniform(0.6, 0.95), -2190, 0)]
        if rng.random() < 0.55:
            unions.append(("youth_union", "Đoàn Thanh niên", rng.uniform(0.1, 0.3), -1460, 730))
        for kind, title, density, earliest, latest in unions:
            pk = next(chunk.union_ids)
            founded = min(ORD_END - 30, grassroots.founded + rng.randint(earliest, latest))
            name = f"{title} {enterprise}"
            founded_on = D.fromordinal(founded)
            self.unions.append(
                (
                    pk,
                    kind,
                    "grassroots",
                    name,
                    enterprise_id,
                    zone_id,
                    grassroots.id,
                    founded_on,
                    None,
                )
            )
            first = max(founded, ORD_OPENING)
            days = [first] + [
                D(year, 12, 31).toordinal()
                for year in range(D.fromordinal(first).year, LEDGER_END.year)
                if D(year, 12, 31).toordinal() > first
            ]
            if days[-1] < ORD_END:
                days.append(ORD_END)
            final = max(1, int(workforce * density))
            start = max(1, int(final * rng.uniform(0.4, 0.8)))
            previous = None
            for step, day in enumerate(days):
                value = start + (final - start) * step // max(1, len(days) - 1)
                if previous is None:
                    # A union counted at the opening balance recruited before the ledger.
                    recruited = value if founded > ORD_OPENING else 0
                else:
                    # Workers come and go: a union recruits more than it grows.
                    recruited = max(0, value - previous) + int(previous * rng.uniform(0.03, 0.15))
                self.headcounts.append((pk, D.fromordinal(day), value, recruited))
                previous = value

    # Members

    def member_rows(self, chunk: "Chunk", grassroots: Grassroots) -> None:
        """The organization's members: the opening balance (or the members it was founded or
        received with) first, then those admitted or transferred in over the ledger."""
        rng, count = chunk.rng, grassroots.members
        if grassroots.founded <= ORD_OPENING:
            first = min(count, max(3, round(count * rng.uniform(0.3, 0.5))))
            unit = OPENING_NOTE
        elif grassroots.received:
            first = min(count, max(3, round(count * rng.uniform(0.2, 0.35))))
            unit = _district(rng)
        else:
            # A cell is founded with three or more members who move their membership to it.
            first, unit = min(count, rng.randint(3, 5)), ""
        start = max(grassroots.founded, ORD_OPENING)
        for _number in range(first):
            self.member(chunk, grassroots, TRANSFERRED_IN, start, unit or _district(rng))
        rest = count - first
        moved_in = round(rest * rng.uniform(0.1, 0.25))
        low = min(start + 1, ORD_END)
        for index in range(rest):
            day = _day(rng, low, ORD_END)
            if index < moved_in:
                self.member(chunk, grassroots, TRANSFERRED_IN, day, _district(rng))
            else:
                self.member(chunk, grassroots, ADMITTED, day, "")

    def member(self, chunk: "Chunk", grassroots: Grassroots, kind, day: int, unit: str) -> None:
        """One member record and its events, in date order, as the services would write them:
        admitted (probationary) or transferred in; made official from 12 months after
        admission; maybe transferred out, died, struck off, left or expelled; an official
        member transferred out may come back to an organization of the committee."""
        rng = chunk.rng
        pk = next(chunk.member_ids)
        organization = rng.choice([c for c in grassroots.cells if c.founded <= day]).id
        start = D.fromordinal(day)
        if kind == ADMITTED:
            age = 18.5 + rng.expovariate(1 / 7)
            birth = start - datetime.timedelta(days=int(DAYS_PER_YEAR * age))
            admitted_on, status = start, PROBATIONARY
            decision = self.decision(chunk.code, "ĐU")
            events = [(ADMITTED, day, organization, PROBATIONARY, decision, "")]
            chunk.tally.admitted[start.year] += 1
        else:
            birth = start - datetime.timedelta(days=rng.randint(22 * 365, 52 * 365))
            adult = add_months(birth, 12 * 18).toordinal() + 1
            # The transfer brings the admission date: a recent one for a probationary member.
            if rng.random() < 0.12:
                status, admitted = PROBATIONARY, _day(rng, max(adult, day - 330), day)
            else:
                status, admitted = OFFICIAL, _day(rng, adult, max(adult, day - 400))
            admitted_on = D.fromordinal(admitted)
            events = [(TRANSFERRED_IN, day, organization, status, "", unit)]
        official_on, last, returned = None, day, False
        while True:
            leaves = last + 1 + int(DAYS_PER_YEAR * rng.expovariate(EXIT_RATE))
            if status == PROBATIONARY:
                due = add_months(admitted_on, 12).toordinal() + rng.randint(0, 45)
                if due <= ORD_END and due < leaves:
                    status, official_on, last = OFFICIAL, D.fromordinal(due), due
                    decision = self.decision(chunk.code, "ĐU")
                    events.append((MADE_OFFICIAL, due, organization, OFFICIAL, decision, ""))
                    continue
            if leaves > ORD_END:
                break
            exit_kind, exit_status, _weight = rng.choices(EXITS, cum_weights=EXIT_WEIGHTS)[0]
            unit = _district(rng) if exit_kind == TRANSFERRED_OUT else ""
            events.append((exit_kind, leaves, organization, exit_status, "", unit))
            back = leaves + rng.randint(20, 720)
            if (
                exit_kind != TRANSFERRED_OUT
                or status != OFFICIAL
                or returned
                or back > ORD_END
                or rng.random() >= RETURN_SHARE
            ):
                status = exit_status
                break
            # Back under the same record, in an organization of the committee that exists then.
            elsewhere = rng.choice([g for g in chunk.plan if g.founded <= back])
            organization = rng.choice([c for c in elsewhere.cells if c.founded <= back]).id
            last, returned = back, True
            events.append((TRANSFERRED_IN, back, organization, OFFICIAL, "", unit))
        name, gender, national_id = self.person(rng, chunk.card_code, birth)
        # A Party card is issued with official membership.
        card = self.card(chunk.card_code) if any(e[3] == OFFICIAL for e in events) else ""
        ethnicity, education, position = (
            rng.choice(ETHNICITIES).value,
            rng.choice(EDUCATION),
            rng.choice(POSITIONS).value,
        )
        place = (pk * 37) % 100
        self.members.append(
            (pk, name, gender, birth, ethnicity, education, position, card, national_id,
             events[-1][2], events[-1][3], admitted_on, official_on, RELIGION_TABLE[place],
             QUALIFICATION_TABLES[position][place], THEORY_TABLE[(place * 7) % 100],
             True if kind == ADMITTED and place < 93 else None, *name_keys(name))
        )  # fmt: skip
        # Each event is ended by the next one; the last one is not (yet).
        ends = [D.fromordinal(event[1]) for event in events[1:]] + [None]
        for (kind, ordinal, org, status_after, decision, other), ended in zip(
            events, ends, strict=True
        ):
            self.events.append(
                (pk, kind, D.fromordinal(ordinal), decision, org, status_after, ended, other, "")
            )

    def person(self, rng: random.Random, card_code: str, birth: D) -> tuple[str, str, str]:
        """Name, gender and citizen ID number of a new member."""
        gender = "female" if rng.random() < 0.48 else "male"
        given = rng.choice(GIVEN[gender])
        if rng.random() < 0.25:
            given = f"{rng.choice(GIVEN[gender])} {given}"
        surname = rng.choices(SURNAMES, cum_weights=SURNAME_WEIGHTS)[0]
        name = f"{surname} {rng.choice(MIDDLE[gender])} {given}"
        # Citizen ID: province of birth registration (most workers in the zones come from
        # another one), a century-and-gender digit, the year of birth, then a serial number.
        home = card_code if rng.random() < 0.4 else rng.choice(ID_CARD_CODES)
        digit = (0 if birth.year < 2000 else 2) + (gender == "female")
        key = (home, digit, birth.year % 100)
        self.id_serials[key] += 1
        return name, gender, f"{home}{digit}{birth.year % 100:02d}{self.id_serials[key]:06d}"

    def card(self, card_code: str) -> str:
        """A Party card number: the province's code and a serial (ten digits, unlike the
        demo's seven)."""
        self.card_serials[card_code] += 1
        return f"{card_code}{self.card_serials[card_code]:07d}"


@dataclass
class Chunk:
    """One zone committee being generated: what its rows share."""

    rng: random.Random
    code: str
    committee_id: int
    card_code: str  # the province's citizen ID card code
    zones: list[int]
    plan: list[Grassroots]
    organization_ids: Iterator[int]
    enterprise_ids: Iterator[int]
    union_ids: Iterator[int]
    member_ids: Iterator[int] = field(default_factory=lambda: iter(()))
    path: str = ""
    tally: Tally = field(default_factory=Tally)
    enterprise_names: set = field(default_factory=set)  # (zone id, name)


def _split(total: int, weights: list[float], floor: list[int] | None = None) -> list[int]:
    """`total` apportioned over `weights`, each part at least 1 (or its `floor`)."""
    floor = floor or [1] * len(weights)
    return [a + b for a, b in zip(floor, apportion(total - sum(floor), weights), strict=True)]


# The tables of millions of rows, loaded without their secondary indexes and constraints.
BIG_TABLES = (Member, MemberEvent, Headcount)


@contextlib.contextmanager
def _indexes_set_aside(models, progress: Callable[[str], None]):
    """On PostgreSQL, drop the tables' secondary indexes, unique and foreign key constraints
    for the block, and make them again after it, from their own definitions.

    PostgreSQL's advice for populating a database: one index build over the loaded rows is
    much faster than updating every index for every row, and one join checks a foreign key
    faster than a trigger per row (whose deferred queue would also hold tens of millions of
    entries until the commit). All in the transaction: a failure puts everything back. The
    tables are locked for others meanwhile, which a data generator can afford.
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary AND indexrelid NOT IN "
            "(SELECT conindid FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]))",
            [tables, tables],
        )
        indexes = cursor.fetchall()
        # A table with foreign key checks still pending (rows just deleted) cannot be
        # altered: run them now, then defer again as Django's constraints are.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    started = time.monotonic()
    with connection.cursor() as cursor:
        # More memory for the sorts of the index builds, for this transaction only.
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        cursor.execute("RESET maintenance_work_mem")
    progress(
        _("Indexes and constraints made again in %(seconds)s s.")
        % {"seconds": localized(time.monotonic() - started, 1)}
    )


@dataclass(frozen=True)
class Result:
    """What a generation wrote: rows by table and the time it took."""

    sizes: Sizes
    counts: dict[str, int]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def _bench_users(password: str, committees: dict[str, int]) -> None:
    User = get_user_model()
    for username, role, level in BENCH_USERS:
        user, _created = User.objects.get_or_create(username=username)
        user.is_active, user.is_staff, user.is_superuser = True, False, False
        user.set_password(password)
        user.save()
        Profile.objects.update_or_create(
            user=user, defaults={"committee_id": committees[level], "role": role}
        )


def national_generate(
    *,
    members: int,
    seed: int = 2026,
    password: str = DEFAULT_PASSWORD,
    replace: bool = False,
    progress: Callable[[str], None] = lambda line: None,
) -> Result:
    """Generate the national data set with `members` member records (see the module's notes),
    and the benchmark users.

    Refuses when one is already loaded, unless `replace`: then the old one is deleted in the
    same transaction, so that a failure leaves it in place. On PostgreSQL, ANALYZE follows,
    so that the first queries are planned with the tables' new sizes.
    """
    if members < MINIMUM_MEMBERS:
        raise ValidationError(
            _("Generate at least %(count)d members.") % {"count": MINIMUM_MEMBERS},
            code="too_small",
        )
    sizes = national_sizes(members)
    writer = Writer(progress)
    with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
        if national_exists():
            if not replace:
                raise ValidationError(
                    _("A national data set is already loaded; use --replace to replace it."),
                    code="exists",
                )
            progress(_("Deleting the previous national data set…"))
            national_delete()
            progress(_("Deleted in %(seconds)s s.") % {"seconds": localized(writer.elapsed, 1)})
            writer.started = time.monotonic()
        builder = NationalBuilder(sizes=sizes, seed=seed, writer=writer)
        with _indexes_set_aside(BIG_TABLES, progress):
            builder.build()
        _bench_users(password, builder.bench_committees)
        # Written by COPY, without signals: the pages remembered before must not be shown.
        summaries.bump_version()
    seconds = writer.elapsed
    if connection.vendor == "postgresql":
        started = time.monotonic()
        with connection.cursor() as cursor:
            for table in writer.counts:
                cursor.execute(f"{_analyze()} {connection.ops.quote_name(table)}")
        progress(
            _("ANALYZE: %(seconds)s s.") % {"seconds": localized(time.monotonic() - started, 1)}
        )
    return Result(sizes, dict(writer.counts), seconds)


def summaries_rebuild(stdout) -> float | None:
    """Run `rebuild_summaries` if the project has it (then ANALYZE on PostgreSQL); returns
    its time, or None when there is no such command."""
    if "rebuild_summaries" not in get_commands():
        return None
    started = time.monotonic()
    call_command("rebuild_summaries", stdout=stdout)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_analyze())
    return time.monotonic() - started


def _analyze() -> str:
    """VACUUM as well as ANALYZE where it can run (outside a transaction, so not in the test
    suite): rows loaded by COPY are not marked all-visible until a vacuum, so every
    index-only scan (the members list's keyset pages) would still read the table's pages."""
    return "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
