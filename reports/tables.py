import django_tables2 as tables
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.tables import NUMBER
from reports.models import ImportBatch, Metric, Target


class GrowthTable(tables.Table):
    label = tables.Column(verbose_name=_("Figure"), orderable=False)
    base_value = tables.Column(
        verbose_name=_("At the base date"), accessor="base__value", attrs=NUMBER
    )
    value = tables.Column(verbose_name=_("At the as-of date"), accessor="now__value", attrs=NUMBER)
    change = tables.Column(verbose_name=pgettext_lazy("a figure", "Change"), attrs=NUMBER)
    change_pct = tables.TemplateColumn(
        "{% if value is not None %}{% if value > 0 %}+{% endif %}{{ value }}%{% endif %}",
        verbose_name=_("Change %"),
        attrs=NUMBER,
    )
    multiple = tables.TemplateColumn(
        "{% if value is not None %}×{{ value }}{% endif %}",
        verbose_name=_("Multiple"),
        attrs=NUMBER,
    )

    class Meta:
        orderable = False
        attrs = {"class": "table table-sm table-striped align-middle", "id": "growth-table"}
        row_attrs = {"data-metric": lambda record: record.metric}
        empty_text = _("No figures.")


class TargetTable(tables.Table):
    committee = tables.Column(order_by=("committee__code",))
    period_label = tables.Column(verbose_name=_("Period"), order_by=("start_year", "end_year"))
    value = tables.Column(attrs=NUMBER)
    edit = tables.LinkColumn(
        "reports:target_update",
        args=[tables.A("pk")],
        text=_("Edit"),
        orderable=False,
        verbose_name="",
        exclude_from_export=True,
    )

    class Meta:
        model = Target
        fields = ["committee", "period_label", "kind", "metric", "value", "edit"]
        attrs = {"class": "table table-sm table-striped align-middle"}
        empty_text = _("No target entered yet.")


PERCENT = "{% if value is not None %}{{ value }}%{% else %}—{% endif %}"


class TargetReportTable(tables.Table):
    period = tables.Column(verbose_name=_("Period"), accessor="target__period_label")
    metric = tables.Column(verbose_name=_("Metric"), accessor="target__get_metric_display")
    kind = tables.Column(verbose_name=_("Kind"), accessor="target__get_kind_display")
    target = tables.Column(verbose_name=_("Target"), accessor="target__value", attrs=NUMBER)
    actual = tables.Column(verbose_name=_("Actual"), attrs=NUMBER, default="—")
    completion_pct = tables.TemplateColumn(PERCENT, verbose_name=_("Completion"), attrs=NUMBER)
    previous_actual = tables.Column(verbose_name=_("Previous year"), attrs=NUMBER, default="—")
    vs_previous_pct = tables.TemplateColumn(
        PERCENT, verbose_name=_("Against the previous year"), attrs=NUMBER
    )

    class Meta:
        orderable = False
        attrs = {"class": "table table-sm table-striped align-middle", "id": "target-table"}
        row_attrs = {
            "data-metric": lambda record: record.metric,
            "data-kind": lambda record: record.kind,
        }
        empty_text = _("No target for this committee.")


class FigureColumn(tables.Column):
    """A figure with its source: plain from the ledger, marked when imported or closed."""

    MARKS = {"imported": ("ⁱ", _("imported")), "computed": ("ᶜ", _("closed year, stored"))}

    def __init__(self, metric, **kwargs):
        super().__init__(
            accessor=tables.A(f"figures__{metric}"), attrs=NUMBER, orderable=False, **kwargs
        )

    def render(self, value):
        if value.value is None:
            return "—"
        mark = self.MARKS.get(value.source)
        if mark is None:
            return localize(value.value)
        return format_html('{}<sup title="{}">{}</sup>', localize(value.value), mark[1], mark[0])

    def value(self, value):
        return value.value


def year_table(metrics):
    """A table class with one FigureColumn per metric, labelled in the active language."""
    labels = dict(Metric.choices)
    columns = {
        "year": tables.Column(
            verbose_name=_("Year"),
            orderable=False,
            localize=False,  # 2012, not 2.012
            attrs={"td": {"class": "fw-semibold"}},
        )
    }
    columns.update({str(m): FigureColumn(m, verbose_name=labels[m]) for m in metrics})
    meta = type(
        "Meta",
        (),
        {"attrs": {"class": "table table-sm table-striped align-middle", "id": "year-table"}},
    )
    return type("YearTable", (tables.Table,), {**columns, "Meta": meta})


class ReconciliationTable(tables.Table):
    committee = tables.Column(verbose_name=_("Committee"), accessor="committee__code")
    as_of = tables.DateColumn(verbose_name=_("As of"))
    metric = tables.Column(verbose_name=_("Metric"))
    imported = tables.Column(verbose_name=_("Imported"), attrs=NUMBER)
    ledger = tables.Column(verbose_name=_("From the ledger"), attrs=NUMBER)
    difference = tables.Column(verbose_name=_("Difference"), attrs=NUMBER)
    matches = tables.BooleanColumn(verbose_name=_("Agrees"), yesno=("✓", "✗"))

    class Meta:
        orderable = False
        attrs = {"class": "table table-sm align-middle", "id": "reconcile-table"}
        row_attrs = {"class": lambda record: "" if record.matches else "table-warning"}
        empty_text = _("No imported figure falls within the ledger's records.")

    def render_metric(self, value):
        return dict(Metric.choices).get(value, value)


class ImportBatchTable(tables.Table):
    pk = tables.Column(verbose_name="#", linkify=True)
    file_name = tables.Column(linkify=True)
    format = tables.Column()
    state = tables.Column()
    created_at = tables.DateTimeColumn(format="d/m/Y H:i")
    counts = tables.TemplateColumn(
        "{% with o=record.result|default:record.summary %}{% if o.rows %}"
        "{{ o.rows }} / {{ o.new }} / {{ o.changed }} / {{ o.unchanged }} / {{ o.failed }}"
        "{% endif %}{% endwith %}",
        verbose_name=_("Rows / new / changed / unchanged / errors"),
        orderable=False,
    )

    class Meta:
        model = ImportBatch
        fields = ("pk", "file_name", "format", "state", "created_at", "counts")
        attrs = {"class": "table table-sm table-striped align-middle", "id": "import-table"}
        empty_text = _("No imports yet.")

    def render_format(self, value):
        from reports.importing.registry import FORMATS

        return FORMATS[value][1] if value in FORMATS else value


SHARE = "{% if value is not None %}{{ value }}%{% else %}—{% endif %}"


class CompositionTable(tables.Table):
    """One row per (dimension, category) of a composition: rows of `Composition.rows()`."""

    dimension = tables.Column(verbose_name=_("Dimension"), accessor="0__label")
    category = tables.Column(verbose_name=_("Category"), accessor="1__label")
    count = tables.Column(verbose_name=_("Members"), accessor="1__count", attrs=NUMBER)
    share = tables.TemplateColumn(SHARE, verbose_name=_("Share"), accessor="1__share", attrs=NUMBER)

    class Meta:
        orderable = False
        attrs = {"class": "table table-sm table-striped align-middle"}
        row_attrs = {"data-category": lambda record: f"{record[0].key}:{record[1].value}"}
        empty_text = _("No figures.")

    def value_share(self, value):
        return value  # the number alone in exports, without the % sign


def comparison_table(headings: list[str]) -> type[tables.Table]:
    """The comparison: a row per (dimension, category), a count and a share column per child
    committee (rows of `Comparison.rows()`)."""
    attrs = {
        "dimension": tables.Column(verbose_name=_("Dimension"), accessor="0__label"),
        "category": tables.Column(verbose_name=_("Category"), accessor="1__label"),
    }
    for index, heading in enumerate(headings):
        attrs[f"count_{index}"] = tables.Column(
            verbose_name=heading, accessor=f"2__{index}__0", attrs=NUMBER
        )
        attrs[f"share_{index}"] = tables.TemplateColumn(
            SHARE, verbose_name=_("Share"), accessor=f"2__{index}__1", attrs=NUMBER
        )
        attrs[f"value_share_{index}"] = lambda self, value: value
    attrs["Meta"] = type(
        "Meta",
        (),
        {
            "orderable": False,
            "attrs": {"class": "table table-sm table-striped align-middle", "id": "comparison"},
            "empty_text": _("No figures."),
        },
    )
    return type("ComparisonTable", (tables.Table,), attrs)


class ShareColumn(tables.Column):
    """A share in percent, localised ("12,5%" in Vietnamese); "—" when there is no one to
    share; the number alone in exports. Plain Python, not a template: the comparison of a
    zone committee has thousands of these cells."""

    def __init__(self, **kwargs):
        super().__init__(attrs=NUMBER, default="—", **kwargs)

    def render(self, value):
        return f"{localize(value)}%"

    def value(self, value):
        return value


def comparison_lines_table(dimension, shown, *, query=None) -> type[tables.Table]:
    """One dimension compared: a line per child committee (then the rest, rows of
    `Comparison.lines`), its total, and a count and share column for each category whose
    value is in `shown` (all of them, or those with members for a long list). Sortable by
    any column, so that a city committee sees which zone admits mostly workers. `query`: the
    page's query string, which a committee's name links to with that committee."""
    attrs = {
        "heading": tables.Column(verbose_name=_("Committee")),
        "total": tables.Column(verbose_name=_("Total"), attrs=NUMBER),
    }
    for index, category in enumerate(dimension.categories):
        if category.value in shown:
            attrs[f"count_{index}"] = tables.Column(verbose_name=category.label, attrs=NUMBER)
            attrs[f"share_{index}"] = ShareColumn(verbose_name=_("Share"))

    def render_heading(self, value, record):
        if record["committee"] is None or query is None:
            return value
        linked = query.copy()
        linked["committee"] = record["committee"].code
        linked.pop(self.prefixed_order_by_field, None)
        return format_html('<a href="?{}">{}</a>', linked.urlencode(), value)

    attrs["render_heading"] = render_heading
    attrs["Meta"] = type(
        "Meta",
        (),
        {
            "attrs": {"class": "table table-sm table-striped align-middle", "id": "comparison"},
            "row_attrs": {
                "data-committee": lambda record: getattr(record["committee"], "code", "")
            },
            "empty_text": _("No figures."),
        },
    )
    return type("ComparisonLinesTable", (tables.Table,), attrs)
