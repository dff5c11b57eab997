"""API of core: the audit log (read-only, scoped to the caller's unit and below), the public
certificate check, and the caller's own notifications."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field as F
from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError

from kexie.accounts.roles import MANAGE_USERS
from kexie.core import actions
from kexie.core.api_base import (
    ErrorOut,
    Page,
    actor,
    decode_cursor,
    encode_cursor,
    keyset_page,
    offset_page,
    require,
)
from kexie.core.models import AuditEntry
from kexie.core.schemas import AuditEntryOut, Id, InputSchema, Limit, Offset
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


# ---------------------------------------------------------------------- building blocks


class CertificateCheckOut(Schema):
    code: str = F(title="验证码")
    valid: bool = F(title="是否有效", description="未撤销即有效")
    revoked_reason: str = F(title="撤销原因")
    title: str = F(title="证书名称")
    holder: str = F(title="持证人(部分隐去)")
    issuer: str = F(title="颁发单位")
    issued_on: dt.date = F(title="颁发日期")


@router.get(
    "/certificates/verify/{code}",
    response={200: CertificateCheckOut, 429: ErrorOut},
    auth=None,
    summary="证书核验(公开)",
    tags=["证书"],
)
def certificate_verify(request: HttpRequest, code: str = Path(..., max_length=40)):
    """凭验证码核验证书,无需登录;与公开页面 /verify/ 同一查询与频率限制。未知验证码答 404。"""
    from django.conf import settings

    from kexie.core import certificates
    from kexie.core.throttle import client_address, hit

    if not hit(
        f"verify:{client_address(request)}",
        limit=settings.KEXIE_VERIFY_RATE,
        window=settings.KEXIE_VERIFY_WINDOW,
    ):
        raise HttpError(429, _("查询过于频繁,请稍后再试"))
    cert = certificates.verify(code)
    if cert is None:
        raise Http404
    return {
        "code": certificates.display_code(cert.code),
        "valid": not cert.is_revoked,
        "revoked_reason": cert.revoked_reason,
        "title": cert.title,
        "holder": certificates.mask_name(cert.holder_name),
        "issuer": str(cert.unit),
        "issued_on": cert.issued_on,
    }


class NotificationOut(Schema):
    id: int
    text: str = F(title="内容")
    link: str = F(title="链接")
    kind: str = F(title="类别")
    created_at: dt.datetime = F(title="时间")
    read_at: dt.datetime | None = F(title="已读时间")


class NotificationFilters(Schema):
    unread: bool = F(False, title="只看未读")
    limit: Limit = F(50, title="每页条数")
    offset: Offset = F(0, title="跳过条数")


@router.get("/notifications", response=Page[NotificationOut], summary="我的通知", tags=["通知"])
def notification_list(request: HttpRequest, filters: Query[NotificationFilters]):
    """当前用户自己的通知,最新在前。"""
    from kexie.core.models import Notification

    qs = Notification.objects.filter(user=actor(request)).order_by("-created_at", "-id")
    if filters.unread:
        qs = qs.filter(read_at__isnull=True)
    return offset_page(request, qs, limit=filters.limit, offset=filters.offset)


class NotificationReadIn(InputSchema):
    ids: list[Id] | None = F(None, title="通知编号", description="不填则全部标为已读", max_length=1000)


class NotificationReadOut(Schema):
    marked: int = F(title="标为已读的条数")


@router.post("/notifications/read", response=NotificationReadOut, summary="通知标为已读", tags=["通知"])
def notification_read(request: HttpRequest, body: NotificationReadIn):
    """把当前用户自己的通知标为已读(他人的编号被忽略)。"""
    from kexie.core.notifications import notification_mark_read

    return {"marked": notification_mark_read(user=actor(request), ids=body.ids)}
