"""The hotline's resync job is queued once per day. Before, `queue_resync` looked for a waiting
job and then created one: two calendar changes at once both found none (the other's job not yet
committed) and queued two jobs for one day. Now the day's claim row is locked first; the second
waits for the first, finds its job waiting and queues none."""

import datetime as dt

import pytest

from kexie.core.models import Job
from kexie.hotline import jobs
from kexie.hotline.models import ResyncClaim
from kexie.testing import SERIAL_WRITERS, meet_after, on_postgresql, run_jobs, run_together

DAY = dt.date(2020, 10, 17)


@pytest.mark.postgres
@pytest.mark.skipif(not on_postgresql(), reason=SERIAL_WRITERS)
@pytest.mark.django_db(transaction=True)
def test_two_changes_of_one_day_at_once_queue_one_job(world):
    # Old code: both look for a waiting job, meet after creating theirs, and two are queued. With
    # the claim locked, the second waits at the lock, so the meeting times out and it goes on after.
    with meet_after(jobs, "job_start", parties=2, timeout=0.5):
        answers = run_together(lambda: jobs.queue_resync(DAY), lambda: jobs.queue_resync(DAY))
    assert all(isinstance(a, Job) for a in answers), answers
    assert answers[0].pk == answers[1].pk
    assert Job.objects.filter(kind=jobs.KIND).count() == 1


def test_a_started_job_releases_the_day_and_a_later_change_queues_a_new_one(
    db, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = jobs.queue_resync(DAY)
        assert jobs.queue_resync(DAY).pk == first.pk  # still waiting: no second job
    assert ResyncClaim.objects.get(day=DAY).job_id == first.pk
    assert run_jobs() == 1
    assert ResyncClaim.objects.get(day=DAY).job_id is None  # cleared before it read the calendar
    second = jobs.queue_resync(DAY)
    assert second.pk != first.pk and second.state == Job.QUEUED
