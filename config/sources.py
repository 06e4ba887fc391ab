"""The source of the changes being made now (see config/audit.py), without any Django model
import: manage.py sets `process_source` before Django is set up."""

import contextlib
import contextvars

_source: contextvars.ContextVar[str | None] = contextvars.ContextVar("history_source", default=None)

# The source of a process that is not serving requests: manage.py sets "command <name>".
process_source = ""

WEB = "web"
ADMIN = "admin"
ERASURE = "erasure"


def current_source() -> str:
    """The source of the changes being made now (the default of `history_source`)."""
    value = _source.get()
    return process_source if value is None else value


@contextlib.contextmanager
def source(name: str):
    """Changes made inside the block are recorded as coming from `name`."""
    token = _source.set(name[:100])
    try:
        yield
    finally:
        _source.reset(token)
