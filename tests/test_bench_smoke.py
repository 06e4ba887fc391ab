"""bench/run.py end to end on a tiny data set, and the Server-Timing header it reads.

A smoke test, not a measurement: it checks that every measurement is there with sane fields
and that no page failed, never how fast anything was. It builds its own scratch PostgreSQL
database (dropped afterwards) and skips when no PostgreSQL server answers. About half a
minute; deselect it with `-k "not bench_smoke"`.
"""

import json
import os
import re
import subprocess
import sys
import uuid
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

SERVER = os.environ.get("BENCH_SMOKE_SERVER", "postgres://postgres@127.0.0.1:5432")
REPORTS = {"dashboard", "growth", "years", "targets", "composition", "naive dashboard"}
LISTS = {
    ("members, first page", "national"),
    ("members, deep page", "national"),
    ("members filtered, first page", "national"),
    ("members filtered, deep page", "national"),
    ("members, first page", "zone"),
    ("members search nguyen, first page", "national"),
    ("members search nguyen, deep page", "national"),
    ("members search ly, first page", "national"),
    ("members by name descending", "national"),
}


def server_connection():
    import psycopg2

    parts = urlsplit(SERVER)
    try:
        connection = psycopg2.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username,
            password=parts.password,
            dbname="postgres",
            connect_timeout=3,
        )
    except psycopg2.OperationalError as error:
        pytest.skip(f"no PostgreSQL server for the benchmark's scratch database: {error}")
    connection.autocommit = True
    return connection


@pytest.fixture
def scratch_database():
    """The URL of a database that does not exist yet; run.py creates it, this drops it."""
    name = f"bench_smoke_{uuid.uuid4().hex[:8]}"
    server = server_connection()
    yield f"{SERVER}/{name}"
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server.close()


def test_bench_run_measures_every_page(scratch_database, tmp_path):
    result_file = tmp_path / "bench.json"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_REPLICA_URL"}
    completed = subprocess.run(
        [
            sys.executable,
            str(settings.BASE_DIR / "bench" / "run.py"),
            "--members=2000",
            "--requests=3",
            "--warmup=0",
            "--users=3",
            "--load-seconds=3",
            "--think-seconds=0.2",
            f"--database-url={scratch_database}",
            f"--json={result_file}",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    results = json.loads(result_file.read_text())
    rows = {(row["name"], row["level"]): row for row in results["measurements"]}

    expected = {("floor", "national"), ("static file", "-"), *LISTS}
    expected |= {(name, level) for name in REPORTS for level in ("national", "province", "zone")}
    load = [row for row in results["measurements"] if row["name"].startswith("load: ")]
    assert expected <= set(rows) and len(load) == 1
    assert len(rows) == len(expected) + 1

    for key in expected:
        row = rows[key]
        assert row["n"] == 3 and row["errors"] == 0, (key, row)
        assert 0 < row["median_ms"] <= row["p95_ms"], key
        assert isinstance(row["queries"], int), key
        assert row["ratio_to_floor"] > 0, key
        if key[0] == "naive dashboard":
            assert row["target"] == "reference" and row["met"] is None
        else:
            assert row["target"] and isinstance(row["met"], bool), key
            assert all(isinstance(check["met"], bool) for check in row["checks"])
    assert rows[("floor", "national")]["ratio_to_floor"] == 1
    for level in ("national", "province", "zone"):
        assert rows[("dashboard", level)]["ratio_to_naive"] > 0
    # WhiteNoise serves the hashed static files from gunicorn with a far-future cache.
    static = rows[("static file", "-")]
    assert static["queries"] == 0 and static["met"] is True
    assert "immutable" in static["headers"]["Cache-Control"]

    assert load[0]["errors"] == 0 and load[0]["n"] > 0 and load[0]["requests_per_s"] > 0
    assert results["load"]["users"] == 3
    workers = [p for p in results["memory"]["after_load"] if p["role"] == "worker"]
    assert len(workers) == 2 and all(p["peak_mib"] > 0 for p in workers)
    # The naive way runs on a server of its own: one worker, not counted with the portal's.
    naive = [p for p in results["memory"]["naive_server"] if p["role"] == "worker"]
    assert len(naive) == 1 and naive[0]["pid"] not in {p["pid"] for p in workers}
    judged = [row for row in results["measurements"] if row["met"] is not None]
    met = sum(row["met"] for row in judged)
    assert results["targets"] == {"met": met, "total": len(judged)}
    assert completed.stdout.splitlines()[-1] == f"targets met: {met} of {len(judged)}"


@pytest.mark.django_db
def test_server_timing_header_counts_the_queries(login, settings, django_assert_num_queries):
    settings.MIDDLEWARE = ["config.middleware.ServerTimingMiddleware", *settings.MIDDLEWARE]
    client = login("lanhdao")
    response = client.get(reverse("members:member_list"))
    timing = re.fullmatch(
        r'app;dur=([\d.]+), db;dur=([\d.]+);desc="(\d+) queries"', response["Server-Timing"]
    )
    assert timing is not None, response["Server-Timing"]
    cache.clear()  # computed again, not remembered (config.views.RememberedListMixin)
    with django_assert_num_queries(int(timing[3])):
        client.get(reverse("members:member_list"))
    assert float(timing[1]) >= float(timing[2])
