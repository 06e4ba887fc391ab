import csv
import io

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db
# The columns README and the issue promise, restated here rather than imported.
EXPECTED_COLUMNS = [
    "metric",
    "base_date",
    "base_value",
    "as_of",
    "value",
    "change",
    "change_pct",
    "multiple",
]


def growth_csv(**options):
    out = io.StringIO()
    call_command("growth_report", format="csv", stdout=out, **options)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_growth_report_csv_since_founding():
    rows = growth_csv(committee="HN-KCNCX", base="2012-06-19", as_of="2022-05-31")
    assert list(rows[0]) == EXPECTED_COLUMNS
    by_metric = {row["metric"]: row for row in rows}
    assert list(by_metric) == [
        "party_organizations",
        "party_members",
        "trade_unions",
        "trade_union_members",
        "youth_unions",
        "youth_union_members",
    ]
    assert by_metric["party_organizations"]["multiple"] == "19.2"
    assert by_metric["party_members"]["multiple"] == "5.35"
    assert by_metric["party_members"]["change_pct"] == "435.5"
    assert by_metric["party_organizations"]["change"] == "91"


def test_growth_report_end_of_2020():
    rows = growth_csv(committee="HN-KCNCX", base="2012-06-19", as_of="2020-12-31")
    by_metric = {row["metric"]: row for row in rows}
    assert by_metric["party_organizations"]["value"] == "92"
    assert by_metric["party_members"]["value"] == "1208"


def test_growth_report_table_format():
    out = io.StringIO()
    call_command(
        "growth_report", committee="HN-KCNCX", base="2012-06-19", as_of="2022-05-31", stdout=out
    )
    lines = out.getvalue().splitlines()
    assert lines[0].split() == EXPECTED_COLUMNS
    assert lines[1].split()[-1] == "19.2"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"committee": "NOPE", "base": "2012-06-19", "as_of": "2022-05-31"}, "Unknown committee"),
        ({"committee": "HN-KCNCX", "base": "2012-13-19", "as_of": "2022-05-31"}, "Not a date"),
        (
            {"committee": "HN-KCNCX", "base": "2022-05-31", "as_of": "2012-06-19"},
            "must come before",
        ),
    ],
)
def test_growth_report_refuses_bad_input(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("growth_report", **options)


def test_growth_report_exits_1_with_one_line(capsys):
    from django.core.management import ManagementUtility

    argv = ["manage.py", "growth_report", "--committee", "NOPE", "--base", "2012-06-19"]
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility([*argv, "--as-of", "2022-05-31"]).execute()
    assert exit_info.value.code == 1
    stderr = capsys.readouterr().err
    assert stderr.strip().count("\n") == 0
    assert "Unknown committee" in stderr
