"""API of core: the audit log (read-only, scoped to the caller's unit and below)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field as F
from ninja import Query, Router, Schema

from kexie.accounts.roles import MANAGE_USERS
from kexie.core import actions
from kexie.core.api_base import Page, actor, decode_cursor, encode_cursor, keyset_page, require
from kexie.core.models import AuditEntry
from kexie.core.schemas import AuditEntryOut, Limit
from kexie.core.scoping import scoped

router = Router(tags=["审计日志"])


class AuditFilters(Schema):
    action: str | None = F(
        None,
        title="操作",
        description="登记的操作代码(如 kexie.activity.approved),或对象种类的前缀(如 kexie.activity)",
        max_length=100,
    )
    object_type: str | None = F(None, title="对象类型", description="如 activities.activity", max_length=100)
    object_id: str | None = F(None, title="对象编号", max_length=64)
    since: dt.date | None = F(None, title="起始日期")
    until: dt.date | None = F(None, title="截止日期(含)")
    cursor: str | None = F(None, title="分页游标", description="上一页返回的 next 链接已含此参数")
    limit: Limit = F(50, title="每页条数")


def _filtered(qs, f: AuditFilters):
    if f.action:
        qs = qs.filter(actions.matching(f.action))
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.since:
        qs = qs.filter(at__date__gte=f.since)
    if f.until:
        qs = qs.filter(at__date__lte=f.until)
    return qs


@router.get("/audit-log", response=Page[AuditEntryOut], summary="审计日志列表")
def audit_log_list(request: HttpRequest, filters: Query[AuditFilters]):
    """本单位及下级单位的审计日志,最新在前;仅单位管理员可查看。游标分页(按编号倒序)。"""
    require(request, MANAGE_USERS)
    qs = _filtered(scoped(AuditEntry, actor(request)), filters).select_related("unit").order_by("-id")
    after = None
    if filters.cursor:
        (last_id,) = decode_cursor(filters.cursor, 1)
        after = _after_id(last_id)
    return keyset_page(request, qs, limit=filters.limit, after=after, cursor_of=lambda e: encode_cursor(e.id))


def _after_id(last_id: str):
    if not last_id.isdigit():
        raise ValidationError({"cursor": "分页游标无效"})
    return lambda qs: qs.filter(id__lt=int(last_id))
