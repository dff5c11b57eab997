"""The pages of background jobs: my jobs, one job's progress (HTMX polling, survives a reload)
and its result, the result file. A user reaches only their own jobs (administrators all);
any other job id answers 404."""

from pathlib import Path
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kexie.core.jobs import job_dir, job_for_user_or_404, percent, seconds_left, visible_jobs
from kexie.core.models import Job

LISTED = 50


@login_required
@require_GET
def job_list(request):
    from kexie.accounts.roles import MANAGE_USERS

    jobs = visible_jobs(request.user).select_related("owner")[:LISTED]
    show_owner = request.user.is_superuser or request.user.has_perm(MANAGE_USERS)
    return render(request, "core/jobs/list.html", {"jobs": jobs, "show_owner": show_owner})


@login_required
@require_GET
def job_detail(request, job_id):
    job = job_for_user_or_404(request.user, job_id)
    context = {"job": job, **progress_context(job)}
    if job.state == Job.DONE and job.kind == "import":
        context.update(import_context(request, job))
    return render(request, "core/jobs/detail.html", context)


@login_required
@require_GET
def job_progress(request, job_id):
    """The progress card alone, polled by the job page; once the job ends, the page reloads
    itself (HX-Refresh) to show the result."""
    job = job_for_user_or_404(request.user, job_id)
    response = render(request, "core/jobs/_progress.html", {"job": job, **progress_context(job)})
    if job.finished:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def job_download(request, job_id):
    job = job_for_user_or_404(request.user, job_id)
    result = job.result or {}
    if job.state != Job.DONE or not result.get("file"):
        raise Http404
    path = job_dir(job) / Path(result["file"]).name
    if not path.is_file():
        raise Http404
    response = FileResponse(open(path, "rb"), as_attachment=True)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(result.get('download') or path.name)}"
    )
    return response


def progress_context(job) -> dict:
    left = seconds_left(job)
    return {"percent": percent(job), "time_left": _time_left(left) if left is not None else ""}


def _time_left(seconds: int) -> str:
    if seconds < 60:
        return _("不到 1 分钟")
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        return _("约 %(m)d 分 %(s)d 秒") % {"m": minutes, "s": rest}
    return _("约 %(h)d 小时 %(m)d 分") % {"h": minutes // 60, "m": minutes % 60}


class StoredImportResult:
    """An import job's stored result, shaped as the import page's template reads an ImportResult."""

    def __init__(self, data: dict):
        self.data = data

    def __getattr__(self, name):
        try:
            return self.data[name]
        except KeyError:
            raise AttributeError(name) from None

    def summary(self) -> str:
        return self.data["summary"]


def import_context(request, job) -> dict:
    from kexie.core.views import PENDING_KEY

    data = job.result
    result = StoredImportResult(data)
    counts = {
        _("总行数"): data["rows"], _("新增"): data["created"], _("更新"): data["updated"],
        _("未变"): data["unchanged"], _("有误"): data["rejected"],
    }  # fmt: skip
    pending = request.session.get(PENDING_KEY)
    if data["written"] and pending and pending.get("token") == data["token"]:
        request.session.pop(PENDING_KEY, None)
        pending = None
    elif not pending or pending.get("token") != data["token"]:
        pending = None  # the commit form only for this session's own upload
    return {
        "result": result,
        "counts": counts,
        "errors": data["errors"],
        "errors_total": data["errors_total"],
        "warnings": data["warnings"],
        "duplicates": data["duplicates"],
        "committed": not data["dry_run"],
        "pending": pending,
        "kind": data["kind"],
        "error_url": reverse("core:job_download", args=[job.pk]) if data.get("file") else "",
    }
