"""Shared fixtures: every test database holds the demo ledger, loaded once per run.

Tests run inside a transaction that is rolled back, so the demo is the same for each test.
"""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from organizations.models import PartyOrganization
from reports.demo import load_demo
from tests.helpers import pass_second_factor


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo(password=settings.DEMO_PASSWORD)


@pytest.fixture
def user(db):
    """Returns the demo user with this name: canbo, lanhdao, canbo.hp or admin."""

    def get(username: str):
        return get_user_model().objects.get(username=username)

    return get


@pytest.fixture
def login(client, user):
    """A client logged in as this demo user; an administrator has also passed the second
    factor (config/twofactor.py), as after a real login."""

    def as_user(username: str):
        account = user(username)
        client.force_login(account)
        if account.is_superuser:
            pass_second_factor(client, account)
        return client

    return as_user


@pytest.fixture
def hanoi():
    """The demo's Hanoi zone committee (HN-KCNCX), the committee of canbo and lanhdao."""
    return PartyOrganization.objects.get(code="HN-KCNCX")


@pytest.fixture
def hai_phong():
    """The demo's Hai Phong committee (HP-KKT), the committee of canbo.hp."""
    return PartyOrganization.objects.get(code="HP-KKT")


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def vietnamese():
    with translation.override("vi"):
        yield
