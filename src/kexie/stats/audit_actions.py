from django.utils.translation import gettext_lazy as _

from kexie.core.actions import register

register(
    "kexie.stats_report",
    _("统计报表"),
    {"created": _("新建"), "computed": _("取数"), "changed": _("修改"), "submitted": _("上报"),
     "returned": _("退回"), "accepted": _("通过"), "reopened": _("重新打开"), "imported": _("导入"), "filled": _("全市取数")},
)  # fmt: skip
register(
    "kexie.stats_cell",
    _("报表单元格"),
    {"entered": _("填报"), "overridden": _("改写"), "restored": _("恢复取数"), "explained": _("说明变动")},
)  # fmt: skip
