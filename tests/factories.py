"""Small builders for tests, going through the services like the portal does."""

import datetime
import itertools

from members import services as member_services
from organizations import services as org_services
from organizations.models import PartyOrganization

D = datetime.date
_numbers = itertools.count(1)


def zone_committee(code=None, day=datetime.date(2015, 1, 1)) -> PartyOrganization:
    city = PartyOrganization.objects.get(code="TU-HN")
    return org_services.organization_establish(
        code=code or f"T-ZONE-{next(_numbers)}",
        name="Đảng bộ thử nghiệm",
        kind=PartyOrganization.Kind.ZONE_COMMITTEE,
        parent=city,
        date=day,
    )


def cell(
    parent, day=datetime.date(2015, 2, 1), kind=PartyOrganization.Kind.GRASSROOTS_CELL
) -> PartyOrganization:
    return org_services.organization_establish(
        code=f"T-CELL-{next(_numbers)}",
        name=f"Chi bộ thử nghiệm {next(_numbers)}",
        kind=kind,
        parent=parent,
        date=day,
    )


def person(**overrides) -> dict:
    n = next(_numbers)
    fields = {
        "full_name": "Nguyễn Văn Thử",
        "gender": "male",
        "birth_date": D(1990, 5, 1),
        "card_number": f"T{n:07d}",
        "national_id": f"9{n:011d}",
    }
    fields.update(overrides)
    return fields


def admitted(organization, day=datetime.date(2016, 3, 1), **overrides):
    return member_services.member_admit(organization=organization, date=day, **person(**overrides))
