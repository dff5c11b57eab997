from django.utils.translation import gettext_lazy as _

from kexie.core.actions import register

register("kexie.department", _("处室"), {"created": _("新建"), "changed": _("修改")})
register("kexie.cadre", _("干部"), {"created": _("新建"), "changed": _("修改"), "ended": _("离岗"),
                                   "assigned": _("登记外派任务")})  # fmt: skip
register("kexie.task_force", _("专班"), {"created": _("新建"), "changed": _("修改"), "closed": _("撤销")})
register(
    "kexie.task",
    _("任务"),
    {
        "created": _("交办"),
        "changed": _("修改"),
        "noted": _("报告进展"),
        "completed": _("完成"),
        "cancelled": _("撤销"),
    },
)
register("kexie.meeting", _("会议"), {"created": _("新建"), "decided": _("增加议定事项")})
register(
    "kexie.execution_record",
    _("干部执行力档案"),
    {"created": _("建立"), "noted": _("填写个人小结"), "assessed": _("领导评价")},
)
register("kexie.rule", _("制度"), {"created": _("新建"), "revised": _("修订"), "repealed": _("废止")})
register("kexie.import", _("导入"), {"office_tasks": _("导入任务清单"), "cadres": _("导入干部名册")})
