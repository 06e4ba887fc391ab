"""Issue 17.6: `page` and `per_page` of every list are checked before anyone uses them
(config.pagination.BoundedRequestConfig), and an id filter beyond any database integer is an
invalid choice: a bad value gives the list's first page or its own page size, never a 500."""

import pytest
from django.urls import reverse

from config.pagination import MAX_PAGE, MAX_PER_PAGE, whole_number

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", 7),
        (" 12 ", 12),
        ("201", 201),
        ("0", None),
        ("-1", None),
        ("1.5", None),
        ("", None),
        (None, None),
        ("٣", None),  # an Arabic-Indic digit: int() reads it, a URL should not
        (HUGE, int(HUGE)),
        ("9" * 5000, 10**30),  # int() refuses more than 4,300 digits (ValueError)
    ],
)
def test_whole_number(text, expected):
    assert whole_number(text) == expected


def test_the_highest_page_still_fits_an_offset():
    assert (MAX_PAGE - 1) * MAX_PER_PAGE < 2**63 - 1


@pytest.mark.parametrize("route", ["members:due_list", "unions:union_list"])
@pytest.mark.parametrize("page", [HUGE, "0", "-1", "x", str(MAX_PAGE)])
def test_a_page_beyond_any_list_is_the_first_page(login, route, page):
    response = login("canbo").get(reverse(route), {"page": page})
    assert response.status_code == 200
    assert response.context["table"].page.number == 1


@pytest.mark.parametrize(
    ("route", "per_page"),
    [("reports:target_list", 50), ("reports:import_list", 25), ("reports:reconcile", 25)],
)
@pytest.mark.parametrize("asked", ["-1", "0", "x", "1.5", "-99999999999999999999999"])
def test_a_bad_page_size_is_the_lists_own(login, route, per_page, asked):
    response = login("canbo").get(reverse(route), {"per_page": asked})
    assert response.status_code == 200
    assert response.context["table"].paginator.per_page == per_page


@pytest.mark.parametrize(
    ("asked", "taken"), [("3", 3), ("201", MAX_PER_PAGE), (HUGE, MAX_PER_PAGE)]
)
def test_a_page_size_is_taken_up_to_the_most(login, asked, taken):
    response = login("canbo").get(reverse("reports:target_list"), {"per_page": asked})
    assert response.status_code == 200
    assert response.context["table"].paginator.per_page == taken


def test_a_page_beyond_the_end_of_a_counted_list_is_its_last(login):
    response = login("canbo").get(reverse("reports:target_list"), {"per_page": "1", "page": "999"})
    page = response.context["table"].page
    assert page.number == page.paginator.num_pages > 1


@pytest.mark.parametrize("organization", [HUGE, "-99999999999999999999999", "0", "x"])
def test_an_organization_beyond_any_id_is_an_invalid_choice(login, organization):
    client = login("canbo")
    response = client.get(reverse("members:member_list"), {"organization": organization})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hãy chọn một lựa chọn hợp lệ" in html


def test_an_invalid_organization_in_english(login, settings, english):
    client = login("canbo")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("members:member_list"), {"organization": HUGE})
    assert "Select a valid choice" in response.content.decode()
