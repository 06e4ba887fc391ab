"""The life of an uploaded import: store, check (preview), import, cancel, prune.

Files and the per-row preview live on disk under `settings.IMPORT_ROOT`, next to each other:
`<id>.upload` (the file as uploaded), `<id>.rows.jsonl` (one line per row as the check parsed
it) and `<id>.progress` (how far the running check or import is). The progress is a file, not
a database row, because a run is one long transaction: a row updated inside it would not be
seen by the page that polls it until the end.
"""

import datetime
import json
import logging
import os
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports.importing.engine import Row, Summary, run_import
from reports.importing.registry import format_class
from reports.models import ImportBatch

PREVIEW_PAGE = 100
logger = logging.getLogger(__name__)


def _root() -> Path:
    root = Path(settings.IMPORT_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


def upload_path(batch: ImportBatch) -> Path:
    return _root() / f"{batch.pk}.upload"


def rows_path(batch: ImportBatch) -> Path:
    return _root() / f"{batch.pk}.rows.jsonl"


def progress_path(batch: ImportBatch) -> Path:
    return _root() / f"{batch.pk}.progress"


def progress(batch: ImportBatch) -> float:
    """How far the running check or import is, from 0 to 1."""
    try:
        return float(progress_path(batch).read_text() or 0)
    except (OSError, ValueError):
        return 0.0


def waiting_for_worker(batch: ImportBatch, *, after_seconds: int = 60) -> bool:
    """Whether a background run has not started for a while: no worker may be running."""
    if not batch.running:
        return False
    try:
        stat = progress_path(batch).stat()
        started = float(progress_path(batch).read_text() or 0) > 0
    except (OSError, ValueError):
        return False
    return not started and timezone.now().timestamp() - stat.st_mtime > after_seconds


def _write_progress(batch: ImportBatch, fraction: float) -> None:
    # Write then rename, so that a reader never sees half a number.
    path = progress_path(batch)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(f"{fraction:.4f}")
    os.replace(temporary, path)


def _remove_files(batch: ImportBatch, *, keep_rows: bool = True) -> None:
    paths = [upload_path(batch), progress_path(batch)]
    if not keep_rows:
        paths.append(rows_path(batch))
    for path in paths:
        path.unlink(missing_ok=True)


def import_batch_create(*, user, format_name: str, uploaded) -> ImportBatch:
    """Store an uploaded file (in chunks, never whole in memory) and register the batch."""
    batch = ImportBatch.objects.create(
        format=format_name,
        file_name=os.path.basename(uploaded.name)[:255],
        size=uploaded.size,
        created_by=user,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    with upload_path(batch).open("wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    return batch


def runs_in_background(batch: ImportBatch) -> bool:
    return batch.size > settings.IMPORT_BACKGROUND_BYTES


def _format(batch: ImportBatch):
    return format_class(batch.format)(
        batch.created_by, reason=batch.reason, source=f"import #{batch.pk}"
    )


def _preview_line(fmt, row: Row) -> str:
    values = [column.display(row.values.get(column.key)) for column in fmt.columns]
    return json.dumps([row.number, row.action, values, row.errors, row.changes], ensure_ascii=False)


def import_batch_check(batch: ImportBatch) -> Summary:
    """Run the import without keeping anything; keep the parsed rows for the preview."""
    with translation.override(batch.language):
        fmt = _format(batch)
        with rows_path(batch).open("w", encoding="utf-8") as out:

            def keep(rows):
                out.writelines(_preview_line(fmt, row) + "\n" for row in rows)

            with upload_path(batch).open("rb") as binary:
                summary = run_import(
                    fmt,
                    binary,
                    commit=False,
                    on_rows=keep,
                    on_progress=lambda fraction: _write_progress(batch, fraction),
                )
    batch.summary = summary.as_dict()
    batch.state = ImportBatch.State.CHECKED
    batch.save(update_fields=["summary", "state"])
    progress_path(batch).unlink(missing_ok=True)
    return summary


def import_batch_commit(batch: ImportBatch) -> Summary:
    """Import the file for real: everything or, if any row fails now, nothing."""
    with translation.override(batch.language), upload_path(batch).open("rb") as binary:
        summary = run_import(
            _format(batch),
            binary,
            commit=True,
            on_progress=lambda fraction: _write_progress(batch, fraction),
        )
    batch.result = summary.as_dict()
    batch.state = ImportBatch.State.DONE if summary.committed else ImportBatch.State.FAILED
    batch.finished_at = timezone.now()
    batch.save(update_fields=["result", "state", "finished_at"])
    _remove_files(batch)
    return summary


def import_batch_start(batch: ImportBatch, *, commit: bool) -> None:
    """Check or import now, or hand it to the background worker for a large file."""
    from reports import tasks

    if commit:
        updated = ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.CHECKED).update(
            state=ImportBatch.State.IMPORTING
        )
        if not updated:
            return  # already confirmed (a second click): the first confirmation goes on
        batch.state = ImportBatch.State.IMPORTING
    job = tasks.commit_import if commit else tasks.check_import
    if runs_in_background(batch):
        _write_progress(batch, 0.0)
        # Enqueue only once the batch's state is committed, or the worker may not see it.
        transaction.on_commit(lambda: job.enqueue(batch.pk))
        return
    step = import_batch_commit if commit else import_batch_check
    try:
        step(batch)
    except Exception:
        # The run rolled back; the page must not stay "running" with the file kept forever.
        logger.exception("Import #%s stopped on an unexpected error", batch.pk)
        import_batch_fail(
            batch.pk, _("The import stopped on an unexpected error; nothing was written.")
        )


def import_batch_cancel(batch: ImportBatch) -> bool:
    """Cancel a checked batch and delete its files; False if it is (now) running.

    The state is changed only where it still is what the page showed, so a cancel that
    crosses a confirmation in flight leaves the import alone.
    """
    ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.CHECKED).update(
        state=ImportBatch.State.CANCELLED, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    if batch.running:
        return False
    _remove_files(batch, keep_rows=False)
    return True


def import_batch_fail(batch_id: int, message: str) -> None:
    """Mark a batch whose background job crashed, so the page stops waiting."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return
    outcome = {"messages": [[None, "", message]], "failed": 0, "committed": False}
    field = "result" if batch.state == ImportBatch.State.IMPORTING else "summary"
    setattr(batch, field, outcome)
    batch.state = ImportBatch.State.FAILED
    batch.finished_at = timezone.now()
    batch.save(update_fields=[field, "state", "finished_at"])
    _remove_files(batch)


def preview_rows(batch: ImportBatch, page: int) -> list[list]:
    """One page of the rows as the check parsed them, read from disk line by line."""
    start = (page - 1) * PREVIEW_PAGE
    found = []
    try:
        with rows_path(batch).open(encoding="utf-8") as lines:
            for index, line in enumerate(lines):
                if index >= start + PREVIEW_PAGE:
                    break
                if index >= start:
                    found.append(json.loads(line))
    except OSError:
        return []
    return found


def prune_imports(now=None) -> int:
    """Delete files of imports older than IMPORT_FILE_HOURS; cancel those never confirmed."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(hours=settings.IMPORT_FILE_HOURS)
    old = ImportBatch.objects.filter(created_at__lt=limit)
    count = 0
    for batch in old.exclude(state__in=[ImportBatch.State.CHECKING, ImportBatch.State.IMPORTING]):
        if batch.state == ImportBatch.State.CHECKED:
            batch.state = ImportBatch.State.CANCELLED
            batch.save(update_fields=["state"])
        _remove_files(batch, keep_rows=False)
        count += 1
    return count
