"""API schemas of accounts: the current user and API tokens."""

import datetime as dt

from ninja import Field, Schema

from kexie.core.schemas import InputSchema


class RoleOut(Schema):
    code: str = Field(title="角色代码")
    name: str = Field(title="角色名称")


class MeOut(Schema):
    id: int = Field(title="用户编号")
    username: str = Field(title="用户名")
    display_name: str = Field(title="姓名")
    unit_id: int | None = Field(None, title="所属单位编号")
    unit_name: str = Field("", title="所属单位")
    roles: list[RoleOut] = Field(title="角色")
    permissions: list[str] = Field(
        title="权限", description="如 core.edit_records、activities.review_activity"
    )
    is_superuser: bool = Field(title="超级用户")


class TokenOut(Schema):
    id: int = Field(title="编号")
    name: str = Field(title="名称")
    prefix: str = Field(title="前缀", description="令牌 kx_ 之后的前 8 个字符,用于辨认")
    created_at: dt.datetime = Field(title="创建时间")
    last_used_at: dt.datetime | None = Field(None, title="最近使用时间")
    revoked: bool = Field(title="已吊销")


class TokenCreatedOut(TokenOut):
    key: str = Field(title="令牌", description="仅在创建时返回一次;请妥善保存")


class TokenIn(InputSchema):
    name: str = Field(title="名称", min_length=1, max_length=60)
