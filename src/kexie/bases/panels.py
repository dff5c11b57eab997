"""A base's designations (with their state) and yearly assessments, on its directory page."""

from kexie.bases.models import BaseDesignation
from kexie.core.panels import register


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


register("organisation", _panel)
