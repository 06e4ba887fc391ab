import django_filters
from dal import autocomplete
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Candidate, Gender, Member, Status
from organizations.models import Enterprise, PartyOrganization


def scoped_organizations(request):
    return (
        PartyOrganization.objects.for_user(request.user)
        if request
        else PartyOrganization.objects.none()
    )


class MemberFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    organization = django_filters.ModelChoiceFilter(
        queryset=scoped_organizations,
        label=_("Party organization"),
        widget=autocomplete.ModelSelect2(url="organizations:organization_autocomplete"),
        method="in_organization",
    )
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    gender = django_filters.ChoiceFilter(choices=Gender.choices, label=_("Gender"))
    admitted_year = django_filters.NumberFilter(
        field_name="admitted_on", lookup_expr="year", label=_("Year of admission")
    )
    ownership = django_filters.ChoiceFilter(
        field_name="organization__enterprise__ownership",
        choices=Enterprise.Ownership.choices,
        label=_("Enterprise ownership"),
    )

    class Meta:
        model = Member
        fields = ["q", "organization", "status", "gender", "admitted_year", "ownership"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Card number and national ID are matched exactly: they identify one person.
        return queryset.filter(
            Q(full_name__icontains=value) | Q(card_number=value) | Q(national_id=value)
        )

    def in_organization(self, queryset, name, value):
        """The organization and everything under it (a committee's members are in its cells)."""
        return queryset.filter(organization__path__startswith=value.path)


class CandidateFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="full_name", lookup_expr="icontains", label=_("Search")
    )
    verification = django_filters.ChoiceFilter(
        choices=Candidate.Verification.choices, label=_("Background verification")
    )
    admitted = django_filters.BooleanFilter(
        field_name="member", lookup_expr="isnull", exclude=True, label=_("Admitted")
    )

    class Meta:
        model = Candidate
        fields = ["q", "verification", "admitted"]
