"""Browser tests: headless Chromium (Debian's package) driven by Playwright.

The portal runs as a real server in a subprocess, on its own database with the demo loaded:
an SQLite file, or a fresh PostgreSQL database beside DATABASE_URL's when that is set.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "browser-test-password"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Debian's chromium is not installed (apt-get install chromium)",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def browser_database_url(tmp: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp / 'browser.sqlite3'}"
    import psycopg2

    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_browser"
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def portal(tmp_path_factory):
    """The base URL of a running portal with the demo data."""
    tmp = tmp_path_factory.mktemp("browser")
    env = {
        **os.environ,
        "DEBUG": "1",
        "DEMO_PASSWORD": PASSWORD,
        "DATABASE_URL": browser_database_url(tmp),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "IMPORT_ROOT": str(tmp / "imports"),
        # Files over 1 KB go to the worker, so the progress bar is exercised.
        "IMPORT_BACKGROUND_KB": "1",
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
        subprocess.run([*manage, *command], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [*manage, "db_worker", "--no-reload", "--interval", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    yield base
    for process in (server, worker):
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page_as(browser, portal):
    pages = []

    def open_as(username):
        page = browser.new_page()
        pages.append(page)
        page.goto(f"{portal}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{portal}/")
        return page

    yield open_as
    for page in pages:
        page.close()


def member_count(page) -> str:
    return page.locator("[data-metric=party_members] .value").inner_text()


def test_staff_admits_a_candidate_and_sees_the_member(page_as, portal):
    page = page_as("canbo")
    before = member_count(page)
    page.goto(f"{portal}/members/candidates/?verification=verified")
    row = page.locator("tr", has=page.locator("a:text('Kết nạp')")).first
    name = row.locator("td").first.inner_text()
    row.locator("a:text('Kết nạp')").click()
    page.fill("#id_date", "10/06/2022")
    page.fill("#id_decision_number", "99-QĐ/ĐU")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{portal}/members/*/")
    assert page.locator("h1").inner_text() == name
    assert "Đảng viên dự bị" in page.content()
    page.goto(f"{portal}/members/?q={name}")
    assert page.locator("table tbody", has_text=name).count() == 1
    page.goto(f"{portal}/")
    after = member_count(page)
    assert int(after.replace(".", "")) == int(before.replace(".", "")) + 1


def test_hai_phong_staff_find_no_hanoi_member(page_as, portal):
    page = page_as("canbo.hp")
    page.goto(f"{portal}/members/?q=Chi+bộ+Công+ty+TNHH+Horn")
    page.goto(f"{portal}/members/")
    body = page.content()
    assert "HN-" not in body and "Hà Nội" not in body
    page.goto(f"{portal}/reports/growth/?committee=HN-KCNCX&base=19/06/2012&as_of=31/05/2022")
    assert "1.328" not in page.content()
    response = page.goto(f"{portal}/members/1/")
    assert response.status == 404


def test_staff_import_a_member_list_through_the_worker(page_as, portal, tmp_path):
    from bench.make_members import write

    path = tmp_path / "dang-vien.csv"
    write(path, 300, ["HN-001", "HN-002"], start=55_000_000)
    page = page_as("canbo")
    before = int(member_count(page).replace(".", ""))
    page.goto(f"{portal}/reports/imports/new/?format=members")
    page.set_input_files("#id_file", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_url(f"{portal}/reports/imports/*/")
    # The check runs in the worker; the page polls, then reloads with the preview.
    page.wait_for_selector("#import-confirm", timeout=30_000)
    assert page.locator("[data-count=new]").inner_text() == "300"
    assert page.locator("#preview-table tbody tr").count() == 100
    page.reload()  # the preview survives a reload
    page.click("#import-confirm")
    page.wait_for_selector("#import-state[data-state=done]", timeout=30_000)
    page.goto(f"{portal}/")
    assert int(member_count(page).replace(".", "")) == before + 300


def test_composition_page_draws_a_chart_beside_each_table(page_as, portal):
    page = page_as("lanhdao")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    # Other tests of this module admit and import members into the same live database, so
    # the total is checked against the growth table's member count on the same date.
    page.goto(f"{portal}/reports/growth/?committee=HN-KCNCX&base=19/06/2012&as_of=31/05/2022")
    members = page.locator("tr[data-metric=party_members] td").nth(2).inner_text()
    page.goto(f"{portal}/reports/composition/?committee=HN-KCNCX&as_of=31/05/2022")
    assert page.locator("#composition-total").inner_text().startswith(f"{members} ")
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('canvas')].filter(c => Chart.getChart(c)).length"
    )
    assert drawn == 10  # nine dimensions and the years by ownership
    assert errors == []


def csp_violations(page) -> list[str]:
    """Collects what Chromium reports against the Content-Security-Policy on this page."""
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(f"{page.url}: {message.text} {message.location}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return found


def log_in(page, portal, username):
    page.goto(f"{portal}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")


def test_main_pages_and_the_admin_keep_the_content_security_policy(browser, portal):
    import base64

    from django_otp.oath import TOTP

    page = browser.new_page()
    violations = csp_violations(page)
    try:
        log_in(page, portal, "canbo")
        page.wait_for_url(f"{portal}/")
        for path in (
            "/",
            "/members/",
            "/members/due/",
            "/members/candidates/",
            "/members/admit/",
            "/organizations/",
            "/organizations/enterprises/",
            "/unions/",
            "/reports/dashboard/",
            "/reports/growth/",
            "/reports/years/",
            "/reports/targets/",
            "/reports/imports/",
            "/accounts/two-factor/",
        ):
            response = page.goto(f"{portal}{path}")
            assert response.status == 200, path
            assert "default-src 'self'" in response.headers["content-security-policy"]
        # The dashboard's charts are drawn (Chart.js under the policy).
        page.goto(f"{portal}/reports/dashboard/")
        page.wait_for_selector("canvas")
        # The organization autocomplete (django-autocomplete-light's select2) opens and answers.
        page.goto(f"{portal}/members/")
        page.locator(".select2-selection").first.click()
        page.wait_for_selector(".select2-results__option")
        page.click("form[action='/accounts/logout/'] button")

        # An administrator enrols an authenticator at the first login, then uses the admin.
        log_in(page, portal, "admin")
        page.wait_for_url(f"{portal}/accounts/two-factor/*")
        secret = page.locator("[data-totp-secret]").inner_text().replace(" ", "")
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        page.fill("#id_token", f"{TOTP(key).token():06d}")
        page.click("main form button[type=submit]")
        # A loaded machine (the whole suite on two cores) can take long over this one: wait
        # longer, and say what the page showed if the code was refused.
        try:
            page.wait_for_url(f"{portal}/", timeout=90_000)
        except Exception as error:
            shown = page.locator("main").inner_text()[:500]
            raise AssertionError(f"still on {page.url}: {shown}") from error
        for path in ("/admin/", "/admin/members/member/", "/admin/auth/user/add/"):
            response = page.goto(f"{portal}{path}")
            assert response.status == 200, path
        page.goto(f"{portal}/admin/members/member/")
        page.locator("#result_list tbody a").first.click()
        page.wait_for_selector("#content-main form")
    finally:
        page.close()
    assert violations == []


def test_two_clerks_editing_one_enterprise_lose_nothing(page_as, portal):
    """Issue 17: the second save over a newer version is refused, with what was typed kept."""
    first, second = page_as("canbo"), page_as("canbo")
    for page in (first, second):
        page.goto(f"{portal}/organizations/enterprises/")
        page.locator("table tbody tr td a").first.click()
        page.wait_for_url(f"{portal}/organizations/enterprises/*/")
    assert first.url == second.url
    form_url = second.url
    first.fill("#id_workforce", "1234")
    first.click("main form button[type=submit]")
    first.wait_for_url(f"{portal}/organizations/enterprises/")
    second.fill("#id_workforce", "4321")
    second.click("main form button[type=submit]")
    second.wait_for_load_state()
    assert "Bản ghi đã được người khác sửa lúc" in second.locator(".alert-danger").inner_text()
    assert second.input_value("#id_workforce") == "4321"
    second.goto(form_url)  # the reload the message asks for
    assert second.input_value("#id_workforce") == "1234"


@pytest.mark.parametrize("typed", ["31/02/2026", "12/31/2025", "00/00/0000"])
def test_an_impossible_date_is_refused_as_typed_never_rolled_over(page_as, portal, typed):
    """Issue 18: the calendar rolled 31/02/2026 over to 03/03/2026 and the server saved it."""
    page = page_as("canbo")
    page.goto(f"{portal}/members/admit/")
    page.click("#id_date")
    page.keyboard.type(typed)
    page.click("#id_full_name")  # leaving the box must not change it
    page.keyboard.type("Nguyen Van Ngay")
    assert page.input_value("#id_date") == typed
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.url == f"{portal}/members/admit/"  # no redirect: nothing was written
    assert page.input_value("#id_date") == typed
    assert (
        "Ngày không hợp lệ"
        in page.locator("#id_date ~ .invalid-feedback, #error_1_id_date").first.inner_text()
    )
    assert page.input_value("#id_full_name") == "Nguyen Van Ngay"


def test_an_iso_date_is_read_as_that_day_and_1975_is_two_clicks_away(page_as, portal):
    page = page_as("canbo")
    page.goto(f"{portal}/members/admit/")
    page.click("#id_date")
    page.keyboard.type("2026-12-01")
    page.click("#id_full_name")
    assert page.input_value("#id_date") == "01/12/2026"
    page.click("#id_birth_date")
    calendar = ".flatpickr-calendar.open"
    page.select_option(f"{calendar} .flatpickr-year-list", "1975")
    page.select_option(f"{calendar} .flatpickr-monthDropdown-months", "5")  # June
    page.click(f"{calendar} .flatpickr-day:not(.prevMonthDay):not(.nextMonthDay) >> text='15'")
    assert page.input_value("#id_birth_date") == "15/06/1975"


def shown_names(page) -> list[str]:
    return [
        cell.inner_text().strip() for cell in page.locator("table tbody tr td:first-child").all()
    ]


def test_a_clerk_types_a_name_without_diacritics_and_sees_vietnamese_order(page_as, portal):
    from config.names import fold, sort_key

    page = page_as("canbo")
    page.goto(f"{portal}/members/")
    page.fill("#id_q", "nguyen")
    page.locator("#id_q").press("Enter")
    page.wait_for_url("**q=nguyen**")
    names = shown_names(page)
    assert names and all(name.startswith("Nguyễn") for name in names), names
    assert names == sorted(names, key=sort_key)
    # The name column's header turns the order round: given names from the end of the alphabet.
    page.locator("table thead th a").first.click()
    page.wait_for_url("**sort=-full_name**")
    backwards = shown_names(page)
    assert backwards == sorted(backwards, key=sort_key, reverse=True)
    assert all(fold(name).startswith("nguyen") for name in backwards)
    # "dang" finds Đặng, which the old order put after Vũ.
    page.fill("#id_q", "dang")
    page.locator("#id_q").press("Enter")
    page.wait_for_url("**q=dang**")
    assert shown_names(page) and all(n.startswith("Đặng") for n in shown_names(page))
