import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from kexie.accounts.services import LoginLocked, login_attempt, user_create
from kexie.testing import PASSWORD


def test_lock_after_five_failures(world, personas, rf):
    request = rf.post("/")
    for _ in range(4):
        assert login_attempt(request=request, username="rencheng_staff", password="wrong") is None
    with pytest.raises(LoginLocked):
        login_attempt(request=request, username="rencheng_staff", password="wrong")
    with pytest.raises(LoginLocked):  # even the right password is refused while locked
        login_attempt(request=request, username="rencheng_staff", password=PASSWORD)


def test_success_resets_failures(world, personas, rf):
    request = rf.post("/")
    login_attempt(request=request, username="rencheng_staff", password="wrong")
    assert login_attempt(request=request, username="rencheng_staff", password=PASSWORD) is not None
    personas["county_staff"].refresh_from_db()
    assert personas["county_staff"].failed_login_count == 0


@pytest.mark.parametrize("password", ["short1A!", "alllowercaseletters", "1234567890123"])
def test_password_rules(world, password):
    with pytest.raises(ValidationError):
        user_create(actor=None, username="newbie", password=password, unit=world.orgs["city"], roles=[])


def test_security_headers_when_not_debug(client, db):
    response = client.get("/admin/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@override_settings(SESSION_IDLE_TIMEOUT_MINUTES=30)
def test_idle_session_times_out(world, personas, client, monkeypatch):
    import time

    client.force_login(personas["city_admin"])
    client.get("/admin/login/")
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 31 * 60)
    client.get("/admin/login/")
    assert "_auth_user_id" not in client.session
