"""Login lockout under parallel guessing, and answers that do not tell which usernames exist."""

import pytest
from django.test import Client
from django.urls import reverse

from kexie.accounts import services as account_services
from kexie.accounts.models import User
from kexie.core.models import AuditEntry
from kexie.testing import PASSWORD, SERIAL_WRITERS, meet_after, on_postgresql, run_together

GUESSES = 20
WRONG = "用户名或密码错误"
LOCKED = "账户已锁定至"


def _login(client: Client, username: str, password: str = "wrong") -> str:
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}
    ).content.decode()


@pytest.mark.postgres
@pytest.mark.skipif(not on_postgresql(), reason=SERIAL_WRITERS)
@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_each_count_and_lock_the_account(personas, settings):
    limit = settings.LOGIN_MAX_FAILURES
    clients = [Client() for _ in range(GUESSES)]
    # Every request has checked the password before any records its failure.
    with meet_after(account_services, "authenticate", parties=GUESSES):
        pages = run_together(*(lambda c=c: _login(c, "rencheng_staff") for c in clients))
    assert all(isinstance(p, str) for p in pages), pages
    user = User.objects.get(username="rencheng_staff")
    assert user.is_locked()
    assert AuditEntry.objects.filter(action="kexie.user.locked", object_id=str(user.pk)).count() == 1
    assert sum(WRONG in p for p in pages) == limit - 1
    assert sum(LOCKED in p for p in pages) == GUESSES - (limit - 1)
    assert LOCKED in _login(Client(), "rencheng_staff", PASSWORD)  # even the right password waits


@pytest.fixture
def three_failures(settings):
    settings.LOGIN_MAX_FAILURES = 3


def test_unknown_and_known_usernames_get_the_same_answers(client, personas, three_failures):
    def answers(username):
        pages = [_login(client, username) for _ in range(3)]
        return [p.replace(username, "") for p in pages]

    known, unknown = answers("rencheng_staff"), answers("nobody_here")
    assert "还可尝试 2 次" in known[0] and "还可尝试 2 次" in unknown[0]
    assert "还可尝试 1 次" in known[1] and "还可尝试 1 次" in unknown[1]
    assert LOCKED in known[2] and LOCKED in unknown[2]
    assert LOCKED in _login(client, "nobody_here")


def test_failures_count_from_the_database_not_the_copy_read_before(personas, three_failures):
    """Two requests read the user, then each records its failure: both count."""
    first, second = (User.objects.get(username="rencheng_staff") for _ in range(2))
    account_services._record_failure(first)
    account_services._record_failure(second)
    assert User.objects.get(pk=first.pk).failed_login_count == 2


def test_revoking_a_token_twice_from_stale_copies_logs_once(personas):
    from kexie.accounts.models import ApiToken
    from kexie.accounts.services import api_token_create, api_token_revoke

    user = personas["county_staff"]
    token, _key = api_token_create(actor=user, user=user, name="对接")
    first, second = ApiToken.objects.get(pk=token.pk), ApiToken.objects.get(pk=token.pk)
    api_token_revoke(actor=user, token=first)
    api_token_revoke(actor=user, token=second)
    assert AuditEntry.objects.filter(action="kexie.api_token.revoked").count() == 1


def test_a_username_taken_meanwhile_is_a_chinese_message(personas, monkeypatch, world):
    from django.core.exceptions import ValidationError

    from kexie.accounts.services import user_create

    # The existence check ran before a concurrent request created the same username.
    monkeypatch.setattr(User.objects, "filter", lambda **kw: User.objects.none())
    with pytest.raises(ValidationError, match="已存在"):
        user_create(
            actor=None,
            username="rencheng_staff",
            password="Strong-pass-2020!",
            unit=world.orgs["rencheng"],
            roles=[],
        )


def test_the_admin_login_is_no_way_round_the_lockout(client, personas, three_failures):
    admin_user = personas["city_admin"]
    User.objects.filter(pk=admin_user.pk).update(is_staff=True, is_superuser=True)
    for _ in range(3):
        _login(client, "city_admin")
    answer = client.post("/admin/login/?next=/admin/", {"username": "city_admin", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/?next=")
    assert LOCKED in _login(client, "city_admin", PASSWORD)
