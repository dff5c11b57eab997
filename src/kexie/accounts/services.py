"""Account writes: creation, login bookkeeping (lockout), tokens."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kexie.accounts.models import ApiToken, User
from kexie.accounts.roles import MANAGE_USERS, Role
from kexie.core import audit
from kexie.core.services import require_perm, require_unit_in_scope


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
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已存在"})
    user = User(username=username, unit=unit, roles=roles, display_name=display_name)
    user.is_superuser = user.is_staff = bool(is_superuser)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    audit.log(
        actor=actor,
        action="kexie.user.created",
        obj=user,
        unit=unit,
        system=unit is None,
        after=audit.snapshot(user),
    )
    return user


class LoginLocked(Exception):
    def __init__(self, until: dt.datetime):
        self.until = until
        super().__init__(f"账户已锁定至 {timezone.localtime(until):%H:%M}")


def login_attempt(*, request, username: str, password: str) -> User | None:
    """Authenticate, counting failures; lock after LOGIN_MAX_FAILURES for LOGIN_LOCK_MINUTES."""
    user = User.objects.filter(username=username).first()
    if user is not None and user.is_locked():
        raise LoginLocked(user.locked_until)
    authed = authenticate(request, username=username, password=password)
    if authed is not None:
        if user.failed_login_count:
            User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        with transaction.atomic():
            audit.log(
                actor=authed,
                action="kexie.user.logged_in",
                obj=authed,
                unit=authed.unit,
                system=authed.unit is None,
            )
        return authed
    if user is not None:
        locked_until = _record_failure(user)
        if locked_until is not None:
            raise LoginLocked(locked_until)
    return None


@transaction.atomic
def _record_failure(user: User) -> dt.datetime | None:
    user.failed_login_count += 1
    fields = {"failed_login_count": user.failed_login_count}
    if user.failed_login_count >= settings.LOGIN_MAX_FAILURES:
        user.locked_until = timezone.now() + dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        fields = {"failed_login_count": 0, "locked_until": user.locked_until}
        audit.log(
            actor=None,
            action="kexie.user.locked",
            obj=user,
            unit=user.unit,
            system=user.unit is None,
            after={"locked_until": str(user.locked_until)},
        )
    User.objects.filter(pk=user.pk).update(**fields)
    return fields.get("locked_until")


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
    if token.revoked:
        return
    if actor.pk != token.user_id:
        require_perm(actor, MANAGE_USERS)
        require_unit_in_scope(actor, token.user.unit, "user")
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    token.revoked = True
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
        ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key), revoked=False).first()
    )
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
