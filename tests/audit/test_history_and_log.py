"""Issue 7.3: every change of personal or statistical data leaves a history row with its user,
time and source (web form, import, command, admin), whatever the write path; every view of a
member, every export and every refused access is in the access log, which administrators
read in the admin."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from config import audit, sources
from members import services as member_services
from members.models import AccessLog, Member, MemberEvent, Status
from organizations.models import PartyOrganization
from reports.models import ImportBatch, YearlyFigure
from tests.imports import run
from tests.imports.make_corpus import FIG, MEMBER, MEMBERS, utf8
from tests.members.test_views import admission

pytestmark = pytest.mark.django_db
D = datetime.date

# Every model holding personal or statistical data keeps a history (the summary tables are
# derived from the ledger and rebuilt from it, and their version is a random number; import
# batches and form receipts are bookkeeping).
WITHOUT_HISTORY = {"reports.summary", "reports.compositionsummary", "reports.agesummary",
                   "reports.summaryversion", "reports.importbatch",
                   "organizations.submissionreceipt", "members.accesslog"}  # fmt: skip


def test_every_data_model_keeps_a_history_with_a_source():
    for app in ("organizations", "members", "unions", "reports"):
        for model in apps.get_app_config(app).get_models():
            if model._meta.label_lower in WITHOUT_HISTORY or model.__name__.startswith("Hist"):
                continue
            assert hasattr(model, "history"), model
            names = {field.name for field in model.history.model._meta.fields}
            assert {"history_user", "history_date", "history_source"} <= names, model


@pytest.fixture
def hanoi_cell():
    return PartyOrganization.objects.get(code="HN-002")


def test_a_web_form_records_user_time_and_source(login, hanoi_cell, user):
    login("canbo").post(reverse("members:member_admit"), admission(hanoi_cell))
    member = Member.objects.get(national_id="001198000777")
    # Created, then its derived fields set by the first event: two rows, both from the form.
    records = set(member.history.values_list("history_source", "history_user__username"))
    assert records == {("web", "canbo")}
    event = member.events.get().history.get()
    assert (event.history_source, event.history_user) == ("web", user("canbo"))


def test_closing_an_event_leaves_a_history_row(login, user):
    """The event a new one ends gets its `ended_on`: that change is in its history too."""
    member = Member.objects.filter(
        organization__code__startswith="HN", status=Status.PROBATIONARY
    ).first()
    current = member.events.get(ended_on__isnull=True)
    before = current.history.count()
    day = max(member.official_due_on, current.date)
    response = login("canbo").post(
        reverse("members:member_make_official", args=[member.pk]),
        {"date": day.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302
    current.refresh_from_db()
    assert current.ended_on == day
    latest = current.history.first()
    assert current.history.count() == before + 1
    assert (latest.ended_on, latest.history_source, latest.history_user) == (
        day, "web", user("canbo")
    )  # fmt: skip


def test_the_browser_import_records_its_batch(login, tmp_path, settings, user):
    settings.IMPORT_ROOT = tmp_path
    client = login("canbo")
    client.post(
        reverse("reports:import_create"),
        {"format": "members", "file": SimpleUploadedFile("m.csv", utf8([MEMBERS, MEMBER]))},
    )
    batch = ImportBatch.objects.get()
    client.post(reverse("reports:import_confirm", args=[batch.pk]))
    member = Member.objects.get(national_id=MEMBER[5])
    for record in (member.history.get(), member.events.get().history.get()):
        assert record.history_source == f"import #{batch.pk}"
        assert record.history_user == user("canbo")
        assert record.history_change_reason == batch.reason


def test_the_bulk_paths_of_the_imports_record_their_source(user):
    """Members go in by COPY/executemany, figures by bulk_create_with_history."""
    canbo = user("canbo")
    with audit.source("import #999"):
        assert run("members", canbo, utf8([MEMBERS, MEMBER])).committed
        assert run("figures", canbo, utf8([FIG, ["HN-KCNCX", "31/12/2023", "97", "1.300"]]))
    member = Member.objects.get(national_id=MEMBER[5])
    assert member.history.get().history_source == "import #999"
    figure = YearlyFigure.objects.get(committee__code="HN-KCNCX", as_of=D(2023, 12, 31),
                                      metric="party_members")  # fmt: skip
    assert figure.history.get().history_source == "import #999"
    assert figure.history.get().history_user == canbo


def test_an_import_command_records_the_command(tmp_path, user):
    path = tmp_path / "m.csv"
    path.write_bytes(utf8([MEMBERS, MEMBER]))
    call_command("import_members", str(path), "--user", "canbo", stdout=io.StringIO())
    record = Member.objects.get(national_id=MEMBER[5]).history.get()
    assert record.history_source == "command import_members"
    assert record.history_user == user("canbo")


def test_manage_py_marks_a_command_s_changes():
    """manage.py sets the process's source; without a request or an import, it applies."""
    assert audit.current_source() == ""
    sources.process_source = "command close_year"
    try:
        assert audit.current_source() == "command close_year"
        with audit.source("web"):
            assert audit.current_source() == "web"
    finally:
        sources.process_source = ""


def test_an_admin_edit_records_the_admin(login, user):
    member = Member.objects.filter(organization__code__startswith="HN").first()
    url = reverse("admin:members_member_change", args=[member.pk])
    page = login("admin").get(url)
    form = page.context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in ((n, form[n].value()) for n in form.fields)
    }
    data.update({
        "education": "12/12 (admin)", "birth_date": "",
        "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0",
    })  # fmt: skip
    if member.birth_date:
        data["birth_date"] = member.birth_date.strftime("%Y-%m-%d")
    response = login("admin").post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = Member.objects.get(pk=member.pk).history.first()
    assert (record.education, record.history_source, record.history_user) == (
        "12/12 (admin)", "admin", user("admin")
    )  # fmt: skip


def test_a_service_called_elsewhere_keeps_the_callers_source():
    cell = PartyOrganization.objects.get(code="HN-002")
    with audit.source("command load_demo"):
        member = member_services.member_admit(
            organization=cell, date=D(2024, 3, 1), full_name="Lê Văn Một", gender="male"
        )
    assert set(member.history.values_list("history_source", flat=True)) == {"command load_demo"}
    assert MemberEvent.history.filter(member_id=member.pk).get().history_source == (
        "command load_demo"
    )


# --- The access log ------------------------------------------------------------------------


def test_a_member_view_is_logged_with_address_and_ip(login, user):
    member = Member.objects.filter(organization__code__startswith="HN").first()
    login("lanhdao").get(member.get_absolute_url(), REMOTE_ADDR="10.1.2.3")
    entry = AccessLog.objects.latest("pk")
    assert (entry.action, entry.user, entry.member, entry.ip) == (
        "view", user("lanhdao"), member, "10.1.2.3"
    )  # fmt: skip
    assert entry.path == member.get_absolute_url()


def test_behind_a_proxy_the_log_records_the_client_not_the_proxy(login, user, settings):
    # The same address django-axes locks out (config.auth.client_ip): behind
    # TRUSTED_PROXY_COUNT proxies, the one the outermost proxy appended to X-Forwarded-For.
    settings.TRUSTED_PROXY_COUNT = 1
    member = Member.objects.filter(organization__code__startswith="HN").first()
    client = login("canbo.hp")
    behind_proxy = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}
    assert client.get(member.get_absolute_url(), **behind_proxy).status_code == 404
    assert AccessLog.objects.latest("pk").ip == "203.0.113.7"
    client = login("canbo")
    client.get(member.get_absolute_url(), **behind_proxy)
    assert AccessLog.objects.latest("pk").ip == "203.0.113.7"
    client.get(reverse("members:member_list") + "?_export=csv", **behind_proxy)
    assert AccessLog.objects.latest("pk").ip == "203.0.113.7"


@pytest.mark.parametrize(
    "url",
    [
        reverse("members:member_list") + "?_export=csv",
        reverse("members:member_list") + "?_export=xlsx&status=official",
        reverse("reports:growth") + "?_export=csv",
        reverse("reports:years") + "?_export=xlsx",
        reverse("reports:targets") + "?_export=csv",
        reverse("reports:import_export", args=["members"]),
        reverse("reports:import_export", args=["figures"]) + "?type=xlsx",
    ],
)
def test_every_export_is_logged(login, user, url):
    before = AccessLog.objects.filter(action="export").count()
    response = login("canbo").get(url)
    assert response.status_code == 200
    assert AccessLog.objects.filter(action="export").count() == before + 1
    entry = AccessLog.objects.latest("pk")
    assert entry.user == user("canbo") and entry.object_type and entry.ip == "127.0.0.1"


def test_a_refused_object_is_logged_with_type_id_and_ip(login, user):
    member = Member.objects.filter(organization__code__startswith="HN").first()
    response = login("canbo.hp").get(member.get_absolute_url(), REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 404
    entry = AccessLog.objects.latest("pk")
    assert (entry.action, entry.user, entry.object_type, entry.object_id, entry.ip) == (
        "denied", user("canbo.hp"), "members.member", str(member.pk), "10.9.9.9"
    )  # fmt: skip
    assert entry.path == member.get_absolute_url() and entry.detail == "404"


def test_a_leaders_refused_write_is_logged(login, user):
    response = login("lanhdao").post(reverse("members:member_admit"), {})
    assert response.status_code == 403
    entry = AccessLog.objects.latest("pk")
    assert (entry.action, entry.user, entry.detail) == ("denied", user("lanhdao"), "403")


def test_every_refused_object_url_is_logged(login):
    """The walk of tests/test_scope.py: each 404 of another committee's object is a row."""
    from tests.test_scope import hanoi_objects, walk

    objects = hanoi_objects()
    client = login("canbo.hp")
    for name, _keywords in walk():
        if name not in objects:
            continue
        before = AccessLog.objects.filter(action="denied").count()
        url = reverse(name, args=[objects[name].pk])
        assert client.get(url).status_code == 404
        entry = AccessLog.objects.filter(action="denied").latest("pk")
        assert AccessLog.objects.filter(action="denied").count() == before + 1, name
        assert (entry.path, entry.object_id) == (url, str(objects[name].pk)), name


def test_normal_pages_write_no_log(login):
    before = AccessLog.objects.count()
    client = login("canbo")
    for url in (reverse("home"), reverse("members:member_list"), reverse("reports:growth")):
        assert client.get(url).status_code == 200
    assert AccessLog.objects.count() == before


def test_administrators_read_the_log_with_filters(login):
    member = Member.objects.filter(organization__code__startswith="HN").first()
    login("canbo.hp").get(member.get_absolute_url())
    client = login("admin")
    url = reverse("admin:members_accesslog_changelist")
    for query in ({}, {"action__exact": "denied"}, {"object_type": "members.member"},
                  {"q": "canbo.hp"}, {"at__gte": "2000-01-01 00:00:00+07:00"}):  # fmt: skip
        response = client.get(url, query)
        assert response.status_code == 200, query
        assert "canbo.hp" in response.text, query
    entry = AccessLog.objects.latest("pk")
    change = client.get(reverse("admin:members_accesslog_change", args=[entry.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.text
    assert (
        client.post(reverse("admin:members_accesslog_delete", args=[entry.pk])).status_code == 403
    )
    # Staff never reach it.
    assert login("canbo").get(url).status_code == 302


def test_the_history_of_a_member_is_reachable_in_the_admin(login):
    member = Member.objects.filter(organization__code__startswith="HN").first()
    response = login("admin").get(reverse("admin:members_member_history", args=[member.pk]))
    assert response.status_code == 200
