"""Issue 17.6: one TOTP code entered by many sessions at once is accepted once (django-otp
records the code's time step on the device; the form reads the device under a row lock).

On PostgreSQL only, like the other races (tests/concurrency/test_races.py): SQLite has one
writer at a time, and its in-memory test database shares one connection cache between threads.
The sequential case, on both databases, is in tests/test_twofactor.py.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.concurrency.test_races import together
from tests.test_twofactor import VERIFY, code

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the race needs PostgreSQL: SQLite serializes every write",
    ),
    pytest.mark.django_db(transaction=True),
]
SESSIONS = 10


def test_ten_sessions_entering_one_code_at_once_pass_once():
    account = get_user_model().objects.create_user("totp.race", password="not-used-here-2012")
    device = TOTPDevice.objects.create(user=account, name="phone", confirmed=True)
    clients = []
    for _n in range(SESSIONS):
        client = Client()
        client.force_login(account)
        session = client.session
        session["portal_two_factor_pending"] = True
        session.save()
        clients.append(client)
    token = code(device)

    results = together(
        SESSIONS, lambda i: clients[i].post(VERIFY, {"token": token, "next": "/members/"})
    )

    statuses = [getattr(result, "status_code", result) for result in results]
    assert sorted(statuses, key=str) == [200] * (SESSIONS - 1) + [302], statuses
    passed = [result for result in results if result.status_code == 302]
    assert passed[0].url == "/members/"
    device.refresh_from_db()
    assert device.last_t >= 0
