"""reports.national and generate_national: a small national data set beside the demo."""

import datetime
import io
import itertools
from collections import Counter, defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from config.dates import add_months
from members import services as member_services
from members.models import ACTIVE_STATUSES, Member, MemberEvent
from members.services import MEMBER_ORGANIZATION_KINDS
from organizations.models import OrganizationEvent, PartyOrganization, Profile, Zone
from reports import national, statistics
from reports.models import Metric, Target
from tests.helpers import ledger_counts
from unions.models import Headcount, MassOrganization

pytestmark = pytest.mark.django_db
D = datetime.date
Kind = PartyOrganization.Kind
SIZE = 2000
DEMO_DAY = D(2022, 5, 31)


def generate(**options) -> str:
    out = io.StringIO()
    options = {"members": SIZE, "seed": 7, "skip_summaries": True, **options}
    call_command("generate_national", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def root():
    generate(skip_summaries=False)
    return PartyOrganization.objects.get(code=national.ROOT_CODE)


def subtree(root):
    return PartyOrganization.objects.filter(path__startswith=root.path)


def national_members(root):
    return Member.objects.filter(organization__path__startswith=root.path)


def snapshot(root) -> dict:
    """What must come out the same for the same seed (ids aside)."""
    organizations = subtree(root).order_by("pk")
    return {
        "organizations": list(organizations.values_list("code", "name", "kind")),
        "members": list(
            national_members(root)
            .order_by("pk")
            .values_list("full_name", "national_id", "status", "admitted_on")[:50]
        ),
        "counts": (
            national_members(root).count(),
            MemberEvent.objects.filter(member__in=national_members(root)).count(),
            OrganizationEvent.objects.filter(organization__in=organizations).count(),
            MassOrganization.objects.filter(party_committee__in=organizations).count(),
            Headcount.objects.filter(organization__party_committee__in=organizations).count(),
            Target.objects.filter(committee__in=organizations).count(),
        ),
    }


def test_sizes_scale_with_the_members():
    full = national.national_sizes(national.FULL_MEMBERS)
    assert (full.provinces, full.zone_committees, full.grassroots) == (63, 400, 55_000)
    small = national.national_sizes(SIZE)
    assert (small.provinces, small.zone_committees, small.grassroots) == (2, 8, 20)
    tiny = national.national_sizes(national.MINIMUM_MEMBERS)
    assert (tiny.provinces, tiny.zone_committees, tiny.grassroots) == (1, 1, 1)


def test_provinces_are_the_63_with_distinct_codes():
    assert len(national.PROVINCES) == 63
    for column in (0, 1, 2):
        assert len({province[column] for province in national.PROVINCES}) == 63


def test_tree_shape(root):
    sizes = national.national_sizes(SIZE)
    assert root.kind == Kind.CENTRAL and root.parent is None and root.path == f"/{root.pk}/"
    by_kind = Counter(subtree(root).values_list("kind", flat=True))
    assert by_kind[Kind.CENTRAL] == 1
    assert by_kind[Kind.PROVINCIAL_COMMITTEE] == sizes.provinces
    assert by_kind[Kind.ZONE_COMMITTEE] == sizes.zone_committees
    grassroots = by_kind[Kind.GRASSROOTS_COMMITTEE] + by_kind[Kind.GRASSROOTS_CELL]
    assert grassroots == sizes.grassroots
    assert by_kind[Kind.GRASSROOTS_COMMITTEE] >= 1 and by_kind[Kind.SUBORDINATE_CELL] >= 3
    organizations = {o.pk: o for o in subtree(root).select_related("enterprise")}
    events = {
        e.organization_id: e
        for e in OrganizationEvent.objects.filter(organization__in=organizations)
    }
    assert len(events) == len(organizations)
    for organization in organizations.values():
        assert organization.code.startswith(national.PREFIX)
        parent = organizations.get(organization.parent_id)
        assert organization.parent_kind_allowed(parent), organization.code
        if parent is not None:
            assert organization.path == f"{parent.path}{organization.pk}/"
            assert events[organization.pk].date >= events[parent.pk].date, organization.code
        # Every organization starts in the ledger, under the parent it has now.
        assert events[organization.pk].kind in OrganizationEvent.STARTING_KINDS
        assert events[organization.pk].parent_id == organization.parent_id
        assert organization.is_active
        if organization.is_committee and organization.kind != Kind.GRASSROOTS_COMMITTEE:
            assert organization.ledger_starts_on == national.OPENING
        else:
            assert organization.ledger_starts_on is None
        if organization.kind in PartyOrganization.GRASSROOTS_KINDS:
            assert organization.parent.kind == Kind.ZONE_COMMITTEE
            assert organization.enterprise.zone_id == organization.zone_id
            assert organization.enterprise.committee_id == organization.parent_id
        if organization.kind == Kind.SUBORDINATE_CELL:
            assert organization.parent.kind == Kind.GRASSROOTS_COMMITTEE
    assert statistics.coverage_start(root) == national.OPENING
    assert Zone.objects.filter(code__startswith=national.PREFIX).count() >= sizes.zone_committees


def test_every_member_agrees_with_their_events(root):
    members = {m.pk: m for m in national_members(root)}
    assert len(members) == SIZE
    founded = dict(
        OrganizationEvent.objects.filter(organization__path__startswith=root.path).values_list(
            "organization_id", "date"
        )
    )
    kinds = dict(subtree(root).values_list("pk", "kind"))
    events = defaultdict(list)
    for event in MemberEvent.objects.filter(member__in=list(members)).order_by("date", "pk"):
        events[event.member_id].append(event)
    assert set(events) == set(members)
    for pk, member in members.items():
        chain = events[pk]
        assert chain[0].kind in (MemberEvent.Kind.ADMITTED, MemberEvent.Kind.TRANSFERRED_IN)
        for event, following in itertools.pairwise(chain):
            assert event.ended_on == following.date
            # Only a member transferred out has anything after leaving: coming back.
            if event.status_after not in ACTIVE_STATUSES:
                assert event.kind == MemberEvent.Kind.TRANSFERRED_OUT
                assert following.kind == MemberEvent.Kind.TRANSFERRED_IN
        assert chain[-1].ended_on is None
        for event in chain:
            assert kinds[event.organization_id] in MEMBER_ORGANIZATION_KINDS
            assert founded[event.organization_id] <= event.date <= national.LEDGER_END
        last = chain[-1]
        assert (member.organization_id, member.status) == (last.organization_id, last.status_after)
        admissions = [e.date for e in chain if e.kind == MemberEvent.Kind.ADMITTED]
        officials = [e.date for e in chain if e.kind == MemberEvent.Kind.MADE_OFFICIAL]
        assert member.admitted_on is not None
        if admissions:
            assert [member.admitted_on] == admissions
        assert officials == ([member.official_on] if member.official_on else [])
        if member.official_on:
            assert member.official_on >= add_months(member.admitted_on, 12)
        assert (member.card_number != "") == any(e.status_after == "official" for e in chain)


def _replay(member: Member, chain: list[MemberEvent], national_id: str) -> Member:
    """The member's events again, through the services, under a new identity."""
    person = {
        "full_name": member.full_name,
        "gender": member.gender,
        "birth_date": member.birth_date,
        "national_id": national_id,
    }
    first, *rest = chain
    if first.kind == MemberEvent.Kind.ADMITTED:
        copy = member_services.member_admit(
            organization=first.organization,
            date=first.date,
            decision_number=first.decision_number,
            **person,
        )
    else:
        copy = member_services.member_transfer_in(
            organization=first.organization,
            date=first.date,
            status=first.status_after,
            admitted_on=member.admitted_on,
            from_unit=first.other_unit,
            **person,
        )
    for event in rest:
        if event.kind == MemberEvent.Kind.MADE_OFFICIAL:
            member_services.member_make_official(
                member=copy, date=event.date, decision_number=event.decision_number
            )
        elif event.kind == MemberEvent.Kind.TRANSFERRED_OUT:
            member_services.member_transfer_out(
                member=copy, date=event.date, to_unit=event.other_unit
            )
        elif event.kind == MemberEvent.Kind.TRANSFERRED_IN:
            member_services.member_transfer_in(
                organization=event.organization,
                date=event.date,
                status=event.status_after,
                from_unit=event.other_unit,
                **person,
            )
        else:
            member_services.member_remove(member=copy, kind=event.kind, date=event.date)
    return Member.objects.get(pk=copy.pk)


def _events(member) -> list[tuple]:
    return list(
        member.events.order_by("date", "pk").values_list(
            "kind", "date", "organization_id", "status_after", "ended_on", "other_unit"
        )
    )


def test_members_replayed_through_the_services_come_out_the_same(root):
    """Members of every kind of history, replayed through members.services, give the same
    derived fields and the same events: the generator writes what the services would."""
    histories = defaultdict(list)
    for member in national_members(root).order_by("pk"):
        histories[tuple(_event[0] for _event in _events(member))].append(member)
    assert len(histories) >= 10
    numbers = itertools.count(1)
    for members in histories.values():
        for member in members[:2]:
            chain = list(member.events.order_by("date", "pk").select_related("organization"))
            copy = _replay(member, chain, f"97{next(numbers):010d}")
            fields = ("organization_id", "status", "admitted_on", "official_on")
            assert [getattr(copy, f) for f in fields] == [getattr(member, f) for f in fields]
            assert _events(copy) == _events(member)


def values(figures: dict) -> dict:
    return {metric: figure.value for metric, figure in figures.items()}


def test_central_figures_are_the_sum_of_the_provinces(root):
    """The root's figures, from the summary rows and counted from the ledger alike, add up
    from the provinces' (but for the organizations directly under it: the provinces)."""
    provinces = list(root.children.all())
    assert len(provinces) == national.national_sizes(SIZE).provinces
    for day in (national.OPENING, D(2020, 12, 31), national.LEDGER_END):
        country = values(statistics.stock(root, day))
        assert values(statistics.stock(root, day, naive=True)) == country
        parts = [values(statistics.stock(p, day)) for p in provinces]
        assert parts == [values(statistics.stock(p, day, naive=True)) for p in provinces]
        assert country[Metric.PARTY_ORGANIZATIONS] == len(provinces)
        for metric in statistics.STOCK_METRICS:
            if metric != Metric.PARTY_ORGANIZATIONS:
                assert country[metric] == sum(p[metric] for p in parts), (day, metric)
        assert country[Metric.PARTY_MEMBERS] > 0
    assert values(statistics.stock(root, national.LEDGER_END))[Metric.TRADE_UNIONS] > 0
    year = (D(2019, 12, 31), D(2020, 12, 31))
    admitted = statistics.flows(root, *year).members["admitted"]
    assert admitted == statistics.flows(root, *year, naive=True).members["admitted"]
    assert admitted == sum(statistics.flows(p, *year).members["admitted"] for p in provinces)
    assert admitted > 0


def test_targets_for_zones_provinces_and_the_country(root):
    committees = subtree(root).filter(
        kind__in=[Kind.CENTRAL, Kind.PROVINCIAL_COMMITTEE, Kind.ZONE_COMMITTEE]
    )
    targets = Target.objects.filter(committee__in=committees)
    assert set(targets.values_list("committee_id", flat=True)) == set(
        committees.values_list("pk", flat=True)
    )
    assert targets.filter(kind=Target.Kind.CONGRESS, start_year=2020, end_year=2025).exists()
    plan = targets.get(
        committee=root, kind=Target.Kind.PLAN, start_year=2020, metric=Metric.MEMBERS_ADMITTED
    )
    admitted = statistics.flows(root, D(2019, 12, 31), D(2020, 12, 31)).members["admitted"]
    assert 0.8 * admitted <= plan.value <= 1.2 * admitted


def test_benchmark_users_and_their_scope(root):
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="bench-")}
    assert sorted(users) == ["bench-national", "bench-province", "bench-staff", "bench-zone"]
    assert users["bench-national"].profile.committee == root
    assert users["bench-national"].check_password(national.DEFAULT_PASSWORD)
    assert users["bench-province"].profile.committee.kind == Kind.PROVINCIAL_COMMITTEE
    zone = users["bench-zone"].profile.committee
    assert zone.kind == Kind.ZONE_COMMITTEE
    assert users["bench-staff"].profile.committee == zone
    assert users["bench-staff"].profile.role == Profile.Role.STAFF
    assert users["bench-zone"].profile.role == Profile.Role.LEADER
    assert Member.objects.for_user(users["bench-national"]).count() == SIZE
    visible = Member.objects.for_user(users["bench-zone"])
    assert 0 < visible.count() < SIZE
    assert not visible.exclude(organization__path__startswith=zone.path).exists()


def test_no_history_rows():
    models = (Member, MemberEvent, PartyOrganization, OrganizationEvent, MassOrganization)
    before = [model.history.count() for model in models]
    generate()
    assert [model.history.count() for model in models] == before


def test_same_seed_same_data_and_replace():
    generate()
    root = PartyOrganization.objects.get(code=national.ROOT_CODE)
    first = snapshot(root)
    generate(replace=True)
    root = PartyOrganization.objects.get(code=national.ROOT_CODE)
    assert snapshot(root) == first
    generate(replace=True, seed=8)
    root = PartyOrganization.objects.get(code=national.ROOT_CODE)
    other = snapshot(root)
    assert other["members"] != first["members"]
    assert other["organizations"] != first["organizations"]


@pytest.mark.usefixtures("english")
def test_refuses_to_run_twice_without_replace(root):
    members = Member.objects.count()
    with pytest.raises(CommandError, match="already loaded"):
        generate()
    assert Member.objects.count() == members


@pytest.mark.usefixtures("english")
def test_refuses_a_tiny_size():
    with pytest.raises(CommandError, match="at least 100"):
        generate(members=10)


def test_replace_deletes_the_previous_data_set_and_keeps_the_demo():
    hanoi = PartyOrganization.objects.get(code="HN-KCNCX")
    demo = (statistics.stock(hanoi, DEMO_DAY), ledger_counts())
    generate(members=1000)
    generate(members=500, replace=True)
    root = PartyOrganization.objects.get(code=national.ROOT_CODE)
    assert national_members(root).count() == 500
    national.national_delete()
    assert not national.national_exists()
    assert (statistics.stock(hanoi, DEMO_DAY), ledger_counts()) == demo
    # The benchmark users stay, without a profile until the next generation.
    assert not Profile.objects.filter(user__username__startswith="bench-").exists()


def test_coexists_with_the_demo(root):
    hanoi = PartyOrganization.objects.get(code="HN-KCNCX")
    figures = statistics.stock(hanoi, DEMO_DAY)
    assert figures[Metric.PARTY_MEMBERS].value == 1328
    assert figures[Metric.PARTY_ORGANIZATIONS].value == 96
    assert hanoi.parent.parent is None  # the demo's city committees stay at the top
    assert not subtree(root).filter(pk=hanoi.pk).exists()
    assert get_user_model().objects.get(username="canbo").profile.committee == hanoi


@pytest.mark.usefixtures("english")
def test_command_prints_progress_and_the_summaries_step(monkeypatch):
    monkeypatch.setattr(national, "get_commands", dict)
    output = generate(skip_summaries=False)
    assert "rows/s" in output
    assert "members_memberevent" in output
    assert "No rebuild_summaries command" in output


@pytest.mark.usefixtures("english")
def test_command_runs_rebuild_summaries_when_there_is_one(monkeypatch):
    calls = []
    monkeypatch.setattr(national, "get_commands", lambda: {"rebuild_summaries": "reports"})
    monkeypatch.setattr(national, "call_command", lambda name, **kw: calls.append(name))
    output = generate(skip_summaries=False)
    assert calls == ["rebuild_summaries"]
    assert "rebuild_summaries:" in output


@pytest.mark.usefixtures("vietnamese")
def test_progress_numbers_are_written_as_the_language_writes_them():
    assert (national.localized(1328), national.localized(2.46, 1)) == ("1.328", "2,5")
