from django.utils.translation import gettext_lazy as _

from kexie.core.actions import register

register("kexie.queue", _("工单队列"), {"created": _("新建"), "changed": _("修改")})
register(
    "kexie.ticket",
    _("工单"),
    {
        "opened": _("受理"),
        "routed": _("转派"),
        "assigned": _("指派"),
        "responded": _("首次响应"),
        "waiting": _("等待来电人"),
        "resumed": _("恢复处理"),
        "resolved": _("解决"),
        "rated": _("评价"),
        "noted": _("记录处理情况"),
        "breached": _("超时"),
        "recorded_in_bulk": _("批量登记已办结工单"),
    },
)
