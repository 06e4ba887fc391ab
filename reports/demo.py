"""The demo data: the Hanoi zone committee (HN-KCNCX) and a smaller Hai Phong one (HP-KKT).

Everything goes through the services, in date order, so the demo is a real ledger and every
figure of DOMAIN.md's Hanoi table follows from it rather than being typed in. The plan below
fixes only the *flows* per period (how many organizations established, members admitted,
transferred, removed); the stocks (96 organizations, 1,328 members, ...) are what the ledger
adds up to, and the tests check them.

Deterministic: one seeded random generator, the same plan, the same records every time.
"""

import datetime
import heapq
import io
import itertools
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from config.dates import add_months
from members import services as member_services
from members.models import (
    Candidate,
    Ethnicity,
    Gender,
    Member,
    MemberEvent,
    PoliticalTheory,
    Position,
    Qualification,
    Religion,
)
from organizations import services as org_services
from organizations.models import Enterprise, PartyOrganization, Profile, Zone
from reports import summaries
from reports.models import Metric, Target, YearlyFigure
from unions import services as union_services
from unions.models import MassOrganization

D = datetime.date
HN_CODE = "HN-KCNCX"
HP_CODE = "HP-KKT"
HN_FOUNDED = D(2012, 6, 19)
HN_LEDGER_END = D(2022, 5, 31)
HP_LEDGER_START = D(2020, 12, 31)  # the opening balance is recorded on this day
HP_LEDGER_END = D(2023, 7, 31)
UNION_DATE = D(2022, 6, 30)

# Hanoi, per period (first day, last day): organizations established and received directly
# under the zone committee, members admitted, and the other member movements.
HN_PLAN = [
    # start, end, established, received, admitted, in, out, died, struck_off, expelled, left
    (D(2012, 6, 20), D(2012, 12, 31), 2, 1, 20, 12, 2, 0, 0, 0, 0),
    (D(2013, 1, 1), D(2013, 12, 31), 6, 1, 60, 20, 5, 1, 1, 0, 0),
    (D(2014, 1, 1), D(2014, 12, 31), 8, 1, 75, 11, 6, 1, 0, 0, 0),
    (D(2015, 1, 1), D(2015, 12, 31), 9, 1, 90, 15, 6, 1, 1, 1, 0),
    (D(2016, 1, 1), D(2016, 12, 31), 10, 1, 105, 16, 7, 1, 1, 0, 0),
    (D(2017, 1, 1), D(2017, 12, 31), 12, 1, 120, 17, 8, 1, 0, 0, 1),
    (D(2018, 1, 1), D(2018, 12, 31), 13, 1, 150, 18, 7, 1, 1, 0, 0),
    (D(2019, 1, 1), D(2019, 12, 31), 15, 0, 176, 12, 6, 1, 0, 0, 0),
    (D(2020, 1, 1), D(2020, 12, 31), 5, 0, 92, 19, 6, 1, 1, 0, 0),
    (D(2021, 1, 1), D(2021, 6, 30), 3, 0, 37, 6, 3, 0, 1, 0, 0),
    (D(2021, 7, 1), D(2021, 12, 31), 1, 0, 43, 6, 3, 1, 0, 0, 0),
    (D(2022, 1, 1), HN_LEDGER_END, 0, 0, 30, 9, 3, 0, 0, 0, 0),
]
HN_FOUNDING_ORGS = 5
HN_FOUNDING_MEMBERS = 248
MEMBERS_PER_RECEIVED_ORG = 6
QUANG_MINH_OPENING = 9  # members transferred in when the Quang Minh committee was set up
QUANG_MINH_ADMITTED = 40  # later admissions into its four cells: 9 + 40 = 49
QUANG_MINH_CELLS = [D(2013, 3, 15), D(2015, 4, 2), D(2017, 9, 12), D(2019, 5, 20)]

# Hanoi unions: organizations existing at the founding, established since, recruited members
# since the founding and members on UNION_DATE (DOMAIN.md, 06/2022).
HN_UNIONS = {
    MassOrganization.Kind.TRADE_UNION: {
        "before": 112,
        "new": 203,
        "recruited": 134_369,
        "members": 135_460,
    },
    MassOrganization.Kind.YOUTH_UNION: {
        "before": 5,
        "new": 39,
        "recruited": 2_855,
        "members": 3_555,
    },
}

HN_TARGETS = [
    # year(s), metric, kind, value
    ((2020, 2020), Metric.ORGANIZATIONS_ESTABLISHED, Target.Kind.PLAN, 5),
    ((2020, 2020), Metric.MEMBERS_ADMITTED, Target.Kind.PLAN, 90),
    ((2021, 2021), Metric.ORGANIZATIONS_ESTABLISHED, Target.Kind.PLAN, 5),
    ((2021, 2021), Metric.MEMBERS_ADMITTED, Target.Kind.PLAN, 80),
    ((2022, 2022), Metric.ORGANIZATIONS_ESTABLISHED, Target.Kind.PLAN, 5),
    ((2022, 2022), Metric.MEMBERS_ADMITTED, Target.Kind.PLAN, 90),
    ((2020, 2025), Metric.ORGANIZATIONS_ESTABLISHED, Target.Kind.CONGRESS, 25),
    ((2020, 2025), Metric.MEMBERS_ADMITTED, Target.Kind.CONGRESS, 450),
]

# Hai Phong: the ledger opens on 31/12/2020 with the organizations and members of that day.
HP_OPENING_ORGS = 29  # grassroots cells directly under HP-KKT, besides the Nhat Ban-HP committee
HP_OPENING_MEMBERS = 430  # in those cells
NBHP_CELLS = 23
NBHP_OPENING = 200
NBHP_ADMITTED = 41  # 200 + 41 = 241 members in 2023
HP_PLAN = [
    (D(2021, 1, 1), D(2021, 12, 31), 4, 43),
    (D(2022, 1, 1), D(2022, 12, 31), 9, 88),
    (D(2023, 1, 1), HP_LEDGER_END, 7, 105),
]
HP_UNIONS = {
    MassOrganization.Kind.TRADE_UNION: {
        "before": 40,
        "new": 25,
        "recruited": 9_800,
        "members": 31_250,
    },
    MassOrganization.Kind.YOUTH_UNION: {"before": 8, "new": 6, "recruited": 420, "members": 1_130},
}
HP_TARGETS = [
    ((2022, 2022), Metric.MEMBERS_ADMITTED, Target.Kind.PLAN, 47),
    ((2023, 2023), Metric.MEMBERS_ADMITTED, Target.Kind.SUPPLEMENTARY, 122),
    ((2023, 2023), Metric.MEMBERS_ADMITTED, Target.Kind.CONGRESS, 59),
]

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Trịnh",
    "Mai",
    "Tạ",
]
MIDDLE = {
    Gender.MALE: ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Công", "Mạnh", "Tiến"],
    Gender.FEMALE: ["Thị", "Thu", "Ngọc", "Thanh", "Thùy", "Hồng", "Phương", "Kim", "Minh"],
}
GIVEN = {
    Gender.MALE: [
        "Hùng",
        "Dũng",
        "Tuấn",
        "Nam",
        "Long",
        "Hải",
        "Sơn",
        "Cường",
        "Quân",
        "Hiếu",
        "Thắng",
        "Tùng",
        "Phong",
        "Đạt",
        "Khánh",
        "Trung",
        "Vinh",
        "Bình",
    ],
    Gender.FEMALE: [
        "Lan",
        "Hương",
        "Hoa",
        "Mai",
        "Linh",
        "Trang",
        "Hà",
        "Thảo",
        "Nga",
        "Yến",
        "Phương",
        "Huyền",
        "Loan",
        "Dung",
        "Nhung",
        "Vân",
        "Oanh",
        "Hạnh",
    ],
}
ETHNICITIES = [Ethnicity.KINH] * 18 + [
    Ethnicity.TAY,
    Ethnicity.MUONG,
    Ethnicity.THAI,
    Ethnicity.NUNG,
]
EDUCATION = ["12/12"] * 9 + ["9/12"]
POSITIONS = (
    [Position.WORKER] * 9
    + [Position.TECHNICAL] * 6
    + [Position.UNION_OFFICER] * 2
    + [Position.YOUTH_OFFICER]
    + [Position.MANAGER] * 2
)
RELIGIONS = [
    (Religion.NONE, 82),
    (Religion.BUDDHISM, 10),
    (Religion.CATHOLICISM, 5),
    (Religion.PROTESTANTISM, 1),
    (Religion.OTHER, 1),
    ("", 1),
]
Q = Qualification
QUALIFICATIONS = {
    Position.MANAGER: [(Q.UNIVERSITY, 70), (Q.MASTER, 20), (Q.COLLEGE, 10)],
    Position.TECHNICAL: [(Q.UNIVERSITY, 45), (Q.COLLEGE, 40), (Q.VOCATIONAL, 15)],
    Position.UNION_OFFICER: [(Q.UNIVERSITY, 40), (Q.COLLEGE, 35), (Q.VOCATIONAL, 25)],
    Position.YOUTH_OFFICER: [(Q.UNIVERSITY, 40), (Q.COLLEGE, 40), (Q.VOCATIONAL, 20)],
    Position.WORKER: [
        (Q.VOCATIONAL, 50),
        (Q.NONE, 25),
        (Q.COLLEGE, 18),
        (Q.UNIVERSITY, 5),
        ("", 2),
    ],
}
POLITICAL_THEORY = [
    (PoliticalTheory.NONE, 30),
    (PoliticalTheory.ELEMENTARY, 55),
    (PoliticalTheory.INTERMEDIATE, 12),
    (PoliticalTheory.ADVANCED, 2),
    ("", 1),
]
BRANDS = [
    "Sakura",
    "Hanam",
    "Daiichi",
    "Kogyo",
    "Seiko Tech",
    "Hanwha Vina",
    "Dongbang",
    "Sunrise",
    "Tân Phát",
    "Hòa Bình",
    "Minh Long",
    "Thái Sơn",
    "Asia Pacific",
    "Meiko",
    "Nissei",
    "Yokohama Parts",
    "Kumho Vina",
    "Taiyo",
    "Foster Tech",
    "Việt Hưng",
    "An Khang",
    "Phúc Thịnh",
    "Hitech Nova",
    "Orient Precision",
    "Mekong Steel",
    "Tohoku",
    "Shinsung",
    "Everwin",
    "Kim Tín",
    "Đại Dương",
    "Lotus Green",
    "Fuji Mold",
    "Nhật Quang",
    "Osung",
]
TRADES = [
    "Điện tử",
    "Cơ khí chính xác",
    "Linh kiện ô tô",
    "May mặc",
    "Bao bì",
    "Nhựa",
    "Thực phẩm",
    "Dược phẩm",
    "Thiết bị điện",
    "Khuôn mẫu",
    "Vật liệu mới",
    "Logistics",
]
COUNTRIES = (
    ["Nhật Bản"] * 5 + ["Hàn Quốc"] * 3 + ["Đài Loan", "Singapore", "Trung Quốc", "Hoa Kỳ", "Đức"]
)
DISTRICTS = [
    "Quận ủy Bắc Từ Liêm",
    "Huyện ủy Đông Anh",
    "Huyện ủy Mê Linh",
    "Huyện ủy Sóc Sơn",
    "Quận ủy Long Biên",
    "Huyện ủy Gia Lâm",
    "Huyện ủy Thạch Thất",
    "Quận ủy Hoàng Mai",
]

HN_ZONES = [
    ("KCN-THANGLONG", "KCN Thăng Long", Zone.Kind.INDUSTRIAL_PARK),
    ("KCN-QUANGMINH", "KCN Quang Minh", Zone.Kind.INDUSTRIAL_PARK),
    ("KCN-NOIBAI", "KCN Nội Bài", Zone.Kind.INDUSTRIAL_PARK),
    ("KCN-NAMTHANGLONG", "KCN Nam Thăng Long", Zone.Kind.INDUSTRIAL_PARK),
    ("KCN-SAIDONGB", "KCN Sài Đồng B", Zone.Kind.INDUSTRIAL_PARK),
    ("KCN-THACHTHAT", "KCN Thạch Thất – Quốc Oai", Zone.Kind.INDUSTRIAL_PARK),
    ("KCX-HANOI", "Khu chế xuất Hà Nội (thí điểm)", Zone.Kind.EXPORT_PROCESSING),
]
HP_ZONES = [
    ("KKT-HAIPHONG", "KKT Đình Vũ – Cát Hải", Zone.Kind.ECONOMIC),
    ("KCN-NHATBAN-HP", "KCN Nhật Bản – Hải Phòng", Zone.Kind.INDUSTRIAL_PARK),
    ("KCN-TRANGDUE", "KCN Tràng Duệ", Zone.Kind.INDUSTRIAL_PARK),
]

DEMO_USERS = [
    # username, committee code, role, superuser
    ("canbo", HN_CODE, Profile.Role.STAFF, False),
    ("lanhdao", HN_CODE, Profile.Role.LEADER, False),
    ("canbo.hp", HP_CODE, Profile.Role.STAFF, False),
    ("admin", None, None, True),
]


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split `total` into whole parts proportional to `weights` (largest remainder)."""
    scale = sum(weights)
    raw = [total * w / scale for w in weights]
    parts = [int(x) for x in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def spread_dates(rng: random.Random, start: D, end: D, count: int) -> list[D]:
    span = (end - start).days
    return sorted(start + datetime.timedelta(days=rng.randint(0, span)) for _ in range(count))


@dataclass
class Builder:
    """Walks a plan of dated actions in order and applies each through the services."""

    rng: random.Random
    prefix: str
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    active: dict = field(default_factory=dict)  # member id -> (organization id, last event date)
    protected: set = field(default_factory=set)  # organizations whose members are never removed
    officials: list = field(default_factory=list)  # heap of (date, seq, member)
    ledger_end: D = HN_LEDGER_END
    # The attributes added for the composition report are drawn from their own stream, so
    # that every draw of `rng` (and every figure of the demo) stays what it was.
    traits: random.Random = field(init=False)
    # Card and ID numbers are drawn at random, never in sequence: one member's numbers must
    # not give away the next one's (they are what a transfer in is matched by).
    identifiers: random.Random = field(default_factory=random.SystemRandom)
    issued: set = field(default_factory=set)

    def __post_init__(self):
        self.traits = random.Random(f"traits-{self.prefix}")

    def attributes(self, position: str) -> dict:
        """Religion, qualification and political theory, with weights that look like the zones':
        Kinh and no religion for most, degrees for managers and technical staff, vocational
        training for most workers, a few left unknown."""
        pick = self.traits.choices
        degrees = QUALIFICATIONS.get(position, QUALIFICATIONS[Position.WORKER])
        return {
            "religion": pick(*zip(*RELIGIONS, strict=True))[0],
            "qualification": pick(*zip(*degrees, strict=True))[0],
            "political_theory": pick(*zip(*POLITICAL_THEORY, strict=True))[0],
        }

    def person(self, on: D) -> dict:
        next(self.counter)  # drawn as before, so that the decision numbers stay what they were
        gender = Gender.FEMALE if self.rng.random() < 0.46 else Gender.MALE
        name = " ".join(
            [
                self.rng.choice(SURNAMES),
                self.rng.choice(MIDDLE[gender]),
                self.rng.choice(GIVEN[gender]),
            ]
        )
        age_days = self.rng.randint(19 * 365, 45 * 365)
        ethnicity = self.rng.choice(ETHNICITIES)
        education = self.rng.choice(EDUCATION)
        position = self.rng.choice(POSITIONS)
        return {
            "full_name": name,
            "gender": gender,
            "birth_date": on - datetime.timedelta(days=age_days),
            "ethnicity": ethnicity,
            "education": education,
            "position": position,
            **self.attributes(position),
            **self.identity(gender, on - datetime.timedelta(days=age_days)),
        }

    def identity(self, gender: str, birth_date: D) -> dict:
        """A Party card number and a 12-digit citizen ID (province, century and gender, the
        year of birth, six digits), unique and drawn at random."""
        province = "001" if self.prefix == "1" else "031"
        century = (0 if birth_date.year < 2000 else 2) + (gender == Gender.FEMALE)
        while True:
            card = f"{self.prefix}{self.identifiers.randrange(10**7):07d}"
            national_id = f"{province}{century}{birth_date.year % 100:02d}"
            national_id += f"{self.identifiers.randrange(10**6):06d}"
            if card not in self.issued and national_id not in self.issued:
                self.issued.update((card, national_id))
                return {"card_number": card, "national_id": national_id}

    def admit(self, organization: PartyOrganization, day: D) -> None:
        member = member_services.member_admit(
            organization=organization,
            date=day,
            decision_number=f"{next(self.counter)}-QĐ/ĐU",
            # Most admissions come from the outstanding candidates (Hai Phong: 93%); those
            # transferred in are left unknown.
            from_pipeline=self.traits.random() < 0.93,
            **self.person(day),
        )
        self.active[member.pk] = (organization.pk, day)
        official = add_months(day, 12) + datetime.timedelta(days=self.rng.randint(0, 40))
        if official <= self.ledger_end:
            heapq.heappush(self.officials, (official, member.pk, member))

    def transfer_in(self, organization: PartyOrganization, day: D, from_unit: str) -> None:
        member = member_services.member_transfer_in(
            organization=organization, date=day, from_unit=from_unit, **self.person(day)
        )
        self.active[member.pk] = (organization.pk, day)

    def make_officials_until(self, day: D) -> None:
        while self.officials and self.officials[0][0] <= day:
            official, pk, member = heapq.heappop(self.officials)
            if pk in self.active:
                member_services.member_make_official(member=member, date=official)
                self.active[pk] = (self.active[pk][0], official)

    def remove_one(self, day: D, kind: str) -> None:
        choices = sorted(
            pk
            for pk, (org, last) in self.active.items()
            if org not in self.protected and last <= day
        )
        pk = self.rng.choice(choices)
        member = Member.objects.get(pk=pk)
        if kind == MemberEvent.Kind.TRANSFERRED_OUT:
            member_services.member_transfer_out(
                member=member, date=day, to_unit=self.rng.choice(DISTRICTS)
            )
        else:
            member_services.member_remove(member=member, kind=kind, date=day)
        del self.active[pk]


def _enterprises(rng: random.Random, zones: list[Zone], count: int, tag: str) -> list[Enterprise]:
    """`count` enterprises, handed to new cells in this order over the years: later ones are
    more often foreign-invested (15% for the first, 80% from the hundredth), so that the FDI
    share of the members grows over the years as in the zones. The ownership is drawn from a
    stream of its own; `rng` draws what it always drew, so that the demo's figures stay."""
    owners = random.Random(f"ownership-{tag}")
    result = []
    for i in range(count):
        drawn = rng.choices(
            [
                Enterprise.Ownership.FDI,
                Enterprise.Ownership.DOMESTIC_PRIVATE,
                Enterprise.Ownership.JOINT_VENTURE,
                Enterprise.Ownership.STATE,
            ],
            weights=[60, 30, 7, 3],
        )[0]
        fdi_share = 0.15 + 0.65 * min(i / 100, 1)
        if owners.random() < fdi_share:
            ownership = Enterprise.Ownership.FDI
        else:
            ownership = owners.choices(
                [
                    Enterprise.Ownership.DOMESTIC_PRIVATE,
                    Enterprise.Ownership.JOINT_VENTURE,
                    Enterprise.Ownership.STATE,
                ],
                weights=[70, 20, 10],
            )[0]
        trade = TRADES[i % len(TRADES)]
        brand = BRANDS[(i * 7) % len(BRANDS)]
        if ownership == Enterprise.Ownership.FDI:
            name = f"Công ty TNHH {trade} {brand} Việt Nam"
        elif ownership == Enterprise.Ownership.STATE:
            name = f"Công ty {trade} {brand}"
        else:
            name = f"Công ty CP {trade} {brand}"
        foreign = ("fdi", "joint_venture")
        country = rng.choice(COUNTRIES) if drawn in foreign else ""
        if ownership in foreign and not country:
            country = owners.choice(COUNTRIES)
        result.append(
            Enterprise.objects.create(
                name=f"{name} {tag}{i + 1:03d}" if i >= len(BRANDS) else name,
                zone=zones[i % len(zones)],
                ownership=ownership,
                investor_country=country if ownership in foreign else "",
                workforce=rng.randint(120, 6000),
            )
        )
    return result


def _zones(rows, province: str) -> list[Zone]:
    return [
        Zone.objects.create(code=code, name=name, kind=kind, province=province)
        for code, name, kind in rows
    ]


def _cell_name(enterprise: Enterprise) -> str:
    return f"Chi bộ {enterprise.name}"


def build_hanoi(rng: random.Random) -> PartyOrganization:
    """The Hanoi zone committee, from its founding on 19/06/2012 to 31/05/2022."""
    city = PartyOrganization.objects.create(
        code="TU-HN", name="Thành ủy Hà Nội", kind=PartyOrganization.Kind.PROVINCIAL_COMMITTEE
    )
    org_services._set_path(city)
    zones = _zones(HN_ZONES, "Hà Nội")
    enterprises = _enterprises(rng, zones, 340, "HN")
    enterprises[0].name = "Công ty TNHH Horn Việt Nam"
    enterprises[0].ownership = Enterprise.Ownership.FDI
    enterprises[0].save()
    hn = org_services.organization_establish(
        code=HN_CODE,
        name="Đảng bộ các Khu công nghiệp và chế xuất Hà Nội",
        kind=PartyOrganization.Kind.ZONE_COMMITTEE,
        parent=city,
        date=HN_FOUNDED,
        decision_number="1771-QĐ/TU",
    )
    hn.ledger_starts_on = HN_FOUNDED
    hn.save(update_fields=["ledger_starts_on"])
    registered = Enterprise.objects.filter(zone__in=zones)
    with summaries.track(enterprises=registered.values_list("pk", flat=True)):
        registered.update(committee=hn)
    builder = Builder(rng=rng, prefix="1")
    free_enterprises = iter(enterprises)
    org_numbers = itertools.count(1)
    cells: list[tuple[PartyOrganization, D]] = []  # with the day each came into being

    def new_cell(day: D, *, received_from: str = "") -> PartyOrganization:
        enterprise = next(free_enterprises)
        common = {
            "code": f"HN-{next(org_numbers):03d}",
            "name": _cell_name(enterprise),
            "kind": PartyOrganization.Kind.GRASSROOTS_CELL,
            "parent": hn,
            "date": day,
            "enterprise": enterprise,
        }
        if received_from:
            cell = org_services.organization_receive(from_unit=received_from, **common)
        else:
            cell = org_services.organization_establish(
                decision_number=f"{next(builder.counter)}-QĐ/ĐU", **common
            )
        cells.append((cell, day))
        return cell

    # The founding: five organizations and 248 members received from the districts.
    for i in range(HN_FOUNDING_ORGS):
        new_cell(HN_FOUNDED, received_from=DISTRICTS[i])
    for share, (cell, _day) in zip(
        apportion(HN_FOUNDING_MEMBERS, [5, 4, 3, 3, 2]), cells, strict=True
    ):
        for _ in range(share):
            builder.transfer_in(cell, HN_FOUNDED, "Quận ủy, huyện ủy (thành lập Đảng bộ)")

    # Quang Minh: a grassroots committee with four cells, set up in 2013; counted as one of
    # 2013's establishments. Its members are never picked for removals, so it ends at 49.
    qm_zone = Zone.objects.get(code="KCN-QUANGMINH")
    qm_enterprises = iter([e for e in enterprises[300:] if e.zone_id == qm_zone.pk])
    quang_minh_day = QUANG_MINH_CELLS[0]
    quang_minh_cells: list[PartyOrganization] = []
    actions = []  # (date, order, name, argument)
    for (
        start,
        end,
        established,
        received,
        admitted,
        t_in,
        t_out,
        died,
        struck,
        expelled,
        left,
    ) in HN_PLAN:
        n_established = established - (1 if start.year == quang_minh_day.year else 0)
        actions += [(d, 0, "establish", None) for d in spread_dates(rng, start, end, n_established)]
        actions += [(d, 1, "receive", None) for d in spread_dates(rng, start, end, received)]
        actions += [(d, 3, "admit", None) for d in spread_dates(rng, start, end, admitted)]
        plain_in = t_in - received * MEMBERS_PER_RECEIVED_ORG
        if start.year == quang_minh_day.year:
            plain_in -= QUANG_MINH_OPENING
        actions += [(d, 2, "transfer_in", None) for d in spread_dates(rng, start, end, plain_in)]
        for kind, count in [
            (MemberEvent.Kind.TRANSFERRED_OUT, t_out),
            (MemberEvent.Kind.DIED, died),
            (MemberEvent.Kind.STRUCK_OFF, struck),
            (MemberEvent.Kind.EXPELLED, expelled),
            (MemberEvent.Kind.LEFT, left),
        ]:
            actions += [(d, 5, "remove", kind) for d in spread_dates(rng, start, end, count)]
    actions.append((quang_minh_day, 0, "quang_minh", None))
    actions += [(d, 0, "quang_minh_cell", None) for d in QUANG_MINH_CELLS[1:]]
    actions.sort(key=lambda a: (a[0], a[1]))
    admissions = [i for i, a in enumerate(actions) if a[2] == "admit" and a[0] > quang_minh_day]
    to_quang_minh = set(rng.sample(admissions, QUANG_MINH_ADMITTED))

    quang_minh = None
    for index, (day, _order, name, argument) in enumerate(actions):
        builder.make_officials_until(day if _order > 3 else day - datetime.timedelta(days=1))
        if name == "establish":
            new_cell(day)
        elif name == "receive":
            cell = new_cell(day, received_from=rng.choice(DISTRICTS))
            for _ in range(MEMBERS_PER_RECEIVED_ORG):
                builder.transfer_in(cell, day, cell.events.get().other_unit)
        elif name == "quang_minh":
            quang_minh = org_services.organization_establish(
                code="HN-QM",
                name="Đảng bộ KCN Quang Minh",
                kind=PartyOrganization.Kind.GRASSROOTS_COMMITTEE,
                parent=hn,
                date=day,
                decision_number="215-QĐ/ĐU",
                zone=qm_zone,
            )
            quang_minh_cells.append(_quang_minh_cell(quang_minh, next(qm_enterprises), day, 1))
            builder.protected.add(quang_minh_cells[0].pk)
            for _ in range(QUANG_MINH_OPENING):
                builder.transfer_in(quang_minh_cells[0], day, "Huyện ủy Mê Linh")
        elif name == "quang_minh_cell":
            cell = _quang_minh_cell(
                quang_minh, next(qm_enterprises), day, len(quang_minh_cells) + 1
            )
            quang_minh_cells.append(cell)
            builder.protected.add(cell.pk)
        elif name == "admit":
            if index in to_quang_minh:
                builder.admit(rng.choice(quang_minh_cells), day)
            else:
                builder.admit(rng.choice([c for c, start in cells if start <= day]), day)
        elif name == "transfer_in":
            builder.transfer_in(
                rng.choice([c for c, start in cells if start <= day]), day, rng.choice(DISTRICTS)
            )
        elif name == "remove":
            builder.remove_one(day, argument)
    builder.make_officials_until(HN_LEDGER_END)

    _unions(rng, hn, enterprises, HN_UNIONS, last_founding=HN_LEDGER_END, final_day=UNION_DATE)
    _spreadsheet_of_2021(hn)
    _targets(hn, HN_TARGETS)
    _candidates(rng, builder, [cell for cell, _day in cells[:6]])
    return hn


def _quang_minh_cell(quang_minh, enterprise, day, number) -> PartyOrganization:
    return org_services.organization_establish(
        code=f"HN-QM-{number:02d}",
        name=f"Chi bộ {enterprise.name}",
        kind=PartyOrganization.Kind.SUBORDINATE_CELL,
        parent=quang_minh,
        date=day,
        enterprise=enterprise,
    )


def _unions(
    rng: random.Random, committee, enterprises, plan, *, last_founding: D, final_day: D
) -> None:
    """Unions in the enterprises, with head counts that add up to the plan's totals."""
    union_names = {
        MassOrganization.Kind.TRADE_UNION: "Công đoàn cơ sở",
        MassOrganization.Kind.YOUTH_UNION: "Đoàn Thanh niên",
    }
    for kind, numbers in plan.items():
        union_services.mass_organization_found(
            kind=kind,
            level=MassOrganization.Level.ZONE,
            party_committee=committee,
            name=f"{union_names[kind]} {committee.name.replace('Đảng bộ ', '')}",
            founded_on=committee.events.get().date,
        )
        base_day = committee.ledger_starts_on
        before = [
            D(2000, 1, 1) + datetime.timedelta(days=rng.randint(0, (base_day - D(2000, 1, 2)).days))
            for _ in range(numbers["before"])
        ]
        new = spread_dates(
            rng, base_day + datetime.timedelta(days=1), last_founding, numbers["new"]
        )
        founded = before + new
        unions = [
            union_services.mass_organization_found(
                kind=kind,
                party_committee=committee,
                founded_on=day,
                name=f"{union_names[kind]} {enterprise.name}",
                enterprise=enterprise,
            )
            for day, enterprise in zip(founded, enterprises, strict=False)
        ]
        final = apportion(numbers["members"], [rng.uniform(0.3, 3) for _ in unions])
        # Each union is counted when founded (new ones), on every 31 December and at the end;
        # the recruits of the whole period are spread over those counts.
        plan_counts = []
        for union, members in zip(unions, final, strict=True):
            first = max(union.founded_on, base_day)
            days = [
                D(year, 12, 31)
                for year in range(first.year, final_day.year)
                if first < D(year, 12, 31) < final_day
            ]
            plan_counts.append((union, members, first, [*days, final_day]))
        slots = []  # (union index, weight): recruits at the first count of a new union, then later
        for index, (union, members, first, days) in enumerate(plan_counts):
            if union.founded_on > base_day:
                slots.append((index, first, 0.3 * members))
            slots += [(index, day, 0.7 * members / len(days)) for day in days]
        recruited = dict(
            zip(
                [(i, day) for i, day, _w in slots],
                apportion(numbers["recruited"], [w for _i, _d, w in slots]),
                strict=True,
            )
        )
        for index, (union, members, first, days) in enumerate(plan_counts):
            opening = max(members * rng.randint(25, 45) // 100, 1)
            union_services.headcount_record(
                organization=union,
                date=first,
                members=opening,
                recruited=recruited.get((index, first), 0),
            )
            for step, day in enumerate(days, start=1):
                value = opening + (members - opening) * step // len(days)
                union_services.headcount_record(
                    organization=union, date=day, members=value, recruited=recruited[(index, day)]
                )


def _spreadsheet_of_2021(committee) -> None:
    """The office's own 2021 spreadsheet, imported: it missed two transfers out, so the
    reconciliation page has a difference to show."""
    from reports import statistics

    # Counted from the ledger: the summary rows are built at the end of the demo.
    figures = statistics.stock(committee, D(2021, 12, 31), naive=True)
    organizations = figures[Metric.PARTY_ORGANIZATIONS].value
    members = figures[Metric.PARTY_MEMBERS].value + 2
    for metric, value in (
        (Metric.PARTY_ORGANIZATIONS, organizations),
        (Metric.PARTY_MEMBERS, members),
    ):
        YearlyFigure.objects.create(
            committee=committee, as_of=D(2021, 12, 31), metric=metric, value=value
        )


def _targets(committee, rows) -> None:
    for (start, end), metric, kind, value in rows:
        Target.objects.create(
            committee=committee,
            start_year=start,
            end_year=end,
            metric=metric,
            kind=kind,
            value=value,
        )


def _candidates(rng: random.Random, builder: Builder, cells) -> None:
    """A few outstanding candidates at different stages, introduced by the cells' unions."""
    today = HN_LEDGER_END
    stages = [
        (None, Candidate.Verification.PENDING),
        (120, Candidate.Verification.PENDING),
        (90, Candidate.Verification.IN_PROGRESS),
        (60, Candidate.Verification.VERIFIED),
    ]
    for i in range(12):
        cell = cells[i % len(cells)]
        person = builder.person(today)
        days_ago, verification = stages[i % len(stages)]
        Candidate.objects.create(
            full_name=person["full_name"],
            gender=person["gender"],
            birth_date=person["birth_date"],
            national_id=f"09{i:010d}",
            enterprise=cell.enterprise,
            organization=cell,
            introduced_by=MassOrganization.objects.filter(enterprise=cell.enterprise).first(),
            awareness_class_on=None
            if days_ago is None
            else today - datetime.timedelta(days=days_ago),
            verification=verification,
        )


def build_hai_phong(rng: random.Random) -> PartyOrganization:
    """The Hai Phong Economic Zone committee: its ledger opens on 31/12/2020."""
    city = PartyOrganization.objects.create(
        code="TU-HP", name="Thành ủy Hải Phòng", kind=PartyOrganization.Kind.PROVINCIAL_COMMITTEE
    )
    org_services._set_path(city)
    zones = _zones(HP_ZONES, "Hải Phòng")
    enterprises = _enterprises(rng, zones, 80, "HP")
    opening = D(2020, 12, 31)
    hp = org_services.organization_establish(
        code=HP_CODE,
        name="Đảng bộ Khu kinh tế Hải Phòng",
        kind=PartyOrganization.Kind.ZONE_COMMITTEE,
        parent=city,
        date=D(2008, 3, 1),
        decision_number="96-QĐ/TU",
    )
    hp.ledger_starts_on = HP_LEDGER_START
    hp.save(update_fields=["ledger_starts_on"])
    registered = Enterprise.objects.filter(zone__in=zones)
    with summaries.track(enterprises=registered.values_list("pk", flat=True)):
        registered.update(committee=hp)
    builder = Builder(rng=rng, prefix="3", ledger_end=HP_LEDGER_END)
    free = iter(enterprises)
    numbers = itertools.count(1)
    nbhp_zone = Zone.objects.get(code="KCN-NHATBAN-HP")
    nbhp = org_services.organization_establish(
        code="HP-NBHP",
        name="Đảng bộ KCN Nhật Bản – Hải Phòng",
        kind=PartyOrganization.Kind.GRASSROOTS_COMMITTEE,
        parent=hp,
        date=D(2015, 5, 5),
        zone=nbhp_zone,
    )
    nbhp_cells = [
        org_services.organization_establish(
            code=f"HP-NBHP-{i + 1:02d}",
            name=f"Chi bộ trực thuộc số {i + 1}",
            kind=PartyOrganization.Kind.SUBORDINATE_CELL,
            parent=nbhp,
            date=D(2015, 5, 5) + datetime.timedelta(days=60 * i),
            zone=nbhp_zone,
        )
        for i in range(NBHP_CELLS)
    ]
    builder.protected.update(c.pk for c in nbhp_cells)
    cells = [
        (
            org_services.organization_establish(
                code=f"HP-{next(numbers):03d}",
                name=_cell_name(enterprise),
                kind=PartyOrganization.Kind.GRASSROOTS_CELL,
                parent=hp,
                date=day,
                enterprise=enterprise,
            ),
            day,
        )
        for day, enterprise in zip(
            spread_dates(rng, D(2009, 1, 1), D(2020, 11, 30), HP_OPENING_ORGS), free, strict=False
        )
    ]
    for share, cell in zip(apportion(NBHP_OPENING, [1] * NBHP_CELLS), nbhp_cells, strict=True):
        for _ in range(share):
            builder.transfer_in(cell, opening, "Số liệu đầu kỳ")
    for share, (cell, _day) in zip(
        apportion(HP_OPENING_MEMBERS, [1] * len(cells)), cells, strict=True
    ):
        for _ in range(share):
            builder.transfer_in(cell, opening, "Số liệu đầu kỳ")
    admissions = []
    for start, end, established, admitted in HP_PLAN:
        for day in spread_dates(rng, start, end, established):
            enterprise = next(free)
            cells.append(
                (
                    org_services.organization_establish(
                        code=f"HP-{next(numbers):03d}",
                        name=_cell_name(enterprise),
                        kind=PartyOrganization.Kind.GRASSROOTS_CELL,
                        parent=hp,
                        date=day,
                        enterprise=enterprise,
                    ),
                    day,
                )
            )
        admissions += spread_dates(rng, start, end, admitted)
    to_nbhp = set(rng.sample(range(len(admissions)), NBHP_ADMITTED))
    for index, day in enumerate(sorted(admissions)):
        builder.make_officials_until(day - datetime.timedelta(days=1))
        if index in to_nbhp:
            builder.admit(rng.choice(nbhp_cells), day)
        else:
            builder.admit(rng.choice([c for c, start in cells if start <= day]), day)
    builder.make_officials_until(HP_LEDGER_END)
    _unions(rng, hp, enterprises, HP_UNIONS, last_founding=D(2023, 6, 30), final_day=HP_LEDGER_END)
    _targets(hp, HP_TARGETS)
    # Figures from before the ledger, as the office's spreadsheets gave them.
    for day, values in [
        (
            D(2019, 12, 31),
            {
                Metric.PARTY_ORGANIZATIONS: 27,
                Metric.PARTY_MEMBERS: 590,
                Metric.ORGANIZATIONS_ESTABLISHED: 3,
                Metric.MEMBERS_ADMITTED: 36,
            },
        ),
        (
            D(2020, 12, 31),
            {
                Metric.PARTY_ORGANIZATIONS: 1 + HP_OPENING_ORGS,
                Metric.PARTY_MEMBERS: NBHP_OPENING + HP_OPENING_MEMBERS,
                Metric.ORGANIZATIONS_ESTABLISHED: 3,
                Metric.MEMBERS_ADMITTED: 38,
            },
        ),
    ]:
        for metric, value in values.items():
            YearlyFigure.objects.create(committee=hp, as_of=day, metric=metric, value=value)
    return hp


def ensure_users(password: str) -> list[str]:
    """Create or update the demo users; returns their usernames."""
    User = get_user_model()
    for username, code, role, superuser in DEMO_USERS:
        user, _created = User.objects.get_or_create(username=username)
        user.is_superuser = user.is_staff = superuser
        user.set_password(password)
        user.save()
        if code is not None:
            Profile.objects.update_or_create(
                user=user,
                defaults={"committee": PartyOrganization.objects.get(code=code), "role": role},
            )
    return [row[0] for row in DEMO_USERS]


@transaction.atomic
def load_demo(*, password: str, seed: int = 2012) -> bool:
    """Build the demo once; returns False when it was already there (users are refreshed).

    The demo is seed data, not work done in the portal: it is built without a history row
    per step (three times faster), then each record gets one baseline row (simple-history's
    populate_history), so that the first change made in the portal shows what it changed.
    Its summary rows are computed once at the end: the demo records ten years of head counts
    after all the members, and keeping every later row in step with each would cost minutes.
    """
    created = not PartyOrganization.objects.filter(code=HN_CODE).exists()
    if created:
        rng = random.Random(seed)
        with override_settings(SIMPLE_HISTORY_ENABLED=False), summaries.deferred():
            build_hanoi(rng)
            build_hai_phong(rng)
        call_command("populate_history", auto=True, stdout=io.StringIO())
    ensure_users(password)
    return created
