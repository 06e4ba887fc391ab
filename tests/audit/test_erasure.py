"""Issue 7.3: a member's personal data are erased on request; the erasure is logged, the
history is purged of the old data, and no figure changes."""

import datetime

import pytest
from django.apps import apps
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from config.dates import today
from members import services
from members.models import AccessLog, Candidate, Member
from organizations.models import PartyOrganization
from reports import statistics
from reports.models import SUMMARY_FIELDS, Summary

pytestmark = pytest.mark.django_db
D = datetime.date


def history_tables_text() -> str:
    """Every row of every historical table of the portal, as text."""
    parts = []
    with connection.cursor() as cursor:
        for app in ("organizations", "members", "unions", "reports"):
            for model in apps.get_app_config(app).get_models():
                if not model.__name__.startswith("Historical"):
                    continue
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")
                parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def figures() -> tuple:
    hanoi = PartyOrganization.objects.get(code="HN-KCNCX")
    days = [D(2012, 6, 19), D(2020, 12, 31), D(2022, 5, 31), today()]
    stocks = [{m: f.value for m, f in statistics.stock(hanoi, day).items()} for day in days]
    flows = statistics.flows(hanoi, D(2012, 6, 19), today())
    rows = list(Summary.objects.order_by("organization_id", "date").values_list(*SUMMARY_FIELDS))
    return stocks, flows, rows


@pytest.fixture
def person(user):
    """A Hanoi member admitted from a candidate, with a few changes in their history, viewed
    and searched for in an export."""
    cell = PartyOrganization.objects.get(code="HN-002")
    candidate = Candidate.objects.create(
        full_name="Phạm Thị Bí Mật", gender="female", birth_date=D(1995, 4, 4),
        national_id="001195123456", organization=cell, awareness_class_on=D(2023, 1, 5),
        verification=Candidate.Verification.VERIFIED,
    )  # fmt: skip
    member = services.member_admit(
        organization=cell, date=D(2023, 3, 1), full_name="Phạm Thị Bí Mật", gender="female",
        birth_date=D(1995, 4, 4), national_id="001195123456", card_number="77001234",
        candidate=candidate, education="12/12", position="worker",
    )  # fmt: skip
    member.full_name = "Phạm Thị Bí Mật Hai"
    member.save()
    return member


def test_the_admin_erases_with_a_reason_and_the_history_is_purged(login, user, person):
    client = login("canbo")
    client.get(person.get_absolute_url())
    client.get(reverse("members:member_list"), {"_export": "csv", "q": "Phạm Thị Bí Mật"})
    client.get(reverse("members:member_list"), {"_export": "csv", "q": "001195123456"})
    before = figures()
    events = list(person.events.values_list("kind", "date", "organization_id", "status_after"))
    assert "Bí Mật" in history_tables_text()

    admin = login("admin")
    url = reverse("admin:members_member_changelist")
    selected = {"action": "erase_personal_data", ACTION_CHECKBOX_NAME: [person.pk]}
    confirm = admin.post(url, selected)
    assert confirm.status_code == 200 and "Phạm Thị Bí Mật Hai" in confirm.text
    assert Member.objects.get(pk=person.pk).full_name == "Phạm Thị Bí Mật Hai"  # not yet
    response = admin.post(url, {**selected, "confirm": "1", "reason": "Đơn yêu cầu số 12/2025"})
    assert response.status_code == 302

    erased = Member.objects.get(pk=person.pk)
    assert erased.full_name == f"Đã xóa / erased #{person.pk}"
    assert (erased.birth_date, erased.card_number, erased.national_id) == (None, "", "")
    assert (erased.education, erased.position) == ("", "")
    # The statistics count the member as before: row, organization, status, events.
    assert (erased.organization_id, erased.status, erased.gender) == (
        person.organization_id, person.status, "female"
    )  # fmt: skip
    assert list(erased.events.values_list("kind", "date", "organization_id", "status_after")) == (
        events
    )
    assert figures() == before
    candidate = Candidate.objects.get(member=erased)
    assert (candidate.full_name, candidate.national_id, candidate.birth_date) == (
        erased.full_name, "", None
    )  # fmt: skip

    text = history_tables_text()
    for secret in ("Bí Mật", "001195123456", "77001234", "1995-04-04"):
        assert secret not in text, secret
    # The erasure itself: who, when, why; no personal data in the log.
    entry = AccessLog.objects.get(action="erased")
    assert (entry.user, entry.member, entry.detail) == (
        user("admin"), erased, "Đơn yêu cầu số 12/2025"
    )  # fmt: skip
    log = repr(list(AccessLog.objects.values_list("detail", "path")))
    for secret in ("Bí Mật", "B%C3%AD+M%E1%BA%ADt", "001195123456"):
        assert secret not in log, secret
    # The one history row left says it was an erasure, with its source.
    assert list(erased.history.values_list("history_source", "history_user")) == [
        ("erasure", user("admin").pk)
    ]


def test_an_erasure_blanks_every_personal_attribute(user, person):
    # Religion is sensitive personal data; it and the other attributes the composition
    # report added (qualification, political theory) go with the name, like ethnicity.
    Member.objects.filter(pk=person.pk).update(
        ethnicity="tay", religion="buddhism", qualification="university",
        political_theory="elementary",
    )  # fmt: skip
    services.member_erase(member=person, user=user("admin"), reason="Đơn yêu cầu số 13/2025")
    erased = Member.objects.get(pk=person.pk)
    assert (erased.ethnicity, erased.religion, erased.education, erased.position) == (
        "", "", "", ""
    )  # fmt: skip
    assert (erased.qualification, erased.political_theory) == ("", "")
    assert set(erased.history.values_list("religion", "qualification", "political_theory")) == {
        ("", "", "")
    }


def test_an_erasure_needs_a_reason(user, person):
    with pytest.raises(ValidationError):
        services.member_erase(member=person, user=user("admin"), reason="  ")
    assert Member.objects.get(pk=person.pk).full_name == "Phạm Thị Bí Mật Hai"
    assert not AccessLog.objects.filter(action="erased").exists()


def test_the_admin_asks_again_without_a_reason(login, person):
    url = reverse("admin:members_member_changelist")
    response = login("admin").post(
        url,
        {"action": "erase_personal_data", ACTION_CHECKBOX_NAME: [person.pk], "confirm": "1"},
    )
    assert response.status_code == 200
    assert Member.objects.get(pk=person.pk).national_id == "001195123456"


def test_staff_cannot_erase(login, person):
    url = reverse("admin:members_member_changelist")
    response = login("canbo").post(
        url,
        {"action": "erase_personal_data", ACTION_CHECKBOX_NAME: [person.pk], "confirm": "1",
         "reason": "x"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert Member.objects.get(pk=person.pk).national_id == "001195123456"
