"""Audit actions of the core: the demo loader (its own app-less module) lives here."""

from django.utils.translation import gettext_lazy as _

from kexie.core.actions import register

register("kexie.demo", _("演示数据"), {"loaded": _("载入")})
register("kexie.grant", _("对象授权"), {"created": _("授予"), "revoked": _("撤销")})
register("kexie.capability_link", _("授权链接"), {"created": _("创建"), "revoked": _("撤销")})
register(
    "kexie.keys",
    _("字段加密密钥"),
    {"rotation_started": _("开始轮换"), "rotated": _("轮换完成")},
)
register("kexie.backup", _("备份"), {"created": _("备份"), "restored": _("恢复")})
register("kexie.certificate", _("证书"), {"issued": _("颁发"), "revoked": _("撤销")})
register("kexie.checkin_session", _("签到场次"), {"created": _("创建")})
register("kexie.checkin", _("签到记录"), {"checked_in": _("签到"), "checked_out": _("签退")})
register("kexie.notification_setting", _("通知设置"), {"updated": _("修改")})
register("kexie.holiday", _("节假日表"), {"created": _("新增"), "changed": _("修改"), "deleted": _("删除")})
