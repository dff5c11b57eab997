"""The hotline's background job (kexie.core.jobs): a working-day calendar change that concerns
many tickets and call-backs is brought in line by a worker instead of inside the request that
saved the day (`kexie.hotline.calendar`)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from kexie.core.jobs import job_kind, job_start
from kexie.core.models import Job

KIND = "hotline_calendar_resync"


@job_kind(KIND)
def calendar_resync_job(job, progress, *, date):
    from kexie.hotline.calendar import resync

    day = dt.date.fromisoformat(date)
    changed = resync(day, progress=progress)
    return {"rows": changed, "summary": _("%(d)s 变更后,重算了 %(n)d 项热线时限") % {"d": date, "n": changed}}


def queue_resync(day: dt.date) -> Job:
    """Queue the resync of `day` (a system job, started when the calendar change commits),
    unless one for that day is still waiting: it will read the calendar as it then stands."""
    waiting = Job.objects.filter(kind=KIND, state=Job.QUEUED, params__date=day.isoformat()).first()
    if waiting is not None:
        return waiting
    return job_start(
        actor=None,
        kind=KIND,
        title=_("节假日表变更后重算热线时限(%(d)s)") % {"d": day.isoformat()},
        params={"date": day.isoformat()},
    )
