"""A large patent file is imported by a background job (issue 10): the page answers at once with
the job's progress page, which shows the result when the worker is done; the same rule as every
upload (KEXIE_IMPORT_JOB_KB)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kexie.core.models import Job
from kexie.innovation import patents
from kexie.innovation.models import Patent
from kexie.innovation.testing import build_innovation_world
from kexie.testing import run_jobs

from .test_patent_service import csv_bytes


@pytest.fixture
def inno(world):
    patents.reset_index()
    yield build_innovation_world(world)
    patents.reset_index()


def post(client, data):
    return client.post(
        reverse("innovation:patent_import"), {"file": SimpleUploadedFile("p.csv", data, "text/csv")}
    )


def job_of(response) -> Job:
    assert response.status_code == 302, response.status_code
    match = re.fullmatch(r"/core/jobs/([0-9a-f-]{36})/", response["Location"])
    assert match, response["Location"]
    return Job.objects.get(pk=match[1])


def test_a_large_patent_file_is_imported_by_a_job(
    inno, personas, client, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_JOB_BYTES = 0
    client.force_login(personas["city_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        job = job_of(post(client, csv_bytes()))
    assert job.kind == "patent_import" and not Patent.objects.exists()  # nothing written in the request
    assert run_jobs() == 1
    job.refresh_from_db()
    assert (job.state, job.result["created"], job.done, job.total) == (Job.DONE, 3, 3, 3)
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert "新增 3 条" in page and Patent.objects.count() == 3


def test_a_large_bad_patent_file_writes_nothing_and_lists_the_problems(
    inno, personas, client, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_JOB_BYTES = 0
    client.force_login(personas["city_admin"])
    data = "公开号,题名,申请日\nCN9A,污水处理,2020-01-01\n,缺公开号,2020-01-01\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        job = job_of(post(client, data))
    run_jobs()
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert "第3行“公开号”:不能为空" in page and "未导入任何数据" in page
    assert not Patent.objects.exists()


def test_a_small_patent_file_stays_in_the_page(inno, personas, client):
    client.force_login(personas["city_admin"])
    response = post(client, csv_bytes())
    assert response.status_code == 200 and Patent.objects.count() == 3 and not Job.objects.exists()
