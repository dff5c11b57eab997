"""Helpers shared by every service function (writes go through services)."""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

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


# ---- workflow state changes under concurrency ------------------------------------------------


class StaleState(ValidationError):
    """Another request changed the record between the user's reading and this write.

    A ValidationError, so every web view that shows a service's messages shows this one too;
    the API answers it with 409 (kexie.core.api_base)."""

    def __init__(self, current_label: str):
        self.current_label = current_label
        super().__init__(
            _("该记录已被他人处理(当前状态:%(s)s),请刷新后重试") % {"s": current_label}, code="stale"
        )


def state_label(obj: models.Model, value: str, field: str = "status") -> str:
    return str(dict(obj._meta.get_field(field).flatchoices).get(value, value))


def transition(
    obj: models.Model,
    *,
    seen: str,
    to: str,
    allowed_from: Iterable[str],
    values: dict[str, Any] | None = None,
    field: str = "status",
    refused: str | None = None,
) -> str:
    """Move `obj` from the state the user saw (`seen`) to `to`, with the other `values`.

    One conditional UPDATE … WHERE <field> = seen: of concurrent requests exactly one changes
    the row (PostgreSQL makes the others wait on the row lock, then re-check the WHERE; SQLite
    runs writers one at a time); the others raise StaleState naming the current state.
    `refused` is the message when `seen` itself does not allow the step. Call it inside the
    service's transaction, before its audit entry. Returns the state it moved from."""
    if seen not in set(allowed_from):
        raise ValidationError(
            refused or _("当前状态为“%(s)s”,不能执行此操作") % {"s": state_label(obj, seen, field)}
        )
    values = {**(values or {}), field: to}
    now = timezone.now()
    for f in obj._meta.concrete_fields:
        if getattr(f, "auto_now", False):
            values.setdefault(f.name, now)
    manager = type(obj)._base_manager
    if not manager.filter(pk=obj.pk, **{field: seen}).update(**values):
        current = manager.filter(pk=obj.pk).values_list(field, flat=True).first()
        if current is None:
            raise Http404
        setattr(obj, field, current)
        raise StaleState(state_label(obj, current, field))
    for name, value in values.items():
        setattr(obj, name, value)
    return seen


def lock_for_update(obj: models.Model) -> models.Model:
    """The row of `obj` read again under a row lock, held until the transaction ends: writes that
    check something and then write (duplicates, "no responses yet") run one after the other.
    PostgreSQL: SELECT … FOR UPDATE; SQLite: every write transaction already runs alone
    (transaction_mode IMMEDIATE)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_for_update needs a transaction")
    return type(obj)._base_manager.select_for_update().get(pk=obj.pk)


def unique_or_refuse(make: Callable[[], Any], refusal: ValidationError):
    """Run `make` (a creation whose uniqueness was checked before) in a savepoint; if a concurrent
    request created the same row since the check, the unique constraint's clash is refused with
    `refusal` (a message naming the field) instead of a server error, and the outer transaction
    goes on usable."""
    try:
        with transaction.atomic():
            return make()
    except IntegrityError:
        raise refusal from None


def require_state_unchanged(obj: models.Model, field: str = "status") -> None:
    """Lock the row of `obj` and refuse (StaleState) if its state changed since this request read
    it: an edit or delete would otherwise undo, or act on, someone else's workflow step."""
    current = getattr(lock_for_update(obj), field)
    if current != getattr(obj, field):
        setattr(obj, field, current)
        raise StaleState(state_label(obj, current, field))
