from dal import autocomplete
from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import DateField, IdChoiceField, PortalModelForm, ScopedForm
from members.models import (
    Candidate,
    Ethnicity,
    Gender,
    MemberEvent,
    PoliticalTheory,
    Position,
    Qualification,
    Religion,
    Status,
    ethnicity_from_text,
)
from members.services import MEMBER_ORGANIZATION_KINDS, REMOVAL_STATUS
from organizations.forms import organization_field
from organizations.models import Enterprise
from unions.models import MassOrganization


class EthnicityField(forms.ChoiceField):
    """The ethnic group, also when written as a name ("Kinh", "Tày", "H'Mông")."""

    def to_python(self, value):
        text = super().to_python(value)
        return ethnicity_from_text(text) or text  # other text fails validation as before


class PersonForm(ScopedForm):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    birth_date = DateField(label=_("Date of birth"), required=False)
    # "—" is "unknown": the composition report counts it as such.
    ethnicity = EthnicityField(
        label=_("Ethnicity"),
        choices=[("", "—"), *Ethnicity.choices],
        initial=Ethnicity.KINH,
        required=False,
    )
    religion = forms.ChoiceField(
        label=_("Religion"), choices=[("", "—"), *Religion.choices], required=False
    )
    education = forms.CharField(label=_("General education"), max_length=50, required=False)
    qualification = forms.ChoiceField(
        label=_("Professional qualification"),
        choices=[("", "—"), *Qualification.choices],
        required=False,
    )
    political_theory = forms.ChoiceField(
        label=_("Political theory"),
        choices=[("", "—"), *PoliticalTheory.choices],
        required=False,
    )
    position = forms.ChoiceField(
        label=_("Position in the enterprise"),
        choices=[("", "—"), *Position.choices],
        required=False,
    )
    from_pipeline = forms.NullBooleanField(
        label=_("Came from the outstanding candidates"), required=False
    )
    card_number = forms.CharField(label=_("Party card number"), max_length=20, required=False)
    national_id = forms.CharField(label=_("National ID number"), max_length=12, required=False)


class MemberCorrectionForm(PersonForm):
    """A member's personal details as entered, to correct, and why."""

    reason = forms.CharField(label=_("Reason for the correction"), max_length=100)


class AdmitForm(PersonForm):
    date = DateField(label=_("Admission date"))
    decision_number = forms.CharField(label=_("Decision number"), max_length=64, required=False)
    different_person = forms.BooleanField(
        label=_("I have checked: this is another person with the same name and birth date"),
        required=False,
    )
    field_order = ["organization", "date", "decision_number"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = organization_field(
            self.user, _("Party organization"), MEMBER_ORGANIZATION_KINDS
        )
        self.order_fields(self.field_order)


class TransferInForm(AdmitForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (Status.OFFICIAL, Status.OFFICIAL.label),
            (Status.PROBATIONARY, Status.PROBATIONARY.label),
        ],
    )
    admitted_on = DateField(label=_("Admitted on"), required=False)
    from_unit = forms.CharField(label=_("Transferred from"), max_length=255, required=False)
    field_order = ["organization", "date", "decision_number", "from_unit", "status", "admitted_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].label = _("Transfer date")


class MakeOfficialForm(ScopedForm):
    date = DateField(label=_("Date of official membership"))
    decision_number = forms.CharField(label=_("Decision number"), max_length=64, required=False)


class TransferOutForm(ScopedForm):
    date = DateField(label=_("Transfer date"))
    to_unit = forms.CharField(label=_("Transferred to"), max_length=255)
    decision_number = forms.CharField(label=_("Decision number"), max_length=64, required=False)


class RemoveForm(ScopedForm):
    kind = forms.ChoiceField(
        label=_("Reason"),
        choices=[(kind, MemberEvent.Kind(kind).label) for kind in REMOVAL_STATUS],
    )
    date = DateField(label=_("Date"))
    decision_number = forms.CharField(label=_("Decision number"), max_length=64, required=False)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class CandidateForm(PortalModelForm):
    """An outstanding candidate; every choice comes from the user's scope."""

    awareness_class_on = DateField(label=_("Party awareness class attended on"), required=False)
    birth_date = DateField(label=_("Date of birth"), required=False)

    class Meta:
        model = Candidate
        fields = [
            "full_name",
            "gender",
            "birth_date",
            "national_id",
            "organization",
            "enterprise",
            "introduced_by",
            "awareness_class_on",
            "verification",
        ]
        field_classes = {"enterprise": IdChoiceField, "introduced_by": IdChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = organization_field(
            user, _("Party organization"), MEMBER_ORGANIZATION_KINDS
        )
        # The widget first: assigning the queryset afterwards hands it the scoped choices.
        self.fields["enterprise"].widget = autocomplete.ModelSelect2(
            url="organizations:enterprise_autocomplete"
        )
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user)
        self.fields["introduced_by"].widget = autocomplete.ModelSelect2(
            url="unions:union_autocomplete"
        )
        self.fields["introduced_by"].queryset = MassOrganization.objects.for_user(user)


class CandidateAdmitForm(PersonForm):
    date = DateField(label=_("Admission date"))
    decision_number = forms.CharField(label=_("Decision number"), max_length=64, required=False)
    from_pipeline = None  # an admitted candidate comes from the pipeline by definition
    field_order = ["date", "decision_number"]


class EventCorrectionForm(ScopedForm):
    date = DateField(label=_("Date"))
    decision_number = forms.CharField(label=_("Decision number"), max_length=64, required=False)
    other_unit = forms.CharField(label=_("From / to unit"), max_length=255, required=False)
    reason = forms.CharField(label=_("Reason for the correction"), max_length=100)
