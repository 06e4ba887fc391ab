import pytest
from django.urls import reverse

from members.models import Candidate, Member, Status
from organizations.models import PartyOrganization

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready():
    candidate = Candidate.objects.filter(
        organization__code__startswith="HN-",
        verification=Candidate.Verification.VERIFIED,
        member__isnull=True,
    ).first()
    assert candidate.stage == Candidate.Stage.READY
    return candidate


def test_candidate_list_shows_stages_in_scope(login, ready):
    response = login("canbo").get(reverse("members:candidate_list"))
    assert response.status_code == 200
    assert ready.full_name in response.text
    assert reverse("members:candidate_admit", args=[ready.pk]) in response.text
    other = login("canbo.hp").get(reverse("members:candidate_list"))
    assert ready.full_name not in other.text


def test_admitting_a_candidate_creates_the_member_and_links_both(login, ready):
    url = reverse("members:candidate_admit", args=[ready.pk])
    form = login("canbo").get(url)
    assert form.context["form"].initial["full_name"] == ready.full_name
    response = login("canbo").post(
        url,
        {
            "date": "10/06/2022",
            "decision_number": "88-QĐ/ĐU",
            "full_name": ready.full_name,
            "gender": ready.gender,
            "national_id": ready.national_id,
            "ethnicity": "Kinh",
        },
    )
    ready.refresh_from_db()
    assert ready.member is not None
    assert response["Location"] == ready.member.get_absolute_url()
    assert ready.member.status == Status.PROBATIONARY
    assert ready.member.organization == ready.organization
    assert ready.stage == Candidate.Stage.ADMITTED
    # A second admission of the same candidate is not offered any more.
    assert login("canbo").get(url).status_code == 404


def test_a_candidate_without_the_class_cannot_be_admitted(login):
    candidate = Candidate.objects.filter(
        organization__code__startswith="HN-", awareness_class_on__isnull=True
    ).first()
    before = Member.objects.count()
    response = login("canbo").post(
        reverse("members:candidate_admit", args=[candidate.pk]),
        {
            "date": "10/06/2022",
            "full_name": candidate.full_name,
            "gender": candidate.gender,
        },
    )
    assert response.status_code == 200
    assert "lớp bồi dưỡng" in response.text
    assert Member.objects.count() == before


def test_add_a_candidate_with_scoped_choices(login):
    cell = PartyOrganization.objects.get(code="HN-002")
    response = login("canbo").post(
        reverse("members:candidate_create"),
        {
            "full_name": "Phạm Văn Ưu Tú",
            "gender": "male",
            "birth_date": "05/05/2000",
            "national_id": "001200000555",
            "organization": cell.pk,
            "verification": "pending",
        },
    )
    assert response.status_code == 302
    assert Candidate.objects.get(national_id="001200000555").organization == cell
    hai_phong = login("canbo.hp").post(
        reverse("members:candidate_create"),
        {
            "full_name": "Người Ngoài",
            "gender": "male",
            "organization": cell.pk,
            "verification": "pending",
        },
    )
    assert hai_phong.status_code == 200
    assert hai_phong.context["form"].errors["organization"]
    assert not Candidate.objects.filter(full_name="Người Ngoài").exists()


def test_another_committees_candidate_is_404(login, ready):
    client = login("canbo.hp")
    for name in ("candidate_update", "candidate_admit"):
        url = reverse(f"members:{name}", args=[ready.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"full_name": "x"}).status_code == 404
    ready.refresh_from_db()
    assert ready.member is None
