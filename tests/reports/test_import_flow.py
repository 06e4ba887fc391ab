"""The import flow end to end: files set up a committee, the reports read what they hold;
the browser flow writes nothing before confirmation; exports go back in unchanged."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Member
from organizations.models import PartyOrganization
from reports.formatting import change_pct, multiple
from reports.importing import batches
from reports.models import ImportBatch, Target, YearlyFigure

pytestmark = pytest.mark.django_db

ORGANIZATIONS = """code,name,kind,parent,zone,enterprise,established_on,decision_number
DN-KCNHK,Đảng ủy Khu công nghiệp Hòa Khánh,zone_committee,,,,15/03/2013,12-QĐ/TU
DN-HK-01,Đảng bộ Công ty Thép Đà Nẵng,grassroots_committee,DN-KCNHK,,,20/03/2013,
DN-HK-02,Chi bộ Công ty Dệt Hòa Khánh,grassroots_cell,DN-KCNHK,,,2014-05-01,
DN-HK-01-1,Chi bộ Phân xưởng cán,subordinate_cell,DN-HK-01,,,01/06/2014,
"""
# Semicolons and Vietnamese headers, as Excel writes them in a Vietnamese locale.
FIGURES = (
    "Đơn vị;Tính đến ngày;Số tổ chức đảng;Số đảng viên;Tổ chức đảng thành lập mới;"
    "Tổ chức đảng tiếp nhận;Kết nạp đảng viên;Công đoàn cơ sở;Đoàn viên công đoàn;"
    "Tổ chức Đoàn cơ sở;Đoàn viên thanh niên\n"
    'DN-KCNHK;15/03/2013;4;120;;;;10;"12.500";3;400\n'
    'DN-KCNHK;31/12/2022;46;1.134;6;1;85;150;"63 210";22;1.950\n'
)
TARGETS = """committee,period,metric,kind,value
DN-KCNHK,2022,members_admitted,plan,68
DN-KCNHK,2022,organizations_established,plan,4
DN-KCNHK,2020-2025,members_admitted,congress,400
"""


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(command: str, *args) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_files_set_up_a_committee_and_the_reports_follow_them(tmp_path, user):
    assert not PartyOrganization.objects.filter(code="DN-KCNHK").exists()
    run("import_organizations", write(tmp_path, "o.csv", ORGANIZATIONS), "--user", "admin")
    run("import_figures", write(tmp_path, "f.csv", FIGURES), "--user", "admin")
    run("import_targets", write(tmp_path, "t.csv", TARGETS), "--user", "admin")

    committee = PartyOrganization.objects.get(code="DN-KCNHK")
    assert committee.children.count() == 2
    assert PartyOrganization.objects.get(code="DN-HK-01-1").path.startswith(committee.path)
    # The expected figures are read back from the file, not typed here.
    rows = [line.split(";") for line in FIGURES.splitlines()[1:]]
    base, now = rows

    def number(text):
        return int(text.strip('"').replace(".", "").replace(" ", ""))

    growth = run(
        "growth_report", "--committee", "DN-KCNHK", "--base", "2013-03-15",
        "--as-of", "2022-12-31", "--format", "csv",
    )  # fmt: skip
    lines = {line.split(",")[0]: line.split(",") for line in growth.splitlines()[1:]}
    for metric, column in (("party_organizations", 2), ("party_members", 3),
                           ("trade_union_members", 8), ("youth_union_members", 10)):  # fmt: skip
        before, after = number(base[column]), number(now[column])
        assert lines[metric][2] == str(before)
        assert lines[metric][4] == str(after)
        assert lines[metric][7] == str(multiple(after, before)), metric
        assert lines[metric][6] == str(change_pct(after, before)), metric

    report = run("target_report", "--committee", "DN-KCNHK", "--year", "2022", "--format", "csv")
    by_metric = {(r.split(",")[0], r.split(",")[1]): r.split(",") for r in report.splitlines()[1:]}
    admitted_plan = by_metric[("members_admitted", "plan")]
    target = int(TARGETS.splitlines()[1].split(",")[-1])
    assert admitted_plan[2:4] == [str(target), str(number(now[6]))]
    assert float(admitted_plan[4]) == round(number(now[6]) * 100 / target, 1)


def test_the_same_file_twice_changes_nothing_and_an_update_shows_in_history(tmp_path):
    run("import_organizations", write(tmp_path, "o.csv", ORGANIZATIONS), "--user", "admin")
    path = write(tmp_path, "f.csv", FIGURES)
    run("import_figures", path, "--user", "admin")
    before = list(YearlyFigure.history.values_list("history_id", flat=True))
    assert "0 new, 0 updated, 2 unchanged" in run("import_figures", path, "--user", "admin")
    assert list(YearlyFigure.history.values_list("history_id", flat=True)) == before

    run("import_figures", write(tmp_path, "g.csv", FIGURES.replace("1.134", "1.135")),
        "--user", "admin")  # fmt: skip
    figure = YearlyFigure.objects.get(committee__code="DN-KCNHK", metric="party_members",
                                      as_of="2022-12-31")  # fmt: skip
    assert figure.value == 1135
    last = figure.history.first()
    assert "g.csv" in last.history_change_reason
    assert last.prev_record.value == 1134


def upload(client, format_name: str, content: bytes, name="file.csv"):
    return client.post(
        reverse("reports:import_create"),
        {"format": format_name, "file": SimpleUploadedFile(name, content)},
    )


def test_browser_flow_writes_nothing_before_confirmation(login, tmp_path, settings):
    settings.IMPORT_ROOT = tmp_path
    client = login("canbo")
    content = "committee,period,metric,kind,value\nHN-KCNCX,2026,members_admitted,plan,77\n"
    response = upload(client, "targets", content.encode())
    batch = ImportBatch.objects.get()
    assert response["Location"] == batch.get_absolute_url()
    assert batch.state == ImportBatch.State.CHECKED
    assert not Target.objects.filter(start_year=2026).exists()

    page = client.get(batch.get_absolute_url()).content.decode()
    assert 'data-action="new"' in page and "HN-KCNCX" in page and "import-confirm" in page
    # Coded values are shown by their label, in the user's language.
    from django.utils import translation

    from reports.models import Metric

    with translation.override("vi"):
        assert str(Metric.MEMBERS_ADMITTED.label) in page

    client.post(reverse("reports:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DONE
    assert Target.objects.get(start_year=2026).value == 77
    assert not batches.upload_path(batch).exists()  # the file is gone after the import
    # A second confirmation (double click, back button) imports nothing more.
    client.post(reverse("reports:import_confirm", args=[batch.pk]))
    assert Target.objects.filter(start_year=2026).count() == 1


def test_a_file_with_errors_cannot_be_confirmed_and_can_be_discarded(login, tmp_path, settings):
    settings.IMPORT_ROOT = tmp_path
    client = login("canbo")
    content = (
        "committee,period,metric,kind,value\n"
        "HN-KCNCX,2026,members_admitted,plan,77\n"
        "HP-KKT,2026,members_admitted,plan,5\n"  # another committee: an error, not a write
    )
    upload(client, "targets", content.encode())
    batch = ImportBatch.objects.get()
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "import-confirm" not in page
    assert "HP-KKT" in page
    client.post(reverse("reports:import_confirm", args=[batch.pk]))
    assert not Target.objects.filter(start_year=2026).exists()
    client.post(reverse("reports:import_cancel", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.CANCELLED
    assert not batches.upload_path(batch).exists()


def test_large_files_go_to_the_worker_with_a_progress_bar(
    login, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_ROOT = tmp_path
    settings.IMPORT_BACKGROUND_BYTES = 10
    client = login("canbo")
    content = "committee,period,metric,kind,value\nHN-KCNCX,2026,members_admitted,plan,77\n"
    with django_capture_on_commit_callbacks() as callbacks:
        upload(client, "targets", content.encode())
    batch = ImportBatch.objects.get()
    assert batch.state == ImportBatch.State.CHECKING
    page = client.get(batch.get_absolute_url()).content.decode()
    assert 'id="import-progress"' in page and "hx-trigger" in page
    assert client.get(reverse("reports:import_progress", args=[batch.pk])).status_code == 200
    for callback in callbacks:  # the test settings run tasks at once, like a worker would
        callback()
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.CHECKED
    response = client.get(reverse("reports:import_progress", args=[batch.pk]))
    assert response["HX-Refresh"] == "true"


def test_upload_limits_give_a_clear_message(login, tmp_path, settings):
    settings.IMPORT_ROOT = tmp_path
    settings.IMPORT_MAX_BYTES = 50
    client = login("canbo")
    response = upload(client, "targets", b"x" * 51)
    assert "Tệp quá lớn" in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = upload(client, "targets", b"x" * 51)
    assert "The file is too large" in response.content.decode()
    response = upload(client, "targets", b"")
    assert "The submitted file is empty" in response.content.decode()
    assert ImportBatch.objects.count() == 0
    assert response.status_code == 200


def test_leaders_cannot_upload(login, tmp_path, settings):
    settings.IMPORT_ROOT = tmp_path
    response = upload(login("lanhdao"), "targets", b"committee\n")
    assert response.status_code == 403
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize("name", ["organizations", "figures", "targets", "members"])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(login, tmp_path, name, kind):
    hanoi = PartyOrganization.objects.get(code="HN-002")
    # A name that a spreadsheet would run as a formula comes out neutralised, goes back as is.
    hanoi.name = '=HYPERLINK("http://x")'
    hanoi.save()
    client = login("canbo")
    response = client.get(reverse("reports:import_export", args=[name]), {"type": kind})
    content = b"".join(response.streaming_content)
    path = tmp_path / f"export.{kind}"
    path.write_bytes(content)
    if name == "organizations":
        cells = (
            [c for row in load_workbook(path).active.iter_rows(values_only=True) for c in row]
            if kind == "xlsx"
            else content.decode("utf-8-sig").replace('"', "").split(",")
        )
        assert "'=HYPERLINK(http://x)" in cells or '\'=HYPERLINK("http://x")' in cells
    output = run(f"import_{name}", str(path), "--user", "canbo")
    assert " 0 new, 0 updated," in output
    assert PartyOrganization.objects.get(code="HN-002").name == hanoi.name


def test_members_export_is_logged_and_scoped(login):
    from members.models import AccessLog

    client = login("canbo.hp")
    content = b"".join(
        client.get(reverse("reports:import_export", args=["members"])).streaming_content
    ).decode("utf-8-sig")
    hanoi = Member.objects.filter(organization__code__startswith="HN").first()
    assert hanoi.card_number not in content
    assert AccessLog.objects.filter(action="export", user__username="canbo.hp").exists()


def test_templates_download_with_the_format_headers(client, login):
    client = login("canbo")
    content = b"".join(
        client.get(
            reverse("reports:import_template", args=["figures"]), {"headers": "vi"}
        ).streaming_content
    ).decode("utf-8-sig")
    assert content.startswith("Đơn vị,Tính đến ngày,Số tổ chức đảng")
    assert client.get(reverse("reports:import_template", args=["nope"])).status_code == 404


def test_files_are_deleted_after_a_day(login, tmp_path, settings):
    import datetime

    from django.utils import timezone

    settings.IMPORT_ROOT = tmp_path
    client = login("canbo")
    upload(client, "targets", b"committee,period,metric,kind,value\nHN-KCNCX,2026,metric,plan,1\n")
    batch = ImportBatch.objects.get()
    assert batches.rows_path(batch).exists() and batches.upload_path(batch).exists()
    assert batches.prune_imports() == 0
    assert batches.prune_imports(timezone.now() + datetime.timedelta(hours=25)) == 1
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.CANCELLED
    assert not batches.upload_path(batch).exists() and not batches.rows_path(batch).exists()


def test_row_messages_follow_the_language_the_user_chose(login, tmp_path, settings):
    settings.IMPORT_ROOT = tmp_path
    client = login("canbo")
    bad = b"committee,period,metric,kind,value\nHN-KCNCX,2026,members_admitted,plan,-5\n"
    upload(client, "targets", bad)
    assert (
        "không được âm" in client.get(ImportBatch.objects.get().get_absolute_url()).content.decode()
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    upload(client, "targets", bad)
    page = client.get(ImportBatch.objects.order_by("-pk").first().get_absolute_url())
    assert "A count cannot be negative" in page.content.decode()


def test_a_job_no_worker_picks_up_is_pointed_out(
    login, tmp_path, settings, django_capture_on_commit_callbacks
):
    import os
    import time

    settings.IMPORT_ROOT = tmp_path
    settings.IMPORT_BACKGROUND_BYTES = 10
    client = login("canbo")
    content = "committee,period,metric,kind,value\nHN-KCNCX,2026,members_admitted,plan,77\n"
    with django_capture_on_commit_callbacks():  # enqueued, and no worker runs it
        upload(client, "targets", content.encode())
    batch = ImportBatch.objects.get()
    url = reverse("reports:import_progress", args=[batch.pk])
    assert "db_worker" not in client.get(url).content.decode()
    old = time.time() - 120
    os.utime(batches.progress_path(batch), (old, old))
    assert "db_worker" in client.get(url).content.decode()
