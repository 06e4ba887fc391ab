"""The concurrent load of bench/run.py: logged-in users browsing a mix of the portal's pages.

bench/run.py writes the plan (pages with their weights, each page with the session cookie of
the user who reads it) to a JSON file named by BENCH_LOAD_PLAN and runs

    python -m locust -f bench/locustfile.py --headless -u 50 -r 50 -t 60s --host URL --csv ...

The users share the sessions that bench/run.py opened through the login form: logging in 50
times would measure the password hash (deliberately slow) instead of the pages. Anything but
a 200 answer is a failure, a redirect to the login page included.
"""

import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, between, task

PLAN = json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text())
PAGES = PLAN["pages"]
WEIGHTS = [page["weight"] for page in PAGES]


class PortalUser(FastHttpUser):
    # A person clicking from page to page, not a loop hammering one URL.
    wait_time = between(PLAN["think_seconds"] * 0.5, PLAN["think_seconds"] * 1.5)

    @task
    def read_a_page(self):
        page = random.choices(PAGES, weights=WEIGHTS)[0]
        with self.client.get(
            page["url"],
            name=page["name"],
            headers={"Cookie": page["cookie"]},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
