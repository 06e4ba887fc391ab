import pytest
from django.urls import reverse

from organizations.models import PartyOrganization
from reports.models import Target

pytestmark = pytest.mark.django_db


def test_target_list_is_scoped(login):
    response = login("canbo.hp").get(reverse("reports:target_list"))
    committees = {row.record.committee.code for row in response.context["table"].page.object_list}
    assert committees == {"HP-KKT"}


def test_enter_a_target_and_refuse_a_duplicate(login):
    hanoi = PartyOrganization.objects.get(code="HN-KCNCX")
    data = {
        "committee": hanoi.pk,
        "kind": "plan",
        "start_year": 2026,
        "end_year": 2026,
        "metric": "members_admitted",
        "value": 100,
    }
    client = login("canbo")
    assert client.post(reverse("reports:target_create"), data).status_code == 302
    assert Target.objects.get(committee=hanoi, start_year=2026).value == 100
    again = client.post(reverse("reports:target_create"), data)
    assert again.status_code == 200
    assert "Chỉ tiêu này đã có." in again.text
    assert Target.objects.filter(committee=hanoi, start_year=2026).count() == 1


def test_a_term_cannot_end_before_it_starts(login):
    hanoi = PartyOrganization.objects.get(code="HN-KCNCX")
    response = login("canbo").post(
        reverse("reports:target_create"),
        {
            "committee": hanoi.pk,
            "kind": "congress",
            "start_year": 2025,
            "end_year": 2020,
            "metric": "members_admitted",
            "value": 400,
        },
    )
    assert response.status_code == 200
    assert not Target.objects.filter(start_year=2025, end_year=2020).exists()


def test_a_target_for_another_committee_is_refused(login):
    hanoi = PartyOrganization.objects.get(code="HN-KCNCX")
    response = login("canbo.hp").post(
        reverse("reports:target_create"),
        {
            "committee": hanoi.pk,
            "kind": "plan",
            "start_year": 2027,
            "end_year": 2027,
            "metric": "members_admitted",
            "value": 5,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["committee"]
    assert not Target.objects.filter(start_year=2027).exists()
