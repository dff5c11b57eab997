"""Two requests for a large survey's estimates at once start one job (PostgreSQL: SQLite runs
one writer at a time). Before, both looked for the user's job, found none, and each started
one; now the survey's row is locked while one looks and starts, and the other finds its job."""

import random
import threading
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from kexie.core.models import Job
from kexie.literacy import jobs, services
from kexie.literacy.demo import _raw, _respondent
from kexie.testing import SERIAL_WRITERS, on_postgresql, run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not on_postgresql(), reason=SERIAL_WRITERS),
    pytest.mark.django_db(transaction=True),
]


def meet_before(target, name: str, parties: int, timeout: float):
    """Each caller of `target.name` waits, before the call, until all have come (or timeout)."""
    original, met = getattr(target, name), threading.Barrier(parties)

    def wrapper(*args, **kwargs):
        try:
            met.wait(timeout)
        except threading.BrokenBarrierError:
            pass
        return original(*args, **kwargs)

    return mock.patch.object(target, name, wrapper)


def test_the_page_and_the_api_at_once_start_one_estimate_job(world, settings):
    settings.LITERACY_JOB_RESPONSES = 2
    staff = world.users["county_staff"]
    survey = services.survey_create(actor=staff, data={"name": "任城区小调查", "year": 2020})
    services.questionnaire_load_sample(actor=staff, survey=survey, counties=["任城区"])
    rng = random.Random(3)
    entries = [{"raw_answers": _raw(_respondent(rng, 0.0, True), "任城区", True), "external_id": f"S{i}"}
               for i in range(4)]  # fmt: skip
    services.responses_create_bulk(actor=staff, survey=survey, entries=entries)
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(staff)
    page = lambda: clients[0].get(reverse("literacy:results", args=[survey.pk]))  # noqa: E731
    api = lambda: clients[1].get(f"/api/v1/literacy/surveys/{survey.pk}/results")  # noqa: E731
    # Old code: both look, meet, then both start a job. With the survey locked the second waits
    # for the first to start (and commit) its job, so the meeting times out and it finds that job.
    with meet_before(jobs, "job_start", parties=2, timeout=2):
        answers = run_together(page, api)
    assert [getattr(a, "status_code", a) for a in answers] == [200, 202], answers
    assert Job.objects.filter(kind=jobs.KIND).count() == 1
    assert answers[1].json()["job_id"] == str(Job.objects.get(kind=jobs.KIND).pk)
