"""Shared arguments of the `kexie template|import|export` management commands."""

from django.core.management.base import CommandError

from kexie.core.imports import KINDS


def add_kind_argument(parser) -> None:
    parser.add_argument("kind", choices=KINDS, help="数据类型:" + "、".join(KINDS))


def add_actor_argument(parser) -> None:
    parser.add_argument(
        "--as", dest="as_user", metavar="USERNAME",
        help="以该用户的身份和权限范围执行(不提供则以系统身份执行,范围不限)",
    )  # fmt: skip


def resolve_actor(username: str | None):
    if not username:
        return None
    from kexie.accounts.models import User

    user = (
        User.objects.unscoped(reason="the command line names the acting user")
        .select_related("unit")
        .filter(username=username, is_active=True)
        .first()
    )
    if user is None:
        raise CommandError(f"用户“{username}”不存在或已停用")
    return user


def actor_line(actor) -> str:
    """Whom a command acts as, printed first (imports say more: see ImportResult.acting_as)."""
    if actor is None:
        return "未指定 --as:以系统身份执行,不限管辖范围"
    unit = actor.unit.name if actor.unit_id else "无所属单位"
    return f"以用户“{actor.username}”({unit})的身份执行"
