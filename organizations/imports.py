"""Import format for Party organizations: how a new committee and its tree are set up.

Rows are written through `organizations.services.organization_establish`, in file order, so a
row may name as parent an organization created by an earlier row of the same file.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from config.dates import today
from config.versioning import with_version
from organizations.models import Enterprise, OrganizationEvent, PartyOrganization, Zone
from organizations.scope import committee_path, is_administrator
from organizations.services import organization_establish
from reports import summaries
from reports.importing.engine import Action, Column, ImportFormat, Row
from reports.importing.values import parse_date, parse_text

Kind = PartyOrganization.Kind
IMPORTABLE_KINDS = [
    (value, label)
    for value, label in Kind.choices
    if value not in (Kind.CENTRAL, Kind.PROVINCIAL_COMMITTEE)
]
# Fields an import may change on an organization that already exists; its kind and place in
# the tree change only through the ledger (move, dissolve) so that past counts stay right.
UPDATABLE = ("name", "zone", "enterprise")
# The service's field names, as the file's columns call them.
SERVICE_FIELDS = {"date": "established_on", "__all__": ""}


class OrganizationsFormat(ImportFormat):
    """One row per organization; `parent` is a code, empty only for a top-level committee."""

    name = "organizations"
    columns = (
        Column("code", "Mã", required=True, example="DN-KCNHK"),
        Column("name", "Tên", required=True, example="Đảng ủy Khu công nghiệp Hòa Khánh"),
        Column("kind", "Loại", required=True, example="zone_committee", choices=IMPORTABLE_KINDS),
        Column("parent", "Trực thuộc", required=True, example=""),
        Column("zone", "Khu công nghiệp", example="DN-HK"),
        Column("enterprise", "Doanh nghiệp", example=""),
        Column("established_on", "Ngày thành lập", required=True, example="15/03/2013"),
        Column("decision_number", "Số quyết định", example="123-QĐ/TU"),
        # Not in the minimal format: when the portal's own records of the tree begin. A new
        # zone committee without it starts its ledger on the day of the import, so that its
        # earlier figures come from imported yearly figures, not from an empty ledger.
        Column("ledger_starts_on", "Sổ theo dõi từ ngày", example=""),
    )
    key = ("code",)

    def __init__(self, user, **kwargs):
        super().__init__(user, **kwargs)
        self.scope = PartyOrganization.objects.for_user(user)
        self.administrator = is_administrator(user)
        # Administrators have no committee of their own ("" is the whole tree's prefix).
        self.own_path = committee_path(user) or None

    def parse(self, row: Row, cells: dict) -> None:
        values = {
            "code": self.cell(row, cells, "code", parse_text, max_length=32),
            "name": self.cell(row, cells, "name", parse_text, max_length=255),
            "kind": self.choice(row, cells, "kind"),
            "parent": self.cell(row, cells, "parent", parse_text, max_length=32),
            "zone": self.cell(row, cells, "zone", parse_text, max_length=32),
            "enterprise": self.cell(row, cells, "enterprise", parse_text, max_length=255),
            "established_on": self.cell(row, cells, "established_on", parse_date),
            "decision_number": self.cell(row, cells, "decision_number", parse_text, max_length=64),
            "ledger_starts_on": self.cell(row, cells, "ledger_starts_on", parse_date),
        }
        for key in ("code", "name", "kind", "established_on"):
            self.require(row, key, values[key])
        starts = values["ledger_starts_on"]
        # The ledger's start decides which figures come from imports for the whole tree above
        # (the latest start in a subtree wins), so only a new zone committee may carry one.
        if starts and values["kind"] != Kind.ZONE_COMMITTEE:
            row.fail("ledger_starts_on", _("Only a new zone committee's ledger start can be set."))
        elif starts and starts > today():
            row.fail("ledger_starts_on", _("The date is in the future."))
        row.values = values

    def _references(self, row: Row, *, parent: bool = True) -> dict:
        """Parent, zone and enterprise looked up by code or name, inside the user's scope.

        An existing organization's parent is only compared by code (`parent=False`): the top
        committee of a user's scope has its parent outside that scope.
        """
        values, found = row.values, {"parent": None, "zone": None, "enterprise": None}
        if not parent:
            pass
        elif values["parent"]:
            found["parent"] = self.scope.filter(code=values["parent"]).first()
            if found["parent"] is None:
                row.fail(
                    "parent",
                    _("No organization with the code “%(code)s” in your scope.")
                    % {"code": values["parent"]},
                )
        elif values["kind"] != Kind.ZONE_COMMITTEE:
            row.fail("parent", _("Only a zone committee may have no parent."))
        elif not self.administrator:
            row.fail("parent", _("Only an administrator may create a top-level committee."))
        if values["zone"]:
            found["zone"] = Zone.objects.for_user(self.user).filter(code=values["zone"]).first()
            if found["zone"] is None:
                row.fail("zone", _("No zone with the code “%(code)s”.") % {"code": values["zone"]})
        if values["enterprise"]:
            found["enterprise"] = self._enterprise(row, found["zone"])
        return found

    def _enterprise(self, row: Row, zone):
        """The enterprise of that name in the user's scope (in the row's zone when given).

        Names are unique only within a zone, so a name that stays ambiguous is an error
        rather than a guess.
        """
        name = row.values["enterprise"]
        found = Enterprise.objects.for_user(self.user).filter(name=name)
        if zone is not None:
            found = found.filter(zone=zone)
        found = list(found[:2])
        if not found:
            message = (
                _("No enterprise named “%(name)s” in zone %(zone)s in your scope.")
                if zone
                else _("No enterprise named “%(name)s” in your scope.")
            )
            row.fail("enterprise", message % {"name": name, "zone": zone.code if zone else ""})
            return None
        if len(found) > 1:
            row.fail(
                "enterprise",
                _("Several enterprises are named “%(name)s”; give the zone too.") % {"name": name},
            )
            return None
        return found[0]

    def classify(self, rows: list[Row]) -> None:
        codes = [row.values["code"] for row in rows]
        # Codes are unique across the whole tree, so they are looked up outside the scope too;
        # what lies outside only ever yields "already used", never its data.
        existing = {
            organization.code: organization
            for organization in PartyOrganization.objects.filter(code__in=codes).select_related(
                "parent", "zone", "enterprise"
            )
        }
        in_scope = set(self.scope.filter(code__in=codes).values_list("pk", flat=True))
        for row in rows:
            organization = existing.get(row.values["code"])
            row.found = organization
            if organization is None:
                row.action = Action.NEW
                continue
            if organization.pk not in in_scope:
                row.fail("code", _("The code %(code)s is already used.") % row.values)
                continue
            refs = self._references(row, parent=False)
            if row.errors:
                continue
            current = {
                "kind": organization.kind,
                "parent": organization.parent.code if organization.parent else "",
            }
            if current["kind"] != row.values["kind"] or current["parent"] != (
                row.values["parent"] or ""
            ):
                row.fail(
                    "parent",
                    _(
                        "%(code)s already exists as %(kind)s under %(parent)s; change its kind "
                        "or parent on its page (move), not by an import."
                    )
                    % {
                        "code": organization.code,
                        "kind": organization.get_kind_display().lower(),
                        "parent": current["parent"] or "—",
                    },
                )
                continue
            # An empty cell (or a column left out) means "unknown": it keeps what is on record.
            wanted = {
                "name": row.values["name"],
                "zone": refs["zone"] or organization.zone,
                "enterprise": refs["enterprise"] or organization.enterprise,
            }
            if wanted["enterprise"] and wanted["zone"] != wanted["enterprise"].zone:
                row.fail("enterprise", _("The enterprise is not in the chosen zone."))
                continue
            row.refs = wanted
            row.changes = [
                f"{field}: {getattr(organization, field) or '—'} → {wanted[field] or '—'}"
                for field in UPDATABLE
                if getattr(organization, field) != wanted[field]
            ]
            if row.changes and organization.path == self.own_path:
                # As on the organization pages: staff never change their own committee.
                row.fail("code", _("You cannot change your own committee."))
                continue
            row.action = Action.CHANGED if row.changes else Action.UNCHANGED

    def write(self, rows: list[Row]) -> None:
        for row in rows:
            if row.action == Action.CHANGED:
                organization = row.found
                new_enterprise = row.refs["enterprise"]
                enterprises = {organization.enterprise_id, getattr(new_enterprise, "pk", None)}
                with summaries.track(
                    organizations=[organization.pk], enterprises=enterprises - {None}
                ):
                    organization.name = row.values["name"]
                    organization.zone = row.refs["zone"]
                    organization.enterprise = row.refs["enterprise"]
                    organization._change_reason = self.reason
                    organization._history_user = self.user
                    organization.save(update_fields=with_version(UPDATABLE))
                continue
            # New rows are resolved here, not in classify: their parent may be a row above.
            refs = self._references(row)
            if row.errors:
                continue
            try:
                with transaction.atomic():
                    organization = organization_establish(
                        code=row.values["code"],
                        name=row.values["name"],
                        kind=row.values["kind"],
                        parent=refs["parent"],
                        date=row.values["established_on"],
                        decision_number=row.values["decision_number"] or "",
                        enterprise=refs["enterprise"],
                        zone=refs["zone"],
                    )
                    starts = row.values["ledger_starts_on"]
                    if starts is None and organization.kind == Kind.ZONE_COMMITTEE:
                        starts = today()
                    if starts is not None:
                        organization.ledger_starts_on = starts
                        organization.save(update_fields=with_version(["ledger_starts_on"]))
                    # The service knows no import: name it and its user in the history.
                    stamp = {"history_change_reason": self.reason, "history_user": self.user}
                    organization.history.update(**stamp)
                    OrganizationEvent.history.filter(organization_id=organization.pk).update(
                        **stamp
                    )
            except ValidationError as exc:
                for field, messages in (
                    exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
                ):
                    for message in messages:
                        row.fail(SERVICE_FIELDS.get(field, field), message)
