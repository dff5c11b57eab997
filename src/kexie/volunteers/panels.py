"""A person's training (courses enrolled in, completion, certificate, the 农技协 they lead) on
their directory page and, with the other person panels (honours …), on their volunteer page."""

from kexie.core.panels import register


def training_panel(user, person) -> dict | None:
    """The courses the user may see that the person enrolled in; None when there are none."""
    from kexie.volunteers.selectors import enrolments

    rows = list(enrolments(user).filter(person=person).order_by("-course__activity__start_date", "-id")[:200])
    if not rows:
        return None
    return {"template": "volunteers/_training_panel.html", "rows": rows}


register("person", training_panel)
