import pytest
from django.urls import reverse

from unions.models import Headcount, MassOrganization

pytestmark = pytest.mark.django_db


@pytest.fixture
def hanoi_union():
    return MassOrganization.objects.filter(
        party_committee__code="HN-KCNCX", level="grassroots", kind="trade_union"
    ).first()


def test_union_list_is_scoped_and_shows_the_latest_count(login, hanoi_union):
    response = login("canbo").get(reverse("unions:union_list"), {"q": hanoi_union.name})
    rows = [row.record for row in response.context["table"].page.object_list]
    assert rows == [hanoi_union]
    latest = hanoi_union.headcounts.order_by("-date").first()
    assert rows[0].latest_members == latest.members
    other = login("canbo.hp").get(reverse("unions:union_list"), {"q": hanoi_union.name})
    assert list(other.context["table"].page.object_list) == []


def test_record_a_headcount(login, hanoi_union):
    url = reverse("unions:headcount_record", args=[hanoi_union.pk])
    response = login("canbo").post(url, {"date": "31/12/2023", "members": 321, "recruited": 12})
    assert response.status_code == 302
    count = Headcount.objects.get(organization=hanoi_union, date="2023-12-31")
    assert (count.members, count.recruited) == (321, 12)


def test_a_headcount_before_the_founding_is_explained(login, hanoi_union):
    before = Headcount.objects.count()
    response = login("canbo").post(
        reverse("unions:headcount_record", args=[hanoi_union.pk]),
        {"date": "01/01/1990", "members": 5, "recruited": 0},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert 'value="5"' in response.text
    assert Headcount.objects.count() == before


def test_register_a_union_reporting_to_a_cell(login):
    from organizations.models import PartyOrganization

    cell = PartyOrganization.objects.get(code="HN-003")
    response = login("canbo").post(
        reverse("unions:union_create"),
        {
            "kind": "youth_union",
            "level": "grassroots",
            "name": "Đoàn Thanh niên Công ty Mới",
            "party_committee": cell.pk,
            "founded_on": "01/03/2024",
        },
    )
    assert response.status_code == 302
    union = MassOrganization.objects.get(name="Đoàn Thanh niên Công ty Mới")
    assert union.party_committee == cell
    assert response["Location"] == union.get_absolute_url()
