"""Malformed files are refused with a clear message and change nothing; good files import.

The corpus is written by `make_corpus.py` (run it after changing a case). Every malformed file
is imported with commit=True, the strictest run: whatever the engine wrote before it found the
error must be rolled back, so every table an import can touch is compared, row by row, with
its state before the run.
"""

import datetime
import unicodedata

import pytest

from members.models import Member
from organizations.models import PartyOrganization
from reports.models import YearlyFigure
from tests.imports import demo_snapshot, messages, run, snapshot
from tests.imports.make_corpus import (
    CORPUS,
    FIG,
    FORMULA_NAMES,
    GOOD_ROW,
    MALFORMED,
    MEMBER,
    MEMBERS,
    ORGANIZATIONS,
    files,
    utf8,
)

pytestmark = pytest.mark.django_db
BY_NAME = {case.name: case for case in MALFORMED}
DEC_31 = datetime.date(2023, 12, 31)


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def figures(code: str, as_of: datetime.date = DEC_31) -> dict[str, int]:
    return dict(
        YearlyFigure.objects.filter(committee__code=code, as_of=as_of).values_list(
            "metric", "value"
        )
    )


# The corpus ---------------------------------------------------------------------------------


def test_corpus_is_up_to_date():
    on_disk = {path.name: path.read_bytes() for path in CORPUS.iterdir()}
    wanted = files()
    assert sorted(on_disk) == sorted(wanted), "run tests/imports/make_corpus.py"
    stale = [name for name, data in wanted.items() if on_disk[name] != data]
    assert stale == [], "run tests/imports/make_corpus.py"


def test_corpus_covers_every_format():
    assert len(MALFORMED) >= 30
    assert {case.format for case in MALFORMED} == {"figures", "targets", "organizations", "members"}


# Malformed files ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", MALFORMED, ids=lambda case: case.name)
def test_malformed_file_is_refused_and_changes_nothing(case, user, english):
    before = demo_snapshot()
    data = corpus(case.name)
    if case.name == "members-card-of-other-committee.csv":
        # The demo's card numbers are drawn at random (issue 17): the file's stands for a
        # card of Hai Phong's.
        from members.models import Member

        card = Member.objects.filter(organization__code__startswith="HP-").exclude(card_number="")
        data = data.replace(b"3000471", card.order_by("pk").first().card_number.encode())

    summary = run(case.format, user(case.user), data, commit=True)

    assert not summary.ok
    assert not summary.committed
    found = messages(summary, case.row)
    assert any(case.expect in message for message in found), summary.messages
    assert snapshot() == before
    # The preview is the same run, rolled back: it finds the same errors.
    preview = run(case.format, user(case.user), data, commit=False)
    assert preview.messages == summary.messages
    assert snapshot() == before


@pytest.mark.parametrize(
    "name", ["id-column-other-committee.csv", "organizations-id-column-other-committee.csv"]
)
def test_id_column_is_announced_as_ignored(name, user, english):
    case = BY_NAME[name]
    summary = run(case.format, user(case.user), corpus(name))
    assert summary.notices == ["The column “id” holds record ids; they are ignored."]


VIETNAMESE = {
    "empty.csv": "Tệp rỗng: không có dòng tiêu đề.",
    "picture.png": "Tệp không phải bảng tính CSV hoặc XLSX.",
    "missing-column.csv": "Thiếu cột: as_of.",
    "date-31-february.csv": "“31/02/2022” không phải ngày có thật.",
    "count-in-words.csv": "“mười” không phải số nguyên.",
    "other-committee.csv": "Không có đảng bộ mang mã “HP-KKT” trong phạm vi của bạn.",
}


@pytest.mark.parametrize(("name", "expect"), VIETNAMESE.items(), ids=list(VIETNAMESE))
def test_message_in_vietnamese(name, expect, user, vietnamese):
    case = BY_NAME[name]
    summary = run(case.format, user(case.user), corpus(name))
    assert not summary.ok
    assert expect in messages(summary, case.row), summary.messages


def test_large_file_with_a_bad_last_row_is_refused_and_changes_nothing(user, english, tmp_path):
    """50 MB: 20,000 rows of figures, each followed by the blank rows (cells padded with
    spaces) that exports from older systems are full of, then one bad row at the very end.
    The rows before it are valid and are written chunk by chunk, then rolled back."""
    before = demo_snapshot()
    path = tmp_path / "figures-50mb.csv"
    size = 50 * 1024 * 1024
    data_rows, blank = 20_000, ",".join([" " * 60] * len(FIG)) + "\r\n"
    per_row = size // data_rows // len(blank) + 1
    number = 1
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(FIG) + "\r\n")
        start = datetime.date(1950, 1, 1)
        for index in range(data_rows):
            code = ("HN-KCNCX", "HN-QM")[index % 2]
            as_of = start + datetime.timedelta(days=index // 2)
            out.write(f"{code},{as_of:%d/%m/%Y},{index % 90},{1000 + index}\r\n")
            out.write(blank * per_row)
            number += 1 + per_row
        out.write("HN-KCNCX,31/02/2022,96,1250\r\n")
        last = number + 1
    assert path.stat().st_size >= size

    with path.open("rb") as binary:
        summary = run("figures", user("canbo"), binary, commit=True)

    assert not summary.ok
    assert not summary.committed
    assert summary.messages[0] == (last, "as_of", "“31/02/2022” is not a real date.")
    assert {row for row, _column, _message in summary.messages} == {last}
    assert (summary.rows, summary.new, summary.failed) == (data_rows + 1, data_rows, 1)
    assert snapshot() == before


@pytest.mark.parametrize(
    "name",
    [
        "date-31-february.csv",
        "targets-term-reversed.csv",
        "organizations-formula-names-then-bad-date.csv",
    ],
)
def test_a_bad_cell_is_not_also_reported_as_empty(name, user, english):
    case = BY_NAME[name]
    summary = run(case.format, user(case.user), corpus(name))
    assert "This cell is required." not in messages(summary, case.row)


def test_rows_written_before_a_failing_row_are_rolled_back(user):
    """Small chunks: the organizations of the first chunks are in the database when the
    last row fails; none of them is left afterwards."""
    before = demo_snapshot()
    seen = []

    def on_rows(rows):
        seen.append(PartyOrganization.objects.filter(code__startswith="HN-F0").count())

    summary = run(
        "organizations",
        user("canbo"),
        corpus("organizations-formula-names-then-bad-date.csv"),
        chunk_rows=2,
        on_rows=on_rows,
    )
    assert not summary.ok
    assert seen[:2] == [2, 4]
    assert snapshot() == before


def test_members_duplicate_in_another_chunk_is_an_error(user, english):
    data = utf8([MEMBERS, MEMBER, ["Nguyễn Thị Lan Anh", *MEMBER[1:]]])
    summary = run("members", user("canbo"), data, commit=False, chunk_rows=1)
    assert not summary.ok
    assert "already in an earlier row of this file" in " ".join(messages(summary, 3))


def test_undecodable_byte_is_reported_at_its_row(user, english):
    rows = [FIG] + [
        ["HN-KCNCX", f"{1 + n % 28:02d}/01/{1900 + n // 28}", "1", "2"] for n in range(3000)
    ]
    data = utf8(rows) + b"HN-\x81,31/12/2023,1,2\r\n"
    summary = run("figures", user("canbo"), data)
    assert summary.file_errors == ["Row 3002 is not valid text in cp1258."]


# Good files -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("good-utf8-bom.csv", "utf-8-sig"),
        ("good-utf16-le.csv", "utf-16"),
        ("good-utf16-be.csv", "utf-16"),
        ("good-semicolons.csv", "utf-8"),
    ],
)
def test_encodings_and_separators(name, encoding, user):
    summary = run("figures", user("canbo"), corpus(name))
    assert summary.ok, summary.messages
    assert (summary.committed, summary.encoding, summary.new) == (True, encoding, 1)
    assert figures("HN-KCNCX") == {"party_organizations": 97, "party_members": 1300}
    assert (
        YearlyFigure.objects.get(
            committee__code="HN-KCNCX", as_of=DEC_31, metric="party_members"
        ).source
        == "imported"
    )


def test_thousands_separators(user):
    summary = run("figures", user("canbo"), corpus("good-thousands.csv"))
    assert summary.ok, summary.messages
    values = YearlyFigure.objects.filter(
        committee__code="HN-KCNCX", as_of__year=2023, metric="trade_union_members"
    )
    assert sorted(values.values_list("as_of__day", "value")) == [
        (28, 135460),
        (29, 135460),
        (30, 135460),
        (31, 135460),
    ]


def test_vietnamese_headers(user):
    summary = run("figures", user("canbo"), corpus("good-vietnamese-headers.csv"))
    assert summary.ok, summary.messages
    assert figures("HN-QM") == {
        "party_organizations": 9,
        "party_members": 120,
        "organizations_established": 1,
        "organizations_received": 0,
        "members_admitted": 11,
        "trade_unions": 8,
        "trade_union_members": 5400,
        "youth_unions": 3,
        "youth_union_members": 410,
    }


def test_xlsx(user):
    summary = run("figures", user("canbo"), corpus("good-figures.xlsx"))
    assert summary.ok, summary.messages
    assert (summary.encoding, summary.new) == ("xlsx", 2)
    assert figures("HN-KCNCX")["trade_union_members"] == 135460
    assert len(figures("HN-KCNCX")) == 9
    assert figures("HN-QM") == {"party_organizations": 9, "party_members": 120}


def test_windows_1258_is_stored_as_nfc(user):
    data = corpus("good-organizations-cp1258.csv")
    name = "Đảng ủy Khu công nghiệp Hòa Khánh"
    # The file holds "ả" as "a" and a combining hook above (0xD2), as Windows writes it.
    assert b"a\xd2ng" in data
    summary = run("organizations", user("canbo"), data)
    assert summary.ok, summary.messages
    assert summary.encoding == "cp1258"
    stored = PartyOrganization.objects.get(code="HN-T01").name
    assert stored == unicodedata.normalize("NFC", name)
    assert unicodedata.is_normalized("NFC", stored)


def test_formula_like_names_are_stored_as_text(user):
    summary = run("organizations", user("canbo"), corpus("good-organizations-formula-names.csv"))
    assert summary.ok, summary.messages
    names = dict(
        PartyOrganization.objects.filter(code__startswith="HN-F0").values_list("code", "name")
    )
    assert names == {
        **{f"HN-F0{n}": name for n, name in enumerate(FORMULA_NAMES, start=1)},
        # The apostrophe our exports put before a formula is taken off again.
        "HN-F08": "=SUM(B2:B9)",
    }


def test_id_column_never_updates_another_committees_figures(user):
    """Ids of Hải Phòng's figures next to Hà Nội's rows: the Hà Nội figure changes, by its
    committee and date; the figures with those ids stay as they were."""
    theirs = YearlyFigure.objects.filter(committee__code="HP-KKT")
    before = list(theirs.order_by("pk").values_list("pk", "as_of", "metric", "value"))
    history = YearlyFigure.history.filter(committee__code="HP-KKT").count()
    ids = [str(pk) for pk, *_rest in before]
    data = utf8(
        [["id", *FIG]]
        + [
            [ids[0], "HN-KCNCX", "31/12/2021", "96", "1300"],
            [ids[1], "HN-QM", "31/12/2023", "9", "120"],
        ]
    )
    summary = run("figures", user("canbo"), data)
    assert summary.ok, summary.messages
    assert (summary.new, summary.changed, summary.committed) == (1, 1, True)
    assert figures("HN-KCNCX", datetime.date(2021, 12, 31))["party_members"] == 1300
    assert list(theirs.order_by("pk").values_list("pk", "as_of", "metric", "value")) == before
    assert YearlyFigure.history.filter(committee__code="HP-KKT").count() == history


def test_id_column_never_updates_another_committees_organization(user):
    theirs = PartyOrganization.objects.get(code="HP-001")
    ours = PartyOrganization.objects.get(code="HN-001")
    history = theirs.history.count()
    data = utf8(
        [
            ["id", *ORGANIZATIONS],
            [
                str(theirs.pk),
                "HN-001",
                "Chi bộ Công ty TNHH Horn Việt Nam (đổi tên)",
                ours.kind,
                "HN-KCNCX",
                ours.zone.code,
                ours.enterprise.name,
                "19/06/2012",
                "",
            ],
        ]
    )
    summary = run("organizations", user("canbo"), data)
    assert summary.ok, summary.messages
    assert summary.changed == 1
    assert PartyOrganization.objects.get(pk=ours.pk).name.endswith("(đổi tên)")
    unchanged = PartyOrganization.objects.get(pk=theirs.pk)
    assert (unchanged.code, unchanged.name) == (theirs.code, theirs.name)
    assert unchanged.history.count() == history


def test_members_good_file(user):
    summary = run("members", user("canbo"), utf8([MEMBERS, MEMBER]))
    assert summary.ok, summary.messages
    assert Member.objects.get(card_number=MEMBER[4]).organization.code == "HN-001"


def million_unknown_columns() -> bytes:
    """A figures file whose header has a million unknown columns, the first one 80 long."""
    names = ["x" * 80, *(f"c{n}" for n in range(1, 1_000_000))]
    return utf8([[*FIG, *names], GOOD_ROW])


def test_a_million_unknown_columns_make_a_short_message(user, english):
    """Issue 17.6: such a file stored and showed a message of 8.9 MB. It names the first 20
    columns, each cut to 50 characters, and counts the others; the header's id columns and
    twice-named columns are told once each."""
    before = snapshot()
    summary = run("figures", user("canbo"), million_unknown_columns())
    assert not summary.ok
    [message] = messages(summary, None)
    listed = ", ".join(["x" * 49 + "…", *(f"c{n}" for n in range(1, 20))])
    assert message.startswith(f"Unknown columns: {listed} and 999,980 more. The columns")
    assert len(message) < 600
    assert snapshot() == before


def test_the_count_of_other_columns_in_vietnamese(user, vietnamese):
    header = [*FIG, *(f"c{n}" for n in range(25))]
    summary = run("figures", user("canbo"), utf8([header, GOOD_ROW]))
    [message] = messages(summary, None)
    assert "c18, c19 và 5 cột khác. " in message


def test_id_columns_and_a_column_named_twice_are_told_once(user, english):
    header = [*FIG, "id", "ID", "id", "party_members", "party_members"]
    summary = run("figures", user("canbo"), utf8([header, [*GOOD_ROW, "1", "2", "3", "4", "5"]]))
    assert summary.notices == ["The column “id” holds record ids; they are ignored."]
    assert messages(summary, None) == ["The column “party_members” appears twice."]
