"""Write a members file of N valid rows for the demo's Hà Nội committee (bench and tests).

    python bench/make_members.py ROWS OUT.csv [--seed S] [--start-card N]

Rows are spread over the committee's grassroots organizations and cells that exist in the
demo, with Vietnamese names, card numbers and national ID numbers unique within the file and
not used by the demo.
"""

import argparse
import csv
import datetime
import random

HEADER = [
    "full_name", "gender", "birth_date", "organization", "card_number", "national_id",
    "admitted_on", "official_on", "status", "ethnicity", "education", "position",
]  # fmt: skip
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu"]
GIVEN = ["Lan", "Hùng", "Dũng", "Hương", "Thảo", "Nam", "Hà", "Tuấn", "Mai", "Phương"]
POSITIONS = ["worker", "technical", "manager", "union_officer", "youth_officer", ""]


def rows(count: int, organizations: list[str], *, seed: int = 2012, start: int = 90_000_000):
    rng = random.Random(seed)
    for index in range(count):
        gender = rng.choice(["male", "female"])
        birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(30 * 365))
        admitted = datetime.date(2016, 1, 1) + datetime.timedelta(days=rng.randrange(5 * 365))
        # 13 months after admission: always past the 12 months' probation.
        official = admitted + datetime.timedelta(days=400)
        is_official = index % 3 != 0
        yield [
            f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            gender,
            birth.strftime("%d/%m/%Y"),
            organizations[index % len(organizations)],
            str(start + index),
            f"{start + index:012d}",
            admitted.strftime("%d/%m/%Y"),
            official.strftime("%d/%m/%Y") if is_official else "",
            "official" if is_official else "probationary",
            "Kinh",
            "12/12",
            rng.choice(POSITIONS),
        ]


def write(path, count: int, organizations: list[str], **kwargs) -> None:
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows(count, organizations, **kwargs))


def demo_organizations(committee: str = "HN-KCNCX") -> list[str]:
    """Codes of the committee's grassroots organizations and cells founded before 2016."""
    import datetime as dt

    from organizations.models import OrganizationEvent, PartyOrganization

    committee = PartyOrganization.objects.get(code=committee)
    old = OrganizationEvent.objects.filter(
        kind__in=OrganizationEvent.STARTING_KINDS, date__lt=dt.date(2016, 1, 1)
    ).values("organization")
    return list(
        PartyOrganization.objects.subtree_of(committee)
        .filter(
            is_active=True, kind__in=["grassroots_committee", "grassroots_cell", "subordinate_cell"]
        )
        .filter(pk__in=old)
        .values_list("code", flat=True)
    )


if __name__ == "__main__":
    import os
    import sys

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=int)
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=2012)
    parser.add_argument("--start-card", type=int, default=90_000_000)
    args = parser.parse_args()
    write(args.out, args.rows, demo_organizations(), seed=args.seed, start=args.start_card)
