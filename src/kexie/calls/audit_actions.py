from django.utils.translation import gettext_lazy as _

from kexie.core.actions import register

register(
    "kexie.call",
    _("征集评选"),
    {
        "created": _("新建"),
        "changed": _("修改"),
        "opened": _("开始征集"),
        "closed": _("结束征集"),
        "quota_set": _("设置推荐名额"),
        "notice_started": _("开始公示"),
        "finalised": _("确定结果"),
        "exported": _("导出结果"),
    },
)
register(
    "kexie.entry",
    _("申报"),
    {
        "created": _("新建"),
        "changed": _("修改"),
        "submitted": _("提交"),
        "withdrawn": _("撤回"),
        "returned": _("形式审查退回"),
        "accepted": _("形式审查通过"),
        "decided": _("评审决定"),
        "higher_result": _("登记上级评选结果"),
        "recommended_up": _("向上推荐"),
        "file_uploaded": _("上传附件"),
        "imported": _("导入"),
        "registered": _("公开报名"),
    },
)
register("kexie.institution_alias", _("单位别名"), {"created": _("新建")})
register("kexie.objection", _("公示异议"), {"filed": _("提出"), "decided": _("处理")})
register(
    "kexie.review_round",
    _("评审轮次"),
    {
        "created": _("新建"),
        "changed": _("修改"),
        "assigned": _("分配评委"),
        "chased": _("催交评分"),
        "scores_recorded": _("登记纸质评分表"),
        "closed": _("结束并确定晋级"),
    },
)
register("kexie.round_judge", _("评委"), {"added": _("聘请"), "conflict_added": _("登记回避")})
register("kexie.judge_assignment", _("评审分配"), {"scored": _("评分")})
