import django_filters
from dal import autocomplete
from django.db.models import Case, Exists, Q, Value, When
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from config.filters import IdChoiceFilter, YesNoFilter
from config.names import LAST, fold
from members.models import ACTIVE_STATUSES, Candidate, Gender, Member, Status
from organizations.models import Enterprise, PartyOrganization


def search_people(queryset, value, identifiers):
    """People whose identifier (card or national ID number) is `value` when it holds a digit;
    else those whose name begins with it, case and diacritics aside (`nguyen` finds Nguyễn),
    or, when no name of the list begins so, those whose name holds it anywhere ("lan" finds
    "Trần Thị Lan").

    Compared on the stored search key (config.names.fold), in one statement whose range on that
    key an index serves: the name's beginning when some name begins so, else every name (the
    database decides once, before reading the list). Only the "anywhere" search reads the whole
    list, which a committee's list allows and the national one makes slow.
    """
    value = value.strip()
    if not value:
        return queryset
    if any(character.isdigit() for character in value):
        return queryset.filter(Q.create([(name, value) for name in identifiers], Q.OR))
    prefix = fold(value)
    if not prefix:
        return queryset
    begins = Exists(queryset.filter(search_key__gte=prefix, search_key__lt=prefix + LAST))
    return queryset.filter(
        Q(search_key__gte=Case(When(begins, then=Value(prefix)), default=Value("")))
        & Q(search_key__lt=Case(When(begins, then=Value(prefix + LAST)), default=Value(LAST)))
        & (Q(begins) | Q(search_key__contains=prefix))
    )


def scoped_organizations(request):
    return (
        PartyOrganization.objects.for_user(request.user)
        if request
        else PartyOrganization.objects.none()
    )


CURRENT, EVERYONE = "current", "all"


class MemberFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        help_text=_(
            "The full name from its beginning (else any part of it), or a Party card or "
            "national ID number"
        ),
    )
    organization = IdChoiceFilter(
        queryset=scoped_organizations,
        label=_("Party organization"),
        widget=autocomplete.ModelSelect2(url="organizations:organization_autocomplete"),
        method="in_organization",
    )
    # Current members unless asked otherwise: the list says what the dashboard counts.
    status = django_filters.ChoiceFilter(
        choices=[(CURRENT, _("Current members")), *Status.choices, (EVERYONE, _("Everyone"))],
        label=_("Status"),
        method="with_status",
        empty_label=None,
    )
    gender = django_filters.ChoiceFilter(choices=Gender.choices, label=_("Gender"))
    # Bounded: a year outside 1..9999 cannot be a date's (year 0 was a server error).
    admitted_year = django_filters.NumberFilter(
        field_name="admitted_on",
        lookup_expr="year",
        label=_("Year of admission"),
        min_value=1,
        max_value=9999,
        decimal_places=0,
    )
    ownership = django_filters.ChoiceFilter(
        field_name="organization__enterprise__ownership",
        choices=Enterprise.Ownership.choices,
        label=_("Enterprise ownership"),
    )

    class Meta:
        model = Member
        # The search last: filters run in this order, and whether a name begins with the text
        # is asked of the list the other filters have narrowed.
        fields = ["organization", "status", "gender", "admitted_year", "ownership", "q"]

    def __init__(self, data=None, *args, **kwargs):
        # Bound even without a query string (FilterView passes None then), so that the
        # default status applies to the first page as to every other.
        if data is None or not data.get("status"):
            data = data.copy() if data is not None else QueryDict(mutable=True)
            data["status"] = CURRENT
        super().__init__(data, *args, **kwargs)

    def search(self, queryset, name, value):
        return search_people(queryset, value, ["card_number", "national_id"])

    def with_status(self, queryset, name, value):
        if value == CURRENT:
            return queryset.filter(status__in=ACTIVE_STATUSES)
        if value == EVERYONE:
            return queryset
        return queryset.filter(status=value)

    def is_unfiltered(self) -> bool:
        """Only the default (current members): the committee's own figure is the total."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        others = [data.get(name) for name in self.form.fields if name != "status"]
        return data.get("status") == CURRENT and not any(v not in (None, "") for v in others)

    def in_organization(self, queryset, name, value):
        """The organization and everything under it (a committee's members are in its cells)."""
        return queryset.filter(organization__in=PartyOrganization.objects.subtree_of(value))


class CandidateFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        help_text=_(
            "The full name from its beginning (else any part of it), or a national ID number"
        ),
    )
    verification = django_filters.ChoiceFilter(
        choices=Candidate.Verification.choices, label=_("Background verification")
    )
    admitted = YesNoFilter(
        field_name="member", lookup_expr="isnull", exclude=True, label=_("Admitted")
    )

    class Meta:
        model = Candidate
        fields = ["verification", "admitted", "q"]

    def search(self, queryset, name, value):
        return search_people(queryset, value, ["national_id"])
