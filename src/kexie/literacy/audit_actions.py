from django.utils.translation import gettext_lazy as _

from kexie.core.actions import register

register(
    "kexie.literacy_survey",
    _("科学素质调查"),
    {"created": _("新建"), "changed": _("修改"), "questionnaire_loaded": _("载入问卷")},
)
register("kexie.literacy_frame", _("抽样框单位"), {"imported": _("导入"), "selected": _("抽样")})
register("kexie.literacy_interviewer", _("调查员"), {"created": _("新建")})
register(
    "kexie.literacy_response",
    _("答卷"),
    {"submitted": _("提交"), "imported": _("导入"), "created_bulk": _("批量新建")},
)
register("kexie.literacy_margins", _("人口普查边际"), {"replaced": _("替换")})
