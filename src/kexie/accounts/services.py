"""Account writes: creation, login bookkeeping (lockout), tokens."""

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kexie.accounts.models import ApiToken, User
from kexie.accounts.roles import MANAGE_USERS, Role
from kexie.core import audit
from kexie.core.bookkeeping import INTERVAL_SECONDS, bookkeeping_write
from kexie.core.services import require_obj_in_scope, require_perm, require_unit_in_scope, unique_or_refuse


@transaction.atomic
def user_create(
    *, actor, username: str, password: str, unit, roles: list[str], display_name: str = "", is_superuser=False
) -> User:
    if actor is not None:
        require_perm(actor, MANAGE_USERS)
        require_unit_in_scope(actor, unit, "unit")
    bad = [r for r in roles if r not in Role.values]
    if bad:
        raise ValidationError({"roles": f"未知角色:{'、'.join(bad)}"})
    if User.objects.unscoped(reason="user names are unique").filter(username=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已存在"})
    user = User(username=username, unit=unit, roles=roles, display_name=display_name)
    user.is_superuser = user.is_staff = bool(is_superuser)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    unique_or_refuse(user.save, ValidationError({"username": f"用户名“{username}”已存在"}))
    audit.log(
        actor=actor,
        action="kexie.user.created",
        obj=user,
        unit=unit,
        system=unit is None,
        after=audit.snapshot(user),
    )
    return user


@transaction.atomic
def user_password_change(*, actor, user: User, new_password: str) -> User:
    """Set a new password (the form has checked the old one); the user's own or, for a user
    manager, one in scope."""
    if actor.pk != user.pk:
        require_perm(actor, MANAGE_USERS)
        require_obj_in_scope(actor, user)  # another unit's user: not found
    from kexie.accounts.forms import validate_password_zh

    try:
        validate_password_zh(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit.log(
        actor=actor,
        action="kexie.user.password_changed",
        obj=user,
        unit=user.unit,
        system=user.unit is None,
    )
    return user


class LoginLocked(Exception):
    def __init__(self, until: dt.datetime):
        self.until = until
        super().__init__(f"账户已锁定至 {timezone.localtime(until):%H:%M}")


def login_attempt(*, request, username: str, password: str) -> User | None:
    """Authenticate, counting failures; lock after LOGIN_MAX_FAILURES for LOGIN_LOCK_MINUTES.

    Failures are counted under a row lock, so parallel guesses each count and the account
    locks at the limit whatever the concurrency. A username with no account counts and locks
    the same way (in the cache), so the answers do not tell which usernames exist."""
    user = User.objects.unscoped(reason="login looks users up by name").filter(username=username).first()
    if user is not None:
        locked_until = user.locked_until if user.is_locked() else None
    else:
        locked_until = _unknown_locked(username)
    if locked_until is not None:
        raise LoginLocked(locked_until)
    authed = authenticate(request, username=username, password=password)
    if authed is not None:
        if user.failed_login_count:
            User.objects.of(user).update(failed_login_count=0, locked_until=None)
        with transaction.atomic():
            audit.log(
                actor=authed,
                action="kexie.user.logged_in",
                obj=authed,
                unit=authed.unit,
                system=authed.unit is None,
            )
        return authed
    locked_until = _record_failure(user) if user is not None else _record_unknown_failure(username)
    if locked_until is not None:
        raise LoginLocked(locked_until)
    return None


def login_failures_left(username: str) -> int:
    """How many more wrong passwords this username may try before it locks."""
    user = (
        User.objects.unscoped(reason="login message")
        .filter(username=username)
        .only("failed_login_count")
        .first()
    )
    failures = user.failed_login_count if user is not None else cache.get(_unknown_key(username), 0)
    return max(settings.LOGIN_MAX_FAILURES - failures, 0)


def _lock_until() -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)


@transaction.atomic
def _record_failure(user: User) -> dt.datetime | None:
    """Count one failure under the user's row lock (a read-increment-write without it loses
    parallel failures); at the limit, lock the account and start counting again."""
    user = User.objects.of(user).select_for_update().get()
    if user.is_locked():
        return user.locked_until
    failures = user.failed_login_count + 1
    if failures < settings.LOGIN_MAX_FAILURES:
        User.objects.of(user).update(failed_login_count=failures)
        return None
    until = _lock_until()
    User.objects.of(user).update(failed_login_count=0, locked_until=until)
    audit.log(
        actor=None,
        action="kexie.user.locked",
        obj=user,
        unit=user.unit,
        system=user.unit is None,
        after={"locked_until": str(until)},
    )
    return until


def _unknown_key(username: str) -> str:
    return "kexie:login-failures:" + hashlib.sha256(username.encode()).hexdigest()


def _unknown_locked(username: str) -> dt.datetime | None:
    return cache.get(_unknown_key(username) + ":locked")


def _record_unknown_failure(username: str) -> dt.datetime | None:
    key, seconds = _unknown_key(username), settings.LOGIN_LOCK_MINUTES * 60
    cache.add(key, 0, timeout=seconds)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds)
        failures = 1
    if failures < settings.LOGIN_MAX_FAILURES:
        return None
    until = _lock_until()
    cache.set(key + ":locked", until, timeout=seconds)
    cache.delete(key)
    return until


@transaction.atomic
def api_token_create(*, actor, user: User, name: str) -> tuple[ApiToken, str]:
    if actor.pk != user.pk:
        require_perm(actor, MANAGE_USERS)
        require_unit_in_scope(actor, user.unit, "user")
    key = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, name=name, prefix=key[3:11], key_hash=ApiToken.hash_key(key))
    audit.log(
        actor=actor,
        action="kexie.api_token.created",
        obj=token,
        unit=user.unit,
        system=user.unit is None,
        after={"name": name},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> None:
    if actor.pk != token.user_id:
        require_perm(actor, MANAGE_USERS)
        require_unit_in_scope(actor, token.user.unit, "user")
    # Conditional: of two revocations at once (or of a stale copy) only one changes the row and logs it.
    changed = ApiToken.objects.of(token).filter(revoked=False).update(revoked=True)
    token.revoked = True
    if not changed:
        return
    audit.log(
        actor=actor,
        action="kexie.api_token.revoked",
        obj=token,
        unit=token.user.unit,
        system=token.user.unit is None,
        after={"name": token.name},
    )


def api_token_user(key: str) -> User | None:
    token = (
        ApiToken.objects.unscoped(reason="a bearer token names its user")
        .select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked=False)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= INTERVAL_SECONDS:
        with bookkeeping_write("api token last used"):
            ApiToken.objects.of(token).update(last_used_at=now)
    return token.user
