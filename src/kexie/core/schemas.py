"""API schemas of core: the shared constrained types every endpoint declares its parameters
and bodies with, the error bodies, and the audit log.

Every number a request carries is bounded here, so that nothing out of range reaches the
database (an id beyond 64 bits, a year the date functions cannot build, a count beyond
PostgreSQL's integer): the API answers 422 naming the field instead of a server error.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ObjectDoesNotExist
from ninja import Field, Schema
from pydantic import (
    AfterValidator,
    ModelWrapValidatorHandler,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from kexie.core import actions

YEAR_MIN, YEAR_MAX = 1949, 2100
MAX_ID = 2**63 - 1  # a 64-bit primary key
MAX_COUNT = 2**31 - 1  # PositiveIntegerField is a 32-bit integer on PostgreSQL
MAX_LIMIT = 500

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
BirthYear = Annotated[int, Field(ge=1900, le=2030)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Offset = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]


def _moment_in_range(value: dt.datetime) -> dt.datetime:
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        # the API's error translation (api_base.PYDANTIC_MESSAGES) names the range from ctx
        raise PydanticCustomError(
            "moment_range",
            "时间须在{year_min}–{year_max}年之间",
            {"year_min": YEAR_MIN, "year_max": YEAR_MAX},
        )
    return value


# A date and time a record carries (not a year 379 that time zones render with a local mean time).
Moment = Annotated[dt.datetime, AfterValidator(_moment_in_range)]


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def NotNull(*, title: str, **kwargs: Any) -> Any:  # noqa: N802
    """A PATCH field that may be left out but not set to null (the record needs a value).

    Left out, it stays None and unset (`exclude_unset` drops it); sent as null, it fails
    validation like any wrong type and the 422 names it. The schema shows no `null` default.
    """
    return Field(None, title=title, json_schema_extra=_drop_default, **kwargs)


class InputSchema(Schema):
    """A request body: a JSON object with only the documented fields.

    ninja's Schema reads any value's attributes (for ORM objects), so a body of "AAA" would
    validate as an object whose `title` is "AAA".title(): a body must be a JSON object.
    """

    model_config = {"extra": "forbid"}

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler, info: ValidationInfo
    ) -> Any:
        if not isinstance(values, dict):
            raise PydanticCustomError("dict_type", "请求体应为 JSON 对象")
        return handler(values)

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and cls.model_fields[info.field_name].json_schema_extra is _drop_default:
            raise PydanticCustomError("not_null", "不能为空(null)")
        return value


class FieldErrorOut(Schema):
    field: str = Field(title="字段", description="出错的字段;__all__ 表示整条记录")
    message: str = Field(title="原因")


class ErrorOut(Schema):
    detail: str = Field(title="说明")


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut] = Field(title="各字段的错误")


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
