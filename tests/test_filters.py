"""The shared filter pieces (config/filters.py): every yes/no filter reads "All / Yes / No"."""

import datetime
import re

import django_filters
import pytest
from django.urls import reverse

from config.filters import YesNoFilter
from members.filters import CandidateFilterSet, MemberFilterSet
from members.models import Candidate
from organizations.filters import EnterpriseFilterSet, PartyOrganizationFilterSet
from organizations.models import OrganizationKind as Kind
from organizations.services import organization_dissolve, organization_establish
from unions.filters import MassOrganizationFilterSet

pytestmark = pytest.mark.django_db

CANDIDATES = reverse("members:candidate_list")
# Each list page with a yes/no filter, and the filter's name.
YES_NO_PAGES = [
    (CANDIDATES, "admitted"),
    (reverse("organizations:organization_list"), "is_active"),
    (reverse("organizations:enterprise_list"), "has_party_organization"),
]


def options(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_no_filter_set_keeps_django_filters_yes_no_unknown():
    """django-filter's BooleanFilter offers "Unknown" where "All" is meant: none is left."""
    filter_sets = [
        MemberFilterSet,
        CandidateFilterSet,
        PartyOrganizationFilterSet,
        EnterpriseFilterSet,
        MassOrganizationFilterSet,
    ]
    plain = [
        f"{filter_set.__name__}.{name}"
        for filter_set in filter_sets
        for name, found in filter_set.base_filters.items()
        if isinstance(found, django_filters.BooleanFilter) and not isinstance(found, YesNoFilter)
    ]
    assert plain == []
    assert isinstance(CandidateFilterSet.base_filters["admitted"], YesNoFilter)


@pytest.mark.parametrize(("url", "name"), YES_NO_PAGES)
def test_a_yes_no_filter_reads_all_yes_no_in_vietnamese_and_english(login, url, name):
    client = login("canbo")
    vietnamese = options(client.get(url).text, name)
    assert vietnamese == [("", "Tất cả"), ("true", "Có"), ("false", "Không")]
    client.post(reverse("set_language"), {"language": "en", "next": url})
    assert options(client.get(url).text, name) == [("", "All"), ("true", "Yes"), ("false", "No")]


@pytest.mark.parametrize(("url", "name"), YES_NO_PAGES)
def test_a_value_that_is_neither_yes_nor_no_is_refused_with_a_message(login, url, name):
    client = login("canbo")
    response = client.get(url, {name: "maybe"})
    assert response.status_code == 200
    assert "“maybe” không phải là một lựa chọn" in response.text
    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = client.get(url, {name: "maybe"})
    assert english.status_code == 200
    assert "Choose yes or no (or all): “maybe” is not one of them." in english.text


def test_the_admitted_filter_splits_the_candidates(login, hanoi):
    client = login("canbo")
    scope = Candidate.objects.filter(organization__path__startswith=hanoi.path)
    admitted = client.get(CANDIDATES, {"admitted": "true", "per_page": 100}).context["table"]
    waiting = client.get(CANDIDATES, {"admitted": "false", "per_page": 100}).context["table"]
    everyone = client.get(CANDIDATES, {"admitted": "", "per_page": 100}).context["table"]
    assert {row.record.pk for row in admitted.rows} == set(
        scope.filter(member__isnull=False).values_list("pk", flat=True)
    )
    assert {row.record.pk for row in waiting.rows} == set(
        scope.filter(member__isnull=True).values_list("pk", flat=True)
    )
    assert len(everyone.rows) == scope.count() == len(admitted.rows) + len(waiting.rows)


def records(client, url, **query):
    return [
        row.record for row in client.get(url, {**query, "per_page": 1000}).context["table"].rows
    ]


def test_the_yes_no_filters_of_the_organization_lists_filter(login, hanoi):
    day = datetime.date(2024, 3, 1)
    closed = organization_establish(
        code="HN-TEST-YN", name="Chi bộ giải thể", kind=Kind.GRASSROOTS_CELL, parent=hanoi, date=day
    )
    organization_dissolve(organization=closed, date=day + datetime.timedelta(days=30))
    client = login("canbo")
    organizations = reverse("organizations:organization_list")
    inactive = records(client, organizations, is_active="false")
    active = records(client, organizations, is_active="true")
    assert inactive and active
    assert [o.code for o in inactive] == ["HN-TEST-YN"]
    assert all(o.is_active for o in active)
    enterprises = reverse("organizations:enterprise_list")
    without = records(client, enterprises, has_party_organization="false")
    with_one = records(client, enterprises, has_party_organization="true")
    assert without and with_one
    assert not any(e.has_party_organization for e in without)
    assert all(e.has_party_organization for e in with_one)
