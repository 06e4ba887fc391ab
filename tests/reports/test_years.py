import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from organizations.models import PartyOrganization
from reports import statistics
from reports.models import Metric, YearlyFigure

pytestmark = pytest.mark.django_db
YEARS = reverse("reports:years")


def test_years_table_has_a_row_per_year_with_sources(login):
    response = login("lanhdao").get(YEARS)
    rows = {row.record.year: row.record for row in response.context["table"].rows}
    assert min(rows) == 2012 and max(rows) == datetime.date.today().year
    end_2020 = rows[2020].figures
    assert end_2020[Metric.PARTY_ORGANIZATIONS].value == 92
    assert end_2020[Metric.PARTY_MEMBERS].value == 1208
    assert end_2020[Metric.MEMBERS_ADMITTED].value == 92
    assert end_2020[Metric.PARTY_MEMBERS].source == statistics.Source.LEDGER
    assert "1.208" in response.text
    assert ">2020<" in response.text and "2.020" not in response.text


def test_years_before_the_ledger_are_marked_imported(login):
    response = login("canbo.hp").get(YEARS)
    rows = {row.record.year: row.record for row in response.context["table"].rows}
    assert rows[2019].figures[Metric.PARTY_MEMBERS] == statistics.Figure(590, "imported")
    assert rows[2019].figures[Metric.TRADE_UNIONS].value is None
    assert "590<sup" in response.text


def test_years_table_exports(login):
    response = login("lanhdao").get(YEARS, {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    by_year = {row[0]: row for row in rows[1:]}
    assert "1208" in by_year["2020"]


def test_reconciliation_flags_the_difference(login):
    response = login("lanhdao").get(reverse("reports:reconcile"))
    rows = [row.record for row in response.context["table"].rows]
    members = next(r for r in rows if r.metric == Metric.PARTY_MEMBERS)
    assert members.as_of == datetime.date(2021, 12, 31)
    assert members.difference == 2 and not members.matches
    organizations = next(r for r in rows if r.metric == Metric.PARTY_ORGANIZATIONS)
    assert organizations.matches
    assert all(r.committee.code == "HN-KCNCX" for r in rows)
    hai_phong = [
        row.record
        for row in login("canbo.hp").get(reverse("reports:reconcile")).context["table"].rows
    ]
    assert hai_phong and all(r.committee.code == "HP-KKT" and r.matches for r in hai_phong)


def test_close_year_stores_computed_figures_and_the_table_reads_them(login):
    hanoi = PartyOrganization.objects.get(code="HN-KCNCX")
    call_command("close_year", committee="HN-KCNCX", year=2020, stdout=io.StringIO())
    stored = YearlyFigure.objects.get(committee=hanoi, as_of="2020-12-31", metric="party_members")
    assert (stored.value, stored.source) == (1208, "computed")
    rows = {r.record.year: r.record for r in login("lanhdao").get(YEARS).context["table"].rows}
    assert rows[2020].figures[Metric.PARTY_MEMBERS] == statistics.Figure(1208, "computed")


def test_an_open_year_cannot_be_closed(english):
    with pytest.raises(CommandError, match="ended"):
        call_command("close_year", committee="HN-KCNCX", year=datetime.date.today().year)


def test_administrators_close_a_year_from_the_table_and_leaders_cannot(login):
    close = reverse("reports:close_year")
    assert login("lanhdao").post(close, {"committee": "HN-KCNCX", "year": 2021}).status_code == 403
    assert not YearlyFigure.objects.filter(source="computed").exists()
    response = login("admin").post(close, {"committee": "HN-KCNCX", "year": 2021})
    assert response.status_code == 302
    stored = YearlyFigure.objects.filter(source="computed", as_of="2021-12-31")
    assert stored.filter(metric="party_members").get().value == 1292


def test_a_year_table_served_from_the_cache_shows_a_closed_year(login):
    """The table is remembered under the summary rows' version, which storing a year's
    figures changes: the year's cells are marked as stored at once."""
    client = login("lanhdao")
    before = client.get(YEARS).content.decode().count("ᶜ")
    call_command("close_year", committee="HN-KCNCX", year=2020, stdout=io.StringIO())
    assert client.get(YEARS).content.decode().count("ᶜ") > before
