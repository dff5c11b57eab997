"""People who are not staff of a unit: per-object grants and capability links.

- A grant opens one object to one user for one capability ("view", "score", …) until
  `valid_until`. `Model.objects.for_user(user, capability=…)` includes the granted objects,
  so a module never writes its own filter for them.
- A capability link is a token that carries its own right to one object and one action (the
  literacy interviewers' links are the first of the kind): `link_resolve(token, capability)`
  gives the object, or None. Only the token's SHA-256 is stored.

Both are created and revoked by the services below, each with its audit entry.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from kexie.core import audit

_CACHE_ATTR = "_kexie_grants"


def _valid(now=None) -> models.Q:
    now = now or timezone.now()
    return models.Q(revoked_at__isnull=True) & (
        models.Q(valid_until__isnull=True) | models.Q(valid_until__gt=now)
    )


def granted_ids(user, model, capability: str) -> list[int]:
    """Ids of `model` rows granted to `user` for `capability` (read once per user object)."""
    from kexie.core.models import Grant

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        rows = (
            Grant.objects.unscoped(reason="a user's own grants")
            .filter(_valid(), user_id=user.pk)
            .values_list("content_type_id", "capability", "object_id")
        )
        for content_type_id, cap, object_id in rows:
            cache.setdefault((content_type_id, cap), []).append(object_id)
        setattr(user, _CACHE_ATTR, cache)
    if not cache:
        return []
    return cache.get((ContentType.objects.get_for_model(model).pk, capability), [])


def _forget(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _owner(obj):
    return audit.owner_unit(obj)


def _require_may_grant(actor, obj, unit=None) -> None:
    from kexie.core.scoping import in_scope

    if actor is not None and not in_scope(actor, unit or _owner(obj)):
        raise ValidationError({"object": "对象不存在或不在您的管辖范围内"})


@transaction.atomic
def grant_create(*, actor, user, obj, capability: str, valid_until=None, unit=None):
    """Open `obj` to `user` for `capability`; the actor's scope must hold the object. `unit`
    names the owning unit of an object whose scope field is deliberately empty (a sensitive
    ticket, seen only through its grants)."""
    from kexie.core.models import Grant

    _require_may_grant(actor, obj, unit)
    if not capability:
        raise ValidationError({"capability": "请填写权限"})
    grant = Grant.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        capability=capability,
        valid_until=valid_until,
        granted_by=actor,
    )
    audit.log(
        actor=actor,
        action="kexie.grant.created",
        obj=grant,
        unit=unit or _owner(obj),
        after={
            "user": str(user),
            "object": str(obj),
            "capability": capability,
            "valid_until": str(valid_until),
        },
    )
    _forget(user)
    return grant


@transaction.atomic
def grant_revoke(*, actor, grant, unit=None) -> None:
    from kexie.core.models import Grant

    if grant.revoked_at is not None:
        return
    target = grant.content_type.model_class()._base_manager.get(pk=grant.object_id)
    _require_may_grant(actor, target, unit)
    grant.revoked_at = timezone.now()
    Grant.objects.of(grant).update(revoked_at=grant.revoked_at)
    audit.log(
        actor=actor,
        action="kexie.grant.revoked",
        obj=grant,
        unit=unit or _owner(target),
        after={"capability": grant.capability},
    )
    _forget(grant.user)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def link_create(*, actor, obj, capability: str, valid_until=None, unit=None):
    """A link to `obj` for `capability`: returns (link, token). The token is shown once.
    `unit` as in grant_create."""
    from kexie.core.models import CapabilityLink

    _require_may_grant(actor, obj, unit)
    token = secrets.token_urlsafe(24)
    link = CapabilityLink.objects.create(
        unit=unit or _owner(obj),
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        capability=capability,
        token_hash=_hash(token),
        valid_until=valid_until,
        created_by=actor,
    )
    audit.log(
        actor=actor,
        action="kexie.capability_link.created",
        obj=link,
        unit=link.unit,
        after={"object": str(obj), "capability": capability, "valid_until": str(valid_until)},
    )
    return link, token


@transaction.atomic
def link_revoke(*, actor, link) -> None:
    from kexie.core.models import CapabilityLink

    if link.revoked_at is not None:
        return
    link.revoked_at = timezone.now()
    CapabilityLink.objects.of(link).update(revoked_at=link.revoked_at)
    audit.log(actor=actor, action="kexie.capability_link.revoked", obj=link, unit=link.unit)


def link_resolve(token: str, capability: str, model=None):
    """The object a valid token opens for `capability` (of `model`, when given), or None."""
    from kexie.core.models import CapabilityLink

    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    link = (
        CapabilityLink.objects.unscoped(reason="the token is the capability")
        .filter(_valid(), token_hash=_hash(token), capability=capability)
        .select_related("content_type")
        .first()
    )
    if link is None:
        return None
    if model is not None and link.content_type != ContentType.objects.get_for_model(model):
        return None
    target = link.content_type.model_class()
    qs = target._default_manager.all()
    if hasattr(qs, "unscoped"):
        qs = qs.unscoped(reason="the token is the capability")
    return qs.filter(pk=link.object_id).first()
