"""The volunteers' background job (kexie.core.jobs): a working-day calendar change that concerns
many service records re-flags them in a worker instead of inside the request that saved the day
(`kexie.volunteers.calendar`)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from kexie.core.jobs import job_kind, job_start
from kexie.core.models import Job

KIND = "volunteers_calendar_resync"


@job_kind(KIND)
def calendar_resync_job(job, progress, *, date):
    from kexie.volunteers.calendar import resync

    changed = resync(dt.date.fromisoformat(date), progress=progress)
    return {
        "rows": changed,
        "summary": _("%(d)s 变更后,重新判定了 %(n)d 条服务记录的逾期录入") % {"d": date, "n": changed},
    }


def queue_resync(day: dt.date) -> Job:
    """Queue the re-flagging of `day` (a system job, started when the calendar change commits),
    unless one for that day is still waiting: it will read the calendar as it then stands."""
    waiting = Job.objects.filter(kind=KIND, state=Job.QUEUED, params__date=day.isoformat()).first()
    if waiting is not None:
        return waiting
    return job_start(
        actor=None,
        kind=KIND,
        title=_("节假日表变更后重新判定逾期录入(%(d)s)") % {"d": day.isoformat()},
        params={"date": day.isoformat()},
    )
