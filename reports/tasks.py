"""Background jobs (django-tasks): checking and importing large files.

The worker is `python manage.py db_worker` (django-tasks-db: the queue is a database table,
so no other server is needed).
"""

from django.utils.translation import gettext as _
from django_tasks import task

from reports.models import ImportBatch


def _run(batch_id: int, step) -> None:
    from reports.importing.batches import import_batch_fail

    batch = ImportBatch.objects.filter(pk=batch_id).select_related("created_by").first()
    if batch is None:
        return
    try:
        step(batch)
    except Exception:
        import_batch_fail(
            batch_id, _("The import stopped on an unexpected error; nothing was written.")
        )
        raise


@task()
def check_import(batch_id: int) -> None:
    from reports.importing.batches import import_batch_check

    _run(batch_id, import_batch_check)


@task()
def commit_import(batch_id: int) -> None:
    from reports.importing.batches import import_batch_commit

    _run(batch_id, import_batch_commit)
