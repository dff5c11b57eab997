"""API schemas of core: the audit log."""

import datetime as dt
from typing import Any

from ninja import Field, Schema


class AuditEntryOut(Schema):
    id: int = Field(title="编号")
    at: dt.datetime = Field(title="时间")
    actor_id: int | None = Field(None, title="操作人编号")
    actor_name: str = Field(title="操作人", alias="actor_repr")
    action: str = Field(title="操作", description="点分名称,如 kexie.activity.approved")
    object_type: str = Field(title="对象类型")
    object_id: str = Field(title="对象编号")
    object_repr: str = Field(title="对象")
    unit_id: int | None = Field(None, title="所属单位编号")
    unit_name: str = Field("", title="所属单位")
    before: dict[str, Any] | None = Field(None, title="修改前", description="个人信息已脱敏")
    after: dict[str, Any] | None = Field(None, title="修改后", description="个人信息已脱敏")
    note: str = Field(title="说明")

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name if obj.unit_id else ""
