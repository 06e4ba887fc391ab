import json
import re

import pytest
from django.urls import reverse

from members.models import Member
from organizations.models import Enterprise, PartyOrganization

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("reports:dashboard")


def chart_data(response, name):
    match = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', response.text)
    return json.loads(match.group(1))


def test_dashboard_charts_agree_with_the_tables(login):
    response = login("lanhdao").get(DASHBOARD)
    assert response.status_code == 200
    series = chart_data(response, "series-data")
    table = {row[0]: row for row in response.context["board"].year_table}
    assert series["labels"][0] == "2012"
    i2020 = series["labels"].index("2020")
    assert series["members"][i2020] == 1208 == table["2020"][1]
    assert series["organizations"][i2020] == 92
    assert series["admitted"][i2020] == 92 and series["admission_target"][i2020] == 90
    ownership = chart_data(response, "ownership-data")
    hanoi = PartyOrganization.objects.get(code="HN-KCNCX")
    grassroots = PartyOrganization.objects.subtree_of(hanoi).filter(
        is_active=True, kind__in=PartyOrganization.GRASSROOTS_KINDS
    )
    assert sum(ownership.values()) == grassroots.count() == 96
    coverage = chart_data(response, "coverage-data")
    assert coverage["total"] == Enterprise.objects.filter(committee=hanoi).count()
    assert coverage["party"] <= coverage["total"]


def test_children_table_adds_up_to_the_members(login):
    response = login("lanhdao").get(DASHBOARD)
    children = response.context["board"].children
    assert len(children) == 96
    members = response.context["board"].now["party_members"].value
    assert sum(row["members"] for row in children) == members
    quang_minh = next(row for row in children if row["organization"].code == "HN-QM")
    assert (quang_minh["members"], quang_minh["cells"]) == (49, 4)
    assert (
        quang_minh["members"]
        == Member.objects.active()
        .filter(organization__path__startswith=quang_minh["organization"].path)
        .count()
    )


def test_a_leader_cannot_open_another_committees_dashboard(login):
    assert login("lanhdao").get(DASHBOARD, {"committee": "HP-KKT"}).status_code == 404
    own = login("canbo.hp").get(DASHBOARD)
    assert own.context["committee"].code == "HP-KKT"


@pytest.mark.parametrize("code", ["HN-QM", "HP-NBHP"])
def test_a_subordinate_cell_among_the_children_is_not_its_own_cell(code):
    """A grassroots committee's children are subordinate cells: each has no cell under it
    (it counted itself once), the same read from the ledger and from the summary rows."""
    from reports.dashboard import children_figures

    committee = PartyOrganization.objects.get(code=code)
    rows = children_figures(committee)
    cells = [row for row in rows if row["organization"].kind == "subordinate_cell"]
    assert cells, code
    assert all(row["cells"] == 0 for row in cells)
    assert [r["cells"] for r in rows] == [
        r["cells"] for r in children_figures(committee, naive=True)
    ]


def test_a_dashboard_served_from_the_cache_shows_a_changed_target(login):
    """The dashboard is remembered under the summary rows' version, which a target's save
    changes too: the new plan shows at once."""
    from reports.models import Metric, Target

    client = login("lanhdao")
    before = chart_data(client.get(DASHBOARD), "series-data")
    i2020 = before["labels"].index("2020")
    assert before["admission_target"][i2020] == 90
    plan = Target.objects.get(
        committee__code="HN-KCNCX", start_year=2020, end_year=2020,
        metric=Metric.MEMBERS_ADMITTED, kind=Target.Kind.PLAN,
    )  # fmt: skip
    plan.value = 95
    plan.save()
    after = chart_data(client.get(DASHBOARD), "series-data")
    assert after["admission_target"][i2020] == 95
