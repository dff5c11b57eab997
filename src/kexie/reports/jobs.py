"""Reports' background jobs (kexie.core.jobs): the annual review document is written by a worker."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from kexie.core.jobs import JobFailed, job_dir, job_kind
from kexie.core.jobs.kinds import write_atomically

REVIEW_FILE = "review.docx"
QUERY_KEYS = ("year", "start", "end", "region", "org")


def review_params(query) -> dict:
    """The review's period and scope as the page's query gives them (kept as the job's params)."""
    return {key: query.get(key) for key in QUERY_KEYS if query.get(key)}


@job_kind("review")
def review_job(job, progress, **query):
    """The review's steps (each indicator, each chart, the document) are the job's progress, the
    same steps `kexie review` shows on the terminal (word.review_document)."""
    from kexie.reports.params import from_query
    from kexie.reports.word import review_document

    try:
        period, scope = from_query(job.owner, query)
    except (ValidationError, Http404):
        raise JobFailed(_("综述的期间或范围已无效(单位可能已调整),请在综述页面重新生成")) from None
    review, data = review_document(period, scope, progress=progress)
    write_atomically(job_dir(job) / REVIEW_FILE, data)
    return {
        "file": REVIEW_FILE,
        "download": f"{period.label}工作综述.docx",
        "summary": _("已生成《%(title)s》(%(period)s · %(scope)s)")
        % {"title": review.title, "period": period.label, "scope": scope.label},
        "back": "reports:review",
    }
