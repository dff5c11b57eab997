"""A base's designations (with their state) and yearly assessments, on its directory page; on
the home page, last year's assessments still due (not recorded, or recorded and not decided) of
the bases the user sees."""

from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.bases import selectors
from kexie.bases.models import BaseDesignation
from kexie.core.panels import register

LIMIT = 10


def _panel(user, org):
    rows = list(
        BaseDesignation.objects.for_user(user)
        .filter(designation__organisation=org)
        .select_related("designation")
        .prefetch_related("assessments")
        .order_by("-valid_from")
    )
    if not rows:
        return None
    return {"template": "bases/_organisation_panel.html", "rows": rows}


def _home(user, _obj):
    year = timezone.localdate().year - 1
    rows = list(selectors.assessments_due(user, year)[: LIMIT + 1])
    if not rows:
        return None
    return {"template": "bases/_home_panel.html", "title": _("%(y)s年度基地考核待完成") % {"y": year},
            "year": year, "rows": rows[:LIMIT], "more": len(rows) > LIMIT}  # fmt: skip


register("organisation", _panel)
register("home", _home)
