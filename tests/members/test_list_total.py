"""Issue 18, item 7: the members list shows current members by default, and its total."""

import csv
import io

import pytest
from django.urls import reverse

from members.models import Member, Status

pytestmark = pytest.mark.django_db
LIST = reverse("members:member_list")


def exported(client, **query) -> list[dict]:
    body = client.get(LIST, {**query, "_export": "csv"}).content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_the_default_list_holds_the_current_members_and_says_how_many(login, hanoi):
    client = login("canbo")
    in_scope = Member.objects.filter(organization__path__startswith=hanoi.path)
    current = in_scope.active().count()
    assert in_scope.count() > current  # the demo has former members too
    page = client.get(LIST).content.decode()
    assert f"{current:,}".replace(",", ".") + " đảng viên" in page
    # The dashboard's figure is the same number.
    assert f"{current:,}".replace(",", ".") in client.get(reverse("home")).content.decode()
    assert len(exported(client)) == current


def test_former_members_come_with_a_filter(login, hanoi):
    client = login("canbo")
    in_scope = Member.objects.filter(organization__path__startswith=hanoi.path)
    assert len(exported(client, status="all")) == in_scope.count()
    former = in_scope.filter(status=Status.TRANSFERRED_OUT).count()
    assert len(exported(client, status=Status.TRANSFERRED_OUT)) == former
    page = client.get(LIST, {"status": "all"}).content.decode()
    assert f"{in_scope.count():,}".replace(",", ".") + " đảng viên" in page


def test_a_filtered_total_is_counted(login, hanoi):
    client = login("canbo")
    women = (
        Member.objects.active()
        .filter(organization__path__startswith=hanoi.path, gender="female")
        .count()
    )
    page = client.get(LIST, {"gender": "female"}).content.decode()
    assert f"{women:,}".replace(",", ".") + " đảng viên" in page


def test_a_total_past_the_limit_says_more_than(login, monkeypatch):
    from members.views import MemberListView

    monkeypatch.setattr(MemberListView, "COUNT_LIMIT", 10)
    # A query of its own: the list is remembered by its address.
    page = login("canbo").get(LIST, {"gender": "male", "status": "all"}).content.decode()
    assert "Hơn 10 đảng viên" in page
