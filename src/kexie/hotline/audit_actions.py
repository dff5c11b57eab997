from django.utils.translation import gettext_lazy as _

from kexie.core.actions import register

register("kexie.pool", _("专家组"), {"created": _("新建"), "changed": _("修改")})
register(
    "kexie.consultation",
    _("咨询"),
    {
        "received": _("受理"),
        "recorded_in_bulk": _("批量登记已办结咨询"),
        "routed": _("转派"),
        "answered": _("解答"),
        "escalated": _("转现场服务"),
        "published": _("收入知识库"),
        "unpublished": _("移出知识库"),
        "attached": _("上传附件"),
        "rating_link": _("生成评价链接"),
        "calendar_resynced": _("节假日表变更后重算时限"),
    },
)
register("kexie.callback", _("回电任务"), {"created": _("新建"), "done": _("完成")})
register("kexie.import", _("导入"), {"consultations": _("导入热线咨询")})
