"""Members import throughput, side by side with three baselines in the same run.

    .venv/bin/python bench/imports.py [--rows 200000] [--baseline-rows 2000] [--sqlite]
        [--profile] [--skip-tracemalloc] [--debug-sql] [--keep]

Methods, each measured in its own subprocess on its own copy of the same database (the
migrated demo), so that every one starts from the same state and its peak memory is its own:

- ours: `run_import(MembersFormat(canbo), file, commit=True)`: every row validated, members,
  their ledger events and both history tables written with COPY;
- django-import-export: a default `ModelResource` for `Member` (`import_data`, no bulk mode),
  on a prefix of the file with other card numbers, because it is slow; it writes members and
  their history rows only (no ledger events);
- COPY: PostgreSQL's `COPY ... FROM STDIN (FORMAT csv)` of the same file into a plain table
  with typed columns (dates read with DateStyle DMY), no index: the cost of loading the file;
- COPY same rows: the rows ours wrote in its four tables (members, events, both histories),
  exported after its N-row run and copied back into a fresh copy with the same column lists,
  indexes, constraints and deferred foreign keys, in one transaction with its COMMIT: the
  floor of the database work ours does, so that ours / it shows what the rest costs.

Prints a table (rows/s, ratio against ours, peak RSS), the memory of ours at N/4 and N rows
(RSS and tracemalloc peaks: flat when the import streams), the two target ratios with
PASS/FAIL and ours / COPY same rows (informational), and with `--profile` a cProfile of ours
on N/4 rows (top 25 by cumulative time). Nothing is asserted. PostgreSQL: a throwaway
database (`--db`, dropped and created again) on `--server`, trust authentication; `--sqlite`
uses SQLite files instead (no COPY).
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARK = "BENCH-RESULT "
DMY = "%d/%m/%Y"
RAW_COLUMNS = (
    "full_name text, gender text, birth_date date, organization text, card_number text, "
    "national_id text, admitted_on date, official_on date, status text, ethnicity text, "
    "education text, position text"
)


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# Inside a subprocess -------------------------------------------------------------------------


def setup(args) -> dict:
    """Migrate, load the demo and write the files (run once, on the template database)."""
    django_setup()
    from django.core.management import call_command
    from make_members import demo_organizations, write

    from reports.demo import load_demo

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    load_demo(password="bench")
    organizations = demo_organizations()
    work = Path(args.workdir)
    write(work / "ours.csv", args.rows, organizations)
    write(work / "ours_quarter.csv", args.rows // 4, organizations)
    write(work / "baseline.csv", args.baseline_rows, organizations, start=args.start_card)
    return {"organizations": len(organizations), "seconds": time.perf_counter() - started}


def member_count() -> int:
    from members.models import Member

    return Member.objects.count()


REASON = "bench"  # the change reason of ours: it marks the history rows it wrote


def portal_tables() -> list[tuple[str, list[str], str, str]]:
    """What ours writes, table by table in its order: (table, the columns it gives COPY, the
    condition that picks the rows an import with REASON created, the order they were written).
    """
    from members.imports import EVENT_COLUMNS, MEMBER_COLUMNS
    from members.models import Member, MemberEvent
    from reports.importing.bulk import HISTORY_COLUMNS

    member_history = Member.history.model._meta.db_table
    event_history = MemberEvent.history.model._meta.db_table
    created = f"history_change_reason = '{REASON}' AND history_type = '+'"
    return [
        (
            Member._meta.db_table, MEMBER_COLUMNS,
            f"id IN (SELECT id FROM {member_history} WHERE {created})", "id",
        ),
        (
            MemberEvent._meta.db_table, EVENT_COLUMNS,
            f"id IN (SELECT id FROM {event_history} WHERE {created})", "id",
        ),
        (member_history, MEMBER_COLUMNS + HISTORY_COLUMNS, created, "history_id"),
        (event_history, EVENT_COLUMNS + HISTORY_COLUMNS, created, "history_id"),
    ]  # fmt: skip


def quoted(columns: list[str]) -> str:
    from django.db import connection

    return ", ".join(connection.ops.quote_name(column) for column in columns)


def export_rows(directory: Path) -> dict:
    """After ours (untimed): the rows it created, one file per table in COPY's text format."""
    from django.db import connection

    directory.mkdir(exist_ok=True)
    counts = {}
    with connection.cursor() as cursor:
        for table, columns, created, order in portal_tables():
            with (directory / f"{table}.copy").open("wb") as out:
                cursor.copy_expert(
                    f"COPY (SELECT {quoted(columns)} FROM {table} WHERE {created} "
                    f"ORDER BY {order}) TO STDOUT",
                    out,
                )
            counts[table] = cursor.rowcount
    return counts


def prepare_ours(path: Path, rows: int):
    from django.contrib.auth import get_user_model

    from members.imports import MembersFormat
    from reports.importing.engine import run_import

    user = get_user_model().objects.get(username="canbo")

    def go() -> str:
        with path.open("rb") as binary:
            summary = run_import(MembersFormat(user, reason=REASON), binary, commit=True)
        if not (summary.ok and summary.committed and summary.new == rows):
            raise SystemExit(
                f"ours FAILED: ok={summary.ok} committed={summary.committed} new={summary.new} "
                f"(expected {rows}) failed={summary.failed} messages={summary.messages[:10]}"
            )
        return f"{summary.new} new"

    return go


def prepare_import_export(path: Path, rows: int):
    import tablib
    from import_export.resources import ModelResource

    from members.models import Member, ethnicity_from_text

    class MemberResource(ModelResource):
        """Out of the box but for what the file needs: dd/mm/yyyy dates, organization code,
        the ethnic group's code for its written name (a check constraint allows only codes)."""

        def before_import_row(self, row, **kwargs):
            row["ethnicity"] = ethnicity_from_text(row["ethnicity"]) or ""

        class Meta:
            model = Member
            widgets = {
                "organization": {"field": "code"},
                "birth_date": {"format": DMY},
                "admitted_on": {"format": DMY},
                "official_on": {"format": DMY},
            }

    def go() -> str:
        dataset = tablib.Dataset().load(path.read_text(encoding="utf-8"), format="csv")
        result = MemberResource().import_data(dataset, dry_run=False)
        if result.has_errors() or result.has_validation_errors() or result.totals["new"] != rows:
            errors = [str(error.error) for error in result.base_errors]
            for line, row_errors in result.row_errors()[:3]:
                errors += [f"row {line}: {error.error!r}" for error in row_errors[:1]]
            for invalid in result.invalid_rows[:3]:
                errors.append(f"row {invalid.number}: {invalid.error_dict}")
            raise SystemExit(
                f"django-import-export FAILED: totals={dict(result.totals)} errors={errors}"
            )
        return f"{result.totals['new']} new"

    return go


def prepare_copy(path: Path, rows: int):
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_raw ({RAW_COLUMNS})")
    with path.open(encoding="utf-8") as text:
        header = text.readline().strip()

    def go() -> str:
        with transaction.atomic(), connection.cursor() as cursor, path.open("rb") as data:
            cursor.execute("SET LOCAL datestyle = 'ISO, DMY'")
            cursor.copy_expert(
                f"COPY bench_raw ({header}) FROM STDIN WITH (FORMAT csv, HEADER true)", data
            )
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*), count(official_on), min(birth_date) FROM bench_raw")
            count, official, oldest = cursor.fetchone()
        if count != rows:
            raise SystemExit(f"COPY FAILED: {count} rows loaded, expected {rows}")
        return f"{count} rows, {official} official_on, oldest {oldest}"

    return go


def prepare_copy_rows(directory: Path, rows: int):
    """The floor of ours' database work: COPY exactly the rows ours wrote (`export_rows`) into
    the portal's tables, with their indexes, checks and deferred foreign keys. What ours takes
    beyond this is reading and validating the file, the lookups and making the rows.
    """
    from django.db import connection, transaction

    tables = portal_tables()
    expected = {}
    for table, *_rest in tables:
        with (directory / f"{table}.copy").open("rb") as data:
            expected[table] = sum(1 for _line in data)  # text format: one line a row

    def go() -> str:
        copied = {}
        # One transaction, COMMIT included: the deferred foreign keys are checked there.
        with transaction.atomic(), connection.cursor() as cursor:
            for table, columns, _created, _order in tables:
                with (directory / f"{table}.copy").open("rb") as data:
                    cursor.copy_expert(f"COPY {table} ({quoted(columns)}) FROM STDIN", data)
                copied[table] = cursor.rowcount
        members, events, member_history, event_history = (copied[t] for t, *_ in tables)
        if copied != expected or members != rows or member_history != rows:
            raise SystemExit(f"COPY same rows FAILED: copied {copied}, expected {expected}")
        return f"{members} members, {events} events, {member_history + event_history} history"

    return go


PREPARE = {
    "ours": prepare_ours,
    "ie": prepare_import_export,
    "copy": prepare_copy,
    "copy_rows": prepare_copy_rows,
}


def measure(args) -> dict:
    """Run one method once; the timed part is the import itself (Django is set up before)."""
    import tracemalloc

    django_setup()
    if not args.debug_sql:
        from django.conf import settings

        # DEBUG=1 is only there for the settings to load: with it Django keeps the text of
        # the last 9,000 queries, which neither a production import nor its memory has.
        settings.DEBUG = False
    path = Path(args.file)
    go = PREPARE[args.one](path, args.rows)
    before = member_count()
    rss_before = max_rss_mib()
    if args.tracemalloc:
        tracemalloc.start()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    detail = go()
    seconds = time.perf_counter() - started
    if profiler is not None:
        import io
        import pstats

        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
        detail += "\n" + text.getvalue().strip("\n")
    heap = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else None
    tracemalloc.stop()
    added = member_count() - before
    expected = 0 if args.one == "copy" else args.rows
    if added != expected:
        raise SystemExit(f"{args.one}: {added} members added, expected {expected}")
    result = {
        "seconds": seconds,
        "rss_before": rss_before,
        "rss_peak": max_rss_mib(),
        "heap_peak": heap,
        "detail": detail,
    }
    if args.export:
        result["exported"] = export_rows(Path(args.export))
    return result


# The orchestrator ----------------------------------------------------------------------------


class Databases:
    """A template database built once, and a fresh copy of it for each measurement."""

    def __init__(self, args):
        self.sqlite = args.sqlite
        self.work = Path(args.workdir)
        self.server = args.server.rstrip("/")
        self.base = args.db
        self.run_name = f"{args.db}_run"

    def admin(self, *statements):
        import psycopg2

        connection = psycopg2.connect(f"{self.server}/postgres")
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
                return cursor.fetchone() if cursor.description else None
        finally:
            connection.close()

    def url(self, name: str) -> str:
        if self.sqlite:
            return f"sqlite:///{self.work / (name + '.sqlite3')}"
        return f"{self.server}/{name}"

    def create_base(self) -> str:
        if self.sqlite:
            import sqlite3

            (self.work / f"{self.base}.sqlite3").unlink(missing_ok=True)
            return f"SQLite {sqlite3.sqlite_version}"
        self.admin(
            f'DROP DATABASE IF EXISTS "{self.run_name}" WITH (FORCE)',
            f'DROP DATABASE IF EXISTS "{self.base}" WITH (FORCE)',
            f'CREATE DATABASE "{self.base}"',
        )
        return "PostgreSQL " + self.admin("SHOW server_version")[0]

    def fresh_copy(self) -> str:
        if self.sqlite:
            shutil.copyfile(
                self.work / f"{self.base}.sqlite3", self.work / f"{self.run_name}.sqlite3"
            )
        else:
            self.admin(
                f'DROP DATABASE IF EXISTS "{self.run_name}" WITH (FORCE)',
                f'CREATE DATABASE "{self.run_name}" TEMPLATE "{self.base}"',
                # Flush the copy's pages now rather than in the middle of a measurement.
                "CHECKPOINT",
            )
        return self.url(self.run_name)

    def drop_copy(self) -> None:
        if self.sqlite:
            (self.work / f"{self.run_name}.sqlite3").unlink(missing_ok=True)
        else:
            self.admin(f'DROP DATABASE IF EXISTS "{self.run_name}" WITH (FORCE)')

    def drop_all(self) -> None:
        self.drop_copy()
        if not self.sqlite:
            self.admin(f'DROP DATABASE IF EXISTS "{self.base}" WITH (FORCE)')


def child(args, url: str, *options: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env["DEBUG"] = "1"
    command = [sys.executable, str(Path(__file__).resolve()), "--workdir", args.workdir]
    process = subprocess.run(
        [*command, *options], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    results = [line for line in process.stdout.splitlines() if line.startswith(MARK)]
    if process.returncode or not results:
        sys.exit(f"{' '.join(options)} failed (exit {process.returncode}):\n{process.stdout}")
    return json.loads(results[-1][len(MARK) :])


def run_method(
    args, databases, method: str, file: str, rows: int, extra: str = "", export: str = ""
) -> dict:
    """`extra`: "tracemalloc" or "profile" (cProfile), a run for memory or for the profile;
    `export`: a directory of the work directory for the rows ours wrote (after the timing)."""
    url = databases.fresh_copy()
    options = ["--one", method, "--file", str(Path(args.workdir) / file), "--rows", str(rows)]
    options += ["--debug-sql"] if args.debug_sql else []
    options += [f"--{extra}"] if extra else []
    options += ["--export", str(Path(args.workdir) / export)] if export else []
    label = f"{method} {rows:,} rows" + (f" ({extra})" if extra else "")
    print(f"  {label} ...", end="", flush=True, file=sys.stderr)
    result = child(args, url, *options)
    databases.drop_copy()
    result["rows"] = rows
    result["rate"] = rows / result["seconds"]
    summary = result["detail"].split("\n", 1)[0]
    print(f" {result['seconds']:.1f} s ({summary})", file=sys.stderr)
    return result


def number(value, digits=0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def report(args, engine: str, results: dict) -> None:
    ours = results["ours"]
    quarter = results["ours_quarter"]
    print()
    print(
        f"Members import, {engine}: {args.rows:,} rows (django-import-export: "
        f"{args.baseline_rows:,} rows)"
    )
    print()
    table = [
        ("ours (run_import, commit)", ours),
        ("ours, N/4", quarter),
        ("django-import-export default", results["ie"]),
        ("COPY csv -> typed table, DMY", results.get("copy")),
        ("COPY same rows -> portal tables (4 tables, indexes, FKs)", results.get("copy_rows")),
    ]
    width = max(len(name) for name, _result in table) + 2
    header = (
        f"{'method':<{width}}{'rows':>9}{'seconds':>10}{'rows/s':>10}{'vs ours':>10}"
        f"{'peak RSS MiB':>14}{'(+import)':>11}"
    )
    print(header)
    print("-" * len(header))
    for name, result in table:
        if result is None:
            print(f"{name:<{width}}{'n/a':>9}{'n/a':>10}{'n/a':>10}{'n/a':>10}{'n/a':>14}{'':>11}")
            continue
        ratio = result["rate"] / ours["rate"]
        growth = result["rss_peak"] - result["rss_before"]
        print(
            f"{name:<{width}}{result['rows']:>9,}{result['seconds']:>10.2f}{number(result['rate']):>10}"
            f"{ratio:>9.3f}×{result['rss_peak']:>14.0f}{'+' + format(growth, '.0f'):>11}"
        )
    print()
    print("Memory of ours as the file grows (streaming: the same at N/4 and N):")
    print(f"  {'rows':>9}  {'peak RSS MiB':>12}  {'(+import)':>9}  {'tracemalloc peak MiB':>20}")
    for result, traced in ((quarter, results.get("quarter_traced")), (ours, results.get("traced"))):
        heap = traced["heap_peak"] if traced else None
        growth = result["rss_peak"] - result["rss_before"]
        print(
            f"  {result['rows']:>9,}  {result['rss_peak']:>12.0f}  {'+' + format(growth, '.0f'):>9}"
            f"  {number(heap, 1):>20}"
        )
    print()
    print("Targets:")
    targets = [("ours / django-import-export", results["ie"], 40)]
    targets.append(("ours / COPY", results.get("copy"), 0.5))
    for name, baseline, target in targets:
        if baseline is None:
            print(f"  {name:<28} n/a (COPY is PostgreSQL only)")
            continue
        ratio = ours["rate"] / baseline["rate"]
        verdict = "PASS" if ratio >= target else "FAIL"
        print(f"  {name:<28} {ratio:8.2f}×  (target ≥ {target}×)  {verdict}")
    floor = results.get("copy_rows")
    if floor is not None:
        ratio = ours["rate"] / floor["rate"]
        print(f"  {'ours / COPY same rows':<28} {ratio:8.2f}×  (no target: informational)")
        print(
            "    COPY of the rows ours writes into its four tables, with indexes and FKs: "
            "the floor of ours' database work"
        )
    print()
    notes = (
        "ours writes members, ledger events and both history tables; django-import-export "
        "writes members and their history rows (no events); COPY writes one table without "
        "indexes (typed columns: dates read with DateStyle ISO, DMY); COPY same rows writes what "
        "ours wrote, from files exported after its N-row run, COMMIT included. Peak RSS is each "
        "subprocess's ru_maxrss, Django included; (+import) is its growth during the measured "
        "import; the tracemalloc peak is the Python heap allocated during the import, in "
        "separate runs because tracing slows the import down. Django's DEBUG query log is "
        + ("on (--debug-sql)." if args.debug_sql else "off while measuring (--debug-sql keeps it).")
    )
    print(textwrap.fill(notes, width=100))


def orchestrate(args) -> None:
    started = time.perf_counter()
    args.workdir = args.workdir or tempfile.mkdtemp(prefix="bench_imports_")
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    databases = Databases(args)
    engine = databases.create_base()
    print(f"{engine}, files in {args.workdir}", file=sys.stderr)
    print("  migrate, load_demo, write files ...", end="", flush=True, file=sys.stderr)
    made = child(args, databases.url(databases.base), "--setup", *sizes(args))
    print(f" {made['seconds']:.0f} s ({made['organizations']} organizations)", file=sys.stderr)
    results = {}
    try:
        # The N-row run of ours also leaves the rows it wrote for the COPY same rows baseline.
        export = "" if args.sqlite else "portal_rows"
        results["ours"] = run_method(args, databases, "ours", "ours.csv", args.rows, export=export)
        results["ours_quarter"] = run_method(
            args, databases, "ours", "ours_quarter.csv", args.rows // 4
        )
        if not args.skip_tracemalloc:
            results["quarter_traced"] = run_method(
                args, databases, "ours", "ours_quarter.csv", args.rows // 4, "tracemalloc"
            )
            results["traced"] = run_method(
                args, databases, "ours", "ours.csv", args.rows, "tracemalloc"
            )
        results["ie"] = run_method(args, databases, "ie", "baseline.csv", args.baseline_rows)
        if not args.sqlite:
            results["copy"] = run_method(args, databases, "copy", "ours.csv", args.rows)
            results["copy_rows"] = run_method(
                args, databases, "copy_rows", "portal_rows", args.rows
            )
        if args.profile:
            results["profile"] = run_method(
                args, databases, "ours", "ours_quarter.csv", args.rows // 4, "profile"
            )
    finally:
        if not args.keep:
            databases.drop_all()
            if not args.keep_files:
                shutil.rmtree(args.workdir, ignore_errors=True)
    report(args, engine, results)
    if "profile" in results:
        profiled = results["profile"]
        print(f"\nours on {profiled['rows']:,} rows under cProfile (top 25 by cumulative time):")
        print(profiled["detail"].split("\n", 1)[1])
    print(f"\n(total {time.perf_counter() - started:.0f} s)")


def sizes(args) -> list[str]:
    return [
        "--rows", str(args.rows), "--baseline-rows", str(args.baseline_rows),
        "--start-card", str(args.start_card),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows for ours and the COPYs")
    parser.add_argument("--baseline-rows", type=int, default=2_000, help="django-import-export")
    parser.add_argument(
        "--start-card", type=int, default=50_000_000, help="first card number of its file"
    )
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="bench_imports", help="throwaway database (dropped)")
    parser.add_argument(
        "--debug-sql", action="store_true", help="keep Django's DEBUG query log while measuring"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also profile ours on N/4 rows (cProfile)"
    )
    parser.add_argument("--skip-tracemalloc", action="store_true", help="no traced runs")
    parser.add_argument("--keep", action="store_true", help="keep the databases and files")
    parser.add_argument("--keep-files", action="store_true", help="keep the CSV files")
    parser.add_argument("--workdir", help="where the files go (default: a temporary directory)")
    # Internal: the subprocesses.
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--one", choices=sorted(PREPARE), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--tracemalloc", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--export", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        print(MARK + json.dumps(setup(args)))
    elif args.one:
        print(MARK + json.dumps(measure(args)))
    else:
        orchestrate(args)


if __name__ == "__main__":
    main()
