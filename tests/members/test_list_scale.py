"""Lists that stay fast (issue 6.3): the members, candidates and organizations lists page by
cursor, keep a fixed query budget on every page, never count the list, and no cursor or page
parameter leads out of the user's scope.

Speed itself is measured on a national-size database outside the tests; these pin what makes
it: the number of queries, no COUNT(*), no OFFSET past the first pages, cursors in the links.
"""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import reverse
from django_tables2 import RequestConfig, table_factory

from config.pagination import KeysetPaginator
from config.versioning import with_version
from members.models import Candidate, Member, Status
from organizations.models import PartyOrganization
from tests.helpers import unbounded_counts

pytestmark = pytest.mark.django_db

LIST = reverse("members:member_list")
CANDIDATES = reverse("members:candidate_list")
ORGANIZATIONS = reverse("organizations:organization_list")
BUDGET = 10
NOTICE = "alert-warning"


def records(response):
    return [row.record for row in response.context["table"].page.object_list]


def linked(response, which):
    """The query string of the page's link to its next or previous page (None: no link)."""
    return getattr(response.context["table"].page, f"{which}_query")


def visit(client, url, query):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200
    return response


def in_order(queryset):
    """The list's own order: sort key (Vietnamese order), then id."""
    return list(queryset.order_by("sort_key", "pk"))


def sql_of(captured):
    return [query["sql"].upper() for query in captured.captured_queries]


def member_queries():
    hanoi = Member.objects.filter(organization__code__startswith="HN-", admitted_on__isnull=False)
    member = hanoi.order_by("pk").first()
    quang_minh = PartyOrganization.objects.get(code="HN-QM")
    return [
        {},
        {"sort": "-full_name"},
        {"status": Status.OFFICIAL},
        {"gender": "female", "admitted_year": member.admitted_on.year},
        {"organization": quang_minh.pk},
        {"ownership": "fdi"},
        {"q": "nguyễn"},
        {"q": "Lan"},
        {"q": member.card_number},
        {"q": member.national_id, "status": member.status},
    ]


@pytest.mark.parametrize("username", ["canbo", "lanhdao"])
def test_members_list_keeps_the_query_budget_on_every_page(
    login, django_assert_max_num_queries, username
):
    client = login(username)
    client.get(LIST)  # the session exists before counting
    for query in member_queries():
        # The first page, the next one (by cursor), a deep one and the one before it.
        with django_assert_max_num_queries(BUDGET) as captured:
            first = client.get(LIST, {**query, "per_page": 20})
        assert first.status_code == 200
        pages = [captured]
        if linked(first, "next"):
            with django_assert_max_num_queries(BUDGET) as captured:
                second = visit(client, LIST, linked(first, "next"))
            pages.append(captured)
            assert records(second) and not set(records(second)) & set(records(first))
            rows = in_order(second.context["view"].object_list)
            deep = rows[len(rows) * 2 // 3]
            for cursor in ("after", "before"):
                with django_assert_max_num_queries(BUDGET) as captured:
                    response = client.get(LIST, {**query, "per_page": 20, cursor: deep.pk})
                assert response.status_code == 200 and NOTICE not in response.text
                pages.append(captured)
        for captured in pages:
            sql = sql_of(captured)
            assert not unbounded_counts(sql), query
            assert not any(" OFFSET " in statement for statement in sql), query


def test_cursor_pages_walk_the_whole_list_in_order_and_in_scope(login, user, hai_phong):
    client = login("canbo.hp")
    expected = in_order(Member.objects.for_user(user("canbo.hp")))
    assert len(expected) > 300
    response = client.get(LIST, {"per_page": 37})
    seen = records(response)
    while linked(response, "next"):
        response = visit(client, LIST, linked(response, "next"))
        seen += records(response)
    assert seen == expected
    assert all(member.organization.path.startswith(hai_phong.path) for member in seen)
    # And back from the last page, by the links to previous pages.
    backwards = records(response)
    while linked(response, "previous"):
        response = visit(client, LIST, linked(response, "previous"))
        backwards = records(response) + backwards
    assert backwards == expected


def test_cursor_pages_follow_a_descending_sort(login, user):
    client = login("canbo.hp")
    expected = in_order(Member.objects.for_user(user("canbo.hp")))[::-1]
    response = client.get(LIST, {"per_page": 200, "sort": "-full_name"})
    seen = records(response)
    while linked(response, "next"):
        response = visit(client, LIST, linked(response, "next"))
        seen += records(response)
    assert seen == expected


@pytest.mark.parametrize("cursor", ["after", "before"])
def test_a_cursor_from_another_committee_gives_the_first_page(login, user, hanoi, cursor):
    stranger = Member.objects.filter(organization__path__startswith=hanoi.path).first()
    client = login("canbo.hp")
    first = records(client.get(LIST))
    response = client.get(LIST, {cursor: stranger.pk})
    assert response.status_code == 200
    assert NOTICE in response.text
    assert records(response) == first
    assert not any(member.organization.path.startswith(hanoi.path) for member in first)


@pytest.mark.parametrize(
    "query",
    [
        {"after": "abc"},
        {"before": "-1"},
        {"after": "1.5"},
        {"after": "99999999999999999999999"},
        {"before": "1e5"},
        {"after": "<script>"},
        {"page": "1000"},
    ],
)
def test_tampered_cursors_and_deep_page_numbers_give_the_first_page(login, query):
    client = login("canbo.hp")
    first = records(client.get(LIST))
    response = client.get(LIST, query)
    assert response.status_code == 200
    assert NOTICE in response.text
    assert records(response) == first


def test_a_cursor_that_left_the_filtered_list_gives_the_first_page(login):
    client = login("canbo.hp")
    official = client.get(LIST, {"status": Status.OFFICIAL, "per_page": 10})
    probationary = Member.objects.filter(
        organization__code__startswith="HP-", status=Status.PROBATIONARY
    ).first()
    response = client.get(LIST, {"status": Status.OFFICIAL, "after": probationary.pk})
    assert NOTICE in response.text
    assert records(response)[:10] == records(official)


def test_page_numbers_work_for_the_first_pages(login, user):
    expected = in_order(Member.objects.for_user(user("canbo.hp")))
    response = login("canbo.hp").get(LIST, {"page": 3, "per_page": 20})
    assert records(response) == expected[40:60]
    assert QueryDict(linked(response, "previous")) == QueryDict("page=2&per_page=20")
    assert QueryDict(linked(response, "next")) == QueryDict(f"per_page=20&after={expected[59].pk}")


def test_sort_links_start_the_new_order_from_its_first_page(login):
    client = login("canbo.hp")
    first = client.get(LIST, {"status": Status.OFFICIAL})
    response = visit(client, LIST, linked(first, "next"))
    header = re.search(r'<th[^>]*scope="col">\s*<a href="([^"]*)"', response.text).group(1)
    assert "sort=" in header and "status=official" in header
    assert "after=" not in header and "before=" not in header and "page=" not in header


def test_search_by_the_beginning_of_the_name_case_aside(login):
    response = login("canbo").get(LIST, {"q": "nguyễn vă", "per_page": 200})
    found = records(response)
    assert found
    assert all(member.full_name.upper().startswith("NGUYỄN VĂ") for member in found)


def test_search_anywhere_in_the_name_when_no_name_begins_with_it(login):
    hp = Member.objects.filter(organization__code__startswith="HP-", status=Status.OFFICIAL)
    first, second = hp.order_by("pk")[:2]
    Member.objects.filter(pk=first.pk).update(status=Status.DIED)
    for member, name in ((first, "Zeta Thị Mai"), (second, "Trần Zeta")):
        member.full_name = name
        member.save(update_fields=with_version(["full_name"]))
    client = login("canbo.hp")
    # "Zeta" begins a name of the list: only such names.
    found = records(client.get(LIST, {"q": "zeta", "status": "all"}))
    assert found == [Member.objects.get(pk=first.pk)]
    # Among official members none begins so: the search asks the narrowed list, then looks
    # anywhere in the names.
    official = records(client.get(LIST, {"q": "zeta", "status": Status.OFFICIAL}))
    assert official == [Member.objects.get(pk=second.pk)]


def count_options(html, name):
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    return len(re.findall(r"<option", select.group(1)))


def test_no_dropdown_renders_a_whole_table(login):
    client = login("canbo")
    quang_minh = PartyOrganization.objects.get(code="HN-QM")
    # The members list's filter: only the chosen organization is in the page.
    listed = client.get(LIST, {"organization": quang_minh.pk}).text
    assert count_options(listed, "organization") <= 2
    assert count_options(client.get(LIST).text, "organization") <= 1
    for url, names in [
        (reverse("members:member_admit"), ["organization"]),
        (reverse("members:member_transfer_in"), ["organization"]),
        (reverse("members:candidate_create"), ["organization", "enterprise", "introduced_by"]),
    ]:
        page = client.get(url).text
        for name in names:
            assert count_options(page, name) <= 1, (url, name)
    candidate = Candidate.objects.filter(organization__code__startswith="HN-").first()
    page = client.get(reverse("members:candidate_update", args=[candidate.pk])).text
    for name in ["organization", "enterprise", "introduced_by"]:
        assert count_options(page, name) <= 2, name


@pytest.mark.parametrize("username", ["canbo", "lanhdao", "canbo.hp"])
def test_candidates_list_pages_by_cursor_within_the_budget(
    login, user, django_assert_max_num_queries, username
):
    client = login(username)
    client.get(CANDIDATES)
    expected = in_order(Candidate.objects.for_user(user(username)))
    with django_assert_max_num_queries(BUDGET) as captured:
        response = client.get(CANDIDATES, {"per_page": 5})
    seen = records(response)
    while linked(response, "next"):
        with django_assert_max_num_queries(BUDGET) as captured:
            response = visit(client, CANDIDATES, linked(response, "next"))
        assert not any("COUNT(" in statement for statement in sql_of(captured))
        seen += records(response)
    assert seen == expected


def test_candidates_cursor_of_another_committee_gives_the_first_page(login):
    stranger = Candidate.objects.filter(organization__code__startswith="HN-").first()
    response = login("canbo.hp").get(CANDIDATES, {"after": stranger.pk})
    assert response.status_code == 200 and NOTICE in response.text
    assert stranger.full_name not in response.text


@pytest.mark.parametrize("username", ["canbo", "lanhdao"])
def test_organizations_list_pages_by_cursor_within_the_budget(
    login, user, django_assert_max_num_queries, username
):
    client = login(username)
    client.get(ORGANIZATIONS)
    expected = list(PartyOrganization.objects.for_user(user(username)).order_by("path", "pk"))
    for query in [{}, {"sort": "-code"}, {"kind": "grassroots_cell"}, {"q": "Chi bộ"}]:
        response = client.get(ORGANIZATIONS, {**query, "per_page": 15})
        seen = records(response)
        while linked(response, "next"):
            with django_assert_max_num_queries(BUDGET) as captured:
                response = visit(client, ORGANIZATIONS, linked(response, "next"))
            assert not any("COUNT(*)" in statement for statement in sql_of(captured))
            seen += records(response)
        if not query:
            assert seen == expected
        assert len(seen) == len(set(seen))


def test_organizations_cursor_of_another_committee_gives_the_first_page(login, hanoi):
    response = login("canbo.hp").get(ORGANIZATIONS, {"after": hanoi.pk})
    assert response.status_code == 200 and NOTICE in response.text
    assert not any(o.path.startswith(hanoi.path) for o in records(response))


@pytest.mark.parametrize("order", ["admitted_on", "organization__name", "-organization"])
def test_keyset_refuses_an_order_it_cannot_follow(user, order):
    request = RequestFactory().get(LIST)
    request.user = user("canbo")
    # NULLs have no place in a row comparison, and a related row's column is no key of the list.
    table = table_factory(Member, fields=("full_name", "admitted_on"))(
        Member.objects.order_by(order)
    )
    with pytest.raises(ImproperlyConfigured):
        RequestConfig(request, paginate={"paginator_class": KeysetPaginator}).configure(table)
