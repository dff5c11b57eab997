"""Cached parts of the home page and the activity ledger (kexie.core.pagecache): never shared
across scopes, stale as soon as the data changes (in this process or another), and a repeated
view reads only the request's bookkeeping."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from kexie.activities.models import Activity
from kexie.activities.services import activity_delete, activity_update
from kexie.core import pagecache

HOME, LEDGER = "home", "activities:list"


def view(client, user, name, query=""):
    client.force_login(user)
    response = client.get(reverse(name) + query)
    assert response.status_code == 200
    return response.content.decode()


def cached_parts() -> int:
    return sum(1 for key in cache._cache if pagecache.PREFIX in key)  # the local-memory backend's store


@pytest.fixture
def two_counties(personas, make_activity):
    """An activity of 任城 (county_staff's unit) and one of 兖州 (outside it)."""
    rencheng = make_activity(actor=personas["county_staff"], title="任城区青少年科技节")
    yanzhou = make_activity(actor=personas["outsider"], title="兖州区院士报告会")
    return rencheng, yanzhou


@pytest.mark.parametrize("name", [HOME, LEDGER])
def test_a_county_user_never_sees_the_citys_cached_parts(personas, two_counties, name):
    from django.test import Client

    city, county = Client(), Client()
    city.force_login(personas["city_admin"])  # both log in first: a log-in writes (last_login)
    county.force_login(personas["county_staff"])
    city_page = city.get(reverse(name)).content.decode()
    assert "兖州区院士报告会" in city_page and "任城区青少年科技节" in city_page
    stored = cached_parts()
    assert stored >= 1  # the city's parts are in the cache …

    county_page = county.get(reverse(name)).content.decode()
    assert "任城区青少年科技节" in county_page
    assert "兖州区院士报告会" not in county_page  # … and the county user got its own
    assert cached_parts() > stored


def test_users_of_one_scope_share_the_ledger_and_other_scopes_do_not(rf, personas, world):
    from django.contrib.auth import get_user_model

    twin = get_user_model().objects.create_user(
        username="rencheng_twin",
        password="x",
        unit=personas["county_staff"].unit,
        roles=personas["county_staff"].roles,
    )
    keys = {}
    for who, user in [("staff", personas["county_staff"]), ("twin", twin), ("other", personas["outsider"])]:
        request = rf.get("/activities/")
        request.user = user
        keys[who] = pagecache.key(request, "activities:ledger")
    assert keys["staff"] == keys["twin"]
    assert keys["other"] != keys["staff"]
    assert keys["other"] != pagecache.key(_as(rf, personas["city_admin"]), "activities:ledger")


def _as(rf, user):
    request = rf.get("/activities/")
    request.user = user
    return request


@pytest.mark.parametrize("name", [HOME, LEDGER])
def test_a_service_write_shows_at_once(client, personas, two_counties, name):
    rencheng, _ = two_counties
    staff = personas["county_staff"]
    assert "任城区青少年科技节" in view(client, staff, name)
    assert "任城区青少年科技节" in view(client, staff, name)  # from the cache now

    activity_update(actor=staff, activity=rencheng, data={"title": "任城区科普大篷车巡展"})
    page = view(client, staff, name)
    assert "任城区科普大篷车巡展" in page and "任城区青少年科技节" not in page


def test_a_write_seen_only_in_the_database_shows_at_once(client, personas, two_counties, monkeypatch):
    """Another server or a job worker wrote: this process's signals saw nothing, the database
    (audit log, activity columns) tells."""
    rencheng, _ = two_counties
    client.force_login(personas["county_staff"])  # once: a log-in is a write of this process

    def ledger() -> str:
        return client.get(reverse(LEDGER)).content.decode()

    assert "任城区青少年科技节" in ledger()
    generation = pagecache.local_generation()
    Activity.objects.unscoped(reason="test").filter(pk=rencheng.pk).update(
        title="任城区科技馆开放日", updated_at=timezone.now() + dt.timedelta(seconds=1)
    )  # an UPDATE without signals, as another process's would look from here
    assert pagecache.local_generation() == generation
    assert "任城区科技馆开放日" in ledger()

    # A delete changes neither the newest id nor the latest updated_at: the audit entry tells.
    renamed = Activity.objects.unscoped(reason="test").get(pk=rencheng.pk)
    assert "任城区科技馆开放日" in ledger()
    activity_delete(actor=personas["county_staff"], activity=renamed)
    monkeypatch.setattr(pagecache, "_generation", generation)  # as if another process deleted it
    assert "任城区科技馆开放日" not in ledger()


def test_a_bookkeeping_write_keeps_the_cache(client, personas, two_counties):
    """Session and job bookkeeping change no figures: the version stays."""
    staff = personas["county_staff"]
    view(client, staff, LEDGER)
    before = pagecache.local_generation()
    client.session.save()
    from kexie.core.models import Notification

    Notification.objects.create(user=staff, text="提醒")
    assert pagecache.local_generation() == before


def test_the_ledger_warns_about_bad_filters_on_every_view(client, personas, two_counties):
    for _ in range(2):  # the second view comes from the cache and still warns
        page = view(client, personas["county_staff"], LEDGER, "?year=12")
        assert "筛选条件有误" in page


@pytest.mark.parametrize("name", [HOME, LEDGER])
def test_a_repeated_view_reads_only_the_requests_bookkeeping(
    client, personas, two_counties, name, django_assert_max_num_queries
):
    """Session, user, the data version (one query), the user's unit, grants and permissions (two),
    the unread notifications: no query of the page's own rows or figures."""
    staff = personas["county_staff"]
    client.force_login(staff)
    client.get(reverse(name))
    with django_assert_max_num_queries(8) as captured:
        assert client.get(reverse(name)).status_code == 200
    assert not any(
        "activities_activity" in q["sql"] and "MAX(" not in q["sql"] for q in captured.captured_queries
    )


@pytest.mark.parametrize("name", [HOME, LEDGER])
def test_a_first_view_stays_within_its_queries(
    client, personas, two_counties, name, django_assert_max_num_queries
):
    from kexie.core import panels

    client.force_login(personas["county_staff"])
    # the page's own 20, and at most one for each panel other apps put on the home page; the
    # ledger reads its rows in two steps (the page's ids from the activity table alone, then those
    # rows with their related records: activities.selectors.first_rows), one query more
    budget = 20 + (len(panels.registered("home")) if name == HOME else 1)
    if name == LEDGER and connection.vendor == "postgresql":
        # textsearch.page_planner: its settings set, and (inside the test's transaction, where
        # they are put back) a savepoint, the setting back and the release; one statement when
        # the page is the request's own transaction
        budget += 4
    with django_assert_max_num_queries(budget):
        assert client.get(reverse(name)).status_code == 200
