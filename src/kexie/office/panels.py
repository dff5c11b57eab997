"""The office's overdue and at-risk tasks on the home page of those who see them."""

from kexie.core.panels import register
from kexie.office import selectors

LIMIT = 10


def _home(user, _obj):
    tasks = selectors.tasks(user)
    overdue = list(selectors.overdue(tasks).order_by("deadline")[: LIMIT + 1])
    at_risk = list(selectors.at_risk(tasks).order_by("deadline")[: LIMIT + 1])
    if not overdue and not at_risk:
        return None
    return {"template": "office/_home_panel.html", "overdue": overdue[:LIMIT], "at_risk": at_risk[:LIMIT],
            "more_overdue": len(overdue) > LIMIT, "more_at_risk": len(at_risk) > LIMIT}  # fmt: skip


register("home", _home)
