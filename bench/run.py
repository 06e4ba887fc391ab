"""National-scale benchmark: the portal under gunicorn on PostgreSQL, each page beside the
floor (an empty page through the same middleware and login) and beside the naive way.

    .venv/bin/python bench/run.py [--members 5500000] [--json FILE] [--reuse]
        [--requests 200] [--users 50] [--load-seconds 60] [--database-url URL]

In one run:
1. creates the PostgreSQL database if it is missing (`--database-url`, default the scratch
   database `bench_national`; nothing is ever dropped), migrates it and builds the national
   data set with `manage.py generate_national --members N --replace` (skipped with `--reuse`
   when the database already holds a data set of that size and seed: run.py marks it with a
   COMMENT ON DATABASE), then collects the static files (WhiteNoise serves them);
2. starts gunicorn (`--workers`, 2 sync workers by default: one per core of the 2-core
   machine, the database and the load generator share the same cores) with bench/settings.py,
   which mounts the floor and the naive views (bench/urls.py) and adds the Server-Timing
   header (config.middleware.ServerTimingMiddleware); and a second gunicorn of one worker
   for the naive views alone, so that the portal's workers' memory is the portal's (counting
   millions of members the naive way takes hundreds of megabytes);
3. logs in the data set's users through the login form (a real session, CSRF included);
4. requests each page `--requests` times in a row after `--warmup` requests, and takes the
   median and p95 of the *server* time (Server-Timing `app`) and the most SQL queries of a
   request (Server-Timing `db`): the floor, the dashboard, growth, year, target and
   composition pages at the national, province and zone levels, the naive dashboard figures
   at each level, the members list (first and deep page, filtered and not) and one static
   file;
5. loads the server with `--users` concurrent users for `--load-seconds` (locust, headless,
   bench/locustfile.py) on a mix of these pages: requests per second, p95 and errors;
6. prints one table (ratios to the floor's p95 and to the naive way, targets met), the peak
   memory of the gunicorn processes (VmHWM), and writes the same as JSON (`--json FILE`).

The exit status is 0 whether or not the targets are met (it is a measurement); the last line
says how many were. Progress goes to stderr, the table to stdout.
"""

import argparse
import csv
import datetime
import html
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_national"
DEFAULT_PASSWORD = "bench-password-2026"
USERS = {
    "national": "bench-national",
    "province": "bench-province",
    "zone": "bench-zone",
    "staff": "bench-staff",
}
LEVELS = ("national", "province", "zone")
REPORTS = ("dashboard", "growth", "years", "targets", "composition")
MEMBER_FILTER = {"status": "official", "gender": "female"}
# Typed without diacritics, as offices do: the most common surname (more than a third of the
# list) and a rare one (the search's range then holds a few thousand names).
MEMBER_SEARCHES = {"members search nguyen": {"q": "nguyen"}, "members search ly": {"q": "ly"}}
LISTS = {"members": {}, "members filtered": MEMBER_FILTER, **MEMBER_SEARCHES}
PER_PAGE = 50  # MemberListView.table_pagination

# Targets (issue "National scale", point 5).
FLOOR_RATIO = 3.0  # p95 of a page ÷ p95 of the floor, at most
NAIVE_SPEEDUP = 30.0  # median of the naive way ÷ median of the dashboard, at least
QUERY_BUDGET = 10  # SQL queries per page, at most

SERVER_TIMING_APP = re.compile(r"\bapp;dur=([\d.]+)")
SERVER_TIMING_DB = re.compile(r"\bdb;dur=([\d.]+);desc=\"(\d+) queries\"")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STYLESHEET = re.compile(r'href="(/static/css/portal[^"]*\.css)"')
# The list's own links to the next and previous pages (ours, or django-tables2's template).
NEXT_LINK = re.compile(r'rel="next"\s+href="([^"]+)"|class="next page-item">\s*<a href="([^"]+)"')
PREVIOUS_LINK = re.compile(r'rel="prev"\s+href="|class="previous page-item">\s*<a href="')


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=5_500_000, help="data set size")
    parser.add_argument("--seed", type=int, help="seed of generate_national (its default)")
    parser.add_argument("--json", type=Path, help="write the results to this file")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the data set if it has this size and seed"
    )
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page")
    parser.add_argument(
        "--budget-seconds",
        type=float,
        default=600,
        help="stop a page's requests after this long (the naive way at 5.5M members)",
    )
    parser.add_argument("--users", type=int, default=50, help="concurrent users of the load")
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument(
        "--think-seconds", type=float, default=1.0, help="mean pause of a user between pages"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--password", default=DEFAULT_PASSWORD, help="of the bench-* users")
    return parser.parse_args(argv)


# The database and the data set -------------------------------------------------------------


def connect(url: str, database: str | None = None):
    import psycopg2

    parts = urlsplit(url)
    return psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname=database or parts.path.lstrip("/"),
    )


def ensure_database(url: str) -> None:
    """Create the database if it is missing (through the server's `postgres` database)."""
    from psycopg2 import sql

    name = urlsplit(url).path.lstrip("/")
    server = connect(url, "postgres")
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            log(f"creating database {name}")
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    server.close()


def data_set_mark(args) -> str:
    return f"bench/run.py data set: members={args.members} seed={args.seed}"


def read_mark(url: str) -> str | None:
    database = connect(url)
    try:
        with database.cursor() as cursor:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = current_database()"
            )
            return cursor.fetchone()[0]
    finally:
        database.close()


def write_mark(url: str, mark: str | None) -> None:
    from psycopg2 import sql

    name = urlsplit(url).path.lstrip("/")
    database = connect(url)
    database.autocommit = True
    with database.cursor() as cursor:
        cursor.execute(sql.SQL("COMMENT ON DATABASE {} IS %s").format(sql.Identifier(name)), [mark])
    database.close()


def manage(env: dict, *command: str) -> None:
    log("manage.py " + " ".join(command))
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *command],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=sys.stderr,
    )


def django_setup(env: dict) -> None:
    """Django in this process, on the benchmark's database, for a few look-ups."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(args, env: dict) -> float:
    """Migrate and build the data set unless `--reuse` finds it; returns the seconds spent."""
    from django.core.management import get_commands

    started = time.perf_counter()
    ensure_database(args.database_url)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    if args.reuse and read_mark(args.database_url) == data_set_mark(args):
        log(f"reusing the data set ({data_set_mark(args)})")
    else:
        # Unmarked while it is built: a generation cut short is never reused.
        write_mark(args.database_url, None)
        if "generate_national" in get_commands():
            seed = [] if args.seed is None else [f"--seed={args.seed}"]
            manage(
                env,
                "generate_national",
                f"--members={args.members}",
                *seed,
                f"--password={args.password}",
                "--replace",
            )
        else:
            demo_stand_in(env, args.password)
        write_mark(args.database_url, data_set_mark(args))
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    return time.perf_counter() - started


def demo_stand_in(env: dict, password: str) -> None:
    """The demo with the bench users on its committees, while generate_national is missing."""
    from django.contrib.auth import get_user_model

    from organizations.models import PartyOrganization, Profile

    log("generate_national is missing: the demo stands in for the national data set")
    manage({**env, "DEMO_PASSWORD": password}, "load_demo")
    places = {
        "national": ("HN-KCNCX", Profile.Role.LEADER),
        "province": ("HN-KCNCX", Profile.Role.LEADER),
        "zone": ("HP-KKT", Profile.Role.LEADER),
        "staff": ("HP-KKT", Profile.Role.STAFF),
    }
    for role, username in USERS.items():
        code, profile_role = places[role]
        user, _created = get_user_model().objects.get_or_create(username=username)
        user.set_password(password)
        user.save()
        Profile.objects.update_or_create(
            user=user,
            defaults={
                "committee": PartyOrganization.objects.get(code=code),
                "role": profile_role,
            },
        )


def look_up(password: str) -> dict:
    """The users' committees and how many members each list holds (for the deep page)."""
    from django.contrib.auth import get_user_model

    from members.filters import MemberFilterSet
    from members.models import Member

    found = {}
    for role, username in USERS.items():
        user = get_user_model().objects.select_related("profile__committee").get(username=username)
        if not user.check_password(password):
            raise SystemExit(f"{username}: the password is not {password!r} (--password)")
        found[role] = {"username": username, "committee": user.profile.committee.code}
        if role == "national":
            members = Member.objects.for_user(user)
            found[role]["lists"] = {
                name: middle(MemberFilterSet(query, queryset=members).qs)
                for name, query in LISTS.items()
            }
    return found


def middle(members) -> dict:
    """How many members a list holds, and the one half-way down it in the list's order (the
    Vietnamese one, config.names.sort_key): the deep page is the one that goes on from there
    (or the page of that row, for numbered pages)."""
    count = members.count()
    pk = members.order_by("sort_key", "pk").values_list("pk", flat=True)[count // 2]
    return {"count": count, "middle_pk": pk, "middle_page": count // 2 // PER_PAGE + 1}


# The server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(args, env: dict, port: int, workers: int | None = None) -> subprocess.Popen:
    workers = workers or args.workers
    log(f"starting gunicorn ({workers} workers) on 127.0.0.1:{port}")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            # The naive way at national scale takes longer than gunicorn's 30 s default.
            "--timeout=900",
            "--graceful-timeout=10",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (status {server.returncode})")
        try:
            if requests.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=5).ok:
                return server
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    stop_gunicorn(server)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def memory(server: subprocess.Popen) -> list[dict]:
    """Peak (VmHWM) and current (VmRSS) resident memory of gunicorn's master and workers."""
    import psutil

    processes = [psutil.Process(server.pid), *psutil.Process(server.pid).children()]
    found = []
    for process in processes:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
        except FileNotFoundError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        found.append(
            {
                "pid": process.pid,
                "role": "master" if process.pid == server.pid else "worker",
                "peak_mib": int(fields["VmHWM"].split()[0]) / 1024,
                "rss_mib": int(fields["VmRSS"].split()[0]) / 1024,
            }
        )
    return found


def log_in(base: str, username: str, password: str):
    """A requests session logged in through the login form, as a browser does."""
    import requests

    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = CSRF_INPUT.search(page.text)
    if page.status_code != 200 or token is None:
        raise SystemExit(f"login page: HTTP {page.status_code}, no CSRF token")
    answer = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token[1]},
        allow_redirects=False,
        timeout=60,
    )
    if answer.status_code != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"{username} could not log in (HTTP {answer.status_code})")
    return session


# Measuring -------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile: the smallest value with `fraction` of the values at or under."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure(session, base: str, page: dict, args) -> dict:
    """Requests `page` again and again; server times from the Server-Timing header."""
    requests_wanted = args.requests
    for _ in range(args.warmup):
        session.get(base + page["url"], allow_redirects=False, timeout=900)
    server_ms, client_ms, db_ms, queries, errors, headers = [], [], [], [], [], {}
    deadline = time.monotonic() + args.budget_seconds
    while len(server_ms) + len(errors) < requests_wanted and time.monotonic() < deadline:
        started = time.perf_counter()
        response = session.get(base + page["url"], allow_redirects=False, timeout=900)
        client_ms.append((time.perf_counter() - started) * 1000)
        timing = response.headers.get("Server-Timing", "")
        app, db = SERVER_TIMING_APP.search(timing), SERVER_TIMING_DB.search(timing)
        if response.status_code != 200 or app is None or db is None:
            errors.append(f"HTTP {response.status_code}")
            continue
        server_ms.append(float(app[1]))
        db_ms.append(float(db[1]))
        queries.append(int(db[2]))
        headers = {name: response.headers.get(name) for name in page.get("expect_headers", ())}
    return {
        "n": len(server_ms),
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:3],
        "median_ms": statistics.median(server_ms) if server_ms else None,
        "p95_ms": percentile(server_ms, 0.95),
        "db_median_ms": statistics.median(db_ms) if db_ms else None,
        "client_median_ms": statistics.median(client_ms) if client_ms else None,
        "queries": max(queries) if queries else None,
        "headers": headers or None,
    }


def deep_url(session, base: str, deep: dict) -> str:
    """The deep page of a list, in the form of the list's own "next" link: its cursor
    (`after=<id>`) set to the member half-way down, or its page number to the middle page."""
    first = session.get(base + deep["first"], timeout=900)
    link = NEXT_LINK.search(first.text)
    if link is None:
        raise SystemExit(f"{deep['first']}: no link to a next page ({deep['count']} members)")
    target = urlsplit(html.unescape(link[1] or link[2]))
    query = parse_qs(target.query)
    if "after" in query:
        query["after"] = [str(deep["middle_pk"])]
    elif "page" in query:
        query["page"] = [str(deep["middle_page"])]
    else:
        raise SystemExit(f"{deep['first']}: the next link {target.query!r} has no cursor")
    url = urlsplit(deep["first"]).path + "?" + urlencode(query, doseq=True)
    # A cursor the list does not accept falls back to the first page: that is no deep page.
    if PREVIOUS_LINK.search(session.get(base + url, timeout=900).text) is None:
        raise SystemExit(f"{url}: no link to a previous page, so not a deep page")
    return url


def pages(found: dict, stylesheet: str | None) -> list[dict]:
    """Every measurement of the sequential part, in order; `load` weights the mix."""
    listed = [
        {"name": "floor", "level": "national", "user": "national", "url": "/bench/floor/"},
    ]
    for level in LEVELS:
        code = found[level]["committee"]
        committee = f"?{urlencode({'committee': code})}"
        for report in REPORTS:
            # The growth page opens on the user's committee since its records begin; the
            # others are asked for the committee by code, as the committee picker does.
            url = f"/reports/{report}/" + ("" if report == "growth" else committee)
            listed.append({"name": report, "level": level, "user": level, "url": url, "load": 2})
        listed.append(
            {
                "name": "naive dashboard",
                "level": level,
                "user": level,
                "url": f"/bench/naive-dashboard/{committee}",
                "reference": True,
            }
        )
    for name, query in LISTS.items():
        first = "/members/" + (f"?{urlencode(query)}" if query else "")
        listed.append(
            {
                "name": f"{name}, first page",
                "level": "national",
                "user": "national",
                "url": first,
                "load": 1,
                "list": True,
            }
        )
        if found["national"]["lists"][name]["count"] <= PER_PAGE:
            continue  # a rare name's search can be one page: it has no deep page
        listed.append(
            {
                "name": f"{name}, deep page",
                "level": "national",
                "user": "national",
                "url": None,  # found by deep_url() once the server runs
                "deep": {"first": first, **found["national"]["lists"][name]},
                "load": 1,
                "list": True,
            }
        )
    # The name column sorted the other way: the same index, read backwards.
    listed.append(
        {
            "name": "members by name descending",
            "level": "national",
            "user": "national",
            "url": "/members/?sort=-full_name",
            "load": 1,
            "list": True,
        }
    )
    listed.append(
        {
            "name": "members, first page",
            "level": "zone",
            "user": "staff",
            "url": "/members/",
            "load": 2,
            "list": True,
        }
    )
    if stylesheet:
        listed.append(
            {
                "name": "static file",
                "level": "-",
                "user": "national",
                "url": stylesheet,
                "static": True,
                "expect_headers": ["Cache-Control", "Content-Type"],
            }
        )
    return listed


def run_load(args, base: str, plan: list[dict], sessions: dict, workdir: Path) -> dict:
    """`--users` users for `--load-seconds` on the weighted mix, through locust."""
    plan_file = workdir / "load_plan.json"
    cookies = {
        role: "; ".join(f"{name}={value}" for name, value in session.cookies.items())
        for role, session in sessions.items()
    }
    plan_file.write_text(
        json.dumps(
            {
                "think_seconds": args.think_seconds,
                "pages": [
                    {
                        "name": f"{page['name']} ({page['level']})",
                        "url": page["url"],
                        "cookie": cookies[page["user"]],
                        "weight": page["load"],
                    }
                    for page in plan
                    if page.get("load")
                ],
            }
        )
    )
    prefix = workdir / "load"
    log(f"load: {args.users} users for {args.load_seconds} s")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            f"--users={args.users}",
            f"--spawn-rate={args.users}",
            f"--run-time={args.load_seconds}s",
            f"--host={base}",
            f"--csv={prefix}",
            "--only-summary",
            "--loglevel=WARNING",
            # Requests still running at the end are waited for, so that they are counted.
            "--stop-timeout=30",
            "--exit-code-on-error=0",
        ],
        cwd=ROOT,
        env={**os.environ, "BENCH_LOAD_PLAN": str(plan_file)},
        check=True,
        stdout=sys.stderr,
        stderr=sys.stderr,
        timeout=args.load_seconds + 180,
    )
    with open(f"{prefix}_stats.csv", newline="") as stats:
        total = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    with open(f"{prefix}_failures.csv", newline="") as failures:
        failure_samples = [
            f"{row['Name']}: {row['Error']} ({row['Occurrences']}×)"
            for row in csv.DictReader(failures)
        ][:5]
    return {
        "users": args.users,
        "seconds": args.load_seconds,
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "error_samples": failure_samples,
        "requests_per_s": float(total["Requests/s"]),
        "median_ms": float(total["Median Response Time"]),
        "p95_ms": float(total["95%"]),
    }


# Targets and the report ------------------------------------------------------------------


def judge(results: list[dict], load: dict) -> None:
    """Ratios and targets, in place. ratio_to_floor is p95 ÷ the floor's p95 (how many times
    slower than Django's own cost); ratio_to_naive is the naive median ÷ the median (how many
    times faster than the naive way)."""
    floor = next(row for row in results if row["name"] == "floor")
    naive = {row["level"]: row for row in results if row["name"] == "naive dashboard"}
    for row in results:
        checks = []
        if row.get("p95_ms") is not None and floor["p95_ms"]:
            row["ratio_to_floor"] = row["p95_ms"] / floor["p95_ms"]
        reference = naive.get(row["level"])
        if row["name"] == "dashboard" and reference and reference["median_ms"] and row["median_ms"]:
            row["ratio_to_naive"] = reference["median_ms"] / row["median_ms"]
        if row.get("reference"):
            row["target"], row["met"] = "reference", None
            continue
        if row.get("static"):
            cache = (row.get("headers") or {}).get("Cache-Control") or ""
            checks.append(("served by WhiteNoise, cached for good", "immutable" in cache))
        else:
            checks.append((f"≤ {QUERY_BUDGET} queries", (row["queries"] or 0) <= QUERY_BUDGET))
        if (row["name"] in REPORTS and row["level"] == "national") or row.get("list"):
            checks.append(
                (f"p95 ≤ {FLOOR_RATIO:g}× floor", (row.get("ratio_to_floor") or 1e9) <= FLOOR_RATIO)
            )
        if row["name"] == "dashboard" and row["level"] == "national":
            checks.append(
                (f"≥ {NAIVE_SPEEDUP:g}× naive", (row.get("ratio_to_naive") or 0) >= NAIVE_SPEEDUP)
            )
        checks.append(("no error", row["errors"] == 0 and row["n"] > 0))
        row["checks"] = [{"target": name, "met": met} for name, met in checks]
        row["target"] = ", ".join(name for name, _met in checks[:-1])
        row["met"] = all(met for _name, met in checks)
    results.append(
        {
            "name": f"load: {load['users']} users, {load['seconds']} s",
            "level": "mix",
            "n": load["requests"],
            "errors": load["errors"],
            "error_samples": load["error_samples"],
            "median_ms": load["median_ms"],
            "p95_ms": load["p95_ms"],
            "requests_per_s": load["requests_per_s"],
            "queries": None,
            "target": "0 errors",
            "met": load["errors"] == 0 and load["requests"] > 0,
            "checks": [{"target": "0 errors", "met": load["errors"] == 0}],
        }
    )


def number(value, digits: int = 1, suffix: str = "") -> str:
    return "-" if value is None else f"{value:,.{digits}f}{suffix}"


def table(results: list[dict]) -> str:
    header = (
        "measurement",
        "level",
        "n",
        "median ms",
        "p95 ms",
        "queries",
        "×floor p95",
        "×faster than naive",
        "target",
        "met",
    )
    rows = [header]
    for row in results:
        met = {True: "yes", False: "NO", None: "-"}[row["met"]]
        rows.append(
            (
                row["name"],
                row["level"],
                str(row["n"]),
                number(row["median_ms"]),
                number(row["p95_ms"]),
                "-" if row["queries"] is None else str(row["queries"]),
                number(row.get("ratio_to_floor"), 2),
                number(row.get("ratio_to_naive"), 1),
                row["target"],
                met,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {2, 3, 4, 5, 6, 7}
    lines = []
    for index, row in enumerate(rows):
        cells = [
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="bench-national-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": args.database_url,
        "DEBUG": "0",
        # A fresh key per run: the benchmark's sessions die with it.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "BENCH_STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_REPLICA_URL", None)
    try:
        django_setup(env)
        prepare_seconds = prepare(args, env)
        found = look_up(args.password)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_gunicorn(args, env, port)
        # The naive way on a server of its own (the same database and sessions).
        reference_port = free_port()
        reference_base = f"http://127.0.0.1:{reference_port}"
        reference = start_gunicorn(args, env, reference_port, workers=1)
        try:
            sessions = {
                role: log_in(base, info["username"], args.password) for role, info in found.items()
            }
            home = sessions["national"].get(f"{base}/reports/dashboard/", timeout=900)
            stylesheet = STYLESHEET.search(home.text)
            plan = pages(found, stylesheet[1] if stylesheet else None)
            results = []
            for page in plan:
                if page.get("deep"):
                    page["url"] = deep_url(sessions[page["user"]], base, page["deep"])
                log(f"measuring {page['name']} ({page['level']}): {page['url']}")
                served_by = reference_base if page.get("reference") else base
                results.append({**page, **measure(sessions[page["user"]], served_by, page, args)})
            after_sequential = memory(server)
            load = run_load(args, base, plan, sessions, workdir)
            after_load = memory(server)
            reference_memory = memory(reference)
        finally:
            stop_gunicorn(server)
            stop_gunicorn(reference)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    judge(results, load)
    met = sum(1 for row in results if row["met"])
    judged = sum(1 for row in results if row["met"] is not None)
    peak = max(process["peak_mib"] for process in after_load)
    summary = {
        "members": args.members,
        "seed": args.seed,
        "national_members_listed": found["national"]["lists"]["members"]["count"],
        "requests_per_page": args.requests,
        "workers": args.workers,
        "database": urlsplit(args.database_url).path.lstrip("/"),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "prepare_seconds": round(prepare_seconds, 1),
        "total_seconds": round(time.perf_counter() - started, 1),
        "measurements": [
            {
                key: row.get(key)
                for key in (
                    "name",
                    "level",
                    "url",
                    "n",
                    "errors",
                    "error_samples",
                    "median_ms",
                    "p95_ms",
                    "db_median_ms",
                    "client_median_ms",
                    "queries",
                    "ratio_to_floor",
                    "ratio_to_naive",
                    "requests_per_s",
                    "target",
                    "met",
                    "checks",
                    "headers",
                )
            }
            for row in results
        ],
        "load": load,
        "memory": {
            "after_requests": after_sequential,
            "after_load": after_load,
            "peak_worker_mib": peak,
            "naive_server": reference_memory,
        },
        "targets": {"met": met, "total": judged},
    }
    print(
        f"National benchmark: {args.members:,} members requested "
        f"({summary['national_members_listed']:,} in the national list), {args.requests} requests "
        f"a page, gunicorn with {args.workers} workers, PostgreSQL {summary['database']}"
    )
    print(table(results))
    print(
        f"load: {load['requests_per_s']:.1f} requests/s, p95 {load['p95_ms']:.0f} ms, "
        f"{load['errors']} errors of {load['requests']} requests"
    )
    for sample in load["error_samples"]:
        print(f"  {sample}")
    for row in results:
        for sample in row.get("error_samples") or []:
            print(f"  {row['name']} ({row['level']}): {sample}")
    print(
        "peak memory (VmHWM) of gunicorn: "
        + ", ".join(f"{p['role']} {p['pid']} {p['peak_mib']:.0f} MiB" for p in after_load)
        + "; the naive way's own server: "
        + ", ".join(f"{p['role']} {p['peak_mib']:.0f} MiB" for p in reference_memory)
    )
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
        print(f"written to {args.json}")
    print(f"targets met: {met} of {judged}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
