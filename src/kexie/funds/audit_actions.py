from django.utils.translation import gettext_lazy as _

from kexie.core.actions import register

register("kexie.programme", _("科普资金计划"), {"created": _("新建")})
register(
    "kexie.project",
    _("科普项目"),
    {
        "applied": _("申报"),
        "approved": _("立项"),
        "rejected": _("未立项"),
        "agreed": _("签订协议"),
        "accepted": _("结题验收"),
        "closed": _("结项"),
    },
)
register("kexie.project_report", _("项目报告"), {"submitted": _("提交"), "accepted": _("审核通过")})
register("kexie.payment", _("拨款记录"), {"paid": _("拨付")})
register("kexie.conflict_of_interest", _("利益冲突"), {"declared": _("申报")})
register("kexie.import", _("导入"), {"funds_projects": _("导入科普项目申报预算")})
