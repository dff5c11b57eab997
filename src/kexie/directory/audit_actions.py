from django.utils.translation import gettext_lazy as _

from kexie.core.actions import register

register("kexie.region", _("行政区划"), {"created": _("新建")})
register(
    "kexie.organisation",
    _("组织"),
    {"created": _("新建"), "changed": _("修改"), "deleted": _("删除"), "exempted": _("豁免党建前置")},
)
register("kexie.organisation_year", _("年度情况"), {"created": _("新建"), "changed": _("修改")})
register("kexie.designation", _("命名认定"), {"created": _("新建"), "deleted": _("删除")})
register("kexie.position", _("任职"), {"added": _("任职"), "ended": _("离任")})
register("kexie.person", _("人员"), {"created": _("新建"), "changed": _("修改"), "deleted": _("删除")})
register(
    "kexie.import",
    _("导入"),
    {"regions": _("导入行政区划"), "organisations": _("导入组织"), "people": _("导入人员")},
)
