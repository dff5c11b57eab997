"""Home page, audit log, import/export pages, and small helpers shared by every app's views."""

import datetime as dt
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kexie.accounts.roles import IMPORT, REVIEW
from kexie.core import actions as audit_actions
from kexie.core.models import AuditEntry
from kexie.core.pagecache import whole_page
from kexie.core.schemas import YEAR_MAX, YEAR_MIN
from kexie.core.scoping import scoped

PER_PAGE = 50
MAX_PAGE = 10**7  # keeps the OFFSET within a 64-bit integer whatever ?page= says
COUNT_CAP = 1000


# ---- helpers shared by the apps' views -------------------------------------------------------


@dataclass
class Page:
    object_list: list = field(default_factory=list)
    number: int = 1
    has_next: bool = False
    has_previous: bool = False
    is_keyset: bool = False
    next_cursor: str = ""

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    def __iter__(self):
        return iter(self.object_list)


def page_number(request) -> int:
    try:
        return min(max(1, int(request.GET.get("page", 1))), MAX_PAGE)
    except ValueError:
        return 1


def year_param(request) -> int | None:
    """?year= as a year the records can have, or None when absent; a ValidationError otherwise."""
    text = request.GET.get("year", "").strip()
    if not text:
        return None
    if not (text.isdigit() and YEAR_MIN <= int(text) <= YEAR_MAX):
        raise ValidationError(
            _("年度“%(text)s”无效:应为%(min)d至%(max)d之间的四位年份")
            % {"text": text[:10], "min": YEAR_MIN, "max": YEAR_MAX}
        )
    return int(text)


def offset_page(queryset, request, per_page: int = PER_PAGE) -> Page:
    """LIMIT/OFFSET paging that fetches one extra row instead of counting."""
    number = page_number(request)
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return Page(rows[:per_page], number, len(rows) > per_page, number > 1)


def capped_count(queryset, cap: int = COUNT_CAP) -> str:
    """Count at most `cap`+1 rows (a LIMITed sub-query): "1000+" rather than a full COUNT(*)."""
    n = queryset.order_by()[: cap + 1].count()
    return f"{cap}+" if n > cap else str(n)


def require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied(_("您没有执行此操作的权限"))


def apply_validation_error(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form fields it names (others on the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            target = name if name in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


# ---- home ----------------------------------------------------------------------------------


def _home_watch():
    from kexie.activities.selectors import WATCHED

    return WATCHED


@login_required
@whole_page(_home_watch)
def home(request):
    """The dashboard. Its parts are cached (kexie.core.pagecache) until the data changes: the
    unit's recent activities per scope, the rest (the user's drafts, pending reviews, the panels of
    other apps, which may depend on the day) per user; the whole page per session (a repeated view
    is answered from it: kexie.core.pagecache.whole_page)."""
    from kexie.activities.selectors import WATCHED
    from kexie.core import pagecache

    scope_part = pagecache.key(request, "home:recent", watch=WATCHED)
    user_part = pagecache.key(request, "home:mine", watch=WATCHED, per_user=True, daily=True)
    top, mine = pagecache.value(user_part, lambda: _home_user(request))
    context = {
        "top_html": mark_safe(top),  # noqa: S308 - rendered by our templates, escaped there
        "recent_html": pagecache.fragment(scope_part, lambda: _home_recent(request)),
        "mine_html": mark_safe(mine),  # noqa: S308
    }
    return render(request, "core/home.html", context)


def _home_recent(request) -> str:
    from django.template.loader import render_to_string

    from kexie.activities.models import Activity

    activities = scoped(Activity, request.user).select_related("reporting_unit", "kind", "kind__parent")
    recent = activities.order_by("-updated_at", "-id")[:10]
    return render_to_string("core/_home_recent.html", {"recent": recent}, request=request)


def _home_user(request) -> tuple[str, str]:
    from django.template.loader import render_to_string

    from kexie.activities.models import Activity
    from kexie.activities.rules import EDITABLE
    from kexie.activities.selectors import reviewable_activities
    from kexie.core.panels import panels_for

    activities = scoped(Activity, request.user).select_related("reporting_unit", "kind", "kind__parent")
    mine = activities.filter(created_by=request.user, status__in=EDITABLE)  # still the author's to finish
    pending = capped_count(reviewable_activities(request.user)) if request.user.has_perm(REVIEW) else None
    context = {
        "mine": list(mine.order_by("-updated_at")[:10]),
        "pending": pending,
        "panels": panels_for("home", request.user, None),
    }
    return (
        render_to_string("core/_home_top.html", context, request=request),
        render_to_string("core/_home_mine.html", context, request=request),
    )


# ---- audit log -----------------------------------------------------------------------------


def audit_queryset(request):
    qs = scoped(AuditEntry, request.user).select_related("unit")
    get = request.GET
    if get.get("action"):
        qs = qs.filter(audit_actions.matching(get["action"]))
    if get.get("user"):
        qs = qs.filter(actor_repr__icontains=get["user"].strip())
    if get.get("q"):
        qs = qs.filter(object_repr__icontains=get["q"].strip())
    if parse_date(get.get("since")):
        qs = qs.filter(at__date__gte=parse_date(get["since"]))
    if parse_date(get.get("until")):
        qs = qs.filter(at__date__lte=parse_date(get["until"]))
    return qs


@login_required
def audit_log(request):
    qs = audit_queryset(request)
    context = {"page": offset_page(qs, request), "action_groups": audit_actions.grouped()}
    return render(request, "core/audit_log.html", context)


# ---- import / export -----------------------------------------------------------------------

FALLBACK_KINDS = [("activities", "活动"), ("organisations", "组织"), ("people", "人员")]
PENDING_KEY = "kexie_import_pending"
ERRORS_KEY = "kexie_import_errors"  # the error workbook of the last check or import


def imports_module():
    try:
        from kexie.core import imports
    except ImportError:
        return None
    return imports


def import_kinds() -> list[tuple[str, str]]:
    """(code, label) of the kinds the import framework knows."""
    module = imports_module()
    if module is None:
        return FALLBACK_KINDS
    kinds = []
    for code in module.KINDS:
        try:
            label = module.get_spec(code).label
        except (ImportError, AttributeError, KeyError):
            continue  # the app describing this kind is not installed yet
        kinds.append((code, str(label or code)))
    return kinds or FALLBACK_KINDS


def summarise(result) -> dict:
    """Counts and the error table (row, column, value, reason) of an ImportResult."""
    counts = {
        _("总行数"): result.rows, _("新增"): result.created, _("更新"): result.updated,
        _("未变"): result.unchanged, _("有误"): result.rejected,
    }  # fmt: skip
    errors = [{"row": p.row, "column": p.header, "value": p.value, "reason": p.reason} for p in result.errors]
    duplicates = getattr(result, "duplicates", [])
    shown = set(duplicates)
    warnings = [w for w in result.warnings if w not in shown]
    return {
        "result": result,
        "errors": errors,
        "errors_total": len(errors),
        "counts": counts,
        "warnings": warnings,
        "duplicates": duplicates,
    }


def pending_dir() -> Path:
    path = Path(tempfile.gettempdir()) / "kexie-import-pending"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stash_upload(request, upload, kind: str) -> str:
    token = uuid.uuid4().hex
    with open(pending_dir() / token, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    request.session[PENDING_KEY] = {"token": token, "kind": kind, "filename": upload.name}
    return token


def stash_errors(request, result) -> None:
    """Keep the error workbook (the rejected rows with a column of reasons) for download."""
    previous = request.session.pop(ERRORS_KEY, None)
    if previous:
        (pending_dir() / previous["token"]).unlink(missing_ok=True)
    if not result.error_workbook:
        return
    token = uuid.uuid4().hex
    (pending_dir() / token).write_bytes(result.error_workbook)
    request.session[ERRORS_KEY] = {"token": token, "filename": f"{Path(result.filename).stem}.errors.xlsx"}


def run_import(request, *, kind, fileobj, filename, dry_run, skip_invalid=False, allow_duplicates=False):
    module = imports_module()
    if module is None:
        raise ValidationError(_("导入功能尚未安装"))
    result = module.import_file(
        actor=request.user,
        kind=kind,
        fileobj=fileobj,
        filename=filename,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        allow_duplicates=allow_duplicates,
    )
    stash_errors(request, result)
    return result


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    require(request.user, IMPORT)
    kinds = import_kinds()
    context = {"kinds": kinds, "kind": request.POST.get("kind") or request.GET.get("kind") or kinds[0][0]}
    if request.method == "POST":
        try:
            result, committed = _import_step(request, context["kind"], {k for k, _ in kinds})
        except ValidationError as exc:
            context["error"] = "；".join(exc.messages)
        except RunAsJob as started:
            return redirect("core:job", job_id=started.job.pk)
        else:
            context.update(summarise(result), committed=committed, filename=request.FILES.get("file") or "")
            if committed and result.written:
                request.session.pop(PENDING_KEY, None)
    context["pending"] = request.session.get(PENDING_KEY)
    context["error_download"] = request.session.get(ERRORS_KEY) if context.get("result") else None
    if context["error_download"]:
        context["error_url"] = f"{reverse('core:import_errors')}?token={context['error_download']['token']}"
    return render(request, "core/import.html", context)


class RunAsJob(Exception):
    """The file is large: the step runs as a background job (kexie.core.jobs), the page follows it."""

    def __init__(self, job):
        self.job = job


def _import_job(request, *, kind: str, token: str, filename: str, dry_run: bool, **options):
    """Check or write a large stashed upload in a background job; raises RunAsJob."""
    from kexie.core.jobs import job_start

    label = dict(import_kinds()).get(kind, kind)
    verb = _("检查") if dry_run else _("导入")
    job = job_start(
        actor=request.user,
        kind="import",
        title=f"{verb}{label}:{filename}",
        params={"kind": kind, "filename": filename, "token": token, "dry_run": dry_run, **options},
        inputs={"input": pending_dir() / token},
    )
    raise RunAsJob(job)


def _runs_as_job(path: Path) -> bool:
    return path.stat().st_size > settings.IMPORT_JOB_BYTES


def _import_step(request, kind: str, allowed: set[str]):
    if kind not in allowed:
        raise ValidationError(_("未知的导入类型"))
    if request.POST.get("action") == "commit":
        pending = request.session.get(PENDING_KEY)
        if not pending or pending["token"] != request.POST.get("token"):
            raise ValidationError(_("待导入文件已过期,请重新上传"))
        path = pending_dir() / pending["token"]
        if not path.is_file():
            raise ValidationError(_("待导入文件已过期,请重新上传"))
        if _runs_as_job(path):
            _import_job(
                request, kind=pending["kind"], token=pending["token"], filename=pending["filename"], dry_run=False,
                skip_invalid=bool(request.POST.get("skip_invalid")),
                allow_duplicates=bool(request.POST.get("allow_duplicates")),
            )  # fmt: skip
        with open(path, "rb") as fileobj:
            result = run_import(
                request, kind=pending["kind"], fileobj=fileobj, filename=pending["filename"], dry_run=False,
                skip_invalid=bool(request.POST.get("skip_invalid")),
                allow_duplicates=bool(request.POST.get("allow_duplicates")),
            )  # fmt: skip
        if result.written:  # otherwise the upload stays pending: skip the bad rows or confirm
            path.unlink(missing_ok=True)
        return result, True
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError(_("请选择要导入的文件"))
    from kexie.core.uploads import check_upload

    check_upload(upload, [".xlsx", ".csv"])
    token = stash_upload(request, upload, kind)
    if _runs_as_job(pending_dir() / token):
        _import_job(request, kind=kind, token=token, filename=upload.name, dry_run=True)
    with open(pending_dir() / token, "rb") as fileobj:
        result = run_import(request, kind=kind, fileobj=fileobj, filename=upload.name, dry_run=True)
    return result, False


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
EXPORT_FORMATS = {"xlsx": XLSX, "csv": CSV}


def _download(data: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def import_errors(request):
    """The error workbook of this session's last check or import (404 for any other token)."""
    require(request.user, IMPORT)
    stashed = request.session.get(ERRORS_KEY)
    token = request.GET.get("token", "")
    if not stashed or stashed["token"] != token:
        raise Http404
    path = pending_dir() / stashed["token"]
    if not path.is_file():
        raise Http404
    return _download(path.read_bytes(), stashed["filename"])


@login_required
def import_template(request):
    kind = request.GET.get("kind", "")
    if kind not in {k for k, _ in import_kinds()} or imports_module() is None:
        raise Http404
    data = imports_module().template_bytes(actor=request.user, kind=kind)
    return _download(data, f"{kind}-template.xlsx")


@login_required
def export(request):
    kind = request.GET.get("kind", "")
    module = imports_module()
    if kind not in {k for k, _ in import_kinds()} or module is None:
        raise Http404
    try:
        year = year_param(request)
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages), content_type="text/plain; charset=utf-8")
    fmt = request.GET.get("format") or "xlsx"
    if fmt not in EXPORT_FORMATS:
        raise Http404
    if module.export_size(actor=request.user, kind=kind, year=year) > settings.EXPORT_JOB_ROWS:
        return redirect("core:job", job_id=_export_job(request, kind=kind, year=year, fmt=fmt).pk)
    data = module.export_rows(actor=request.user, kind=kind, year=year, fmt=fmt)
    return _download(data, f"{kind}{'-' + str(year) if year else ''}.{fmt}", EXPORT_FORMATS[fmt])


def _export_job(request, *, kind: str, year: int | None, fmt: str):
    """A large export is written by a background job; its page offers the file when done."""
    from kexie.core.jobs import job_start

    label = dict(import_kinds()).get(kind, kind)
    title = _("导出%(label)s") % {"label": label} + (f"({year}年)" if year else "")
    return job_start(
        actor=request.user, kind="export", title=title, params={"kind": kind, "year": year, "fmt": fmt}
    )


def search_q(text: str, *fields: str) -> Q:
    q = Q()
    for name in fields:
        q |= Q(**{f"{name}__icontains": text})
    return q
