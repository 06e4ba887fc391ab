"""A read replica for the report pages, on when DATABASE_REPLICA_URL is set.

PostgreSQL stays the one store: every write, every migration and every page that writes or
must read its own writes use `default`. The report pages (`REPLICA_VIEWS`) only read, and a
report a few seconds behind the primary is still the report, so their reads go to the
`replica` alias, a streaming replica of the primary. `ReportReplicaMiddleware`
(config/middleware.py) marks such a request; the router below reads the mark.

Sessions and users are always read from `default`: a user who has just logged in or out must
not be judged by a replica that has not seen it yet.
"""

from contextvars import ContextVar

REPLICA = "replica"

# The pages whose reads may go to the replica: the home page's figures and the reports that
# only read (URL names). Imports, target entries and closing a year stay on the primary.
REPLICA_VIEWS = frozenset(
    {
        "home",
        "reports:dashboard",
        "reports:growth",
        "reports:targets",
        "reports:years",
        "reports:reconcile",
        "reports:composition",
    }
)

# Read on the primary even inside a report page (see the module's docstring).
PRIMARY_APPS = frozenset({"auth", "sessions", "contenttypes", "admin"})

# Set by ReportReplicaMiddleware for the length of one report request (a context variable,
# so that it never leaks into another request of the same thread).
reading_reports: ContextVar[bool] = ContextVar("reading_reports", default=False)


class ReportReplicaRouter:
    """Reads of report pages go to the replica; everything else, writes included, to default."""

    def db_for_read(self, model, **hints):
        if reading_reports.get() and model._meta.app_label not in PRIMARY_APPS:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary, so objects read from either relate.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica receives the schema through replication, never through migrate.
        return db == "default"
