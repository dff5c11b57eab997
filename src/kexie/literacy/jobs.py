"""The literacy survey's background job (kexie.core.jobs): a large survey's estimates (weights,
then proportions, means and their variances by every domain) are computed by a worker; the
results page shows the job's progress meanwhile, then the estimates from the survey's cache."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from kexie.core.jobs import JobFailed, job_kind, job_start
from kexie.core.models import Job
from kexie.core.services import lock_for_update

KIND = "literacy_estimate"


@job_kind(KIND)
def estimate_job(job, progress, *, survey, version=None):
    from kexie.literacy import selectors

    try:
        found = selectors.survey_for(job.owner, survey)
    except Http404:
        raise JobFailed(_("调查已不存在或已不在您的管理范围内")) from None
    results = selectors.survey_results(found, progress=progress)
    return {
        "summary": _("已完成《%(name)s》的估计:有效答卷 %(n)s 份")
        % {"name": found.name, "n": results.get("n_valid", 0)},
        "link": reverse("literacy:results", args=[found.pk]),
        "link_text": _("查看估计结果"),
    }


@transaction.atomic
def estimate_job_for(user, survey, version: int | None, *, again: bool = False) -> Job:
    """The user's job estimating `survey` at data `version`: the one queued or running, the one
    that failed (its error shown, unless `again`), or a new one. The survey's row is locked while
    this looks and starts, so two requests at once (a double click, two tabs, the page and the
    API) start one job, not two: the second finds the first's."""
    lock_for_update(survey)
    latest = (
        Job.objects.filter(kind=KIND, owner=user, params__survey=survey.pk, params__version=version)
        .order_by("-created_at")
        .first()
    )
    if latest is not None and (not latest.finished or (latest.state == Job.FAILED and not again)):
        return latest
    return job_start(
        actor=user,
        kind=KIND,
        title=_("计算调查估计(%(name)s)") % {"name": survey.name},
        params={"survey": survey.pk, "version": version},
    )
