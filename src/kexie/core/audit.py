"""Writing to the audit log. Call `log` inside the same transaction as the change."""

import datetime as dt
import decimal
from collections.abc import Iterable

from django.db import models

from kexie.core.models import AuditEntry


def _plain(value):
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def _is_noise(field, excluded: set[str]) -> bool:
    """Excluded fields and automatic timestamps (the entry has its own time)."""
    return (
        field.attname in excluded
        or getattr(field, "auto_now", False)
        or getattr(field, "auto_now_add", False)
    )


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict:
    """A JSON-able picture of a record; personal fields come out masked.

    Models list fields to mask in `audit_masked` as {field: masking function}, and
    fields never to log at all in `audit_exclude`.
    """
    masked = getattr(obj, "audit_masked", {})
    excluded = set(getattr(obj, "audit_exclude", ()))
    names = fields or [f.attname for f in obj._meta.concrete_fields if not _is_noise(f, excluded)]
    data = {}
    for name in names:
        if name in excluded:
            continue
        value = getattr(obj, name)
        data[name] = masked[name](value) if name in masked else _plain(value)
    return data


def changed(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Keep only the keys whose values differ."""
    if before is None or after is None:
        return before, after
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def log(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    unit=None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    object_type: str = "",
    object_repr: str = "",
) -> AuditEntry:
    if unit is None and obj is not None:
        unit = owner_unit(obj)
    actor_ok = actor is not None and getattr(actor, "pk", None) is not None
    return AuditEntry.objects.create(
        actor=actor if actor_ok else None,
        actor_repr=(actor.get_username() if actor_ok else "system"),
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(object_repr or str(obj))[:300] if obj is not None else object_repr[:300],
        unit=unit,
        before=before,
        after=after,
        note=note,
    )


def owner_unit(obj: models.Model):
    field = getattr(type(obj), "scope_field", None)
    if field is None:
        return None
    if field == "":
        return obj
    target = obj
    for part in field.split("__"):
        target = getattr(target, part, None)
        if target is None:
            return None
    return target


def history(obj: models.Model):
    entries = AuditEntry.objects.unscoped(reason="the history of an object already read in scope")
    return entries.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related("actor")
