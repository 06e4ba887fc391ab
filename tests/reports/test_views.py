import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db
GROWTH = reverse("reports:growth")
SINCE_FOUNDING = {"committee": "HN-KCNCX", "base": "19/06/2012", "as_of": "31/05/2022"}


def test_pages_need_a_login(client):
    for url in (reverse("home"), GROWTH):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_login_page_renders_in_vietnamese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Đăng nhập" in response.text


def test_login_with_the_demo_password(client, settings):
    response = client.post(
        reverse("login"), {"username": "canbo", "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_home_shows_the_committee_figures(login):
    response = login("canbo").get(reverse("home"))
    assert response.status_code == 200
    text = response.text
    assert "Đảng bộ các Khu công nghiệp và chế xuất Hà Nội" in text
    assert "1.328" in text  # members, Vietnamese thousands separator
    assert "×19,2" in text and "×5,35" in text


def test_growth_table_shows_multiples_in_vietnamese(login):
    response = login("lanhdao").get(GROWTH, SINCE_FOUNDING)
    assert response.status_code == 200
    growth = response.context["page"].growth
    assert growth.row("party_organizations").now.value == 96
    assert "×19,2" in response.text
    assert "×5,35" in response.text
    assert "1.328" in response.text


def test_growth_table_default_is_since_founding_to_today(login):
    response = login("canbo").get(GROWTH)
    assert "×19,2" in response.text and "×5,35" in response.text


def test_growth_table_in_english(login):
    client = login("canbo")
    client.post(reverse("set_language"), {"language": "en", "next": GROWTH})
    response = client.get(GROWTH, SINCE_FOUNDING)
    assert "×19.2" in response.text and "×5.35" in response.text
    assert "1,328" in response.text
    assert "Growth table" in response.text
    translation.activate("vi")


def test_growth_table_of_another_committee_is_not_found(login):
    response = login("canbo.hp").get(GROWTH, SINCE_FOUNDING)
    # The form refuses a committee outside the user's scope; no figure is computed.
    assert response.context["page"] is None
    assert response.context["form"].errors["committee"]
    assert "Khu công nghiệp và chế xuất Hà Nội" not in response.text
    assert "1.328" not in response.text


def test_home_of_another_committee_is_404(login):
    response = login("canbo.hp").get(reverse("home"), {"committee": "HN-KCNCX"})
    assert response.status_code == 404


def test_bad_dates_keep_what_was_typed_and_explain(login):
    response = login("canbo").get(
        GROWTH, {"committee": "HN-KCNCX", "base": "31/05/2022", "as_of": "19/06/2012"}
    )
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "Ngày tính đến phải sau ngày gốc." in response.text
    assert 'value="31/05/2022"' in response.text


def test_unparseable_date_is_an_error_not_a_crash(login):
    response = login("canbo").get(
        GROWTH, {"committee": "HN-KCNCX", "base": "not a date", "as_of": "31/05/2022"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["base"]


def test_user_without_committee_sees_an_explanation(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("lost", password="x" * 12))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["committee"] is None


def test_admin_covers_every_model(login):
    from django.apps import apps
    from django.contrib import admin

    for app in ("organizations", "members", "unions", "reports"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            assert admin.site.is_registered(model), model
            meta = model._meta
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
            assert login("admin").get(url).status_code == 200, url


def test_vietnamese_even_when_the_browser_asks_for_english(login):
    response = login("canbo").get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Tổng quan" in response.text
    assert "2.0" not in response.text.split("Kết nạp đảng viên năm")[1][:8]


def test_committee_autocomplete_gives_scoped_codes(login):
    url = reverse("organizations:committee_code_autocomplete")
    results = login("canbo.hp").get(url, {"q": "Đảng bộ"}).json()["results"]
    codes = {item["id"] for item in results}
    assert "HP-KKT" in codes
    assert not any(code.startswith("HN") for code in codes)


def test_growth_form_renders_only_the_chosen_committee(login):
    response = login("admin").get(GROWTH, SINCE_FOUNDING)
    options = response.text.count("<option")
    assert options <= 2  # the chosen committee (and the empty choice): never the whole table
    assert 'value="HN-KCNCX" selected' in response.text


def test_the_chosen_committee_renders_without_a_second_look_up(user, django_assert_num_queries):
    """A cleaned committee is shown as the chooser's selected option as it was looked up,
    the same HTML as a look-up by code gives."""
    from reports.forms import CompositionForm

    data = {"committee": "TU-HN", "as_of": "31/05/2022"}  # not the user's own: looked up once
    form = CompositionForm(data, user=user("admin"))
    assert form.is_valid(), form.errors
    with django_assert_num_queries(0):
        remembered = str(form["committee"])
    form.fields["committee"].widget.chosen = None
    with django_assert_num_queries(1):
        looked_up = str(form["committee"])
    assert remembered == looked_up and "TU-HN" in remembered
