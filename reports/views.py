import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext as _
from django.views.generic import CreateView, TemplateView, UpdateView, View
from django_tables2 import RequestConfig

from config.dates import today
from config.exports import SafeExportMixin
from config.pagination import BoundedTableMixin, BoundedTableView
from config.views import RememberedTableMixin, ScopedModelFormMixin, ScopedQuerysetMixin
from organizations.models import PartyOrganization
from organizations.scope import is_administrator, own_committee
from reports import composition, statistics, summaries, years
from reports.dashboard import dashboard
from reports.formatting import multiple, percent
from reports.forms import (
    CommitteeForm,
    CompositionForm,
    GrowthForm,
    TargetForm,
    TargetReportForm,
    quick_periods,
)
from reports.models import Metric, Target, YearlyFigure
from reports.tables import (
    CompositionTable,
    GrowthTable,
    ReconciliationTable,
    TargetReportTable,
    TargetTable,
    comparison_lines_table,
    comparison_table,
    year_table,
)
from reports.targets import target_rows


class CommitteeMixin:
    """Finds the committee a report is about, always within the user's scope."""

    def scoped_committees(self):
        return PartyOrganization.objects.for_user(self.request.user).committees()

    def default_committee(self):
        profile = getattr(self.request.user, "profile", None)
        committees = self.scoped_committees()
        if profile is not None:
            # The profile's committee is the root of the user's scope (loaded with the user).
            committee = profile.committee
            return committee if committee.is_committee else None
        return committees.filter(kind=PartyOrganization.Kind.ZONE_COMMITTEE).first()

    def committee_from(self, code):
        if not code:
            return self.default_committee()
        own = own_committee(self.request.user)
        if own is not None and code == own.code:
            return own
        # PostgreSQL cannot look up a text holding NUL: no committee has such a code.
        committee = None if "\x00" in code else self.scoped_committees().filter(code=code).first()
        if committee is None:
            raise Http404(_("No committee with this code in your scope."))
        return committee


def committee_chooser(committee, user):
    """The committee picker of a report page, built only if the page renders it: it sits in a
    remembered fragment (and its media in another), so most requests never need it."""
    initial = {"committee": committee.code} if committee else {}
    return SimpleLazyObject(lambda: CommitteeForm(initial=initial, user=user))


class HomeView(CommitteeMixin, TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        committee = self.committee_from(self.request.GET.get("committee"))
        context["committee"] = committee
        if committee is None:
            return context
        day, founded = today(), committee.records_begin_on()
        reader = statistics.Reader(committee)
        year_start = datetime.date(day.year - 1, 12, 31)
        reader.prefetch([day, year_start] + ([founded] if founded else []))
        now = statistics.stock(committee, day, reader=reader)
        base = statistics.stock(committee, founded, reader=reader) if founded else None
        admitted = statistics.flows(committee, year_start, day, reader=reader).members
        admitted = admitted.get("admitted") if admitted else None
        target = (
            Target.objects.for_user(self.request.user)
            .filter(committee=committee, start_year=day.year, end_year=day.year)
            .filter(metric=Metric.MEMBERS_ADMITTED, kind=Target.Kind.PLAN)
            .first()
        )

        def since_founding(metric):
            return multiple(now[metric].value, base[metric].value if base else None)

        context.update(
            day=day,
            founded=founded,
            now=now,
            organizations_multiple=since_founding(Metric.PARTY_ORGANIZATIONS),
            members_multiple=since_founding(Metric.PARTY_MEMBERS),
            admitted=admitted,
            admission_target=target,
            admission_completion=percent(admitted, target.value if target else None),
            form=CommitteeForm(initial={"committee": committee.code}, user=self.request.user),
            several_committees=self.scoped_committees()[:2].count() > 1,
        )
        return context


class GrowthView(CommitteeMixin, SafeExportMixin, RememberedTableMixin, TemplateView):
    template_name = "reports/growth.html"
    table_class = GrowthTable
    export_name = "tang-truong"

    def get(self, request, *args, **kwargs):
        # Without parameters: the user's committee since its records begin, up to today.
        data = request.GET if "committee" in request.GET else self.default_query()
        self.form = GrowthForm(data, user=request.user)
        self.page = None
        if self.form.is_valid():
            cleaned = self.form.cleaned_data
            self.page = GrowthPage(cleaned["committee"], cleaned["base"], cleaned["as_of"])
        return super().get(request, *args, **kwargs)

    def default_query(self) -> dict | None:
        committee = self.default_committee()
        if committee is None or committee.records_begin_on() is None:
            return None
        return {
            "committee": committee.code,
            "base": committee.records_begin_on().strftime("%d/%m/%Y"),
            "as_of": today().strftime("%d/%m/%Y"),
        }

    def get_table_data(self):
        return self.page.growth.rows if self.page else []

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, page=self.page, **kwargs)


class GrowthPage:
    """The growth table and its decomposition, computed only when the page's fragment is
    not remembered: `stamp` as `ComposedPage`'s (the quick periods end today)."""

    def __init__(self, committee, base, as_of):
        self.committee, self.base, self.as_of = committee, base, as_of

    @cached_property
    def stamp(self) -> tuple:
        return (summaries.version(), self.committee.pk, self.base, self.as_of, today())

    @cached_property
    def growth(self):
        return statistics.growth(self.committee, self.base, self.as_of)

    @cached_property
    def quick_periods(self):
        return quick_periods(self.committee)

    @cached_property
    def organization_lines(self):
        return self.growth.organization_lines()

    @cached_property
    def member_lines(self):
        return self.growth.member_lines()

    @cached_property
    def organizations_balance(self):
        return self.growth.balances(self.organization_lines)

    @cached_property
    def members_balance(self):
        return self.growth.balances(self.member_lines)


class CompositionView(CommitteeMixin, SafeExportMixin, BoundedTableMixin, TemplateView):
    """Who the members are (on a date) or who was admitted (in a period), by dimension, with
    the same by child committee; `?table=comparison` exports the comparison."""

    template_name = "reports/composition.html"
    export_name = "co-cau-dang-vien"

    def get(self, request, *args, **kwargs):
        # Without parameters: the user's committee today.
        data = {"as_of": today().strftime("%d/%m/%Y")}
        if "committee" in request.GET:
            data.update(request.GET.dict())
        elif (committee := self.default_committee()) is not None:
            data["committee"] = committee.code
        self.form = CompositionForm(data if "committee" in data else None, user=request.user)
        self.page = None
        if self.form.is_valid():
            compared = request.GET.get("compare")
            if compared not in composition.DIMENSIONS:
                compared = DEFAULT_COMPARED
            period = self.form.period
            self.page = ComposedPage(
                request,
                self.form.cleaned_data["committee"],
                as_of=None if period else self.form.cleaned_data["as_of"],
                period=period,
                compared=compared,
            )
        return super().get(request, *args, **kwargs)

    def get_table(self, **kwargs):
        page = self.page
        if page is None or self.export_trigger_param not in self.request.GET:
            return CompositionTable([])  # the page shows its own tables (ComposedPage)
        if self.request.GET.get("table") == "comparison" and page.comparison:
            headings = [heading for heading, _column in page.comparison.columns]
            return comparison_table(headings)(list(page.comparison.rows()))
        return CompositionTable(list(page.result.rows()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(form=self.form, page=self.page, result=None, **kwargs)
        if self.page is not None:
            context.update(
                # Computed only where the page's fragment is not remembered.
                result=SimpleLazyObject(lambda: self.page.result),
                compared=self.page.compared,
                dimensions=[(key, label) for key, (label, *_r) in composition.DIMENSIONS.items()],
            )
        return context


# The comparison shows one dimension at a time, the position in the enterprise first: which
# zone admits mostly workers or mostly managers is the question the city committee asks.
DEFAULT_COMPARED = "position"


class ComposedPage:
    """What the composition page shows, computed only when its fragment is not in the cache.

    The page is remembered under `stamp`: the summary rows' version (`SummaryVersion`, which
    every change to the rows, the ledger they come from, or the organizations named on the
    page increments), the committee and the dates. Reading the version is one short query;
    computing the page reads both summary tables of the committee and of each child
    committee, and for a zone the grouped ledger of its grassroots committees."""

    def __init__(self, request, committee, *, as_of, period, compared):
        self.request, self.committee, self.compared = request, committee, compared
        self.as_of, self.period = as_of, period

    @cached_property
    def stamp(self) -> tuple:
        return (summaries.version(), self.committee.pk, self.as_of, self.period, self.compared)

    @cached_property
    def result(self):
        period = self.period
        return composition.compose(
            self.committee, as_of=self.as_of, start=period and period[0], end=period and period[1]
        )

    @cached_property
    def comparison(self):
        return composition.compare(self.result)

    @cached_property
    def years(self):
        return composition.ownership_by_year(self.result)

    @cached_property
    def charts(self):
        return composition.chart_data(self.result, self.years)

    @cached_property
    def dimension_tables(self):
        return [
            (dimension, CompositionTable([(dimension, c) for c in dimension.categories]))
            for dimension in self.result.dimensions
        ]

    @cached_property
    def comparison_table(self):
        if self.comparison is None:
            return None
        dimension = self.result.dimension(self.compared)
        shown = {c.value for c in composition.charted(dimension.categories)}
        table_class = comparison_lines_table(dimension, shown, query=self.request.GET)
        table = table_class(self.comparison.lines(self.compared))
        RequestConfig(self.request, paginate=False).configure(table)
        return table


class TargetListView(ScopedQuerysetMixin, BoundedTableView):
    queryset = Target.objects.select_related("committee").order_by("-start_year", "committee__code")
    table_class = TargetTable
    table_pagination = {"per_page": 50}
    template_name = "reports/target_list.html"


class TargetFormMixin(ScopedModelFormMixin):
    model = Target
    form_class = TargetForm
    template_name = "reports/target_form.html"
    list_url = "reports:target_list"


class TargetCreateView(TargetFormMixin, CreateView):
    pass


class TargetUpdateView(TargetFormMixin, ScopedQuerysetMixin, UpdateView):
    pass


class TargetReportView(CommitteeMixin, SafeExportMixin, RememberedTableMixin, TemplateView):
    """Targets against the ledger for a committee of the user's scope, every year by default."""

    template_name = "reports/target_report.html"
    table_class = TargetReportTable
    export_name = "chi-tieu"

    def get(self, request, *args, **kwargs):
        committee = self.default_committee()
        data = request.GET
        if "committee" not in data and committee is not None:
            data = {**request.GET.dict(), "committee": committee.code}
        self.form = TargetReportForm(data if "committee" in data else None, user=request.user)
        self.stamp = None
        if self.form.is_valid():
            data = self.form.cleaned_data
            # The table is remembered under this (see ComposedPage): read and rendered only
            # when the summary rows, targets or yearly figures changed, or on a new day.
            self.stamp = (summaries.version(), data["committee"].pk, data.get("year"), today())
        return super().get(request, *args, **kwargs)

    def get_table_data(self):
        if self.stamp is None:
            return []
        data = self.form.cleaned_data
        scoped = Target.objects.for_user(self.request.user)
        return target_rows(data["committee"], scoped, data.get("year"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, stamp=self.stamp, **kwargs)


class YearsView(CommitteeMixin, SafeExportMixin, RememberedTableMixin, TemplateView):
    """One row per year for a committee of the user's scope, each cell marked with its source."""

    template_name = "reports/years.html"
    export_name = "so-lieu-hang-nam"

    def get(self, request, *args, **kwargs):
        committee = self.committee_from(request.GET.get("committee"))
        self.committee = committee
        # The table is remembered under this (see ComposedPage); this year ends today.
        self.stamp = committee and (summaries.version(), committee.pk, today())
        return super().get(request, *args, **kwargs)

    def get_table_class(self):
        return year_table(years.YEAR_METRICS)

    def get_table_data(self):
        committee = self.committee
        if committee is None:
            return []
        reader = statistics.Reader(committee)
        first = years.first_year(committee, reader)
        return years.year_rows(committee, first, today().year, reader=reader)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            stamp=self.stamp,
            committee=self.committee,
            form=committee_chooser(self.committee, self.request.user),
            can_close=is_administrator(self.request.user),
            last_year=today().year - 1,
            **kwargs,
        )


class ReconcileView(SafeExportMixin, BoundedTableMixin, TemplateView):
    """Imported yearly figures next to the ledger's, for every committee of the user's scope."""

    template_name = "reports/reconcile.html"
    table_class = ReconciliationTable
    export_name = "doi-chieu"

    def get_table_data(self):
        return years.reconciliations(YearlyFigure.objects.for_user(self.request.user))


class DashboardView(CommitteeMixin, TemplateView):
    """The leaders' dashboard for the user's committee or any committee of their scope."""

    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        committee = self.committee_from(self.request.GET.get("committee"))
        day = today()
        context = super().get_context_data(committee=committee, day=day, **kwargs)
        if committee is not None:
            context["board"] = Board(committee, self.request.user, day)
            context["form"] = committee_chooser(committee, self.request.user)
        return context


class Board:
    """The dashboard's figures, computed only when the page's fragment is not remembered.

    Remembered under `stamp`: the summary rows' version (`SummaryVersion`: every change to
    the rows, the ledger, the organizations, targets and yearly figures shown sets a new one),
    the committee and the day. Reading the version is one short query; the figures read the
    committee's summary rows for every year, its children's, its targets and its cells."""

    def __init__(self, committee, user, day):
        self.committee, self.user, self.day = committee, user, day

    @cached_property
    def stamp(self) -> tuple:
        return (summaries.version(), self.committee.pk, self.day)

    @cached_property
    def figures(self) -> dict:
        return dashboard(self.committee, self.user)

    # The figures by name, as the template and the tests read them.
    now = property(lambda self: self.figures["now"])
    series = property(lambda self: self.figures["series"])
    ownership = property(lambda self: self.figures["ownership"])
    coverage = property(lambda self: self.figures["coverage"])
    children = property(lambda self: self.figures["children"])

    @cached_property
    def year_table(self) -> list[tuple]:
        series = self.series
        return list(
            zip(
                series["labels"],
                series["members"],
                series["organizations"],
                series["admitted"],
                series["admission_target"],
                strict=True,
            )
        )


class CloseYearView(CommitteeMixin, View):
    """Administrators store an ended year's computed figures (the button on the year table)."""

    def post(self, request, *args, **kwargs):
        if not is_administrator(request.user):
            raise PermissionDenied
        committee = self.committee_from(request.POST.get("committee"))
        try:
            year = int(request.POST.get("year", ""))
            stored = years.year_close(committee=committee, year=year)
        except (ValueError, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [_("Choose a year.")])))
        else:
            messages.success(
                request,
                _("%(year)d closed: %(count)d figures stored.")
                % {"year": year, "count": len(stored)},
            )
        return redirect(f"{reverse('reports:years')}?committee={committee.code}")
