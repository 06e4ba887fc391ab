import datetime

from dal import autocomplete
from django import forms
from django.utils.translation import gettext_lazy as _

from config.dates import today
from config.forms import DateField, IdChoiceField, PortalForm, PortalModelForm
from organizations.forms import organization_field
from organizations.models import PartyOrganization
from organizations.scope import own_committee
from reports.models import TARGET_METRIC_CHOICES, Target


class CodeSelect2(autocomplete.ModelSelect2):
    """DAL's widget renders only the selected option, found by pk; here values are codes.

    `chosen`: the committee the form has already cleaned (`CommitteeForm.clean_committee`),
    rendered as the selected option without looking it up again."""

    chosen = None

    def filter_choices_to_render(self, selected_choices):
        # A value with a NUL cannot even be looked up on PostgreSQL (it names no committee).
        chosen = [choice for choice in selected_choices if choice and "\x00" not in choice]
        if self.chosen is not None and chosen == [self.chosen.code]:
            field = self.choices.field
            empty = [] if field.empty_label is None else [("", field.empty_label)]
            self.choices = [*empty, (self.chosen.code, field.label_from_instance(self.chosen))]
            return
        self.choices.queryset = self.choices.queryset.filter(code__in=chosen)


class CommitteeChoiceField(IdChoiceField):
    """A committee by code; the user's own committee (`known`) is taken without a query."""

    known = None

    def to_python(self, value):
        if self.known is not None and value == self.known.code:
            return self.known
        return super().to_python(value)


class CommitteeForm(PortalForm):
    """A committee of the user's scope, by code, chosen by autocomplete (there can be
    thousands nationally)."""

    committee = CommitteeChoiceField(
        label=_("Committee"),
        queryset=PartyOrganization.objects.none(),
        to_field_name="code",
        widget=CodeSelect2(url="organizations:committee_code_autocomplete"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["committee"]
        field.queryset = PartyOrganization.objects.for_user(user).committees()
        field.known = own_committee(user)

    def clean_committee(self):
        committee = self.cleaned_data["committee"]
        # Shown again as the chosen option without a second look-up.
        self.fields["committee"].widget.chosen = committee
        return committee


class GrowthForm(CommitteeForm):
    """Committee and the two dates of the growth table."""

    base = DateField(label=_("Base date"))
    as_of = DateField(label=_("As of"))

    def clean(self):
        cleaned = super().clean()
        base, as_of = cleaned.get("base"), cleaned.get("as_of")
        if base and as_of:
            if base >= as_of:
                self.add_error("as_of", _("The as-of date must come after the base date."))
            if as_of > today():
                self.add_error("as_of", _("The as-of date cannot be in the future."))
        return cleaned


def quick_periods(committee: PartyOrganization):
    """Named periods offered as one-click links: since founding, this and last term, this year."""
    day = today()
    periods = []
    founded, records_begin = committee.founded_on(), committee.records_begin_on()
    if founded:
        periods.append((_("Since founding"), founded, day))
    if records_begin and records_begin != founded:
        periods.append((_("Since the records begin"), records_begin, day))
    # A term Y1–Y2 covers the years after the congress year up to Y2: 31/12/Y1 to 31/12/Y2.
    term_start = 2020 + (day.year - 2021) // 5 * 5
    periods.append(
        (
            _("This term (%(start)d–%(end)d)") % {"start": term_start, "end": term_start + 5},
            datetime.date(term_start, 12, 31),
            min(day, datetime.date(term_start + 5, 12, 31)),
        )
    )
    periods.append(
        (
            _("Last term (%(start)d–%(end)d)") % {"start": term_start - 5, "end": term_start},
            datetime.date(term_start - 5, 12, 31),
            datetime.date(term_start, 12, 31),
        )
    )
    periods.append((_("This year"), datetime.date(day.year - 1, 12, 31), day))
    return [(label, base, as_of) for label, base, as_of in periods if base < as_of]


class TargetForm(PortalModelForm):
    """A yearly plan, congress or supplementary target of a committee in the user's scope."""

    metric = forms.ChoiceField(label=_("Metric"), choices=TARGET_METRIC_CHOICES)

    class Meta:
        model = Target
        fields = ["committee", "kind", "start_year", "end_year", "metric", "value"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"] = organization_field(user, _("Committee"))
        self.fields["start_year"].help_text = _("For a yearly target, the same year twice.")


class TargetReportForm(CommitteeForm):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100, required=False)


class CompositionForm(CommitteeForm):
    """Committee and either the as-of date (members on it) or a period of admissions."""

    as_of = DateField(label=_("As of"))
    admitted_from = DateField(label=_("Admitted from"), required=False)
    admitted_to = DateField(label=_("Admitted to"), required=False)

    def clean(self):
        cleaned = super().clean()
        as_of, first, last = (cleaned.get(k) for k in ("as_of", "admitted_from", "admitted_to"))
        if as_of and as_of > today():
            self.add_error("as_of", _("The as-of date cannot be in the future."))
        # A date that did not parse is reported already; "give both" would only add noise.
        unparsed = self.has_error("admitted_from") or self.has_error("admitted_to")
        if (first is None) != (last is None) and not unparsed:
            self.add_error(
                "admitted_to" if first else "admitted_from",
                _("Give both dates of the admissions period, or neither."),
            )
        if first and last:
            if first > last:
                self.add_error("admitted_to", _("The period must not end before it begins."))
            elif last > today():
                self.add_error("admitted_to", _("The period cannot end in the future."))
        return cleaned

    @property
    def period(self) -> tuple[datetime.date, datetime.date] | None:
        """The admissions period as a flow's `(start, end]`, or None for members on a date."""
        first = self.cleaned_data.get("admitted_from")
        last = self.cleaned_data.get("admitted_to")
        if first is None or last is None:
            return None
        return first - datetime.timedelta(days=1), last
