"""Bookkeeping writes: the session's last-seen time, an API token's last use.

They are not what the user asked for, so they are throttled (at most once a minute) and must never
fail or stall a request: on SQLite they wait a short while for the write lock instead of the busy
timeout that real writes get, and a write that cannot be made is skipped (the next request retries).
"""

import logging
from contextlib import contextmanager

from django.db import DatabaseError, connection

INTERVAL_SECONDS = 60
SQLITE_WAIT_MS = 250
logger = logging.getLogger(__name__)


@contextmanager
def bookkeeping_write(what: str):
    short = connection.vendor == "sqlite"
    if short:
        connection.ensure_connection()
        normal = connection.connection.execute("PRAGMA busy_timeout").fetchone()[0]
        connection.connection.execute(f"PRAGMA busy_timeout = {SQLITE_WAIT_MS}")
    try:
        yield
    except DatabaseError as exc:
        logger.warning("bookkeeping write skipped (%s): %s", what, exc.__class__.__name__)
    finally:
        if short and connection.connection is not None:
            connection.connection.execute(f"PRAGMA busy_timeout = {normal}")
