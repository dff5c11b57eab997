import pytest
from django.urls import reverse

from kexie.accounts.models import ApiToken, User
from kexie.accounts.services import api_token_create
from kexie.testing import PASSWORD


@pytest.fixture(autouse=True)
def fewer_failures(settings):
    settings.LOGIN_MAX_FAILURES = 3


def test_login_then_home(client, personas):
    response = client.post(reverse("accounts:login"), {"username": "rencheng_staff", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "任城区科学技术协会" in client.get("/").content.decode()


def test_login_next_must_be_local(client, personas):
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"username": "rencheng_staff", "password": PASSWORD},
    )
    assert response["Location"] == "/"


def test_failures_show_remaining_attempts_then_lockout(client, personas):
    url = reverse("accounts:login")
    first = client.post(url, {"username": "rencheng_staff", "password": "wrong"}).content.decode()
    assert "还可尝试 2 次" in first
    client.post(url, {"username": "rencheng_staff", "password": "wrong"})
    locked = client.post(url, {"username": "rencheng_staff", "password": "wrong"}).content.decode()
    assert "账户已锁定至" in locked
    again = client.post(url, {"username": "rencheng_staff", "password": PASSWORD}).content.decode()
    assert "账户已锁定至" in again and "_auth_user_id" not in client.session


def test_logout_is_post_only(client, personas):
    client.force_login(personas["county_staff"])
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_password_rules_are_shown_in_chinese(client, personas):
    client.force_login(personas["county_staff"])
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
    )
    errors = " ".join(response.context["form"].errors["new_password2"])
    assert "密码须包含小写字母、大写字母、数字、符号中的至少3类" in errors
    assert "密码太短,至少需要 10 个字符" in errors and "too short" not in errors


def test_password_change_succeeds_and_is_audited(client, personas):
    from kexie.core.models import AuditEntry

    client.force_login(personas["county_staff"])
    new = "Another-pass-2021!"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert User.objects.get(username="rencheng_staff").check_password(new)
    assert AuditEntry.objects.filter(action="kexie.user.password_changed").exists()


def test_user_create_is_scoped(client, world, personas):
    client.force_login(personas["outsider"])  # 兖州区科协 admin
    data = {"username": "new_user", "display_name": "新人", "unit": world.orgs["rencheng"].pk, "roles": ["editor"],
            "password": "Strong-pass-2020!"}  # fmt: skip
    response = client.post(reverse("accounts:user_create"), data)
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    data["unit"] = world.orgs["base"].pk
    assert client.post(reverse("accounts:user_create"), data).status_code == 302
    assert User.objects.get(username="new_user").unit == world.orgs["base"]
    listed = [u.username for u in client.get(reverse("accounts:user_list")).context["page"].object_list]
    assert "new_user" in listed and "rencheng_staff" not in listed


def test_token_is_shown_once(client, personas):
    client.force_login(personas["county_staff"])
    page = client.post(reverse("accounts:tokens"), {"name": "统计对接"}).content.decode()
    token = ApiToken.objects.get(name="统计对接")
    key = page.split('user-select-all">', 1)[1].split("<", 1)[0]
    assert ApiToken.hash_key(key) == token.key_hash
    assert key not in client.get(reverse("accounts:tokens")).content.decode()


def test_revoked_token_stops_working_and_is_audited(client, personas):
    from kexie.core.models import AuditEntry

    client.force_login(personas["county_staff"])
    created = client.post("/api/v1/accounts/tokens", {"name": "报表"}, content_type="application/json").json()
    client.logout()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {created['key']}"}
    assert client.get("/api/v1/accounts/me", **bearer).status_code == 200
    other = personas["outsider"]
    foreign, _key = api_token_create(actor=other, user=other, name="他人")
    assert client.delete(f"/api/v1/accounts/tokens/{foreign.pk}", **bearer).status_code == 404
    assert client.delete(f"/api/v1/accounts/tokens/{created['id']}", **bearer).status_code == 204
    assert client.get("/api/v1/accounts/me", **bearer).status_code == 401
    assert (
        AuditEntry.objects.filter(action="kexie.api_token.revoked", object_id=str(created["id"])).count() == 1
    )
    assert not ApiToken.objects.get(pk=foreign.pk).revoked
