"""Scope is security: a user of one committee never reaches another committee's data.

Walks every URL pattern of the portal as staff of Hai Phong against Hanoi's objects, and
as Hanoi's leader with POSTs. A new URL with a primary key must be added to OBJECTS below,
or the walk fails: nothing is left unchecked by omission.
"""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from members.models import Candidate, Member
from organizations.models import PartyOrganization
from reports.models import ImportBatch, Target
from unions.models import MassOrganization

pytestmark = pytest.mark.django_db
# Pages that anyone may POST to: they change no committee's data.
# The user's own session and second factor, not a committee's data: leaders post them too.
OPEN_POSTS = {
    "login",
    "logout",
    "set_language",
    "two_factor",
    "two_factor_verify",
    "password_change",
    "password_change_done",
}
# Pages keyed by an import format's name rather than a record: each serves the user's scope.
FORMAT_PAGES = {"reports:import_template", "reports:import_export"}
FORMAT_NAMES = ("organizations", "figures", "targets", "members")


def walk(patterns=None, namespace=""):
    """(name, route, keyword names) of every named URL pattern, admin excluded."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry.pattern.converters.keys()


def hanoi_objects():
    hanoi = PartyOrganization.objects.get(code="HN-KCNCX")
    member = Member.objects.filter(organization__path__startswith=hanoi.path).first()
    candidate = Candidate.objects.filter(organization__path__startswith=hanoi.path).first()
    cell = PartyOrganization.objects.get(code="HN-002")
    union = MassOrganization.objects.filter(party_committee=hanoi).first()
    batch = ImportBatch.objects.create(
        format="members",
        file_name="hanoi.csv",
        size=1,
        state=ImportBatch.State.CHECKED,
        summary={"rows": 1, "new": 1, "failed": 0, "messages": []},
        created_by=get_user_model().objects.get(username="canbo"),
    )
    return {
        "reports:import_detail": batch,
        "reports:import_progress": batch,
        "reports:import_confirm": batch,
        "reports:import_cancel": batch,
        "organizations:organization_detail": cell,
        "organizations:organization_dissolve": cell,
        "organizations:organization_move": cell,
        "organizations:organization_rename": cell,
        "organizations:organization_transfer_out": cell,
        "organizations:enterprise_update": cell.enterprise,
        "unions:union_detail": union,
        "unions:headcount_record": union,
        "unions:union_dissolve": union,
        "reports:target_update": Target.objects.filter(committee=hanoi).first(),
        "members:member_detail": member,
        "members:member_make_official": member,
        "members:member_transfer_out": member,
        "members:member_remove": member,
        "members:member_correct": member,
        "members:event_correct": member.events.first(),
        "members:candidate_update": candidate,
        "members:candidate_admit": candidate,
    }


def snapshot():
    """Row counts of every table of the portal's apps, and Hanoi's member states."""
    counts = {
        model._meta.label: model.objects.count()
        for app in ("organizations", "members", "unions", "reports")
        for model in apps.get_app_config(app).get_models()
        if model._meta.model_name != "accesslog"
    }
    states = list(
        Member.objects.filter(organization__code__startswith="HN")
        .values_list("pk", "status", "organization_id", "full_name")
        .order_by("pk")
    )
    return counts, states


ANY_DATA = {
    "date": "01/01/2024",
    "full_name": "X",
    "gender": "male",
    "to_unit": "X",
    "kind": "died",
    "organization": "1",
    "verification": "pending",
}


def test_every_object_url_of_another_committee_answers_404(login):
    objects = hanoi_objects()
    client = login("canbo.hp")
    before = snapshot()
    checked = 0
    for name, keywords in walk():
        if not keywords or name in FORMAT_PAGES:
            continue
        assert name in objects, f"{name} takes {list(keywords)}: add it to hanoi_objects()"
        url = reverse(name, args=[objects[name].pk])
        assert client.get(url).status_code == 404, url
        # 404, or 405 where the page takes no POST at all: either way nothing is revealed.
        assert client.post(url, ANY_DATA).status_code in (404, 405), url
        checked += 1
    assert checked == len(objects)
    assert snapshot() == before


def test_lists_searches_and_exports_show_nothing_of_another_committee(login):
    hanoi = PartyOrganization.objects.get(code="HN-KCNCX")
    member = Member.objects.filter(organization__path__startswith=hanoi.path).first()
    client = login("canbo.hp")
    pages = [(name, reverse(name)) for name, keywords in walk() if not keywords]
    pages += [(name, reverse(name, args=[f])) for name in FORMAT_PAGES for f in FORMAT_NAMES]
    for name, url in pages:
        if name in OPEN_POSTS:
            continue
        # Each query types one identifier; another one of the same member must not come back.
        for query, secret in (
            ({}, member.card_number),
            ({"q": member.full_name}, member.card_number),
            ({"q": member.card_number}, member.national_id),
            ({"q": member.national_id}, member.card_number),
            ({"organization": hanoi.pk}, member.card_number),
            ({"committee": hanoi.code}, member.card_number),
            ({"_export": "csv", "q": member.national_id}, member.card_number),
        ):
            response = client.get(url, query)
            if response.status_code in (404, 405):  # not found, or a POST-only action
                continue
            assert response.status_code in (200, 302), (name, query, response.status_code)
            body = (
                b"".join(response.streaming_content) if response.streaming else response.content
            ).decode("utf-8", "replace")
            assert secret not in body, (name, query)
            assert hanoi.name not in body, (name, query)


def test_leaders_cannot_write_anywhere(login):
    objects = hanoi_objects()
    client = login("lanhdao")
    before = snapshot()
    for name, keywords in walk():
        if name in OPEN_POSTS:
            continue
        if name in FORMAT_PAGES:
            url = reverse(name, args=["members"])
        else:
            url = reverse(name, args=[objects[name].pk]) if keywords else reverse(name)
        status = client.post(url, ANY_DATA).status_code
        assert status in (403, 405), (name, status)
    assert snapshot() == before


def test_admin_is_closed_to_committee_staff(login):
    for username in ("canbo", "canbo.hp", "lanhdao"):
        response = login(username).get(reverse("admin:members_member_changelist"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_admin_is_closed_even_to_staff_flagged_users(login, user):
    canbo = user("canbo")
    canbo.is_staff = True
    canbo.save()
    response = login("canbo").get(reverse("admin:members_member_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
