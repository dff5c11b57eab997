"""A large survey's estimates are computed by a background job (issue 10): the results page
shows the job's progress, then the estimates once the worker is done. "Large" is
LITERACY_JOB_RESPONSES, set to 5 here so that a survey of twelve responses is one."""

import random

import pytest
from django.urls import reverse

from kexie.core.models import Job
from kexie.literacy import services
from kexie.literacy.demo import _raw, _respondent
from kexie.literacy.estimation import estimate_steps
from kexie.literacy.jobs import KIND
from kexie.literacy.models import Survey
from kexie.testing import run_jobs


@pytest.fixture
def small_survey(world, settings):
    settings.LITERACY_JOB_RESPONSES = 5
    staff = world.users["county_staff"]
    survey = services.survey_create(actor=staff, data={"name": "任城区小调查", "year": 2020})
    services.questionnaire_load_sample(actor=staff, survey=survey, counties=["任城区"])
    rng = random.Random(3)
    entries = [
        {"raw_answers": _raw(_respondent(rng, 0.0, i % 2 == 0), "任城区", i % 2 == 0), "external_id": f"S{i}"}
        for i in range(12)
    ]
    services.responses_create_bulk(actor=staff, survey=survey, entries=entries)
    return survey


def results_page(client, survey):
    return client.get(reverse("literacy:results", args=[survey.pk]))


def test_the_results_page_shows_the_job_then_the_estimates(
    client, personas, small_survey, django_capture_on_commit_callbacks
):
    client.force_login(personas["county_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        body = results_page(client, small_survey).content.decode()
    job = Job.objects.get(kind=KIND)
    assert 'id="job-progress"' in body and "literacy-estimating" in body and "literacy-overall" not in body
    assert job.params == {
        "survey": small_survey.pk,
        "version": Survey.objects.get(pk=small_survey.pk).data_version,
    }
    assert not Survey.objects.get(pk=small_survey.pk).results  # nothing computed in the request
    results_page(client, small_survey)  # a reload follows the same job
    assert Job.objects.filter(kind=KIND).count() == 1
    assert run_jobs() == 1
    job.refresh_from_db()
    assert job.state == Job.DONE, job.error
    assert (job.done, job.total) == (estimate_steps(), estimate_steps())
    body = results_page(client, small_survey).content.decode()
    assert 'id="literacy-overall"' in body and "job-progress" not in body
    assert Survey.objects.get(pk=small_survey.pk).results["n_valid"] == 12
    assert "有效答卷 12 份" in job.result["summary"]
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert reverse("literacy:results", args=[small_survey.pk]) in page and "查看估计结果" in page


def test_a_failed_estimate_stays_shown_until_started_again(
    client, personas, small_survey, monkeypatch, django_capture_on_commit_callbacks
):
    from kexie.literacy import estimation

    def broken(survey, progress=None):
        progress(0, 5, "正在读取有效答卷")
        raise RuntimeError

    monkeypatch.setattr("kexie.literacy.selectors.estimate", broken)
    client.force_login(personas["county_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        results_page(client, small_survey)
    assert run_jobs() == 1
    body = results_page(client, small_survey).content.decode()
    assert 'id="job-error"' in body and "literacy-estimate-again" in body
    assert Job.objects.filter(kind=KIND).count() == 1
    monkeypatch.setattr("kexie.literacy.selectors.estimate", estimation.estimate)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("literacy:results", args=[small_survey.pk]))
    assert response.status_code == 302 and Job.objects.filter(kind=KIND).count() == 2
    assert run_jobs() == 1
    assert 'id="literacy-overall"' in results_page(client, small_survey).content.decode()


def test_the_workbook_of_a_large_survey_waits_for_the_job_and_a_small_one_is_computed_at_once(
    client, personas, small_survey, settings
):
    client.force_login(personas["county_staff"])
    response = client.get(reverse("literacy:results_xlsx", args=[small_survey.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "literacy:results", args=[small_survey.pk]
    )
    settings.LITERACY_JOB_RESPONSES = 100
    assert 'id="literacy-overall"' in results_page(client, small_survey).content.decode()
    assert not Job.objects.exists()


def test_an_outsider_starts_no_job(client, personas, small_survey):
    client.force_login(personas["outsider"])
    assert results_page(client, small_survey).status_code == 404
    assert not Job.objects.exists()


def test_the_api_answers_the_jobs_progress_for_a_large_survey_and_the_estimates_after(
    client, personas, small_survey, django_capture_on_commit_callbacks
):
    client.force_login(personas["county_staff"])
    url = f"/api/v1/literacy/surveys/{small_survey.pk}/results"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url)
    job = Job.objects.get(kind=KIND)
    assert response.status_code == 202, response.content
    data = response.json()
    assert (data["job_id"], data["state"], data["percent"]) == (str(job.pk), "queued", 0)
    assert data["results_at"] is None and data["survey"]["id"] == small_survey.pk
    assert not Survey.objects.get(pk=small_survey.pk).results  # nothing computed in the request
    assert client.get(url).status_code == 202 and Job.objects.filter(kind=KIND).count() == 1  # the same job
    assert run_jobs() == 1
    response = client.get(url)
    assert response.status_code == 200 and response.json()["n_valid"] == 12


def test_indicators_give_a_large_surveys_last_estimate_and_say_it_is_out_of_date(personas, small_survey):
    from kexie.core import indicators
    from kexie.core.indicators import Period, Scope
    from kexie.literacy.selectors import survey_results

    def rows():
        scope = Scope(personas["city_admin"])
        return {r["code"]: r for r in indicators.evaluate(Period.year(2020), scope, ["literacy.sample_size"])}

    row = rows()["literacy.sample_size"]
    assert row["value"] is None and "尚无估计结果" in row["note"]
    assert not Survey.objects.get(pk=small_survey.pk).results  # the indicator computed nothing
    survey_results(Survey.objects.get(pk=small_survey.pk))  # as the job does
    row = rows()["literacy.sample_size"]
    assert row["value"] == 12 and "note" not in row
    staff = personas["county_staff"]
    rng = random.Random(4)
    entries = [{"raw_answers": _raw(_respondent(rng, 0.0, True), "任城区", True), "external_id": "S99"}]
    services.responses_create_bulk(actor=staff, survey=small_survey, entries=entries)
    row = rows()["literacy.sample_size"]
    assert row["value"] == 12 and "已过时" in row["note"]  # the last estimate, not 13
    assert Survey.objects.get(pk=small_survey.pk).results["n_valid"] == 12
