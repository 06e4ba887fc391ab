"""The composition page: scope, dates, charts beside their tables, exports, both languages."""

import csv
import datetime
import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse

from organizations.models import PartyOrganization
from reports import composition

COMPOSITION = reverse("reports:composition")
MAY_2022 = {"committee": "HN-KCNCX", "as_of": "31/05/2022"}
YEAR_2020 = {**MAY_2022, "admitted_from": "01/01/2020", "admitted_to": "31/12/2020"}
pytestmark = pytest.mark.django_db


def chart_data(response):
    match = re.search(
        r'<script id="composition-data" type="application/json">(.*?)</script>', response.text
    )
    return json.loads(match.group(1))


def exported(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_members_on_a_date_with_charts_that_agree_with_the_tables(login):
    response = login("lanhdao").get(COMPOSITION, MAY_2022)
    assert response.status_code == 200
    result = response.context["result"]
    assert result.total == 1328
    assert "1.328" in response.text
    charts = chart_data(response)
    assert [d["key"] for d in charts["dimensions"]][:2] == ["gender", "age_band"]
    for chart in charts["dimensions"]:
        assert sum(chart["counts"]) == 1328
        table = response.context["page"].dimension_tables
        counts = {
            c.label: c.count for d, _t in table if d.key == chart["key"] for c in d.categories
        }
        assert all(
            counts[label] == n for label, n in zip(chart["labels"], chart["counts"], strict=True)
        )
    years = charts["years"]
    assert years["labels"][-1] == "2022"
    assert sum(series["data"][-1] for series in years["series"]) == 1328
    # No inline script or style: the charts come from a static file.
    assert "composition.js" in response.text
    assert "style=" not in response.text.split("<main")[-1]


def test_admissions_of_2020_add_up_to_92_in_english(login, english):
    client = login("lanhdao")
    client.post(reverse("set_language"), {"language": "en", "next": COMPOSITION})
    response = client.get(COMPOSITION, YEAR_2020)
    assert response.context["result"].admitted
    assert response.context["result"].total == 92
    assert "92 members admitted" in response.text
    assert "Position in the enterprise" in response.text


def test_vietnamese_by_default(login):
    response = login("lanhdao").get(COMPOSITION, MAY_2022)
    assert 'lang="vi"' in response.text


def test_default_is_the_users_committee_today(login):
    response = login("canbo.hp").get(COMPOSITION)
    assert response.status_code == 200
    assert response.context["result"].committee.code == "HP-KKT"


def test_another_committee_is_refused(login):
    response = login("canbo.hp").get(COMPOSITION, MAY_2022)
    assert response.context["result"] is None
    assert response.context["form"].errors["committee"]
    assert "1.328" not in response.text
    export = login("canbo.hp").get(COMPOSITION, {**MAY_2022, "_export": "csv"})
    assert len(exported(export)) == 1  # the header alone


@pytest.mark.parametrize(
    "query",
    [
        {**MAY_2022, "as_of": "not a date"},
        {**MAY_2022, "as_of": "31/12/2999"},
        {**MAY_2022, "admitted_from": "01/01/2020"},
        {**MAY_2022, "admitted_to": "01/01/2020"},
        {**YEAR_2020, "admitted_from": "01/01/2021"},
        {**YEAR_2020, "admitted_to": "01/01/2999"},
        {**MAY_2022, "committee": "\x00=1+1"},
    ],
)
def test_bad_input_is_an_error_on_the_page_not_a_crash(login, query):
    response = login("canbo").get(COMPOSITION, query)
    assert response.status_code == 200
    assert response.context["result"] is None
    assert response.context["form"].errors


def test_before_the_records_begin_the_page_says_so(login):
    response = login("canbo.hp").get(COMPOSITION, {"committee": "HP-KKT", "as_of": "01/01/2019"})
    assert response.context["result"].total is None
    assert response.context["result"].dimensions == []


def test_csv_export_has_every_dimension_and_adds_up(login):
    response = login("lanhdao").get(COMPOSITION, {**YEAR_2020, "_export": "csv"})
    rows = exported(response)[1:]
    by_dimension = {}
    for dimension, _category, count, _share in rows:
        by_dimension[dimension] = by_dimension.get(dimension, 0) + int(count)
    assert len(by_dimension) == 9
    assert set(by_dimension.values()) == {92}


def test_the_comparison_exports_and_neutralises_formulas(login):
    quang_minh = PartyOrganization.objects.get(code="HN-QM")
    quang_minh.name = "=HYPERLINK(1)"
    quang_minh.save()
    client = login("lanhdao")
    page = client.get(COMPOSITION, MAY_2022)
    assert "=HYPERLINK(1)" in page.text  # the column of the comparison on the page
    response = client.get(COMPOSITION, {**MAY_2022, "_export": "xlsx", "table": "comparison"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "'=HYPERLINK(1)" in rows[0]
    whole = {(d.label, c.label): c.count for d, c in page.context["result"].rows()}
    assert len(rows) == len(whole) + 1
    for row in rows[1:]:
        counts = row[2::2]  # count, share, count, share...
        assert sum(int(n) for n in counts) == whole[(row[0], row[1])]


def comparison_lines(response) -> dict[str, list[str]]:
    """The comparison table on the page: each line's cells by its committee's code (the rest
    under "")."""
    table = re.search(r'<table[^>]*id="comparison".*?</table>', response.text, re.S).group(0)
    lines = {}
    for code, cells in re.findall(r'<tr[^>]*data-committee="([^"]*)"[^>]*>(.*?)</tr>', table, re.S):
        lines[code] = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)
        ]
    return lines


def test_the_comparison_shows_a_line_per_committee_for_the_chosen_dimension(login):
    client = login("lanhdao")
    page = client.get(COMPOSITION, MAY_2022)
    assert page.context["compared"] == "position"  # which zone admits workers or managers
    lines = comparison_lines(page)
    assert set(lines) == {"HN-QM", ""}  # Quang Minh, then the rest of the zone
    assert lines["HN-QM"][:2] == ["Đảng bộ KCN Quang Minh", "49"]
    assert sum(int(line[1].replace(".", "")) for line in lines.values()) == 1328
    gender = client.get(COMPOSITION, {**MAY_2022, "compare": "gender"})
    assert gender.context["compared"] == "gender"
    headers = re.findall(r"<th[^>]*>(.*?)</th>", gender.text.split('id="comparison"')[1], re.S)
    assert any("Nam" in header for header in headers)
    # The link of another dimension keeps the committee and dates.
    assert "compare=gender" in page.text and "as_of=31%2F05%2F2022" in page.text
    unknown = client.get(COMPOSITION, {**MAY_2022, "compare": "nope"})
    assert unknown.status_code == 200 and unknown.context["compared"] == "position"


def test_the_comparison_sorts_by_any_column(login):
    client = login("lanhdao")
    ascending = list(comparison_lines(client.get(COMPOSITION, {**MAY_2022, "sort": "total"})))
    descending = list(comparison_lines(client.get(COMPOSITION, {**MAY_2022, "sort": "-total"})))
    assert ascending == descending[::-1] and len(ascending) == 2


def test_a_page_served_from_the_cache_shows_a_changed_member(login, hanoi):
    """The page's tables are a fragment remembered by the figures they show: a member
    admitted since shows at once, in the whole and in the comparison."""
    from members import services as member_services

    client = login("lanhdao")
    day = {"committee": "HN-KCNCX", "as_of": "31/05/2022"}
    before = comparison_lines(client.get(COMPOSITION, day))
    cell = PartyOrganization.objects.get(code="HN-QM").children.filter(is_active=True).first()
    member_services.member_admit(
        organization=cell, date=datetime.date(2022, 5, 2), full_name="Lê Văn Mới",
        gender="male", position="worker",
    )  # fmt: skip
    page = client.get(COMPOSITION, day)
    after = comparison_lines(page)
    assert page.context["result"].total == 1329 and "1.329" in page.text
    assert int(after["HN-QM"][1]) == int(before["HN-QM"][1]) + 1


def test_a_page_served_from_the_cache_shows_a_renamed_committee(login):
    client = login("lanhdao")
    assert "Đảng bộ KCN Quang Minh" in client.get(COMPOSITION, MAY_2022).text
    quang_minh = PartyOrganization.objects.get(code="HN-QM")
    quang_minh.name = "Đảng bộ KCN Quang Minh mới"
    quang_minh.save()
    assert comparison_lines(client.get(COMPOSITION, MAY_2022))["HN-QM"][0] == quang_minh.name


def test_the_summary_version_changes_with_every_change_and_only_then(hanoi, user):
    from members import services as member_services
    from reports import summaries

    versions = [summaries.version()]
    read = composition.members_on(hanoi, datetime.date(2022, 5, 31))
    assert read.total == 1328 and summaries.version() == versions[-1]
    cell = PartyOrganization.objects.get(code="HN-QM").children.filter(is_active=True).first()
    member = member_services.member_admit(
        organization=cell, date=datetime.date(2022, 5, 2), full_name="Lê Văn Mới",
        gender="male",
    )  # fmt: skip
    versions.append(summaries.version())
    member_services.member_erase(member=member, user=user("admin"), reason="Thử")
    versions.append(summaries.version())
    hanoi.name = "Tên mới"
    hanoi.save()
    versions.append(summaries.version())
    summaries.rebuild()
    versions.append(summaries.version())
    assert len(set(versions)) == len(versions)
