"""Which records the office's references may take (kexie.core.references)."""

from kexie.core.references import in_scope, register


def _departments(user):
    from django.apps import apps

    from kexie.office import selectors

    Organisation = apps.get_model("directory.Organisation")
    units = selectors.departments(user).values("unit_id")
    return Organisation.objects.for_user(user).filter(pk__in=units)


def _cadres(user):
    from kexie.office import selectors

    return selectors.cadres(user).filter(is_active=True)


def _task_forces(user):
    """Task forces still at work: a dissolved (撤销) one takes no new task."""
    from kexie.office import selectors

    return selectors.task_forces(user).filter(closed_on__isnull=True)


register("office.TaskForce.department", _departments)
register("office.TaskForce.lead", _cadres)
register("office.TaskForce.members", _cadres)
register("office.Task.department", _departments)
register("office.Task.owner", _cadres)
register("office.Task.task_force", _task_forces)
register("office.Task.decision", in_scope("office.Decision"))
register("office.Task.rule", in_scope("office.Rule"))
register("office.Meeting.unit", in_scope("directory.Organisation", is_active=True))
register("office.Meeting.attendees", in_scope("office.Cadre"))
register("office.Rule.unit", in_scope("directory.Organisation", is_active=True))
register("office.OutsideAssignment.cadre", _cadres)
register("office.ExecutionRecord.cadre", _cadres)
register("office.Department.unit", in_scope("directory.Organisation", is_active=True))
register("office.Department.leader", in_scope("accounts.User", is_active=True))
register("office.Cadre.person", in_scope("directory.Person", is_cadre=True))
register("office.Cadre.user", in_scope("accounts.User", is_active=True))
register("office.RuleVersion.rule", in_scope("office.Rule"))
register("office.ProgressNote.task", in_scope("office.Task"))
register("office.Decision.meeting", in_scope("office.Meeting"))
