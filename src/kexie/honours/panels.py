"""A person's and a unit's honours and recommendations over the years, on their directory page."""

from kexie.core.panels import register
from kexie.honours.selectors import honours_of_organisation, honours_of_person


def _panel(rows) -> dict:
    return {"template": "honours/_record_panel.html", "rows": list(rows[:200])}


register("person", lambda user, person: _panel(honours_of_person(user, person)))
register("organisation", lambda user, org: _panel(honours_of_organisation(user, org)))
