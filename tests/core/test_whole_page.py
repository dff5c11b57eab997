"""Whole pages kept per session (kexie.core.pagecache.whole_page): a repeated view is the stored
page, and only while nothing it depends on has changed — permissions and grants changed only in
the database by another process included; the CSRF token in a stored page stays good for its own
session and never reaches another."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kexie.core import pagecache
from kexie.core.grants import grant_create
from kexie.core.models import Grant

HOME, LEDGER = "home", "activities:list"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def logged_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def page(client, name=LEDGER) -> str:
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def yanzhou(personas, make_activity):
    """An activity of 兖州 (outside county_staff's unit)."""
    return make_activity(actor=personas["outsider"], title="兖州区院士报告会")


def as_if_another_process(monkeypatch):
    """This process's write counter as before: the change is seen only through the database."""
    monkeypatch.setattr(pagecache, "_generation", pagecache.local_generation())


@pytest.mark.parametrize("name", [HOME, LEDGER])
def test_a_repeated_view_is_the_stored_page_and_reads_three_queries(
    personas, yanzhou, name, django_assert_max_num_queries
):
    client = logged_in(personas["city_admin"])
    page(client, name)  # sets the CSRF cookie: not stored yet
    first = page(client, name)  # stored
    with django_assert_max_num_queries(3) as captured:  # session, user, the request's state
        again = page(client, name)
    assert again == first  # byte for byte: the same masked token too
    assert not any("activities_activity" in q["sql"] and "MAX(" not in q["sql"] for q in captured)


def test_a_grant_revoked_only_in_the_database_is_seen_at_the_next_request(personas, yanzhou, monkeypatch):
    staff = personas["county_staff"]
    grant = grant_create(actor=personas["city_admin"], user=staff, obj=yanzhou, capability="view")
    client = logged_in(staff)
    for _ in range(3):
        assert "兖州区院士报告会" in page(client)  # the granted row, the last time from the stored page

    as_if_another_process(monkeypatch)
    Grant.objects.unscoped(reason="test").filter(pk=grant.pk).update(revoked_at=timezone.now())
    assert "兖州区院士报告会" not in page(client)


def test_a_grant_deleted_or_made_only_in_the_database_is_seen_at_the_next_request(
    personas, yanzhou, monkeypatch
):
    from django.contrib.contenttypes.models import ContentType

    staff = personas["county_staff"]
    client = logged_in(staff)
    for _ in range(3):
        assert "兖州区院士报告会" not in page(client)

    as_if_another_process(monkeypatch)
    Grant.objects.unscoped(reason="test").bulk_create(  # no signal, no audit entry
        [Grant(user=staff, content_type=ContentType.objects.get_for_model(yanzhou), object_id=yanzhou.pk,
               capability="view")]
    )  # fmt: skip
    assert "兖州区院士报告会" in page(client)
    page(client)
    as_if_another_process(monkeypatch)
    Grant.objects.unscoped(reason="test").filter(user=staff)._raw_delete(Grant.objects.db)
    assert "兖州区院士报告会" not in page(client)


def test_a_role_removed_only_in_the_database_is_seen_at_the_next_request(personas, monkeypatch):
    staff = personas["county_staff"]
    assert staff.has_perm("core.edit_records")
    client = logged_in(staff)
    create = reverse("activities:activity_create")
    for _ in range(3):
        assert create in page(client)  # "填报活动" needs core.edit_records

    as_if_another_process(monkeypatch)
    get_user_model().objects.unscoped(reason="test").filter(pk=staff.pk).update(roles=["viewer"])
    assert create not in page(client)


def test_a_django_permission_granted_and_removed_only_in_the_database_is_seen(personas, monkeypatch):
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    user_model = get_user_model()
    staff = personas["county_staff"]
    # core.edit_records comes from roles; here it is also a Django permission (the admin's kind)
    permission, _ = Permission.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(Grant),
        codename="edit_records",
        defaults={"name": "edit"},
    )
    user_model.objects.unscoped(reason="test").filter(pk=staff.pk).update(roles=["viewer"])
    client = logged_in(staff)
    create = reverse("activities:activity_create")
    for _ in range(3):
        assert create not in page(client)

    link = user_model.user_permissions.through
    as_if_another_process(monkeypatch)
    link.objects.bulk_create([link(user_id=staff.pk, permission_id=permission.pk)])  # no signal
    assert create in page(client)
    page(client)
    as_if_another_process(monkeypatch)
    link.objects.filter(user_id=staff.pk)._raw_delete(link.objects.db)
    assert create not in page(client)


def test_a_post_with_the_token_of_a_stored_page_succeeds(personas):
    client = logged_in(personas["county_staff"], enforce_csrf_checks=True)
    page(client)  # sets the CSRF cookie
    stored = page(client)
    again = page(client)
    assert again == stored  # from the store
    token = TOKEN.search(again)[1]
    response = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302  # a bad token would answer 403


def test_another_session_never_gets_the_stored_page(personas):
    admin = personas["city_admin"]
    first, second = logged_in(admin), logged_in(admin)
    for client in (first, second):
        page(client)
    stored = page(first)
    assert page(first) == stored
    other = page(second)
    assert other != stored
    for client, html in [(first, stored), (second, other)]:
        secret = client.cookies["csrftoken"].value
        assert _unmask_cipher_token(TOKEN.search(html)[1]) == secret
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_a_county_user_never_gets_the_citys_stored_page(personas, yanzhou):
    city, county = logged_in(personas["city_admin"]), logged_in(personas["county_staff"])
    for _ in range(3):
        assert "兖州区院士报告会" in page(city)
    for _ in range(3):
        assert "兖州区院士报告会" not in page(county)


def test_a_write_only_in_the_database_makes_the_next_view_fresh(personas, yanzhou, monkeypatch):
    import datetime as dt

    from kexie.activities.models import Activity

    client = logged_in(personas["city_admin"])
    for _ in range(3):
        assert "兖州区院士报告会" in page(client)
    as_if_another_process(monkeypatch)
    Activity.objects.unscoped(reason="test").filter(pk=yanzhou.pk).update(
        title="兖州区科技馆开放日", updated_at=timezone.now() + dt.timedelta(seconds=1)
    )
    assert "兖州区科技馆开放日" in page(client)


def test_a_new_notification_shows_at_once(personas):
    from kexie.core.models import Notification

    staff = personas["county_staff"]
    client = logged_in(staff)
    for _ in range(3):
        assert 'data-testid="unread-count"' not in page(client, HOME)
    Notification.objects.create(user=staff, text="提醒")  # ignored by the write counter
    assert 'data-testid="unread-count">1<' in page(client, HOME)


def test_pending_messages_are_shown_once_and_never_stored(personas, rf):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.session import SessionStorage

    client = logged_in(personas["county_staff"])
    page(client)
    page(client)  # stored
    session = client.session
    request = rf.get("/")
    request.session = session
    storage = SessionStorage(request)
    storage.add(constants.SUCCESS, "已保存为草稿")
    storage.update(None)
    session.save()
    assert "已保存为草稿" in page(client)
    assert "已保存为草稿" not in page(client)


@pytest.mark.parametrize("name", [HOME, LEDGER])
def test_whole_pages_stay_in_the_process_never_in_the_shared_cache(personas, yanzhou, name):
    """A stored page is one user's view with that browser's token: CACHES["default"] may be a
    table others (and backups) read, so whole pages live only in the process's own store."""
    from django.core.cache import cache

    client = logged_in(personas["city_admin"])
    page(client, name)
    first = page(client, name)
    assert page(client, name) == first and len(pagecache.PAGES._cache) == 1
    token = TOKEN.search(first).group(1).encode()
    assert not any(token in value or b"<html" in value for value in cache._cache.values())
