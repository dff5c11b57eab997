"""A small, realistic world for tests and examples: 济宁市 with two counties, a society,
and the four personas of the permission matrix. Used by tests/conftest.py."""

from kexie.accounts.roles import Role

JINING_REGIONS = [
    ("370000", "山东省", "province", None),
    ("370800", "济宁市", "city", "370000"),
    ("370811", "任城区", "county", "370800"),
    ("370812", "兖州区", "county", "370800"),
]
PASSWORD = "Kexie-test-2020!"


def build_world() -> dict:
    from kexie.activities.models import ActivityKind
    from kexie.directory.models import Organisation, Region
    from kexie.directory.services import _refresh_path

    regions = {}
    for code, name, level, parent in JINING_REGIONS:
        regions[code] = Region.objects.create(code=code, name=name, level=level, parent=regions.get(parent))

    def org(name, kind, parent=None, region="370800", level=""):
        o = Organisation.objects.create(
            name=name, kind=kind, parent=parent, region=regions[region], association_level=level
        )
        _refresh_path(o)
        return o

    city = org("济宁市科学技术协会", "association", level="city")
    rencheng = org("任城区科学技术协会", "association", city, "370811", "county")
    yanzhou = org("兖州区科学技术协会", "association", city, "370812", "county")
    society = org("济宁市心理学会", "society", city)
    school = org("任城区二十里铺中学", "school", rencheng, "370811")
    base = org("兖州区科技馆", "outreach_base", yanzhou, "370812")
    orgs = {
        "city": city,
        "rencheng": rencheng,
        "yanzhou": yanzhou,
        "society": society,
        "school": school,
        "base": base,
    }
    users = {
        "city_admin": _user("city_admin", city, [Role.ADMIN]),
        "county_staff": _user("rencheng_staff", rencheng, [Role.EDITOR, Role.REVIEWER]),
        "society_secretary": _user("society_secretary", society, [Role.EDITOR]),
        "outsider": _user("yanzhou_admin", yanzhou, [Role.ADMIN]),
    }
    if not ActivityKind.objects.exists():  # a transactional test's flush emptied the data migration's rows
        from kexie.activities.kinds import load_default_kinds

        load_default_kinds(ActivityKind)
    kinds = {k.code: k for k in ActivityKind.objects.all()}
    return {"regions": regions, "orgs": orgs, "users": users, "kinds": kinds}


def _user(username, unit, roles):
    from kexie.accounts.models import User

    user = User(username=username, unit=unit, roles=[str(r) for r in roles], display_name=username)
    user.set_password(PASSWORD)
    user.save()
    return user


# ---- concurrency: real overlapping requests, each on its own database connection ------------

SERIAL_WRITERS = "SQLite runs one writer at a time (and the in-memory test database shares one cache), so real overlapping writes need PostgreSQL: scripts/with-postgres pytest …"  # noqa: E501


def on_postgresql() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis"))


def run_together(*calls, timeout: float = 30) -> list:
    """Run each call in its own thread (so on its own database connection), released at once
    by a barrier; returns each call's result, or the exception it raised, in order. Needs
    `django_db(transaction=True)`: the threads must see committed rows."""
    import threading

    from django.db import connections

    results: list = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def worker(index, call):
        try:
            start.wait(timeout)
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c), daemon=True) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if any(thread.is_alive() for thread in threads):
        raise TimeoutError("concurrent calls did not finish")
    return results


def meet_after(target, name: str, parties: int, timeout: float = 10):
    """Patch `target.name` (a function) so that each of `parties` callers waits, after the call
    returns, until all have made it: every request has read the record before any writes.
    Use as a context manager (unittest.mock.patch.object)."""
    import threading
    from unittest import mock

    original = getattr(target, name)
    met = threading.Barrier(parties)

    def wrapper(*args, **kwargs):
        value = original(*args, **kwargs)
        try:
            met.wait(timeout)
        except threading.BrokenBarrierError:
            pass  # a caller that never arrives must not hang the others
        return value

    return mock.patch.object(target, name, wrapper)


# ---- background jobs ---------------------------------------------------------------------------


def run_jobs() -> int:
    """Run every queued background job here and now, in this thread (the worker's loop, without
    its heartbeat thread); return how many ran. Queued jobs reach the queue when their
    transaction commits: in a non-transactional test, enqueue inside
    `django_capture_on_commit_callbacks(execute=True)`."""
    from unittest import mock

    from kexie.core.jobs.worker import Worker

    worker = Worker(batch=True, interval=0, heartbeat=False, schedule=False)
    # The loop closes "obsolete" connections, as a request does: here that is the test's own,
    # inside its transaction.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None):
        worker.run()
    return worker._run_tasks
