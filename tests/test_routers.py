"""The read replica: report pages read from it, everything else and every write from default."""

import pytest
from django.core.cache import cache
from django.db import connections, router
from django.test import override_settings
from django.urls import reverse

from config import routers
from config.routers import ReportReplicaRouter
from members.models import Member
from organizations.models import PartyOrganization
from reports.models import YearlyFigure
from tests.test_settings import read_setting

REPLICA_MIDDLEWARE = "config.middleware.ReportReplicaMiddleware"


class RecordingRouter(ReportReplicaRouter):
    """The replica router, remembering where each read went."""

    reads: list[tuple[str, str]] = []

    def db_for_read(self, model, **hints):
        alias = super().db_for_read(model, **hints)
        self.reads.append((model._meta.label, alias))
        return alias


@pytest.fixture
def replica(settings):
    """A `replica` alias served by default's connection (as a test mirror is), the recording
    router and the middleware, as settings.py sets them up with DATABASE_REPLICA_URL."""
    settings.DATABASE_ROUTERS = ["tests.test_routers.RecordingRouter"]
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, REPLICA_MIDDLEWARE]
    connections["replica"] = connections["default"]
    RecordingRouter.reads = []
    yield RecordingRouter.reads
    del connections._connections.replica


def test_reads_go_to_the_replica_only_inside_a_report_request():
    chooser = ReportReplicaRouter()
    assert chooser.db_for_read(Member) == "default"
    token = routers.reading_reports.set(True)
    try:
        assert chooser.db_for_read(Member) == "replica"
        assert chooser.db_for_read(YearlyFigure) == "replica"
        # Who is logged in is always read from the primary.
        from django.contrib.auth import get_user_model
        from django.contrib.sessions.models import Session

        assert chooser.db_for_read(get_user_model()) == "default"
        assert chooser.db_for_read(Session) == "default"
        assert chooser.db_for_write(Member) == "default"
    finally:
        routers.reading_reports.reset(token)


def test_migrations_never_run_on_the_replica():
    chooser = ReportReplicaRouter()
    assert chooser.allow_migrate("default", "members")
    assert not chooser.allow_migrate("replica", "members")
    assert not chooser.allow_migrate("replica", "auth")


@pytest.mark.django_db
def test_a_report_page_reads_from_the_replica(login, replica):
    cache.clear()  # the page computed, not remembered from an earlier test
    response = login("lanhdao").get(reverse("reports:dashboard"))
    assert response.status_code == 200
    models_on_replica = {label for label, alias in replica if alias == "replica"}
    assert "organizations.PartyOrganization" in models_on_replica
    # The version the page is remembered under comes from the same replica as its figures.
    assert "reports.SummaryVersion" in models_on_replica
    assert ("auth.User", "replica") not in replica
    # The mark ends with the request.
    assert not routers.reading_reports.get()


@pytest.mark.django_db
def test_the_composition_report_reads_from_the_replica(login, replica):
    cache.clear()  # the page computed, not remembered from an earlier test
    response = login("lanhdao").get(reverse("reports:composition"))
    assert response.status_code == 200 and response.context["result"].total
    assert ("members.MemberEvent", "replica") in replica
    assert ("members.MemberEvent", "default") not in replica


@pytest.mark.django_db
def test_other_pages_and_writes_use_default(login, replica):
    client = login("canbo")
    assert client.get(reverse("members:member_list")).status_code == 200
    assert replica and all(alias == "default" for _label, alias in replica)
    # A POST to a report URL is not a read-only report request.
    replica.clear()
    client.post(reverse("reports:close_year"), {"committee": "HN-KCNCX", "year": "2021"})
    assert all(alias == "default" for _label, alias in replica)
    committee = PartyOrganization.objects.get(code="HN-KCNCX")
    with override_settings(DATABASE_ROUTERS=["config.routers.ReportReplicaRouter"]):
        token = routers.reading_reports.set(True)
        try:
            assert router.db_for_write(PartyOrganization, instance=committee) == "default"
        finally:
            routers.reading_reports.reset(token)


def test_settings_add_the_replica_only_with_its_url():
    production = {"DEBUG": "0", "SECRET_KEY": "x" * 60}
    url = "postgres://portal@127.0.0.1:5432/portal"
    expression = (
        f"sorted(settings.DATABASES), settings.DATABASE_ROUTERS, "
        f"{REPLICA_MIDDLEWARE!r} in settings.MIDDLEWARE"
    )
    without = read_setting(expression, DATABASE_URL=url, **production)
    assert without.stdout.strip() == "['default'] [] False"
    found = read_setting(
        expression + ", settings.DATABASES['replica']['HOST']",
        DATABASE_URL=url,
        DATABASE_REPLICA_URL="postgres://portal@replica.internal:5432/portal",
        **production,
    )
    assert found.stdout.strip() == (
        "['default', 'replica'] ['config.routers.ReportReplicaRouter'] True replica.internal"
    )
