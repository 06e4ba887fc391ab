"""Pages of the import flow: upload → check (preview) → confirm → result; templates; exports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, View

from config.exports import log_export
from config.pagination import BoundedTableView
from config.views import ScopedQuerysetMixin, WriteAccessMixin
from organizations.scope import can_write
from reports.import_forms import ImportUploadForm
from reports.importing import batches, exports
from reports.importing.engine import Action
from reports.importing.registry import FORMATS, format_class, format_title
from reports.models import ImportBatch
from reports.tables import ImportBatchTable


class ImportListView(BoundedTableView):
    """The user's imports, newest first, with the formats and their templates."""

    table_class = ImportBatchTable
    template_name = "reports/import_list.html"
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return ImportBatch.objects.for_user(self.request.user)

    def get_context_data(self, **kwargs):
        formats = [
            {"name": name, "title": title, "columns": format_class(name).columns}
            for name, (_path, title) in FORMATS.items()
        ]
        return super().get_context_data(formats=formats, **kwargs)


class ImportCreateView(WriteAccessMixin, FormView):
    form_class = ImportUploadForm
    template_name = "reports/import_form.html"

    def get_initial(self):
        return {"format": self.request.GET.get("format", "")}

    def form_valid(self, form):
        # Old files go whenever someone uploads, so nothing depends on a cron job alone.
        batches.prune_imports()
        batch = batches.import_batch_create(
            user=self.request.user,
            format_name=form.cleaned_data["format"],
            uploaded=form.cleaned_data["file"],
        )
        batches.import_batch_start(batch, commit=False)
        return redirect(batch)


class ImportBatchMixin(ScopedQuerysetMixin):
    model = ImportBatch
    queryset = ImportBatch.objects.select_related("created_by")


class ImportDetailView(ImportBatchMixin, DetailView):
    """While a check or import runs: a progress bar. Then: the preview, or the result."""

    template_name = "reports/import_detail.html"

    def get_context_data(self, **kwargs):
        batch = self.object
        fmt = format_class(batch.format)
        context = {
            "title": _("Import #%(pk)s: %(name)s") % {"pk": batch.pk, "name": batch.file_name},
            "format_title": format_title(batch.format),
            "columns": fmt.columns,
            "progress": int(batches.progress(batch) * 100),
            "waiting": batches.waiting_for_worker(batch),
            "outcome": batch.result or batch.summary,
            "action_labels": Action.LABELS,
            "can_write": can_write(self.request.user),
        }
        if batch.state in (ImportBatch.State.CHECKED, ImportBatch.State.DONE):
            rows = batch.summary.get("rows", 0)
            paginator = Paginator(range(rows), batches.PREVIEW_PAGE)
            page = paginator.get_page(self.request.GET.get("page"))
            context["page_obj"] = page
            context["preview"] = batches.preview_rows(batch, page.number)
        return super().get_context_data(**context, **kwargs)


class ImportProgressView(ImportBatchMixin, DetailView):
    """The progress bar alone, polled by htmx; once the run ends the page reloads."""

    template_name = "reports/includes/import_progress.html"

    def render_to_response(self, context, **kwargs):
        if not self.object.running:
            response = HttpResponse("")
            response["HX-Refresh"] = "true"
            return response
        context["progress"] = int(batches.progress(self.object) * 100)
        context["waiting"] = batches.waiting_for_worker(self.object)
        return super().render_to_response(context, **kwargs)


class ImportBatchActionMixin(WriteAccessMixin):
    """A POST-only action on a batch: another user's batch is 404 whatever the method."""

    def dispatch(self, request, *args, pk, **kwargs):
        # Leaders are refused before the lookup, as on every other write.
        if request.method == "POST" and not can_write(request.user):
            raise PermissionDenied
        self.batch = get_object_or_404(ImportBatch.objects.for_user(request.user), pk=pk)
        return super().dispatch(request, *args, **kwargs)


class ImportConfirmView(ImportBatchActionMixin, View):
    def post(self, request):
        batch = self.batch
        if batch.created_by_id != request.user.pk:
            raise PermissionDenied
        if (
            batch.state != ImportBatch.State.CHECKED
            or batch.summary.get("failed")
            or (any(row is None for row, *_rest in batch.summary.get("messages", [])))
        ):
            messages.error(request, _("Only a checked file without errors can be imported."))
            return redirect(batch)
        if not batches.upload_path(batch).exists():
            messages.error(request, _("The file is no longer kept; upload it again."))
            return redirect(batch)
        batches.import_batch_start(batch, commit=True)
        batch.refresh_from_db()
        if batch.state == ImportBatch.State.DONE:
            messages.success(request, _("The file was imported."))
        elif batch.state == ImportBatch.State.FAILED:
            messages.error(request, _("The file was not imported; nothing was written."))
        return redirect(batch)


class ImportCancelView(ImportBatchActionMixin, View):
    def post(self, request):
        batch = self.batch
        if batch.created_by_id != request.user.pk:
            raise PermissionDenied
        if not batches.import_batch_cancel(batch):
            messages.error(request, _("A running check or import cannot be cancelled."))
            return redirect(batch)
        messages.info(request, _("The import was cancelled and the file deleted."))
        return redirect("reports:import_list")


def _spreadsheet_response(name: str, kind: str, head, body):
    if kind == "xlsx":
        return FileResponse(
            exports.xlsx_file(head, body), as_attachment=True, filename=f"{name}.xlsx"
        )
    response = StreamingHttpResponse(
        exports.csv_lines(head, body), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _format_name(name: str) -> str:
    if name not in FORMATS:
        raise Http404(_("Unknown import format."))
    return name


class ImportTemplateView(View):
    """An empty file of a format: its header and one example row."""

    def get(self, request, name):
        fmt = format_class(_format_name(name))
        vietnamese = request.GET.get("headers") == "vi"
        head = exports.header(name, vietnamese=vietnamese)
        example = [column.example for column in fmt.columns]
        kind = "xlsx" if request.GET.get("type") == "xlsx" else "csv"
        return _spreadsheet_response(f"mau-{name}", kind, head, [example])


class ImportExportView(View):
    """The user's data in a format, ready to edit and import again (round trip)."""

    def get(self, request, name):
        _format_name(name)
        log_export(request, f"import format {name}", request.GET.urlencode())
        kind = "xlsx" if request.GET.get("type") == "xlsx" else "csv"
        return _spreadsheet_response(
            f"du-lieu-{name}", kind, exports.header(name), exports.rows(name, request.user)
        )
