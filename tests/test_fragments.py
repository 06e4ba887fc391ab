"""Remembered fragments (config.fragments) are never stale: whatever a page shows changes as
soon as the data under it does, in the language and for the user of the request."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from config.fragments import fingerprint, plain
from members.models import Member
from organizations.models import PartyOrganization
from tests import factories

pytestmark = pytest.mark.django_db


def card(response, metric: str) -> str:
    """The value shown on the dashboard's card of `metric`."""
    found = re.search(
        rf'data-metric="{metric}">\s*<div class="card-body">\s*<div class="sub">[^<]*</div>\s*'
        r'<div class="value">([^<]*)</div>',
        response.content.decode(),
    )
    assert found, f"no {metric} card"
    return found[1]


def test_a_new_member_shows_on_a_dashboard_rendered_before(login):
    client = login("lanhdao")
    url = reverse("reports:dashboard") + "?committee=HN-KCNCX"
    before = card(client.get(url), "party_members")
    assert card(client.get(url), "party_members") == before  # the remembered fragment
    committee = PartyOrganization.objects.get(code="HN-KCNCX")
    cell = PartyOrganization.objects.filter(
        path__startswith=committee.path,
        kind=PartyOrganization.Kind.GRASSROOTS_CELL,
        is_active=True,
    ).first()
    factories.admitted(cell, day=datetime.date.today() - datetime.timedelta(days=1))
    after = card(client.get(url), "party_members")
    assert int(after.replace(".", "")) == int(before.replace(".", "")) + 1


def test_the_members_list_shows_a_changed_card_number_and_organization_name(login):
    client = login("canbo")
    url = reverse("members:member_list")
    response = client.get(url)
    member = response.context["table"].page.object_list[0].record
    assert member.full_name in response.content.decode()
    client.get(url)  # remembered now
    # Neither changes the list's order (by name), so the member stays on the first page.
    # Each is saved, as the services and the admin do: the save changes the data's version
    # that the page is remembered under (reports.apps).
    member.card_number = "Z9876543"
    member.save(update_fields=["card_number"])
    organization = member.organization
    organization.name = "Chi bộ Đổi Tên"
    organization.save(update_fields=["name"])
    page = client.get(url).content.decode()
    assert "Z9876543" in page and "Chi bộ Đổi Tên" in page


def test_each_language_has_its_own_fragment(login):
    client = login("lanhdao")
    url = reverse("reports:years") + "?committee=HN-KCNCX"
    vietnamese = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "Năm" in vietnamese and "Year" in english
    assert "Party members" in english and "Party members" not in vietnamese


def test_the_fingerprint_covers_related_rows_annotations_and_the_user(rf, user):
    member = Member.objects.select_related("organization").order_by("pk").first()
    request = rf.get("/members/")
    request.user = user("canbo")
    key = fingerprint(request, "list", [member])
    renamed = Member.objects.select_related("organization").get(pk=member.pk)
    renamed.organization.name += " (mới)"
    assert fingerprint(request, "list", [renamed]) != key
    annotated = Member.objects.filter(pk=member.pk).extra(select={"extra_figure": "1"}).first()
    assert ("extra_figure", 1) in plain(annotated)[1]
    request.user = user("lanhdao")
    assert fingerprint(request, "list", [member]) != key
    assert cache.get(key) is None  # a key is only a name; nothing is stored by computing it


def test_the_fingerprint_changes_with_any_loaded_field_of_a_row_or_of_its_related_rows(rf, user):
    request = rf.get("/members/")
    request.user = user("canbo")
    members = list(Member.objects.select_related("organization").order_by("pk")[:3])
    key = fingerprint(request, "list", members)
    assert fingerprint(request, "list", members) == key
    members[1].card_number = "Z0000001"
    changed = fingerprint(request, "list", members)
    assert changed != key
    members[2].organization.code += "-2"
    assert fingerprint(request, "list", members) not in (key, changed)
    # A row of another model with the same values is another fingerprint.
    organization = members[0].organization
    assert fingerprint(request, "list", [organization]) != fingerprint(
        request, "list", [members[0]]
    )


def growth_now(response) -> int:
    """The members on the as-of date in the growth table."""
    row = re.search(r'<tr[^>]*data-metric="party_members"[^>]*>(.*?)</tr>', response.text, re.S)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row[1], re.S)
    return int(cells[2].strip().replace(".", ""))


def test_a_new_member_shows_on_a_growth_table_remembered_before(login):
    """The growth page is remembered whole under the summary rows' version
    (reports.views.GrowthPage): an admission changes the version, so the page is new."""
    client = login("lanhdao")
    url = reverse("reports:growth")
    before = growth_now(client.get(url))
    assert growth_now(client.get(url)) == before
    cell = PartyOrganization.objects.get(code="HN-QM").children.filter(is_active=True).first()
    factories.admitted(cell, day=datetime.date.today() - datetime.timedelta(days=1))
    assert growth_now(client.get(url)) == before + 1
