import datetime

from django.contrib import messages
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin

from config.dates import today
from organizations.models import OrganizationEvent, PartyOrganization
from reports import statistics
from reports.formatting import multiple, percent
from reports.forms import GrowthForm, quick_periods
from reports.models import Metric, Target
from reports.tables import GrowthTable


class CommitteeMixin:
    """Finds the committee a report is about, always within the user's scope."""

    def scoped_committees(self):
        return PartyOrganization.objects.for_user(self.request.user).committees()

    def default_committee(self):
        profile = getattr(self.request.user, "profile", None)
        committees = self.scoped_committees()
        if profile is not None:
            return committees.filter(pk=profile.committee_id).first()
        return committees.filter(kind=PartyOrganization.Kind.ZONE_COMMITTEE).first()

    def committee_from(self, code):
        if not code:
            return self.default_committee()
        committee = self.scoped_committees().filter(code=code).first()
        if committee is None:
            raise Http404(_("No committee with this code in your scope."))
        return committee


def founding_date(committee: PartyOrganization) -> datetime.date | None:
    first = committee.events.filter(kind__in=OrganizationEvent.STARTING_KINDS).first()
    return committee.ledger_starts_on or (first.date if first else None)


class HomeView(CommitteeMixin, TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        committee = self.committee_from(self.request.GET.get("committee"))
        context["committee"] = committee
        if committee is None:
            return context
        day = today()
        ledger = statistics.OrganizationLedger()
        now = statistics.stock(committee, day, ledger=ledger)
        founded = founding_date(committee)
        base = statistics.stock(committee, founded, ledger=ledger) if founded else {}
        year_flows = statistics.flows(
            committee, datetime.date(day.year - 1, 12, 31), day, ledger=ledger
        )
        target = (
            Target.objects.for_user(self.request.user)
            .filter(
                committee=committee,
                start_year=day.year,
                end_year=day.year,
                metric=Metric.MEMBERS_ADMITTED,
                kind=Target.Kind.PLAN,
            )
            .first()
        )
        admitted = (year_flows.members or {}).get("admitted")
        context.update(
            day=day,
            founded=founded,
            now=now,
            organizations_multiple=multiple(
                now[Metric.PARTY_ORGANIZATIONS].value,
                base.get(Metric.PARTY_ORGANIZATIONS, statistics.Figure(None, None)).value,
            ),
            members_multiple=multiple(
                now[Metric.PARTY_MEMBERS].value,
                base.get(Metric.PARTY_MEMBERS, statistics.Figure(None, None)).value,
            ),
            admitted=admitted,
            admission_target=target,
            admission_completion=percent(admitted, target.value if target else None),
            committees=self.scoped_committees(),
        )
        return context


class GrowthView(CommitteeMixin, SingleTableMixin, TemplateView):
    template_name = "reports/growth.html"
    table_class = GrowthTable

    def get_form(self):
        committee = self.default_committee()
        founded = founding_date(committee) if committee else None
        initial = {
            "committee": committee.code if committee else None,
            "base": founded,
            "as_of": today(),
        }
        data = self.request.GET if "committee" in self.request.GET else None
        return GrowthForm(data, initial=initial, user=self.request.user)

    def get(self, request, *args, **kwargs):
        self.form = self.get_form()
        self.growth = None
        if self.form.is_bound:
            if self.form.is_valid():
                data = self.form.cleaned_data
                self.growth = statistics.growth(data["committee"], data["base"], data["as_of"])
        elif self.form.initial["committee"] and self.form.initial["base"]:
            committee = self.default_committee()
            self.growth = statistics.growth(committee, self.form.initial["base"], today())
        elif self.form.initial["committee"] is None:
            messages.warning(request, _("Your account is not attached to a committee yet."))
        return super().get(request, *args, **kwargs)

    def get_table_data(self):
        return self.growth.rows if self.growth else []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        context["growth"] = self.growth
        if self.growth:
            committee = self.growth.committee
            context["quick_periods"] = quick_periods(committee, founding_date(committee))
            context["organization_lines"] = self.growth.organization_lines()
            context["member_lines"] = self.growth.member_lines()
            context["organizations_balance"] = self.growth.balances(context["organization_lines"])
            context["members_balance"] = self.growth.balances(context["member_lines"])
        return context
