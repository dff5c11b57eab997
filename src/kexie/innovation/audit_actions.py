from django.utils.translation import gettext_lazy as _

from kexie.core.actions import register

CREATED = {"created": _("新建")}

register("kexie.enterprise_visit", _("企业走访"), CREATED)
register(
    "kexie.demand",
    _("技术需求"),
    {
        "created": _("新建"),
        "changed": _("修改"),
        "reviewed": _("审核"),
        "published": _("发布"),
        "matchmaking": _("对接"),
        "intention": _("达成意向"),
        "signed": _("签约"),
        "completed": _("完成"),
        "closed": _("关闭"),
    },
)
register("kexie.matchmaking", _("需求对接"), CREATED)
register("kexie.agreement", _("签约项目"), CREATED)
register("kexie.forum", _("对接活动"), CREATED)
register("kexie.society_engagement", _("学会合作"), CREATED)
register("kexie.expert_profile", _("专家画像"), {"changed": _("修改")})
register("kexie.society_profile", _("学会画像"), {"changed": _("修改")})
register(
    "kexie.patent",
    _("专利"),
    {
        "imported": _("导入"),
        "selected": _("遴选"),
        "unselected": _("移出遴选"),
        "saving_reported": _("报告节约研发投入"),
    },
)
register("kexie.patent_promotion", _("专利信息推广会"), CREATED)
register("kexie.patent_usage", _("专利信息推广应用平台报表"), {"recorded": _("登记")})
register("kexie.patent_registration", _("专利服务注册"), CREATED)
register("kexie.saved_search", _("保存的检索"), CREATED)
register("kexie.selection_list", _("遴选清单"), CREATED)
