"""The composition page: scope, dates, charts beside their tables, exports, both languages."""

import csv
import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse

from organizations.models import PartyOrganization

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
        table = response.context["dimension_tables"]
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
