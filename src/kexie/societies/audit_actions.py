from django.utils.translation import gettext_lazy as _

from kexie.core.actions import register

register("kexie.founding", _("新建学会(院所)"), {"prepared": _("筹建"), "founded": _("登记成立")})
register(
    "kexie.annual_report",
    _("年度报告"),
    {"created": _("新建"), "changed": _("修改"), "submitted": _("提交"), "returned": _("退回"),
     "accepted": _("通过")},
)  # fmt: skip
register(
    "kexie.rectification",
    _("限期整改"),
    {"ordered": _("下达"), "followed_up": _("跟踪"), "extended": _("延期"), "closed": _("办结"),
     "escalated": _("移交注销程序")},
)  # fmt: skip
register("kexie.term", _("届次"), {"created": _("新建"), "changed": _("修改")})
register("kexie.evaluation_scheme", _("评估指标体系"), {"created": _("新建")})
register("kexie.evaluation", _("等级评估"), {"opened": _("启动"), "scored": _("评分"), "finished": _("定级")})
register("kexie.grassroots_head", _("基层三长"), {"added": _("登记")})
register(
    "kexie.import",
    _("导入"),
    {
        "party_records": _("导入党组织年度情况"),
        "grassroots_heads": _("导入“3+1”基层三长"),
        "officers": _("导入负责人任职"),
    },
)
