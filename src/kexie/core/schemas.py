"""API schemas of core: the audit log."""

import datetime as dt
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from ninja import Field, Schema

from kexie.core import actions


class AuditChangeOut(Schema):
    field: str = Field(title="字段")
    label: str = Field(title="字段名称")
    before: Any = Field(None, title="修改前(显示值)")
    after: Any = Field(None, title="修改后(显示值)")


class AuditEntryOut(Schema):
    id: int = Field(title="编号")
    at: dt.datetime = Field(title="时间")
    actor_id: int | None = Field(None, title="操作人编号")
    actor_name: str = Field(title="操作人", alias="actor_repr")
    action: str = Field(title="操作", description="点分名称,如 kexie.activity.approved")
    action_label: str = Field("", title="操作名称", description="如“审核通过”")
    action_kind: str = Field("", title="对象种类", description="如“活动”")
    object_type: str = Field(title="对象类型")
    object_id: str = Field(title="对象编号")
    object_repr: str = Field(title="对象")
    unit_id: int | None = Field(None, title="所属单位编号")
    unit_name: str = Field("", title="所属单位")
    before: dict[str, Any] | None = Field(None, title="修改前", description="个人信息已脱敏")
    after: dict[str, Any] | None = Field(None, title="修改后", description="个人信息已脱敏")
    changes: list[AuditChangeOut] | None = Field(
        None, title="变更", description="字段名称与显示值(选项名称、所引用记录的名称),写入时记下"
    )
    note: str = Field(title="说明")

    @staticmethod
    def resolve_unit_name(obj) -> str:
        """The unit's name, or "" once the unit is deleted (the entry keeps its id and path)."""
        try:
            unit = obj.unit if obj.unit_id else None
        except ObjectDoesNotExist:
            unit = None
        return unit.name if unit is not None else ""

    @staticmethod
    def resolve_action_label(obj) -> str:
        registered = actions.get(obj.action)
        return str(registered.label) if registered is not None else obj.action

    @staticmethod
    def resolve_action_kind(obj) -> str:
        registered = actions.get(obj.action)
        return str(registered.kind) if registered is not None else ""
