from django.utils.translation import gettext_lazy as _

from kexie.core.actions import register

register("kexie.article", _("宣传稿件"), {"created": _("新建"), "changed": _("修改")})
register(
    "kexie.opinion_source",
    _("监测来源"),
    {"created": _("新建"), "changed": _("修改"), "polled": _("抓取到新信息"), "failed": _("抓取失败")},
)
register("kexie.opinion_scheme", _("监测方案"), {"created": _("新建"), "changed": _("修改")})
register("kexie.opinion_item", _("舆情条目"), {"submitted": _("信息员报送"), "corrected": _("校正情感")})
register("kexie.opinion_rule", _("预警规则"), {"created": _("新建"), "changed": _("修改")})
register("kexie.opinion_alert", _("舆情预警"), {"raised": _("触发")})
register(
    "kexie.import", _("导入"), {"opinion_items": _("导入舆情信息"), "opinion_articles": _("导入宣传稿件")}
)
