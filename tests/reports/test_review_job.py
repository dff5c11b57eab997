"""The annual review's Word document is written by a background job (issue 10): the download
link answers with the job's progress page at once; when the worker is done the page offers the
document, the same as `kexie review` writes."""

import io
import re

from django.urls import reverse
from docx import Document

from kexie.core.models import Job
from kexie.testing import run_jobs


def job_of(response) -> Job:
    assert response.status_code == 302, response.status_code
    match = re.fullmatch(r"/core/jobs/([0-9a-f-]{36})/", response["Location"])
    assert match, response["Location"]
    return Job.objects.get(pk=match[1])


def test_the_word_review_is_written_by_a_job_and_downloaded_by_its_owner(
    client, personas, world, django_capture_on_commit_callbacks
):
    client.force_login(personas["county_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        job = job_of(client.get(reverse("reports:review_docx"), {"year": 2020}))
    assert (job.kind, job.params, job.state) == ("review", {"year": "2020"}, Job.QUEUED)
    assert run_jobs() == 1
    job.refresh_from_db()
    assert job.state == Job.DONE, job.error
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert "下载结果文件" in page and "2020年工作综述.docx" in page
    response = client.get(reverse("core:job_download", args=[job.pk]))
    assert response.status_code == 200 and "filename*=UTF-8''2020" in response["Content-Disposition"]
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert document.paragraphs[0].text == "汇聚科技力量 谱写服务新篇"
    client.force_login(personas["outsider"])
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404


def test_bad_review_parameters_start_no_job(client, personas):
    client.force_login(personas["county_staff"])
    response = client.get(reverse("reports:review_docx"), {"year": "abc"})
    assert response.status_code == 400 and "期间无效" in response.content.decode()
    assert not Job.objects.exists()
