from django.utils.translation import gettext_lazy as _

from kexie.core.actions import register

register(
    "kexie.activity",
    _("活动"),
    {
        "created": _("新建"),
        "changed": _("修改"),
        "deleted": _("删除"),
        "submitted": _("上报"),
        "approved": _("审核通过"),
        "returned": _("退回"),
        "attached": _("上传附件"),
    },
)
register("kexie.campaign", _("专项活动"), {"created": _("新建"), "changed": _("修改")})
register("kexie.import", _("导入"), {"activities": _("导入活动"), "campaigns": _("导入专项活动")})
