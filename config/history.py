"""The "history of changes" tab: who changed what, when (django-simple-history)."""

from dataclasses import dataclass, field


@dataclass
class HistoryRow:
    when: object
    user: object
    action: str
    changes: list = field(default_factory=list)  # (field label, old value, new value)
    reason: str = ""
    source: str = ""  # web, admin, import #N, command <name>, erasure (config/audit.py)


def _shown(record, model_field):
    """A field's value as people read it: the choice's label, the related object's name."""
    if model_field.is_relation:
        return getattr(record, model_field.name, None)
    value = getattr(record, model_field.attname)
    return dict(model_field.flatchoices).get(value, value) if model_field.choices else value


def history_rows(instance, limit: int = 50) -> list[HistoryRow]:
    """The latest changes of `instance`, each with the fields it changed.

    simple-history's diff_against leaves out non-editable fields, and a member's status and
    organization are exactly those (derived by the services), so the diff is done here.
    """
    records = list(instance.history.select_related("history_user")[: limit + 1])
    rows = []
    for record, previous in zip(records, [*records[1:], None], strict=False):
        changes = []
        if previous is not None:
            for model_field in record.tracked_fields:
                name = model_field.attname
                if name == "updated_at":
                    continue  # the edit forms' version (config/versioning.py), not a detail
                if getattr(record, name) != getattr(previous, name):
                    changes.append(
                        (
                            model_field.verbose_name,
                            _shown(previous, model_field),
                            _shown(record, model_field),
                        )
                    )
        rows.append(
            HistoryRow(
                record.history_date,
                record.history_user,
                record.get_history_type_display(),
                changes,
                record.history_change_reason or "",
                getattr(record, "history_source", ""),
            )
        )
    return rows[:limit]
