"""The hotline's background job (kexie.core.jobs): a working-day calendar change that concerns
many tickets and call-backs is brought in line by a worker instead of inside the request that
saved the day (`kexie.hotline.calendar`)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kexie.core.jobs import job_kind, job_start
from kexie.core.models import Job

KIND = "hotline_calendar_resync"


@job_kind(KIND)
def calendar_resync_job(job, progress, *, date):
    from kexie.hotline.calendar import resync

    day = dt.date.fromisoformat(date)
    release(day, job)
    changed = resync(day, progress=progress)
    return {"rows": changed, "summary": _("%(d)s 变更后,重算了 %(n)d 项热线时限") % {"d": date, "n": changed}}


def release(day: dt.date, job) -> None:
    """The job has started: the day is no longer claimed by it. The UPDATE waits for a calendar
    change of the day still holding the claim's lock, so the resync that follows reads the
    calendar with that change committed; a later change queues a new job."""
    from kexie.hotline.models import ResyncClaim

    with transaction.atomic():
        ResyncClaim.objects.filter(day=day, job_id=job.pk).update(job=None)


def _claim(day: dt.date):
    """The day's claim row, locked until the calendar change commits (created if none; a
    concurrent creation is waited for and then locked, not duplicated)."""
    from kexie.hotline.models import ResyncClaim

    claims = ResyncClaim.objects.select_for_update(of=("self",))
    claim = claims.filter(day=day).select_related("job").first()
    if claim is not None:
        return claim
    try:
        with transaction.atomic():  # a savepoint: the loser of a race keeps its transaction
            return ResyncClaim.objects.create(day=day)
    except IntegrityError:  # created and committed by a concurrent change: take its row
        return claims.select_related("job").get(day=day)


@transaction.atomic
def queue_resync(day: dt.date) -> Job:
    """Queue the resync of `day` (a system job, started when the calendar change commits),
    unless one for that day is still waiting: it will read the calendar as it then stands.
    Check and creation under the day's claim lock: two changes at once queue one job."""
    claim = _claim(day)
    if claim.job is not None and claim.job.state == Job.QUEUED:
        return claim.job
    job = job_start(
        actor=None,
        kind=KIND,
        title=_("节假日表变更后重算热线时限(%(d)s)") % {"d": day.isoformat()},
        params={"date": day.isoformat()},
    )
    claim.job = job
    claim.save(update_fields=["job"])
    return job
