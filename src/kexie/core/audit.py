"""Writing to the audit log. Call `log` inside the same transaction as the change."""

import datetime as dt
import decimal
from collections.abc import Iterable

from django.apps import apps
from django.db import models

from kexie.core import actions
from kexie.core.changes import describe
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
    """Excluded fields, blind indexes and stored masks, and automatic timestamps (the entry has
    its own time)."""
    return (
        field.attname in excluded
        or getattr(field, "audit_hidden", False)
        or getattr(field, "auto_now", False)
        or getattr(field, "auto_now_add", False)
    )


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict:
    """A JSON-able picture of a record; personal fields come out masked.

    Fields that carry a `mask` (kexie.core.fields) are masked; models list further fields to
    mask in `audit_masked` as {field: masking function}, and fields never to log at all in
    `audit_exclude`.
    """
    masked = {f.attname: f.mask for f in obj._meta.concrete_fields if hasattr(f, "mask")}
    masked.update(getattr(obj, "audit_masked", {}))
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


class AuditUnitMissing(ValueError):
    """An audit entry would belong to no unit (only superusers would ever see it)."""


def log(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    unit=None,
    system: bool = False,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    object_type: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Write one entry. Its unit is `unit`, else the owner unit of `obj`; an entry with neither
    is refused unless `system=True` marks it global (seen by superusers only)."""
    actions.require(action)
    if unit is None and obj is not None:
        unit = owner_unit(obj)
    if unit is None and not system:
        raise AuditUnitMissing(f"审计日志“{action}”没有所属单位:请传入 unit,或以 system=True 标明为全局记录")
    actor_ok = actor is not None and getattr(actor, "pk", None) is not None
    model = type(obj) if obj is not None else model_of(object_type)
    return AuditEntry.objects.create(
        actor=actor if actor_ok else None,
        actor_repr=(actor.get_username() if actor_ok else "system"),
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(object_repr or str(obj))[:300] if obj is not None else object_repr[:300],
        unit=unit,
        unit_path=_path_of(unit),
        before=before,
        after=after,
        changes=describe(model, before, after, obj=obj),
        note=note,
    )


def _path_of(unit) -> str:
    if unit is None:
        return ""
    if not unit.path and unit.pk is not None:
        unit.refresh_from_db(fields=["path"])
    return unit.path


def model_of(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


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
