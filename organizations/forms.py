from dal import autocomplete, forward
from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import (
    DateField,
    ForwardingModelSelect2,
    IdChoiceField,
    PortalModelForm,
    ScopedForm,
)
from organizations.models import Enterprise, PartyOrganization, Zone

Kind = PartyOrganization.Kind
# Staff set up grassroots organizations; zone and city committees are an administrator's work.
STAFF_KINDS = (Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL, Kind.SUBORDINATE_CELL)


def organization_field(user, label, kinds=PartyOrganization.COMMITTEE_KINDS):
    """An active organization of the given kinds in the user's scope, chosen by autocomplete."""
    field = IdChoiceField(label=label, queryset=PartyOrganization.objects.none())
    field.widget = ForwardingModelSelect2(
        url="organizations:organization_autocomplete",
        forward=(forward.Const([str(kind) for kind in kinds], "kinds"),),
        attrs={"data-placeholder": _("Type a code or a name")},
    )
    # Assigned after the widget, so that the widget renders only scoped choices.
    field.queryset = PartyOrganization.objects.for_user(user).filter(kind__in=kinds, is_active=True)
    return field


class EstablishForm(ScopedForm):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k, k.label) for k in STAFF_KINDS])
    date = DateField(label=_("Date"))
    decision_number = forms.CharField(label=_("Decision number"), max_length=64, required=False)
    enterprise = IdChoiceField(
        label=_("Enterprise"), queryset=Enterprise.objects.none(), required=False
    )
    zone = IdChoiceField(label=_("Zone"), queryset=Zone.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = organization_field(self.user, _("Parent organization"))
        self.fields["enterprise"].widget = autocomplete.ModelSelect2(
            url="organizations:enterprise_autocomplete"
        )
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(self.user)
        self.fields["zone"].widget = autocomplete.ModelSelect2(
            url="organizations:zone_autocomplete"
        )
        self.fields["zone"].queryset = Zone.objects.for_user(self.user)
        self.order_fields(["code", "name", "kind", "parent", "date", "decision_number"])


class ReceiveForm(EstablishForm):
    from_unit = forms.CharField(label=_("Received from"), max_length=255)


class RenameForm(ScopedForm):
    name = forms.CharField(label=_("New name"), max_length=255)
    reason = forms.CharField(label=_("Reason for the change"), max_length=100)


class DissolveForm(ScopedForm):
    date = DateField(label=_("Date"))
    decision_number = forms.CharField(label=_("Decision number"), max_length=64, required=False)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class MoveForm(ScopedForm):
    date = DateField(label=_("Date"))
    decision_number = forms.CharField(label=_("Decision number"), max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"] = organization_field(self.user, _("New parent organization"))
        self.order_fields(["new_parent"])


class OrganizationTransferOutForm(ScopedForm):
    date = DateField(label=_("Date"))
    to_unit = forms.CharField(label=_("Transferred to"), max_length=255)
    decision_number = forms.CharField(label=_("Decision number"), max_length=64, required=False)


class EnterpriseForm(PortalModelForm):
    class Meta:
        model = Enterprise
        fields = ["name", "zone", "ownership", "investor_country", "workforce", "committee"]
        field_classes = {"zone": IdChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"] = organization_field(user, _("Registered by committee"))
        profile = getattr(user, "profile", None)
        if profile is not None and not self.instance.pk:
            self.initial.setdefault("committee", profile.committee_id)
        self.fields["zone"].widget = autocomplete.ModelSelect2(
            url="organizations:zone_autocomplete"
        )
        self.fields["zone"].queryset = Zone.objects.for_user(user)
