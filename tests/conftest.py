"""Shared personas: 市科协管理员, 任城区科协 staff, a society secretary, an outsider."""

import datetime as dt
from dataclasses import dataclass

import pytest

from kexie.testing import build_world


def pytest_configure(config):
    """A fast password hasher: PBKDF2's deliberate slowness is for production, not for tests."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _away_from_the_data_directory(settings)
    _flush_past_audit_triggers()


def _away_from_the_data_directory(settings):
    """Tests neither see nor fill the data directory of whoever runs them (a static collection made
    by `kexie serve` there would change every static URL; uploads would pile up)."""
    import tempfile
    from pathlib import Path

    scratch = Path(tempfile.mkdtemp(prefix="kexie-tests-"))
    settings.STATIC_ROOT = scratch / "static"
    settings.MEDIA_ROOT = scratch / "media"
    settings.JOBS_DIR = scratch / "jobs"
    settings.FIELD_KEYRING = scratch / "keyring.json"
    settings.REQUEST_LOG_DIR = scratch / "logs"
    settings.STATIC_ROOT.mkdir()


def _flush_past_audit_triggers():
    """Transactional tests end with a flush (DELETE on SQLite, TRUNCATE on PostgreSQL) that the
    audit log's append-only triggers refuse: the test flush alone drops them, empties the
    tables and recreates them, in one transaction. Production code has no such switch."""
    import django.db.models  # noqa: F401  (loads the ORM before the backend base module)
    from django.db.backends.base.operations import BaseDatabaseOperations

    from kexie.core import audit_triggers

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        if any(audit_triggers.TABLE in sql for sql in sql_list):
            vendor = self.connection.vendor
            sql_list = [*audit_triggers.drop_sql(vendor), *sql_list, *audit_triggers.create_sql(vendor)]
        original(self, sql_list)
        _reseed_migration_data()

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush


def _reseed_migration_data():
    """The flush also empties what data migrations put in (activities 0002's default activity
    kinds); put it back, so that a test after a transactional one sees the database that
    `migrate` leaves (the browser test imports activities by kind)."""
    from kexie.activities.kinds import load_default_kinds
    from kexie.activities.models import ActivityKind

    load_default_kinds(ActivityKind)


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` skip, saying why, unless the database is PostgreSQL; the API
    fuzzing (marker `fuzz`, minutes long) runs only when asked for: `pytest -m fuzz`."""
    from django.conf import settings

    _leave_out_fuzzing(config, items)
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        return
    skip = pytest.mark.skip(
        reason=f"needs PostgreSQL, this run uses {engine.rsplit('.', 1)[-1]}: scripts/with-postgres pytest …"
    )
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


def _leave_out_fuzzing(config, items):
    if "fuzz" in (config.option.markexpr or ""):
        return
    fuzz = [item for item in items if item.get_closest_marker("fuzz")]
    if fuzz:
        config.hook.pytest_deselected(items=fuzz)
        items[:] = [item for item in items if not item.get_closest_marker("fuzz")]


def pytest_xdist_auto_num_workers(config):
    """`-n auto` (the pytest options): the whole suite, a folder or a marker run uses one worker
    per core; a run of named files or tests stays in one process, where starting workers (each
    migrates its own test database) would cost more than it saves."""
    import os

    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return int(os.environ["PYTEST_XDIST_AUTO_NUM_WORKERS"])
    if any("::" in arg or arg.endswith(".py") for arg in config.args):
        return 0
    return os.cpu_count() or 1


@dataclass
class World:
    regions: dict
    orgs: dict
    users: dict
    kinds: dict


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache (cached figures are keyed on data that a rolled-back
    test may leave looking the same)."""
    from django.core.cache import cache

    from kexie.core.pagecache import PAGES

    cache.clear()
    PAGES.clear()  # whole pages: the process's own store


@pytest.fixture(autouse=True)
def own_keyring():
    """Each test has its own (absent) keyring file: a key rotation in one test must not leave
    another test with its keys."""
    import uuid

    from django.conf import settings

    shared = settings.FIELD_KEYRING
    settings.FIELD_KEYRING = shared.with_name(f"keyring-{uuid.uuid4().hex}.json")
    yield
    settings.FIELD_KEYRING = shared


@pytest.fixture
def world(db) -> World:
    return World(**build_world())


@pytest.fixture
def personas(world):
    """Users by persona name: city_admin, county_staff, society_secretary, outsider."""
    return world.users


@pytest.fixture
def make_activity(world):
    from kexie.activities.services import activity_create

    def make(actor=None, **overrides):
        actor = actor or world.users["county_staff"]
        data = {
            "title": "科普讲座进社区",
            "kind": world.kinds["outreach.lecture"],
            "start_date": dt.date(2020, 9, 19),
            "end_date": dt.date(2020, 9, 19),
            "region": world.regions["370811"],
            "organiser": actor.unit,
            "participants": 120,
            "volunteers": 8,
            "beneficiaries": 300,
        }
        data.update(overrides)
        return activity_create(actor=actor, data=data)

    return make
