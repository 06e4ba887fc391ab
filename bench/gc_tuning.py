"""The garbage collector's settings of config/gunicorn.py against Python's defaults, side by
side in one run, on a database bench/run.py has filled (or any portal database with a user
to log in as):

    DATABASE_URL=postgres://.../national python bench/gc_tuning.py [--user bench-national]

Each setting runs in a process of its own, which logs in, warms every page up, then asks for
the pages in turn (`--rounds` times each) through Django's test client, in process: what is
measured is the application, not the network. The settings alternate (default, tuned,
default, tuned...) so that a machine busy with something else weighs on both alike. Prints
the median and p95 of each page under each, and the tuned p95 as a ratio of the default's.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "/bench/floor/",
    "/members/",
    "/reports/dashboard/?committee=N-TQ",
    "/reports/targets/?committee=N-TQ",
    "/reports/composition/?committee=N-TQ",
]


def measure(mode: str, user: str, rounds: int) -> dict[str, list[float]]:
    """Runs in the child process: the time of each request of each page, in ms."""
    import gc
    import time

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from config import gunicorn

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=user))
    for url in PAGES:
        for _ in range(5):
            client.get(url)
    if mode == "tuned":
        gunicorn.post_worker_init(None)
    times = {url: [] for url in PAGES}
    for _ in range(rounds):
        for url in PAGES:
            started = time.perf_counter()
            client.get(url)
            times[url].append((time.perf_counter() - started) * 1000)
    gc.collect()
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--user", default="bench-national")
    parser.add_argument("--rounds", type=int, default=200, help="requests of each page per run")
    parser.add_argument("--runs", type=int, default=2, help="runs of each setting, alternated")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child, args.user, args.rounds)))
        return
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-gc-tuning"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    results = {"default": {url: [] for url in PAGES}, "tuned": {url: [] for url in PAGES}}
    for _run in range(args.runs):
        for mode in results:
            command = [sys.executable, __file__, "--child", mode, "--user", args.user]
            command += ["--rounds", str(args.rounds)]
            out = subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
            for url, times in json.loads(out.stdout).items():
                results[mode][url].extend(times)
    print(f"{'page':42} {'default median/p95':>20} {'tuned median/p95':>18} {'p95 ratio':>10}")
    for url in PAGES:
        row = []
        for mode in results:
            times = sorted(results[mode][url])
            row.append((statistics.median(times), times[int(len(times) * 0.95)]))
        (dm, dp), (tm, tp) = row
        print(f"{url:42} {dm:9.2f} /{dp:8.2f} {tm:8.2f} /{tp:8.2f} {tp / dp:10.2f}")


if __name__ == "__main__":
    main()
