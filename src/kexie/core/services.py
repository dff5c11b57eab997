"""Helpers shared by every service function (writes go through services)."""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404

from kexie.core import audit
from kexie.core.scoping import in_scope


def require_perm(user, perm: str) -> None:
    if user is None or not user.has_perm(perm):
        raise PermissionDenied("您没有执行此操作的权限")


def require_unit_in_scope(user, unit, field: str) -> None:
    """A write may only point at units the acting user can see. Out of scope reads as 'not found'."""
    if unit is not None and user is not None and not in_scope(user, unit):
        raise ValidationError({field: f"单位“{unit}”不存在或不在您的管辖范围内"})


def require_obj_in_scope(user, obj: models.Model) -> None:
    unit = audit.owner_unit(obj)
    if user is not None and not in_scope(user, unit):
        raise Http404


def apply_fields(obj: models.Model, data: dict[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: "不允许修改此字段" for name in sorted(unknown)})
    for name, value in data.items():
        if not keeps_stored(obj, name, value):
            setattr(obj, name, value)


def keeps_stored(obj: models.Model, name: str, value) -> bool:
    """A masked field (kexie.core.fields) whose mask comes back unchanged keeps the stored value:
    forms and the API show the mask, and saving them must not overwrite the number with it."""
    try:
        mask = getattr(obj._meta.get_field(name), "mask", None)
    except FieldDoesNotExist:
        return False
    stored = getattr(obj, name, "") or ""
    return mask is not None and bool(value) and value != stored and value == mask(stored)


def full_clean_chinese(obj: models.Model, exclude: Iterable[str] | None = None) -> None:
    """Model validation whose messages name the field by its Chinese verbose name."""
    try:
        obj.full_clean(exclude=list(exclude or []), validate_unique=True)
    except ValidationError as exc:
        raise ValidationError(_label_errors(obj, exc.message_dict)) from exc


def _label_errors(obj: models.Model, errors: dict[str, list[str]]) -> dict[str, list[str]]:
    labelled = {}
    for name, messages in errors.items():
        try:
            label = str(obj._meta.get_field(name).verbose_name)
        except Exception:
            label = ""
        labelled[name] = [f"{label}:{m}" if label and not m.startswith(label) else m for m in messages]
    return labelled


def save_with_audit(
    *,
    obj: models.Model,
    actor,
    action: str,
    before: dict | None,
    validate: Callable[[models.Model], None] | None = None,
    unit=None,
    system: bool = False,
) -> models.Model:
    if validate is not None:
        validate(obj)
    obj.save()
    after = audit.snapshot(obj)
    old, new = audit.changed(before, after)
    audit.log(actor=actor, action=action, obj=obj, unit=unit, system=system, before=old, after=new)
    return obj
