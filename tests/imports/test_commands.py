"""The import_* management commands: summary line, --dry-run, exit status, idempotence."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from members.models import Member
from organizations.models import PartyOrganization
from reports.models import Target, YearlyFigure
from tests.imports import demo_snapshot, snapshot
from tests.imports.make_corpus import (
    CELL,
    FIG,
    MEMBER,
    MEMBERS,
    ORGANIZATIONS,
    TARGETS,
    utf8,
)

pytestmark = pytest.mark.django_db

# Per format: a good file of two rows, the model it adds to, and a bad file with the line the
# command must write on stderr for it.
GOOD = {
    "figures": (
        [FIG, ["HN-KCNCX", "31/12/2023", "97", "1.300"], ["HN-QM", "31/12/2023", "9", "120"]],
        YearlyFigure,
        4,
    ),
    "targets": (
        [
            TARGETS,
            ["HN-KCNCX", "2024", "members_admitted", "plan", "95"],
            ["HN-QM", "2024-2025", "organizations_established", "congress", "3"],
        ],
        Target,
        2,
    ),
    "organizations": (
        [ORGANIZATIONS, CELL, ["HN-T02", "Chi bộ Công ty CP Thử Nghiệm 2", *CELL[2:]]],
        PartyOrganization,
        2,
    ),
    "members": (
        [
            MEMBERS,
            MEMBER,
            [
                "Trần Văn Nam",
                "male",
                "01/01/1985",
                "HN-002",
                "98000002",
                "",
                "03/02/2020",
                "03/02/2021",
                "official",
            ],
        ],  # fmt: skip
        Member,
        2,
    ),
}
BAD = {
    "figures": (
        [FIG, ["HN-KCNCX", "31/12/2023", "97", "1300"], ["HN-QM", "31/02/2022", "9", "120"]],
        "row 3, as_of: “31/02/2022” is not a real date.",
    ),
    "targets": (
        [TARGETS, ["HP-KKT", "2024", "members_admitted", "plan", "95"]],
        "row 2, committee: No committee with the code “HP-KKT” in your scope.",
    ),
    "organizations": (
        [ORGANIZATIONS, CELL, ["HN-T02", *CELL[1:3], "HP-KKT", *CELL[4:]]],
        "row 3, parent: No organization with the code “HP-KKT” in your scope.",
    ),
    "members": (
        [MEMBERS, [*MEMBER[:5], "12345", *MEMBER[6:]]],
        "row 2, national_id: A national ID number has 9 or 12 digits.",
    ),
}
FORMATS = list(GOOD)


def command(format_name: str, path, **options) -> tuple[str, str]:
    """Run import_<format> as canbo; its stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    options.setdefault("user", "canbo")
    call_command(f"import_{format_name}", str(path), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def failing(format_name: str, path, **options) -> tuple[str, str]:
    """Run a command that must exit with status 1; its stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    options.setdefault("user", "canbo")
    with pytest.raises(SystemExit) as exit_:
        call_command(f"import_{format_name}", str(path), stdout=out, stderr=err, **options)
    assert exit_.value.code == 1
    return out.getvalue(), err.getvalue()


def write(tmp_path, name: str, rows) -> object:
    path = tmp_path / name
    path.write_bytes(utf8(rows))
    return path


@pytest.mark.parametrize("format_name", FORMATS)
def test_import_writes_every_row_and_prints_a_summary(format_name, tmp_path):
    rows, model, added = GOOD[format_name]
    path = write(tmp_path, f"{format_name}.csv", rows)
    count = model.objects.count()

    out, err = command(format_name, path)

    assert err == ""
    assert out.splitlines()[-1] == "2 rows imported: 2 new, 0 updated, 0 unchanged, 0 errors"
    assert model.objects.count() == count + added


@pytest.mark.parametrize("format_name", FORMATS)
def test_dry_run_checks_every_row_and_writes_nothing(format_name, tmp_path):
    before = demo_snapshot()
    path = write(tmp_path, f"{format_name}.csv", GOOD[format_name][0])

    out, err = command(format_name, path, dry_run=True)

    assert err == ""
    assert out.splitlines()[-1] == (
        "2 rows checked (dry run, nothing written): 2 new, 0 updated, 0 unchanged, 0 errors"
    )
    assert snapshot() == before


@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
@pytest.mark.parametrize("format_name", FORMATS)
def test_a_failing_row_exits_1_with_the_row_on_stderr(format_name, dry_run, tmp_path):
    before = demo_snapshot()
    rows, line = BAD[format_name]
    path = write(tmp_path, f"{format_name}.csv", rows)

    out, err = failing(format_name, path, dry_run=dry_run)

    assert line in err.splitlines()
    verb = "checked (dry run, nothing written)" if dry_run else "NOT imported (nothing written)"
    assert f"rows {verb}:" in out.splitlines()[-1]
    assert out.splitlines()[-1].endswith(", 1 errors")
    assert snapshot() == before


@pytest.mark.parametrize("format_name", FORMATS)
def test_the_same_file_twice_changes_nothing_the_second_time(format_name, tmp_path):
    path = write(tmp_path, f"{format_name}.csv", GOOD[format_name][0])
    command(format_name, path)
    after_first = snapshot()

    out, _err = command(format_name, path)

    assert out.splitlines()[-1] == "2 rows imported: 0 new, 0 updated, 2 unchanged, 0 errors"
    assert snapshot() == after_first


def test_a_file_error_exits_1(tmp_path):
    before = demo_snapshot()
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    out, err = failing("figures", path)
    assert err.splitlines() == ["file: The file is empty: it has no header row."]
    assert out.splitlines()[-1] == (
        "0 rows NOT imported (nothing written): 0 new, 0 updated, 0 unchanged, 0 errors"
    )
    assert snapshot() == before


def test_messages_in_vietnamese(tmp_path):
    path = write(tmp_path, "figures.csv", BAD["figures"][0])
    _out, err = failing("figures", path, language="vi")
    assert "row 3, as_of: “31/02/2022” không phải ngày có thật." in err.splitlines()


def test_a_figure_update_is_in_the_history_with_the_file_name(tmp_path, user):
    figure = YearlyFigure.objects.get(
        committee__code="HN-KCNCX", as_of=datetime.date(2021, 12, 31), metric="party_members"
    )
    assert figure.value == 1294
    path = write(tmp_path, "so-lieu-2021.csv", [FIG, ["HN-KCNCX", "31/12/2021", "96", "1.300"]])

    out, _err = command("figures", path)

    assert out.splitlines()[-1] == "1 rows imported: 0 new, 1 updated, 0 unchanged, 0 errors"
    latest, previous = figure.history.order_by("-history_date", "-history_id")[:2]
    assert (previous.value, latest.value) == (1294, 1300)
    assert "so-lieu-2021.csv" in latest.history_change_reason
    assert latest.history_user == user("canbo")
    assert latest.history_type == "~"


def test_a_new_organization_is_in_the_history_with_the_file_name(tmp_path, user):
    path = write(tmp_path, "to-chuc-moi.csv", [ORGANIZATIONS, CELL])
    command("organizations", path)
    created = PartyOrganization.objects.get(code=CELL[0]).history.get()
    assert "to-chuc-moi.csv" in (created.history_change_reason or "")
    assert created.history_user == user("canbo")


# A change reason is stored in a column of 100 characters (simple_history's default); the
# command line's reason holds the file name, which may be long.
def test_a_long_file_name_does_not_break_the_history(tmp_path):
    path = write(
        tmp_path,
        "bao-cao-so-lieu-dang-bo-khu-cong-nghiep-va-che-xuat-ha-noi-nam-2021-ban-chinh-thuc.csv",
        [FIG, ["HN-KCNCX", "31/12/2021", "96", "1.300"], ["HN-QM", "31/12/2023", "9", "120"]],
    )
    out, err = command("figures", path)
    assert err == ""
    assert out.splitlines()[-1] == "2 rows imported: 1 new, 1 updated, 0 unchanged, 0 errors"


def test_unknown_user_read_only_user_and_missing_file_are_refused(tmp_path):
    path = write(tmp_path, "figures.csv", GOOD["figures"][0])
    with pytest.raises(CommandError, match="Unknown user"):
        command("figures", path, user="nobody")
    with pytest.raises(CommandError, match="may not import"):
        command("figures", path, user="lanhdao")
    with pytest.raises(CommandError, match="No such file"):
        command("figures", tmp_path / "missing.csv")


def test_another_committees_user_cannot_reach_this_committee(tmp_path):
    before = demo_snapshot()
    path = write(tmp_path, "figures.csv", GOOD["figures"][0])
    _out, err = failing("figures", path, user="canbo.hp")
    assert "row 2, committee: No committee with the code “HN-KCNCX” in your scope." in err
    assert snapshot() == before
