"""Issue 17, finding 5: two clerks open the same record; the second save must not silently
put back what the first replaced."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import Candidate, MemberEvent
from organizations.models import Enterprise
from reports.models import Target

pytestmark = pytest.mark.django_db

STALE_VI = "Bản ghi đã được người khác sửa lúc"


def read_form(client, url) -> dict:
    """What the browser sends back for the form as the page showed it (hidden fields too)."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    data = {"submission_token": response.context.get("submission_token", "")}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, datetime.date):
            value = value.strftime("%d/%m/%Y")
        data[name] = "" if value is None else value
    return data


# (URL name, the record, the field both clerks change, the first's value, the second's)
CASES = {
    "candidate": (
        "members:candidate_update",
        lambda hanoi: Candidate.objects.filter(organization__path__startswith=hanoi.path).first(),
        "full_name",
        "Nguyễn Thị Thứ Nhất",
        "Nguyễn Thị Thứ Hai",
    ),
    "enterprise": (
        "organizations:enterprise_update",
        lambda hanoi: Enterprise.objects.filter(committee=hanoi).first(),
        "workforce",
        1111,
        2222,
    ),
    "target": (
        "reports:target_update",
        lambda hanoi: Target.objects.filter(committee=hanoi).first(),
        "value",
        777,
        888,
    ),
    "event": (
        "members:event_correct",
        lambda hanoi: (
            MemberEvent.objects.filter(organization__path__startswith=hanoi.path)
            .exclude(kind=MemberEvent.Kind.TRANSFERRED_IN)
            .order_by("pk")
            .first()
        ),
        "decision_number",
        "11-QĐ/ĐU",
        "22-QĐ/ĐU",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_the_second_save_over_a_newer_version_is_refused_and_keeps_what_was_typed(
    user, hanoi, case
):
    name, find, field, first_value, second_value = CASES[case]
    record = find(hanoi)
    assert record is not None
    url = reverse(name, args=[record.pk])
    first, second = Client(), Client()
    first.force_login(user("canbo"))
    second.force_login(user("canbo"))
    first_data, second_data = read_form(first, url), read_form(second, url)
    assert first_data["version"] and first_data["version"] == second_data["version"]
    for data, value in ((first_data, first_value), (second_data, second_value)):
        data[field] = value
        data["reason"] = "Sửa số liệu"  # the event correction asks why

    assert first.post(url, first_data).status_code == 302
    response = second.post(url, second_data)
    assert response.status_code == 200
    page = response.content.decode()
    assert STALE_VI in page and "hãy tải lại" in page
    record.refresh_from_db()
    assert getattr(record, field) == first_value
    assert str(second_value) in page  # what the second clerk typed is still in the form

    # After reloading, the second clerk saves over the version they now see.
    reloaded = read_form(second, url)
    assert str(getattr(record, field)) == str(reloaded[field])
    reloaded[field] = second_value
    reloaded["reason"] = "Sửa số liệu"
    assert second.post(url, reloaded).status_code == 302
    record.refresh_from_db()
    assert getattr(record, field) == second_value


def test_a_form_sent_without_its_version_is_refused(login, hanoi):
    target = Target.objects.filter(committee=hanoi).first()
    url = reverse("reports:target_update", args=[target.pk])
    client = login("canbo")
    data = read_form(client, url)
    del data["version"]
    data["value"] = target.value + 5
    response = client.post(url, data)
    assert response.status_code == 200 and STALE_VI in response.content.decode()
    target.refresh_from_db()
    assert target.value != data["value"]


def test_the_message_says_when_in_english(client, user, hanoi):
    enterprise = Enterprise.objects.filter(committee=hanoi).first()
    url = reverse("organizations:enterprise_update", args=[enterprise.pk])
    client.force_login(user("canbo"))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    data = read_form(client, url)
    data["workforce"] = 5
    enterprise.save()  # someone else saves meanwhile
    response = client.post(url, data)
    page = response.content.decode()
    assert "The record was changed by someone else at" in page, page[:200]
    enterprise.refresh_from_db()
    assert timezone.localtime(enterprise.updated_at).strftime("%H:%M") in page
