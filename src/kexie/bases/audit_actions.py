from django.utils.translation import gettext_lazy as _

from kexie.core.actions import register

register("kexie.naming_round", _("命名批次"), {"created": _("新建"), "landed": _("登记命名")})
register(
    "kexie.base_designation",
    _("基地命名"),
    {"named": _("命名"), "renewed": _("复核延续"), "revoked": _("撤销命名")},
)
register("kexie.assessment_scheme", _("考核标准"), {"set": _("设定")})
register("kexie.assessment", _("年度考核"), {"recorded": _("录入"), "decided": _("审定")})
register("kexie.venue", _("科普场馆"), {"created": _("新建"), "changed": _("修改")})
register("kexie.venue_month", _("场馆月度观众"), {"recorded": _("录入")})
register(
    "kexie.import",
    _("导入"),
    {"venue_visitors": _("导入场馆月度观众"), "base_assessments": _("导入基地年度考核数据")},
)
