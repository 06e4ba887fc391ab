import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db
TARGETS = reverse("reports:targets")


def rows_of(response):
    return [row.record for row in response.context["table"].rows]


def test_leader_sees_2020_completion_without_typing(login):
    response = login("lanhdao").get(TARGETS)
    assert response.status_code == 200
    by_key = {(r.target.start_year, r.metric, r.kind): r for r in rows_of(response)}
    organizations = by_key[(2020, "organizations_established", "plan")]
    members = by_key[(2020, "members_admitted", "plan")]
    assert (organizations.actual, organizations.completion_pct) == (5, 100)
    assert (members.actual, str(members.completion_pct)) == (92, "102.2")
    assert "102,2%" in response.text and "100,0%" in response.text


def test_target_report_in_english(login):
    client = login("lanhdao")
    client.post(reverse("set_language"), {"language": "en", "next": TARGETS})
    assert "102.2%" in client.get(TARGETS).text


def test_target_report_exports_the_rows_of_the_page(login):
    client = login("lanhdao")
    page = rows_of(client.get(TARGETS, {"year": 2020}))
    response = client.get(TARGETS, {"year": 2020, "_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    exported = list(sheet.iter_rows(values_only=True))
    assert len(exported) == len(page) + 1
    assert any("102,2%" in str(cell) for row in exported for cell in row)
    plain = client.get(TARGETS, {"_export": "csv"}).content.decode()
    assert len(list(csv.reader(io.StringIO(plain)))) == len(rows_of(client.get(TARGETS))) + 1


def test_another_committees_targets_are_refused(login):
    response = login("canbo.hp").get(TARGETS, {"committee": "HN-KCNCX", "_export": "csv"})
    assert "HN-KCNCX" not in response.content.decode().replace("committee=HN-KCNCX", "")
    assert "102" not in response.content.decode()


def test_target_report_command_csv():
    out = io.StringIO()
    call_command("target_report", committee="HN-KCNCX", year=2020, format="csv", stdout=out)
    rows = {row["metric"]: row for row in csv.DictReader(io.StringIO(out.getvalue()))}
    assert list(next(csv.reader(io.StringIO(out.getvalue())))) == [
        "metric",
        "kind",
        "target",
        "actual",
        "completion_pct",
        "previous_actual",
        "vs_previous_pct",
    ]
    assert rows["organizations_established"]["completion_pct"] == "100.0"
    assert rows["members_admitted"]["completion_pct"] == "102.2"
    assert rows["members_admitted"]["actual"] == "92"


def test_hai_phong_2023_against_its_plans():
    out = io.StringIO()
    call_command("target_report", committee="HP-KKT", year=2023, format="csv", stdout=out)
    rows = {row["kind"]: row for row in csv.DictReader(io.StringIO(out.getvalue()))}
    assert rows["supplementary"]["completion_pct"] == "86.1"
    assert rows["congress"]["completion_pct"] == "178.0"


def test_growth_table_exports_in_scope(login):
    client = login("lanhdao")
    response = client.get(reverse("reports:growth"), {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 7
    assert any("×19,2" in cell for row in rows for cell in row)


def test_formula_cells_are_neutralised_in_xlsx(login):
    from members.models import Member

    member = Member.objects.filter(organization__code__startswith="HN-").first()
    member.full_name = "@SUM(1+1)"
    member.save()
    response = login("canbo").get(reverse("members:member_list"), {"q": "@SUM", "_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["'@SUM(1+1)"]


def test_a_target_report_served_from_the_cache_shows_a_new_admission(login, hanoi):
    """The table is remembered under the summary rows' version: an admission in 2020 moves
    its completion at once."""
    import datetime

    from members import services as member_services
    from organizations.models import PartyOrganization

    client = login("lanhdao")
    query = {"committee": "HN-KCNCX", "year": 2020}
    assert "102,2" in client.get(reverse("reports:targets"), query).text
    cell = PartyOrganization.objects.get(code="HN-QM").children.filter(is_active=True).first()
    member_services.member_admit(
        organization=cell, date=datetime.date(2020, 6, 1), full_name="Lê Văn Mới", gender="male"
    )
    assert "103,3" in client.get(reverse("reports:targets"), query).text  # 93 of 90
