"""The volunteers' background jobs (kexie.core.jobs): a working-day calendar change that concerns
many service records re-flags them in a worker instead of inside the request that saved the day
(`kexie.volunteers.calendar`); a unit moved under another parent rebuilds the hours summary and
the per-person totals, which are kept per unit on the organising unit's path."""

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


REBUILD = "volunteers_summary_rebuild"


@job_kind(REBUILD)
def summary_rebuild_job(job, progress):
    from kexie.volunteers import summary

    rows = summary.rebuild()
    return {"rows": rows, "summary": _("单位调整后,重新汇总了志愿服务时长(%(n)d 行)") % {"n": rows}}


def queue_summary_rebuild() -> Job:
    """Queue the rebuild (a system job), unless one is still waiting: it reads the paths as they
    then stand, so one rebuild serves every move made before it starts."""
    waiting = Job.objects.filter(kind=REBUILD, state=Job.QUEUED).first()
    if waiting is not None:
        return waiting
    return job_start(actor=None, kind=REBUILD, title=_("单位调整后重新汇总志愿服务时长"), params={})


def on_unit_moved(sender, **kwargs) -> None:
    from django.db import transaction

    transaction.on_commit(queue_summary_rebuild)
