from dal import autocomplete
from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import DateField, IdChoiceField, ScopedForm
from organizations.forms import organization_field
from organizations.models import Enterprise, PartyOrganization
from unions.models import MassOrganization


class FoundForm(ScopedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=MassOrganization.Kind.choices)
    level = forms.ChoiceField(
        label=_("Level"),
        choices=MassOrganization.Level.choices,
        initial=MassOrganization.Level.GRASSROOTS,
    )
    name = forms.CharField(label=_("Name"), max_length=255)
    founded_on = DateField(label=_("Founded on"))
    enterprise = IdChoiceField(
        label=_("Enterprise"), queryset=Enterprise.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Grassroots cells lead the unions of their enterprise too, not only committees.
        self.fields["party_committee"] = organization_field(
            self.user, _("Reports to"), PartyOrganization.Kind.values
        )
        self.fields["enterprise"].widget = autocomplete.ModelSelect2(
            url="organizations:enterprise_autocomplete"
        )
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(self.user)
        self.order_fields(["kind", "level", "name", "party_committee", "enterprise", "founded_on"])


class HeadcountForm(ScopedForm):
    date = DateField(label=_("Date"))
    members = forms.IntegerField(label=_("Members"), min_value=0)
    recruited = forms.IntegerField(
        label=_("Recruited since the previous count"), min_value=0, initial=0
    )


class DissolveUnionForm(ScopedForm):
    date = DateField(label=_("Date"))
