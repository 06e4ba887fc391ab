"""Issue 7.5: bad input everywhere. Every form of the portal, posted through its real view by
a logged-in user with generated input (text of any kind, numbers, dates real and impossible,
ids of this committee, of another and of nothing): never a server error, and a rejected
form changes no row of any table.

The test client re-raises a view's exception, so a server error fails the example whatever
the status it would have had.
"""

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.models import AccessLog, Candidate, Member, MemberEvent, Status
from organizations.models import Enterprise, PartyOrganization
from reports.models import Target
from unions.models import MassOrganization

pytestmark = pytest.mark.django_db
EXAMPLES = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def snapshot() -> dict:
    """Row counts of every table of the portal's apps (the access log aside: a refusal is
    logged) and the state of every member."""
    counts = {
        model._meta.label: model.objects.count()
        for app in ("organizations", "members", "unions", "reports")
        for model in apps.get_app_config(app).get_models()
        if model is not AccessLog
    }
    members = hash(tuple(Member.objects.order_by("pk").values_list(
        "pk", "full_name", "status", "organization_id", "national_id", "birth_date"
    )))  # fmt: skip
    return {**counts, "members": members}


def objects() -> dict:
    hanoi = PartyOrganization.objects.get(code="HN-KCNCX")
    scope = PartyOrganization.objects.subtree_of(hanoi)
    probationary = Member.objects.filter(organization__in=scope, status=Status.PROBATIONARY)
    return {
        "member": Member.objects.filter(organization__in=scope, status=Status.OFFICIAL).first(),
        "probationary": probationary.first(),
        "event": MemberEvent.objects.filter(organization__in=scope).first(),
        "candidate": Candidate.objects.filter(organization__in=scope).first(),
        "ready": Candidate.objects.filter(
            organization__in=scope, member__isnull=True,
            verification=Candidate.Verification.VERIFIED, awareness_class_on__isnull=False,
        ).first()
        or Candidate.objects.filter(organization__in=scope, member__isnull=True).first(),
        "cell": scope.get(code="HN-002"),
        "enterprise": Enterprise.objects.filter(committee=hanoi).first(),
        "union": MassOrganization.objects.filter(party_committee=hanoi).first(),
        "target": Target.objects.filter(committee=hanoi).first(),
    }  # fmt: skip


# (URL name, the object its URL names or None); the fields come from each view's form.
FORMS = [
    ("members:member_admit", None),
    ("members:member_transfer_in", None),
    ("members:member_make_official", "probationary"),
    ("members:member_transfer_out", "member"),
    ("members:member_remove", "member"),
    ("members:event_correct", "event"),
    ("members:candidate_create", None),
    ("members:candidate_update", "candidate"),
    ("members:candidate_admit", "ready"),
    ("organizations:organization_establish", None),
    ("organizations:organization_receive", None),
    ("organizations:organization_dissolve", "cell"),
    ("organizations:organization_move", "cell"),
    ("organizations:organization_transfer_out", "cell"),
    ("organizations:enterprise_create", None),
    ("organizations:enterprise_update", "enterprise"),
    ("unions:union_create", None),
    ("unions:headcount_record", "union"),
    ("unions:union_dissolve", "union"),
    ("reports:target_create", None),
    ("reports:target_update", "target"),
]


def field_names(url, user) -> list[str]:
    view = resolve(url).func.view_class
    return [*view.form_class(user=user).fields, "submission_token"]


_ids = st.one_of(
    st.sampled_from(["1", "2", "0", "-1", "999999999", "99999999999999999999", "1.5", "x"]),
    st.integers(min_value=-5, max_value=3000).map(str),
)
_dates = st.one_of(
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.sampled_from(["31/02/2023", "00/00/0000", "2023-02-29", "01/01/1899", "1/1/1",
                     "99/99/9999", "15/03/2024", "32/13/2020", "2023", "𝟙𝟚/𝟘𝟙/𝟚𝟘𝟚𝟘"]),
)  # fmt: skip
_choices = st.sampled_from([
    "male", "female", "probationary", "official", "died", "struck_off", "grassroots_cell",
    "zone_committee", "trade_union", "youth_union", "grassroots", "fdi", "plan", "congress",
    "members_admitted", "pending", "verified", "worker", "Kinh",
])  # fmt: skip
_text = st.one_of(
    st.text(max_size=30),
    st.text(min_size=200, max_size=400),
    st.sampled_from(["", " ", "\x00", "=1+1", "<script>", "'; DROP TABLE x; --", "🎉" * 50,
                     "001198000777", "0" * 12, "9" * 30, "\u202e", "a\r\nb"]),
)  # fmt: skip
VALUE = st.one_of(_text, _ids, _dates, _choices)


def post_and_check(client, url, data):
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code in (200, 302, 403, 404), response.status_code
    if response.status_code != 302:
        assert snapshot() == before, (url, data)
    return response


@pytest.mark.parametrize("name, target", FORMS, ids=[f[0] for f in FORMS])
def test_no_input_gives_a_server_error_and_a_refusal_changes_nothing(login, user, name, target):
    client = login("canbo")
    found = objects()
    if target is not None:
        assert found[target] is not None, target
    url = reverse(name, args=[found[target].pk]) if target else reverse(name)
    keys = field_names(url, user("canbo"))
    assert len(keys) > 1, name

    @EXAMPLES
    @given(st.fixed_dictionaries({}, optional={key: VALUE for key in keys}))
    def check(data):
        post_and_check(client, url, data)

    check()


@EXAMPLES
@given(
    format_name=st.one_of(st.sampled_from(["members", "figures", "targets", "organizations"]),
                          _text),
    content=st.binary(max_size=2000),
    file_name=st.one_of(st.just("a.csv"), st.just("a.xlsx"), _text.filter(bool)),
)  # fmt: skip
def test_the_upload_form_takes_any_file(login, settings, tmp_path, format_name, content,
                                        file_name):  # fmt: skip
    settings.IMPORT_ROOT = tmp_path
    client = login("canbo")
    upload = SimpleUploadedFile(file_name.replace("\x00", "")[:100] or "f", content)
    response = post_and_check(
        client, reverse("reports:import_create"), {"format": format_name, "file": upload}
    )
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 200


@EXAMPLES
@given(query=st.dictionaries(
    st.sampled_from(["committee", "base", "as_of", "year", "period", "q", "organization",
                     "status", "gender", "admitted_year", "ownership", "page", "cursor",
                     "sort", "kind", "_export"]),
    VALUE, max_size=5,
))  # fmt: skip
def test_report_and_list_filters_take_any_query(login, query):
    client = login("canbo")
    for name in ("reports:growth", "reports:targets", "reports:years", "reports:dashboard",
                 "reports:reconcile", "members:member_list", "members:candidate_list",
                 "organizations:organization_list", "unions:union_list"):  # fmt: skip
        response = client.get(reverse(name), query)
        assert response.status_code in (200, 302, 404), (name, query)


@EXAMPLES
@given(committee=VALUE, year=VALUE)
def test_closing_a_year_takes_any_input(login, committee, year):
    post_and_check(login("admin"), reverse("reports:close_year"),
                   {"committee": committee, "year": year})  # fmt: skip
