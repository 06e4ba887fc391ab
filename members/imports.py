"""Import format for Party members: lists from older systems, up to a province at a time.

Built for volume: each chunk of rows is checked against the database in two queries, and new
members, their ledger events and their history rows are written with COPY (PostgreSQL) in
the run's transaction, instead of one `save()` per row. Every row is still validated and
every failure is reported against its row; nothing is kept unless every row passed.

A new member's ledger starts with an "admitted" event on `admitted_on` in `organization`. A
member admitted before that organization existed (admitted elsewhere, years ago) starts with
a "transferred in" event on the day the organization was founded, so that no organization
counts members before it existed. A member already on record (same card number or national
ID) in the user's scope has their personal details updated; their Party data (organization,
dates, status) change only through the member's page, where each change is an event.
"""

import datetime

from django.db import connection
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config import audit
from config.dates import add_months, dmy, today
from config.names import name_keys
from config.versioning import with_version
from members.models import (
    Ethnicity,
    Gender,
    Member,
    MemberEvent,
    PoliticalTheory,
    Position,
    Qualification,
    Religion,
    Status,
    ethnicity_from_text,
)
from members.services import MEMBER_ORGANIZATION_KINDS, MINIMUM_AGE, PROBATION_MONTHS
from organizations.models import OrganizationEvent, PartyOrganization
from reports import summaries
from reports.importing.bulk import index_scans, insert_into, insert_with_history, reserve_ids
from reports.importing.engine import Action, Column, ImportFormat, Row
from reports.importing.values import (
    CellError,
    parse_date,
    parse_text,
)

PERSONAL = (
    "full_name", "gender", "birth_date", "ethnicity", "religion", "education", "qualification",
    "political_theory", "position", "from_pipeline",
)  # fmt: skip
PARTY = ("organization", "admitted_on", "official_on", "status")
MEMBER_COLUMNS = [
    "id", "full_name", "gender", "birth_date", "ethnicity", "education", "position",
    "card_number", "national_id", "organization_id", "status", "admitted_on", "official_on",
    "religion", "qualification", "political_theory", "from_pipeline", "search_key", "sort_key",
]  # fmt: skip
# Vietnamese names as the offices write them; the labels' translations are accepted too.
RELIGION_ALIASES = (
    ("không", "none"), ("không có", "none"), ("phật giáo", "buddhism"),
    ("công giáo", "catholicism"), ("thiên chúa giáo", "catholicism"),
    ("tin lành", "protestantism"), ("cao đài", "cao_dai"), ("hòa hảo", "hoa_hao"),
    ("phật giáo hòa hảo", "hoa_hao"), ("hồi giáo", "islam"), ("khác", "other"),
)  # fmt: skip
QUALIFICATION_ALIASES = (
    ("không", "none"), ("chưa qua đào tạo", "none"), ("trung cấp", "vocational"),
    ("sơ cấp nghề", "vocational"), ("công nhân kỹ thuật", "vocational"),
    ("cao đẳng", "college"), ("đại học", "university"), ("thạc sĩ", "master"),
    ("thạc sỹ", "master"), ("tiến sĩ", "doctorate"), ("tiến sỹ", "doctorate"),
)  # fmt: skip
THEORY_ALIASES = (
    ("không", "none"), ("chưa", "none"), ("sơ cấp", "elementary"),
    ("trung cấp", "intermediate"), ("cao cấp", "advanced"), ("cử nhân", "advanced"),
)  # fmt: skip
# "from_pipeline" is written yes/no (có/không); an empty cell is "unknown".
PIPELINE_CHOICES = (("yes", gettext_lazy("yes")), ("no", gettext_lazy("no")))
PIPELINE_ALIASES = (
    ("có", "yes"), ("không", "no"), ("true", "yes"), ("false", "no"), ("1", "yes"), ("0", "no"),
    ("x", "yes"),
)  # fmt: skip
EVENT_COLUMNS = [
    "id", "member_id", "kind", "date", "decision_number", "organization_id", "status_after",
    "ended_on", "other_unit", "note",
]  # fmt: skip


def parse_national_id(value) -> str:
    text = parse_text(value, max_length=12)
    if text and not (text.isdigit() and len(text) in (9, 12)):
        raise CellError(_("A national ID number has 9 or 12 digits."))
    return text


def parse_ethnicity(value) -> str:
    """An ethnic group by its code or name, in any spelling ("Tày", "Tay", "H'Mông")."""
    text = parse_text(value, max_length=50)
    if not text:
        return ""
    found = ethnicity_from_text(text)
    if found is None:
        raise CellError(
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": text, "allowed": ", ".join(Ethnicity.values)}
        )
    return found


class MembersFormat(ImportFormat):
    """One row per member; `organization` is the code of their grassroots organization or cell."""

    name = "members"
    columns = (
        Column("full_name", "Họ và tên", required=True, example="Nguyễn Thị Lan"),
        Column("gender", "Giới tính", required=True, example="female", choices=Gender.choices),
        Column("birth_date", "Ngày sinh", example="12/05/1990"),
        Column("organization", "Tổ chức đảng", required=True, example="HN-CX-01"),
        Column("card_number", "Số thẻ đảng viên", example="01234567"),
        Column("national_id", "Số CCCD", example="001190012345"),
        Column("admitted_on", "Ngày vào Đảng", required=True, example="03/02/2021"),
        Column("official_on", "Ngày chính thức", example="03/02/2022"),
        Column(
            "status",
            "Trạng thái",
            example="official",
            choices=Status.choices,
            aliases=(("dự bị", Status.PROBATIONARY), ("chính thức", Status.OFFICIAL)),
        ),
        Column(
            "ethnicity",
            "Dân tộc",
            example="Kinh",
            choices=Ethnicity.choices,
        ),
        Column("education", "Trình độ học vấn", example="12/12"),
        Column("position", "Chức vụ", example="worker", choices=Position.choices),
        Column(
            "religion",
            "Tôn giáo",
            example="none",
            choices=Religion.choices,
            aliases=RELIGION_ALIASES,
        ),
        Column(
            "qualification",
            "Trình độ chuyên môn",
            example="university",
            choices=Qualification.choices,
            aliases=QUALIFICATION_ALIASES,
        ),
        Column(
            "political_theory",
            "Lý luận chính trị",
            example="elementary",
            choices=PoliticalTheory.choices,
            aliases=THEORY_ALIASES,
        ),
        Column(
            "from_pipeline",
            "Từ quần chúng ưu tú",
            example="yes",
            choices=PIPELINE_CHOICES,
            aliases=PIPELINE_ALIASES,
        ),
    )
    key = ()  # duplicates are found by card number and national ID in `classify`
    # What the new members add to the summary rows is gathered in memory, and goes to the rows
    # once, at the end (`finish`), inside the run's transaction as every summary write. Each
    # member brings keys of its own (the birthdays on which it changes age band), so a long
    # file would hold them all and the import's memory would grow with the file (350 MiB of
    # heap at 200,000 rows): past this many keys they are set aside in a temporary table
    # (`_spill`), and `finish` reads them back a batch of committees at a time. Summary rows
    # written in the middle of the run would hold the summary writers' lock from there on,
    # making every admission elsewhere wait for the rest of the import.
    SPILL_KEYS = 400_000
    SPILL_TABLE = "import_member_contributions"

    def __init__(self, user, **kwargs):
        super().__init__(user, **kwargs)
        scope = PartyOrganization.objects.for_user(user)
        founded = dict(
            OrganizationEvent.objects.filter(
                organization__in=scope, kind__in=OrganizationEvent.STARTING_KINDS
            )
            .values("organization")
            .annotate(first=Min("date"))
            .values_list("organization", "first")
        )
        # Every organization of the scope, by code: bounded by the tree, not by the file.
        self.organizations = {
            code: (pk, kind, active, founded.get(pk))
            for pk, code, kind, active in scope.values_list("pk", "code", "kind", "is_active")
        }
        self.codes = {pk: code for code, (pk, *_rest) in self.organizations.items()}
        self.today = today()
        self.now = timezone.now()
        self.contributions = summaries.Contributions()
        self.tree = summaries.TreeHistory()
        self.user_id = getattr(user, "pk", None)
        self.spilled = False

    def _created_here(self, member_ids: set[int]) -> set[int]:
        """Which of these members this run wrote: their history row carries its stamp.

        Asking the database keeps memory flat; remembering every new member would not.
        """
        if not member_ids:
            return set()
        return set(
            Member.history.filter(
                id__in=member_ids,
                history_date=self.now,
                history_change_reason=self.reason,
            ).values_list("id", flat=True)
        )

    def parse(self, row: Row, cells: dict) -> None:
        cell = self.cell
        values = {
            "full_name": cell(row, cells, "full_name", parse_text, max_length=200),
            "gender": self.choice(row, cells, "gender"),
            "birth_date": cell(row, cells, "birth_date", parse_date),
            "organization": cell(row, cells, "organization", parse_text, max_length=32),
            "card_number": cell(row, cells, "card_number", parse_text, max_length=20),
            "national_id": cell(row, cells, "national_id", parse_national_id),
            "admitted_on": cell(row, cells, "admitted_on", parse_date),
            "official_on": cell(row, cells, "official_on", parse_date),
            "status": self.choice(row, cells, "status"),
            "ethnicity": cell(row, cells, "ethnicity", parse_ethnicity) or "",
            "religion": self.choice(row, cells, "religion") or "",
            "education": cell(row, cells, "education", parse_text, max_length=50),
            "qualification": self.choice(row, cells, "qualification") or "",
            "political_theory": self.choice(row, cells, "political_theory") or "",
            "position": self.choice(row, cells, "position") or "",
            "from_pipeline": {"yes": True, "no": False}.get(
                self.choice(row, cells, "from_pipeline")
            ),
        }
        row.values = values
        # Cells left empty (or columns left out): for a member on record, they mean "unknown"
        # and keep what is there.
        row.blank = {key for key, value in values.items() if value in (None, "")}
        if row.errors:
            return
        for key in ("full_name", "gender", "organization"):
            self.require(row, key, values[key])
        if not values["card_number"] and not values["national_id"]:
            row.fail("card_number", _("Give the Party card number or the national ID number."))
        if row.errors:
            return
        admitted, official = values["admitted_on"], values["official_on"]
        for key in ("birth_date", "admitted_on", "official_on"):
            if values[key] and values[key] > self.today:
                row.fail(key, _("The date is in the future."))
        birth = values["birth_date"]
        if birth and admitted and add_months(birth, 12 * MINIMUM_AGE) > admitted:
            row.fail(
                "birth_date",
                _("A member must be at least %(age)d years old.") % {"age": MINIMUM_AGE},
            )
        if official and not admitted:
            row.fail("admitted_on", _("An official date needs the date of admission."))
        elif official and official < add_months(admitted, PROBATION_MONTHS):
            row.fail(
                "official_on",
                _("Official membership comes no earlier than %(date)s, 12 months after admission.")
                % {"date": dmy(add_months(admitted, PROBATION_MONTHS))},
            )
        status = values["status"] or (Status.OFFICIAL if official else Status.PROBATIONARY)
        values["status"] = status
        if status == Status.PROBATIONARY and official:
            row.fail("status", _("A probationary member has no official date."))
        found = self.organizations.get(values["organization"])
        if found is None:
            row.fail(
                "organization",
                _("No organization with the code “%(code)s” in your scope.")
                % {"code": values["organization"]},
            )
        elif found[1] not in MEMBER_ORGANIZATION_KINDS:
            row.fail("organization", _("Members belong to a grassroots organization or a cell."))
        row.organization = found

    def classify(self, rows: list[Row]) -> None:
        cards = {row.values["card_number"] for row in rows} - {""}
        national_ids = {row.values["national_id"] for row in rows} - {""}
        # Looked up in every committee, not only the user's: the same person must not be
        # entered twice. Outside the scope this only ever yields one message, never data.
        # The "<> ''" conditions repeat those of the partial unique indexes: without them
        # PostgreSQL cannot use the indexes for an IN list of more than 100 values and every
        # chunk would read the whole members table. No ORDER BY is needed.
        with index_scans():
            existing = list(
                Member.objects.filter(
                    (Q(card_number__in=cards) & ~Q(card_number=""))
                    | (Q(national_id__in=national_ids) & ~Q(national_id=""))
                )
                .order_by()
                .values(
                    "pk", "organization_id", *PERSONAL, *PARTY[1:], "card_number", "national_id"
                )
            )
        created_here = self._created_here({m["pk"] for m in existing})
        by_card = {m["card_number"]: m for m in existing if m["card_number"]}
        by_id = {m["national_id"]: m for m in existing if m["national_id"]}
        in_chunk: dict[str, int] = {}
        for row in rows:
            values = row.values
            for key in ("card_number", "national_id"):
                seen = in_chunk.get(f"{key}:{values[key]}") if values[key] else None
                if seen:
                    row.fail(
                        key,
                        _("The same member is already in the file at row %(row)d.") % {"row": seen},
                    )
                elif values[key]:
                    in_chunk[f"{key}:{values[key]}"] = row.number
            if row.errors:
                continue
            matches = {
                m["pk"]: m
                for m in (by_card.get(values["card_number"]), by_id.get(values["national_id"]))
                if m is not None
            }
            if any(m["organization_id"] not in self.codes for m in matches.values()):
                # First, and one message whatever else matched: it must not tell how another
                # committee's identifiers relate to each other.
                row.fail(
                    "card_number",
                    _(
                        "A member with this card number or national ID number is already on record "
                        "in another committee, or earlier in this file."
                    ),
                )
                continue
            if len(matches) > 1:
                row.fail(
                    "national_id",
                    _("The card number and the national ID belong to two different members."),
                )
                continue
            if not matches:
                self._check_new(row)
                continue
            member = next(iter(matches.values()))
            row.found = member
            if member["pk"] in created_here:
                row.fail(
                    "card_number",
                    _("The same member is already in an earlier row of this file."),
                )
                continue
            current = {**member, "organization": self.codes[member["organization_id"]]}
            for key in ("card_number", "national_id"):
                if values[key] and current[key] and values[key] != current[key]:
                    row.fail(
                        key, _("This member is on record with another %(field)s.") % {"field": key}
                    )
            party = [key for key in PARTY if key not in row.blank and values[key] != current[key]]
            if party and not row.errors:
                row.fail(
                    party[0],
                    _(
                        "This member is on record with other Party data (%(fields)s); record a "
                        "transfer, make official or correction on the member's page instead."
                    )
                    % {"fields": ", ".join(party)},
                )
            if row.errors:
                continue
            row.updates = {
                key: values[key]
                for key in PERSONAL
                if key not in row.blank and values[key] != current[key]
            }
            row.changes = [
                f"{key}: {current[key] or '—'} → {value}" for key, value in row.updates.items()
            ]
            row.action = Action.CHANGED if row.changes else Action.UNCHANGED

    def _check_new(self, row: Row) -> None:
        values = row.values
        if values["status"] not in (Status.PROBATIONARY, Status.OFFICIAL):
            row.fail("status", _("A new member is imported as a probationary or official member."))
            return
        # Members already on record may lack these dates (the demo's founding members do);
        # a new member's ledger needs them.
        if not values["admitted_on"]:
            row.fail("admitted_on", _("This cell is required."))
            return
        if values["status"] == Status.OFFICIAL and not values["official_on"]:
            row.fail("official_on", _("An official member needs the date they became official."))
            return
        _pk, _kind, active, _founded = row.organization
        if not active:
            row.fail(
                "organization",
                _("%(code)s has been dissolved or transferred out.")
                % {"code": values["organization"]},
            )
            return
        row.action = Action.NEW

    def _events(self, member_id: int, row: Row) -> list[tuple]:
        """The ledger events of a new member, each ended by the next."""
        values = row.values
        organization_id, _kind, _active, founded = row.organization
        admitted, official = values["admitted_on"], values["official_on"]
        events = []
        if founded is None or admitted >= founded:
            events.append([MemberEvent.Kind.ADMITTED, admitted, Status.PROBATIONARY, ""])
        else:
            status = Status.OFFICIAL if official and official <= founded else Status.PROBATIONARY
            note = _("Imported: admitted on %(date)s, before this organization was founded.") % {
                "date": dmy(admitted)
            }
            events.append([MemberEvent.Kind.TRANSFERRED_IN, founded, status, note])
        if official and official > events[0][1]:
            events.append([MemberEvent.Kind.MADE_OFFICIAL, official, Status.OFFICIAL, ""])
        rows = []
        for index, (kind, date, status, note) in enumerate(events):
            ended_on = events[index + 1][1] if index + 1 < len(events) else None
            rows.append((member_id, kind, date, "", organization_id, status, ended_on, "", note))
        return rows

    def finish(self) -> None:
        if not self.spilled:
            summaries.apply(summaries.rollup(self.contributions))
            return
        self._spill()
        with connection.cursor() as cursor:
            # Each organization's keys once summed (a key is set aside once per spill).
            cursor.execute(
                f"SELECT org, COUNT(*) FROM (SELECT org FROM {self.SPILL_TABLE} "
                "GROUP BY org, day, field, reach) AS keys GROUP BY org ORDER BY org"
            )
            counts = cursor.fetchall()
            # Batches of whole organizations' keys, as few as memory allows: each adds its
            # changes to the rows of every committee above (the national one's in all), and
            # adding them batch by batch gives what adding them all at once would.
            batch, size = [], 0
            for org, count in [*counts, (None, None)]:
                if org is None or (batch and size + count > self.SPILL_KEYS):
                    self._apply_spilled(cursor, batch)
                    batch, size = [], 0
                if org is not None:
                    batch.append(org)
                    size += count
            cursor.execute(f"DROP TABLE {self.SPILL_TABLE}")

    def _apply_spilled(self, cursor, organizations: list[int]) -> None:
        marks = ", ".join(["%s"] * len(organizations))
        cursor.execute(
            f"SELECT org, day, field, reach, SUM(amount) FROM {self.SPILL_TABLE} "
            f"WHERE org IN ({marks}) GROUP BY org, day, field, reach",
            organizations,
        )
        contributions = summaries.Contributions()
        for org, day, field, reach, amount in cursor.fetchall():
            if isinstance(day, str):  # SQLite gives the text it stored
                day = datetime.date.fromisoformat(day)
            contributions[(org, day, field, reach)] += amount
        summaries.apply(summaries.rollup(contributions))

    def _spill(self) -> None:
        """Set the contributions gathered so far aside in the run's temporary table."""
        if not self.spilled:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {self.SPILL_TABLE} (org bigint, day date, "
                    "field varchar(64), reach varchar(16), amount integer)"
                )
            self.spilled = True
        rows = [(*key, amount) for key, amount in self.contributions.items() if amount]
        insert_into(
            self.SPILL_TABLE, ["org", "day", "field", "reach", "amount"], rows, background=True
        )
        self.contributions = summaries.Contributions()

    def write(self, rows: list[Row]) -> None:
        if self.commit and len(self.contributions) >= self.SPILL_KEYS:
            self._spill()
        new = [row for row in rows if row.action == Action.NEW]
        member_ids = reserve_ids(Member, len(new))
        members, events = [], []
        for member_id, row in zip(member_ids, new, strict=True):
            values = row.values
            members.append(
                (
                    member_id, values["full_name"], values["gender"], values["birth_date"],
                    values["ethnicity"], values["education"], values["position"],
                    values["card_number"], values["national_id"], row.organization[0],
                    values["status"], values["admitted_on"], values["official_on"],
                    values["religion"], values["qualification"], values["political_theory"],
                    values["from_pipeline"], *name_keys(values["full_name"]),
                )
            )  # fmt: skip
            events.extend(self._events(member_id, row))
        # Both sets of ids first: the COPYs then run in the background (the engine's
        # background_copies) while the next chunk is read, and a query would wait for them.
        event_ids = reserve_ids(MemberEvent, len(events))
        events = [(event_id, *event) for event_id, event in zip(event_ids, events, strict=True)]
        history = (self.now, self.reason, "+", self.user_id, audit.current_source())
        insert_with_history(Member, MEMBER_COLUMNS, members, history, background=True)
        insert_with_history(MemberEvent, EVENT_COLUMNS, events, history, background=True)
        changed = [row for row in rows if row.action == Action.CHANGED]
        if not self.commit:  # a preview: nothing is kept, the summary rows included
            self._save_changed(changed)
            return
        # Summary rows change at the end: many chunks touch the same rows.
        self.contributions.update(
            summaries.event_contributions(
                (event[5], event[3], event[2], event[6], event[7]) for event in events
            )
        )
        attributes = {
            member_id: (values["birth_date"], *(values[n] for n in summaries.MEMBER_DIMENSIONS))
            for member_id, values in zip(member_ids, (row.values for row in new), strict=True)
        }
        self.contributions.update(
            summaries.composition_contributions(
                [(e[5], e[3], e[2], e[6], e[7], *attributes[e[1]]) for e in events], self.tree
            )
        )
        if not changed:
            return
        # Changed personal details change the composition their events count in.
        changed_events = MemberEvent.objects.filter(member_id__in=[r.found["pk"] for r in changed])
        before = summaries.composition_contributions(
            summaries.composition_rows(changed_events), self.tree
        )
        self._save_changed(changed)
        after = summaries.composition_contributions(
            summaries.composition_rows(changed_events), self.tree
        )
        after.subtract(before)
        self.contributions.update(after)

    def _save_changed(self, changed: list[Row]) -> None:
        # The version the pages are remembered under changes once, when `finish` writes the
        # summary rows: saving leaves it alone (see summaries.version_later).
        with summaries.version_later():
            for row in changed:
                member = Member.objects.get(pk=row.found["pk"])
                for key, value in row.updates.items():
                    setattr(member, key, value)
                member._change_reason = self.reason[:100]
                member._history_user = self.user
                # Stamped like the run's new members, so a later row can tell it was here.
                member._history_date = self.now
                member.save(update_fields=with_version(row.updates))
