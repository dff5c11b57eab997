"""The home page's funds panel (kexie.core.panels): tranches that may be paid now and projects
past their planned end without 结题验收, of the programmes (or undertakers) the user sees."""

from django.utils.translation import gettext as _

from kexie.core.panels import register
from kexie.funds import selectors

LIMIT = 10


def _home(user, _obj):
    due = list(selectors.tranches_due(user)[: LIMIT + 1])
    for t in due:
        t.open_fen = t.amount_fen - t.paid_here
    overdue = list(selectors.overdue_for_acceptance(user)[: LIMIT + 1])
    if not due and not overdue:
        return None
    return {"template": "funds/_home_panel.html", "title": _("科普项目:待拨款与逾期未验收"),
            "due": due[:LIMIT], "overdue": overdue[:LIMIT], "more_due": len(due) > LIMIT,
            "more_overdue": len(overdue) > LIMIT}  # fmt: skip


register("home", _home)
