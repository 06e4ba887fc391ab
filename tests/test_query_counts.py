"""List pages run a fixed number of queries whatever the number of rows, and never an
unbounded COUNT(*) (django-tables2's LazyPaginator looks one page ahead instead)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.helpers import unbounded_counts

pytestmark = pytest.mark.django_db

# url name, query, queries: session, user (with its profile and committee), then the page's own.
LISTS = [
    # Remembered under the data's version (config.views.RememberedListMixin): the version
    # alone; another filter is computed: the version and one page of members.
    ("members:member_list", {}, 3),
    # ...and its total: a count that stops at the list's limit.
    ("members:member_list", {"q": "Nguyễn", "page": 2}, 5),
    ("members:due_list", {}, 3),
    ("members:candidate_list", {}, 3),
    ("unions:union_list", {}, 3),
    ("unions:union_list", {"kind": "youth_union"}, 3),
    ("reports:target_list", {}, 4),
]


@pytest.mark.parametrize(("name", "query", "expected"), LISTS)
def test_list_query_count_is_fixed(login, django_assert_num_queries, name, query, expected):
    client = login("canbo")
    client.get(reverse(name))  # the session exists before counting
    with django_assert_num_queries(expected) as captured:
        response = client.get(reverse(name), query)
    assert response.status_code == 200
    unbounded = unbounded_counts(q["sql"] for q in captured.captured_queries)
    assert not unbounded or name in COUNTED, unbounded


# Short lists whose paginator counts its rows: bounded by a committee's own entries.
COUNTED = {"reports:target_list"}


# The main pages other than lists, as a committee's staff: session, user (with its profile and
# committee), then the page's own (a report reads its summary rows once, whatever the number of
# years or children). First with the rendered fragments to make (config/fragments.py), then
# remembered. The committee chooser shows the committee the form looked up, never reading it
# again (reports.forms.CodeSelect2).
PAGES = [
    ("home", 7, 7),
    # Remembered under the summary rows' version: the version alone (reports.views.Board).
    ("reports:dashboard", 10, 3),
    ("reports:growth", 6, 3),
    ("reports:years", 6, 3),
    ("reports:targets", 6, 3),  # remembered under the version, as the dashboard
    # A zone's composition is one query of its two summary tables, but its children
    # (grassroots committees, without composition rows) are told apart in one grouped query
    # of the ledger, with the zone's part of the tree on the day (the moves, its organizations).
    # Remembered, the page is the summary rows' version alone (reports.views.ComposedPage).
    ("reports:composition", 10, 3),
    ("reports:reconcile", 6, 6),
    ("reports:import_list", 3, 3),
    ("reports:import_create", 2, 2),
]


@pytest.mark.parametrize(("name", "rendering", "remembered"), PAGES)
def test_page_query_count_is_fixed(login, django_assert_num_queries, name, rendering, remembered):
    client = login("canbo")
    client.get(reverse("home"))  # the session exists before counting
    cache.clear()
    with django_assert_num_queries(rendering):
        assert client.get(reverse(name)).status_code == 200
    with django_assert_num_queries(remembered):
        assert client.get(reverse(name)).status_code == 200


def test_member_page_query_count_is_fixed(login, user, django_assert_num_queries):
    from members.models import Member

    member = Member.objects.for_user(user("canbo")).first()
    client = login("canbo")
    client.get(member.get_absolute_url())
    with django_assert_num_queries(6) as captured:
        response = client.get(member.get_absolute_url())
    assert response.status_code == 200
    assert sum("INSERT" in q["sql"] for q in captured.captured_queries) == 1  # the access log


# Report pages of the user's own committee (by code, as the committee picker sends it, and
# without one): session, user (with its profile and committee), then the page's own reads.
REPORTS = [
    ("reports:dashboard", {"committee": "HN-KCNCX"}, 3),
    ("reports:dashboard", {}, 3),
    ("reports:years", {"committee": "HN-KCNCX"}, 3),
    ("reports:growth", {}, 3),
    ("reports:targets", {"committee": "HN-KCNCX"}, 3),
]


@pytest.mark.parametrize(("name", "query", "expected"), REPORTS)
def test_report_query_count_is_fixed(login, django_assert_num_queries, name, query, expected):
    client = login("lanhdao")
    client.get(reverse(name), query)  # the session exists, the fragments are remembered
    with django_assert_num_queries(expected):
        response = client.get(reverse(name), query)
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["reports:dashboard", "reports:years", "reports:targets"])
def test_the_own_committee_by_code_is_not_looked_up_but_others_stay_scoped(login, name):
    client = login("lanhdao")  # HN-KCNCX, a zone committee of Hà Nội
    own = client.get(reverse(name), {"committee": "HN-KCNCX"})
    assert own.status_code == 200 and "HN-KCNCX" in own.content.decode()
    other = client.get(reverse(name), {"committee": "HP-KKT"})  # Hải Phòng's, out of scope
    # The pages that take the committee by code answer 404; the target report's form refuses it.
    assert other.status_code == 404 or "committee" in other.context["form"].errors
