from django.utils.translation import gettext_lazy as _

from kexie.core.actions import register

register("kexie.volunteer", _("志愿者"), {"registered": _("注册"), "changed": _("修改")})
register("kexie.volunteer_team", _("志愿服务队"), {"created": _("新建"), "changed": _("修改")})
register(
    "kexie.service_record",
    _("志愿服务记录"),
    {
        "recorded": _("录入"),
        "recorded_in_bulk": _("批量录入"),
        "reported": _("本人申报"),
        "changed": _("修改"),
        "approved": _("审核通过"),
        "declined": _("未通过"),
        "reminded": _("提醒录入"),
        "calendar_resynced": _("节假日表变更后重新判定逾期录入"),
    },
)
register("kexie.course", _("培训课程"), {"created": _("新建"), "changed": _("修改")})
register("kexie.course_session", _("培训课次"), {"created": _("新建"), "attendance": _("登记出勤")})
register(
    "kexie.enrolment",
    _("培训学员"),
    {
        "enrolled": _("报名"),
        "enrolled_in_bulk": _("批量报名"),
        "completed": _("结业"),
        "completed_in_bulk": _("批量结业"),
        "leader": _("成为农技协带头人"),
    },
)
register(
    "kexie.import",
    _("导入"),
    {"service_records": _("导入志愿服务记录"), "volunteer_evaluations": _("导入志愿者评价")},
)
register("kexie.volunteer_evaluation", _("志愿者评价"), {"created": _("评价"), "withdrawn": _("撤回")})
