"""The home page's flag of rectifications past their deadline (kexie.core.panels)."""

from django.utils.translation import gettext as _

from kexie.core.panels import register
from kexie.societies.selectors import overdue_rectifications


def _overdue(user, _obj):
    rows = overdue_rectifications(user)
    if not rows:
        return None
    return {
        "title": _("逾期未完成的限期整改"),
        "template": "societies/_overdue_panel.html",
        "rows": rows[:20],
    }


register("home", _overdue)
