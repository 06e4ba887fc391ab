"""Holes a review of the imports found, each kept closed by a test: scope oracles, data a
file could erase or misdirect, crashes, and races between the flow's buttons."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from members.imports import MembersFormat
from members.models import Member
from organizations.models import Enterprise, PartyOrganization
from reports import statistics
from reports.importing import batches, exports
from reports.models import ImportBatch
from tests.imports import messages, run

pytestmark = pytest.mark.django_db
MH = "full_name,gender,organization,card_number,national_id,admitted_on"
OH = "code,name,kind,parent,zone,enterprise,established_on"


# 1 ---------------------------------------------------------------------------------------
def test_1_staff_cannot_move_the_ledger_start_of_the_committees_above(user, english):
    day = datetime.date(2022, 5, 31)
    tu = PartyOrganization.objects.get(code="TU-HN")
    before = statistics.stock(tu, day)["party_members"].value
    data = (
        f"{OH},ledger_starts_on\n"
        "HN-NEWX,Chi bộ mới,grassroots_cell,HN-KCNCX,,,01/01/2023,31/12/2099\n"
    ).encode()
    summary = run("organizations", user("canbo"), data)
    assert not summary.committed
    assert messages(summary, 2) == ["Only a new zone committee's ledger start can be set."]
    assert statistics.stock(tu, day)["party_members"].value == before


# 2 ---------------------------------------------------------------------------------------
def test_2_enterprise_looked_up_by_name_only_repoints_to_another_committees(user, english):
    admin = user("admin")
    before = PartyOrganization.objects.get(code="HP-002").enterprise
    data = "".join(
        exports.csv_lines(exports.header("organizations"), exports.rows("organizations", admin))
    ).encode()
    summary = run("organizations", admin, data)  # re-import of an unedited export
    after = (
        PartyOrganization.objects.select_related("enterprise__committee")
        .get(code="HP-002")
        .enterprise
    )
    print(
        "changed rows:",
        summary.changed,
        "| HP-002 enterprise",
        before.pk,
        before.committee.code,
        "->",
        after.pk,
        after.committee.code,
    )
    assert after.pk == before.pk


def test_2b_an_enterprise_is_looked_up_in_the_rows_zone(user, english):
    other = Enterprise.objects.filter(
        committee__code="HN-KCNCX", zone__code="KCN-QUANGMINH"
    ).first()
    organization = PartyOrganization.objects.get(code="HN-001")
    data = (
        f"{OH}\nHN-001,{organization.name},grassroots_cell,HN-KCNCX,KCN-THANGLONG,"
        f"{other.name},01/01/2013\n"
    )
    summary = run("organizations", user("canbo"), data.encode())
    assert not summary.committed
    assert "in zone KCN-THANGLONG" in messages(summary, 2)[0]
    assert PartyOrganization.objects.get(code="HN-001").enterprise_id == organization.enterprise_id


# 3 ---------------------------------------------------------------------------------------
def test_3_members_linkage_oracle_across_committees(user, english):
    hn = (
        Member.objects.filter(
            organization__path__startswith=PartyOrganization.objects.get(code="HN-KCNCX").path
        )
        .exclude(card_number="")
        .exclude(national_id="")
    )
    a, b = hn[0], hn[1]
    hp = user("canbo.hp")

    def ask(card, nid):
        s = run(
            "members", hp, f"{MH}\nX,male,HP-001,{card},{nid},01/01/2020\n".encode(), commit=False
        )
        return messages(s, 2)

    same, other, nobody = (
        ask(a.card_number, a.national_id),
        ask(a.card_number, b.national_id),
        ask(a.card_number, "999999999"),
    )
    print("A's card + A's ID   :", same)
    print("A's card + B's ID   :", other)
    print("A's card + unknown  :", nobody)
    assert same == other


# 4 ---------------------------------------------------------------------------------------
def test_4_far_future_birth_date_500_and_batch_stuck(login, tmp_path):
    client = login("canbo")
    client.raise_request_exception = False
    data = f"{MH},birth_date\nX,male,HN-001,99900001,,01/01/2020,01/01/9999\n".encode()
    with override_settings(IMPORT_ROOT=tmp_path):
        r = client.post(
            "/reports/imports/new/",
            {"format": "members", "file": SimpleUploadedFile("m.csv", data)},
        )
        batch = ImportBatch.objects.latest("pk")
        client.post(f"/reports/imports/{batch.pk}/cancel/")
        batch.refresh_from_db()
        batches.prune_imports(now=batch.created_at + datetime.timedelta(days=30))
        print(
            "upload:",
            r.status_code,
            "| state after cancel + prune:",
            batch.state,
            "| files kept:",
            sorted(p.name for p in tmp_path.iterdir()),
        )
    assert r.status_code != 500


# 5 ---------------------------------------------------------------------------------------
def test_5_missing_optional_columns_clear_existing_data(user, english):
    m = (
        Member.objects.filter(organization__code="HN-001")
        .exclude(card_number="")
        .exclude(ethnicity="")
        .exclude(birth_date=None)
        .exclude(official_on=None)
        .first()
    )
    data = (
        "full_name,gender,organization,card_number,admitted_on,official_on,status\n"
        f"{m.full_name},{m.gender},HN-001,{m.card_number},{m.admitted_on:%d/%m/%Y},"
        f"{m.official_on:%d/%m/%Y},{m.status}\n"
    ).encode()
    run("members", user("canbo"), data)
    o = PartyOrganization.objects.get(code="HN-001")
    run(
        "organizations",
        user("canbo"),
        f"code,name,kind,parent,established_on\nHN-001,{o.name},grassroots_cell,HN-KCNCX,01/01/2013\n".encode(),
    )
    m2, o2 = Member.objects.get(pk=m.pk), PartyOrganization.objects.get(pk=o.pk)
    print(
        "member:",
        (m.birth_date, m.ethnicity, m.education, m.position),
        "->",
        (m2.birth_date, m2.ethnicity, m2.education, m2.position),
    )
    print(
        "HN-001 zone/enterprise:",
        (o.zone_id, o.enterprise_id),
        "->",
        (o2.zone_id, o2.enterprise_id),
    )
    assert (m2.ethnicity, o2.zone_id) == (m.ethnicity, o.zone_id)


# 6 ---------------------------------------------------------------------------------------
def test_6_control_characters_are_refused_and_never_break_an_xlsx_export(login, user, english):
    data = f"{MH}\nA\x01B,male,HN-001,99900001,,02/03/2020\n".encode()
    summary = run("members", user("canbo"), data)
    assert messages(summary, 2) == [
        "Must not contain control characters (non-printing characters)."
    ]
    # A record that holds one anyway (from before) still exports.
    Member.objects.filter(organization__code="HN-001").update(full_name="A\x01B")
    client = login("canbo")
    assert client.get("/reports/imports/export/members/?type=xlsx").status_code == 200
    assert client.get("/members/?_export=xlsx").status_code == 200


# 7 ---------------------------------------------------------------------------------------
def test_7_same_existing_member_twice_passes_when_rows_fall_in_two_chunks(user, english):
    m = (
        Member.objects.filter(organization__code="HN-001")
        .exclude(card_number="")
        .exclude(official_on=None)
        .exclude(birth_date=None)
        .first()
    )
    head = (
        "full_name,gender,birth_date,organization,card_number,national_id,admitted_on,"
        "official_on,status,ethnicity,education,position\n"
    )

    def line(e):
        return (
            f"{m.full_name},{m.gender},{m.birth_date:%d/%m/%Y},HN-001,{m.card_number},"
            f"{m.national_id},{m.admitted_on:%d/%m/%Y},{m.official_on:%d/%m/%Y},"
            f"{m.status},{e},{m.education},{m.position}\n"
        )

    data = (head + line("Tày") + line("Nùng")).encode()
    one = run("members", user("canbo"), data, commit=False)
    two = run("members", user("canbo"), data, commit=False, chunk_rows=1)
    print(
        "same chunk failed:",
        one.failed,
        "| two chunks failed:",
        two.failed,
        "changed:",
        two.changed,
    )
    assert one.failed == two.failed


# 8 ---------------------------------------------------------------------------------------
def test_8_cancel_on_stale_batch_races_confirm(user, tmp_path, django_capture_on_commit_callbacks):
    data = b"committee,period,metric,kind,value\nHN-KCNCX,2027,members_admitted,plan,77\n"
    with override_settings(IMPORT_ROOT=tmp_path, IMPORT_BACKGROUND_BYTES=0):
        batch = batches.import_batch_create(
            user=user("canbo"), format_name="targets", uploaded=SimpleUploadedFile("t.csv", data)
        )
        with django_capture_on_commit_callbacks(execute=True):
            batches.import_batch_start(batch, commit=False)
        stale = ImportBatch.objects.get(pk=batch.pk)  # cancel request has loaded it
        with django_capture_on_commit_callbacks() as jobs:
            batches.import_batch_start(batch, commit=True)  # confirm wins: state -> importing
        batches.import_batch_cancel(stale)  # no "running" refusal: stale state
        state_after_cancel = ImportBatch.objects.get(pk=batch.pk).state
        for job in jobs:
            try:
                job()
            except Exception as exc:
                print("worker:", type(exc).__name__)
        batch.refresh_from_db()
        print("after cancel:", state_after_cancel, "| final:", batch.state, batch.summary)
    assert state_after_cancel == "importing"


# 9 -------------------------------------------------------------------------
def test_9_staff_cannot_change_their_own_committee(user, english):
    data = f"{OH}\nHP-KKT,Renamed by staff,zone_committee,TU-HP,KCN-THANGLONG,,01/01/2013\n"
    summary = run("organizations", user("canbo.hp"), data.encode())
    assert messages(summary, 2) == ["You cannot change your own committee."]
    assert PartyOrganization.objects.get(code="HP-KKT").name != "Renamed by staff"


def test_10_copy_errors_escape_run_as_raw_psycopg2_exceptions(user, english, monkeypatch):
    original = MembersFormat.classify
    taken = Member.objects.filter(organization__code="HN-001").first()

    def classify(self, rows):  # a concurrent import commits the same card number meanwhile
        original(self, rows)
        Member.objects.filter(pk=taken.pk).update(card_number="99900001")

    monkeypatch.setattr(MembersFormat, "classify", classify)
    data = (
        b"full_name,gender,organization,card_number,admitted_on\n"
        b"A,male,HN-001,99900001,02/03/2020\n"
    )
    summary = run("members", user("canbo"), data)  # SQLite: "The database refused the import..."
    assert not summary.committed


def test_11_nul_in_a_cell_crashes_on_postgresql(user, english):
    text = (
        "code,name,kind,parent,established_on\nHN-NUL1,A\x00B,grassroots_cell,HN-KCNCX,01/01/2020\n"
    )
    summary = run("organizations", user("canbo"), text.encode("utf-16"), commit=False)
    assert summary.messages
