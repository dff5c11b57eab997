"""Services for the holiday table (HolidayOverride): the city's staff correct the national
calendar (a year chinesecalendar does not know yet, a local holiday, a 调休 working day)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kexie.accounts.roles import EDIT
from kexie.core import audit
from kexie.core.models import HolidayOverride
from kexie.core.services import unique_or_refuse


def can_edit_calendar(user) -> bool:
    """The calendar is the whole city's: only the city association's editors change it."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    unit = getattr(user, "unit", None)
    return unit is not None and unit.parent_id is None and user.has_perm(EDIT)


def _require_editor(actor) -> None:
    if not can_edit_calendar(actor):
        raise PermissionDenied(_("只有市科协的填报人员可以修改节假日表"))


def _audit_target(actor) -> dict:
    unit = getattr(actor, "unit", None)
    return {"unit": unit} if unit is not None else {"system": True}


@transaction.atomic
def holiday_override_save(*, actor, day: dt.date, is_working_day: bool, name: str = "") -> HolidayOverride:
    """Set one day's override (creates it or changes it)."""
    _require_editor(actor)
    if not isinstance(day, dt.date):
        raise ValidationError({"date": _("日期无效")})
    name = (name or "").strip()
    if len(name) > 60:
        raise ValidationError({"name": _("名称不能超过60个字")})
    override = _stored(day)
    before = audit.snapshot(override) if override else None
    if override is None:
        override = HolidayOverride(date=day)
    override.is_working_day = bool(is_working_day)
    override.name = name
    # A new day has no row to lock: a concurrent save of the same day may insert it first.
    unique_or_refuse(override.save, ValidationError({"date": _("其他用户刚刚保存了这一天,请刷新页面后查看")}))
    after = audit.snapshot(override)
    before, after = audit.changed(before, after)
    verb = "changed" if before is not None else "created"
    audit.log(
        actor=actor,
        action=f"kexie.holiday.{verb}",
        obj=override,
        before=before,
        after=after,
        **_audit_target(actor),
    )
    return override


def _stored(day: dt.date) -> HolidayOverride | None:
    """The day's stored override, its row locked until the transaction ends."""
    return HolidayOverride.objects.select_for_update().filter(date=day).first()


@transaction.atomic
def holiday_override_delete(*, actor, override: HolidayOverride) -> None:
    _require_editor(actor)
    before = audit.snapshot(override)
    audit.log(
        actor=actor, action="kexie.holiday.deleted", obj=override, before=before, **_audit_target(actor)
    )
    override.delete()
