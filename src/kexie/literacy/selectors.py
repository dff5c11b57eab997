"""Reads of the literacy survey: scoped surveys, cached estimates, response summaries."""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.core.scoping import get_scoped_or_404, scoped
from kexie.literacy.codes import DOMAINS, Status
from kexie.literacy.estimation import METHOD_VERSION, estimate
from kexie.literacy.models import Survey


def surveys_for(user):
    return scoped(Survey, user).select_related("unit").order_by("-year", "name")


def survey_for(user, pk) -> Survey:
    return get_scoped_or_404(Survey.objects.select_related("unit"), user, pk=pk)


def data_version(survey: Survey) -> int | None:
    return Survey.objects.of(survey).values_list("data_version", flat=True).first()


def cached_results(survey: Survey, version: int | None) -> dict | None:
    """The stored estimates when they are of the survey's data `version` and this method."""
    current = survey.results and survey.results.get("method") == METHOD_VERSION
    if current and survey.results_version == version and version is not None:
        return survey.results
    return None


def estimates_as_job(survey: Survey) -> bool:
    """Estimating a survey of more responses than LITERACY_JOB_RESPONSES (weights, variances by
    every domain) is a background job, not the work of a page request (issue 10)."""
    return survey.responses.count() > settings.LITERACY_JOB_RESPONSES


def stored_results(survey: Survey) -> tuple[dict | None, bool]:
    """The estimates for a read that must not compute a large survey (the indicators, the
    annual review): (results, out_of_date). A large survey whose data changed since its last
    estimate gives the last estimate (None if there is none), marked out of date, and leaves the
    work to its job (kexie.literacy.jobs); a small one is estimated here as before."""
    version = data_version(survey)
    cached = cached_results(survey, version)
    if cached is not None:
        return cached, False
    if estimates_as_job(survey):
        last = survey.results if survey.results and survey.results.get("method") == METHOD_VERSION else None
        return last, True
    return survey_results(survey), False


def out_of_date_note(survey: Survey, results: dict | None) -> str:
    """What a figure from `stored_results` says when it is out of date."""
    if results is None:
        return _("《%(name)s》的答卷较多且尚无估计结果:打开调查结果页即在后台计算") % {"name": survey.name}
    when = timezone.localtime(survey.results_at).strftime("%Y-%m-%d %H:%M") if survey.results_at else ""
    return _("《%(name)s》的数据在上次估计(%(when)s)后有变化,此处为上次的估计结果(已过时);打开调查结果页即在后台重新计算") % {
        "name": survey.name, "when": when,
    }  # fmt: skip


def survey_results(survey: Survey, progress=None) -> dict:
    """The survey's estimates as a dict, recomputed only when its data changed since last time.

    The cache lives on the survey row (results, results_version); writing it is not a change
    of the survey's records, so it is not audited. The version is read before the estimate:
    data changed meanwhile leaves the cache stale, never a newer version on older figures.
    """
    version = data_version(survey)
    cached = cached_results(survey, version)
    if cached is not None:
        return cached
    results = estimate(survey, progress=progress).as_dict()
    now = timezone.now()
    Survey.objects.of(survey).update(results=results, results_version=version or 0, results_at=now)
    survey.results, survey.results_version, survey.results_at = results, version or 0, now
    return results


def domain_label(name: str) -> str:
    return dict(DOMAINS).get(name, name)


def response_summary(survey: Survey) -> dict:
    """Counts by status and by kind of flag, by county and by source: one small query each."""
    by_status = dict(survey.responses.values_list("status").annotate(n=Count("id")).order_by())
    flag_counts: Counter = Counter()
    for flags in survey.responses.exclude(status=Status.VALID).values_list("flags", flat=True):
        flag_counts.update({f["kind"] for f in flags})
    by_county = {}
    rows = survey.responses.values_list("county", "status").annotate(n=Count("id")).order_by("county")
    for county, status, n in rows:
        by_county.setdefault(county or "(未填)", dict.fromkeys(Status.values, 0))[status] = n
    return {
        "total": sum(by_status.values()),
        "status": [(s, label, by_status.get(s, 0)) for s, label in Status.choices],
        "flags": dict(flag_counts),
        "by_county": by_county,
        "sources": dict(survey.responses.values_list("source").annotate(n=Count("id")).order_by()),
    }
