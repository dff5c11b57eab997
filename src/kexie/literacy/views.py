"""Pages of the literacy survey (/literacy/): staff pages are scoped; the mobile form is open
to anyone holding an interviewer's token link."""

from __future__ import annotations

import io
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kexie.accounts.roles import EDIT, IMPORT
from kexie.core.uploads import check_upload
from kexie.core.views import apply_validation_error, require
from kexie.literacy import exports, selectors, services
from kexie.literacy.codes import DOMAINS, Status
from kexie.literacy.forms import (
    InterviewerForm,
    MarginsTextForm,
    QuestionnaireForm,
    ResponseImportForm,
    SelectionForm,
    SurveyForm,
    UploadForm,
)
from kexie.literacy.models import Interviewer, Question
from kexie.literacy.tables import read_table, records

PER_PAGE = 50
MARGIN_COLUMNS = {
    "county": ("县市区",), "sex": ("性别",), "age_group": ("年龄段", "年龄组"), "urban_rural": ("城乡",),
    "population": ("人口数", "人口"),
}  # fmt: skip
FRAME_COLUMNS = {
    "name": ("单位名称", "单位", "乡镇街道", "村居"),
    "county": ("县市区",),
    "population": ("人口数", "人口"),
}


def _error_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for errors in exc.message_dict.values() for m in errors]
    return list(exc.messages)


def _upload_table(upload) -> tuple[list[str], list[list[str]]]:
    check_upload(upload, [".xlsx", ".csv"])
    return read_table(upload.read(), upload.name)


# ---- surveys ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def survey_list(request):
    form = SurveyForm(request.POST or None)
    if request.method == "POST":
        require(request.user, EDIT)
        if form.is_valid():
            try:
                survey = services.survey_create(actor=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已创建调查“%(name)s”") % {"name": survey.name})
                return redirect("literacy:survey_detail", pk=survey.pk)
    surveys = selectors.surveys_for(request.user)
    return render(request, "literacy/survey_list.html", {"surveys": surveys, "form": form})


@login_required
def survey_detail(request, pk):
    survey = selectors.survey_for(request.user, pk)
    context = {
        "survey": survey,
        "summary": selectors.response_summary(survey),
        "n_questions": survey.questions.count(),
        "frame_units": survey.frame.count(),
        "selected_units": survey.frame.filter(selected=True).order_by("county", "name"),
        "n_margins": survey.margins.count(),
        "interviewers": survey.interviewers.select_related("sample_unit"),
        "questionnaire_form": QuestionnaireForm(),
        "interviewer_form": InterviewerForm(),
        "selection_form": SelectionForm(),
        "frame_form": UploadForm(),
        "can_edit": request.user.has_perm(EDIT),
    }
    context["interviewer_links"] = [
        (i, request.build_absolute_uri(reverse("literacy:form_start", args=[i.token])))
        for i in context["interviewers"]
    ]
    return render(request, "literacy/survey_detail.html", context)


@login_required
@require_POST
def questionnaire_load(request, pk):
    survey = selectors.survey_for(request.user, pk)
    form = QuestionnaireForm(request.POST)
    if form.is_valid():
        try:
            services.questionnaire_load_sample(
                actor=request.user, survey=survey, counties=form.cleaned_data["counties"]
            )
            messages.success(request, _("已载入示例问卷"))
        except ValidationError as exc:
            for message in _error_messages(exc):
                messages.error(request, message)
    else:
        messages.error(request, _("请填写县市区"))
    return redirect("literacy:survey_detail", pk=survey.pk)


@login_required
def questionnaire(request, pk):
    survey = selectors.survey_for(request.user, pk)
    questions = list(survey.questions.order_by("order"))
    return render(
        request,
        "literacy/questionnaire.html",
        {"survey": survey, "background": [q for q in questions if q.background],
         "items": [q for q in questions if not q.background]},
    )  # fmt: skip


# ---- sampling frame and interviewers ----------------------------------------------------------


@login_required
@require_POST
def frame_import(request, pk):
    survey = selectors.survey_for(request.user, pk)
    form = UploadForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(_("请选择要上传的文件"))
        header, rows = _upload_table(form.cleaned_data["file"])
        units = services.frame_import(
            actor=request.user, survey=survey, rows=records(header, rows, FRAME_COLUMNS)
        )
        messages.success(request, _("已导入抽样框 %(n)s 个单位") % {"n": len(units)})
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
    return redirect("literacy:survey_detail", pk=survey.pk)


@login_required
@require_POST
def frame_select(request, pk):
    survey = selectors.survey_for(request.user, pk)
    form = SelectionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        chosen = services.frame_select(
            actor=request.user,
            survey=survey,
            allocation=form.cleaned_data["allocation"],
            seed=form.cleaned_data["seed"],
        )
        messages.success(request, _("已按规模成比例系统抽样(PPS)抽取 %(n)s 个调查点") % {"n": len(chosen)})
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
    return redirect("literacy:survey_detail", pk=survey.pk)


@login_required
@require_POST
def interviewer_create(request, pk):
    survey = selectors.survey_for(request.user, pk)
    form = InterviewerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请填写调查员姓名"))
        services.interviewer_create(actor=request.user, survey=survey, **form.cleaned_data)
        messages.success(request, _("已添加调查员"))
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
    return redirect("literacy:survey_detail", pk=survey.pk)


@login_required
def interviewer_qr(request, pk, interviewer_pk, fmt):
    """The QR code of an interviewer's link, as SVG or PNG."""
    import qrcode
    import qrcode.image.svg

    survey = selectors.survey_for(request.user, pk)
    if fmt not in ("svg", "png"):
        raise Http404
    interviewer = get_object_or_404(survey.interviewers, pk=interviewer_pk)
    url = request.build_absolute_uri(reverse("literacy:form_start", args=[interviewer.token]))
    buffer = io.BytesIO()
    if fmt == "svg":
        qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10).save(buffer)
        content_type = "image/svg+xml"
    else:
        qrcode.make(url, box_size=8).save(buffer)
        content_type = "image/png"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="qr-{interviewer.pk}.{fmt}"'
    return response


# ---- responses --------------------------------------------------------------------------------


@login_required
def responses(request, pk):
    """Summary of statuses and flags, then the responses (keyset pages by id, filter by status)."""
    survey = selectors.survey_for(request.user, pk)
    status = request.GET.get("status", "")
    qs = survey.responses.select_related("interviewer", "sample_unit").order_by("id")
    if status in Status.values:
        qs = qs.filter(status=status)
    after = request.GET.get("after", "")
    if after.isdigit():
        qs = qs.filter(id__gt=int(after))
    rows = list(qs[: PER_PAGE + 1])
    context = {
        "survey": survey,
        "summary": selectors.response_summary(survey),
        "rows": rows[:PER_PAGE],
        "next_after": rows[PER_PAGE - 1].pk if len(rows) > PER_PAGE else None,
        "status": status,
        "statuses": Status.choices,
        "flag_labels": FLAG_LABELS,
    }
    return render(request, "literacy/responses.html", context)


FLAG_LABELS = {"missing": "未作答/缺项", "out_of_range": "超出范围", "duplicate": "重复"}


@login_required
@require_http_methods(["GET", "POST"])
def responses_import(request, pk):
    survey = selectors.survey_for(request.user, pk)
    require(request.user, IMPORT)
    form = ResponseImportForm(request.POST or None, request.FILES or None)
    batch = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            header, rows = _upload_table(upload)
            questions = list(survey.questions.order_by("order"))
            mapping = services.auto_mapping(questions, header)
            mapping.update(form.cleaned_data["mapping"])
            batch = services.responses_import(
                actor=request.user,
                survey=survey,
                filename=upload.name,
                header=header,
                rows=rows,
                mapping=mapping,
            )
        except ValidationError as exc:
            for message in _error_messages(exc):
                form.add_error(None, message)
    context = {
        "survey": survey, "form": form, "batch": batch, "statuses": Status.choices, "flag_labels": FLAG_LABELS,
        "questions": survey.questions.order_by("order"), "imports": survey.imports.all()[:10],
    }  # fmt: skip
    return render(request, "literacy/responses_import.html", context)


# ---- census margins ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def margins(request, pk):
    survey = selectors.survey_for(request.user, pk)
    text_form = MarginsTextForm(request.POST or None) if "text" in request.POST else MarginsTextForm()
    upload_form = UploadForm(request.POST or None, request.FILES or None) if request.FILES else UploadForm()
    if request.method == "POST":
        require(request.user, EDIT)
        try:
            if request.FILES and upload_form.is_valid():
                header, rows = _upload_table(upload_form.cleaned_data["file"])
            elif text_form.is_valid():
                header, rows = _pasted_table(text_form.cleaned_data["text"])
            else:
                raise ValidationError(_("请粘贴人口数据或选择文件"))
            created = services.margins_replace(
                actor=request.user, survey=survey, rows=records(header, rows, MARGIN_COLUMNS)
            )
            messages.success(request, _("已保存 %(n)s 个人口单元格") % {"n": len(created)})
            return redirect("literacy:margins", pk=survey.pk)
        except ValidationError as exc:
            for message in _error_messages(exc):
                text_form.add_error(None, message)
    cells = list(survey.margins.all())
    context = {
        "survey": survey, "cells": cells, "text_form": text_form, "upload_form": upload_form,
        "total": sum(c.population for c in cells), "can_edit": request.user.has_perm(EDIT),
    }  # fmt: skip
    return render(request, "literacy/margins.html", context)


def _pasted_table(text: str) -> tuple[list[str], list[list[str]]]:
    lines = [line for line in text.splitlines() if line.strip()]
    rows = [
        [c.strip() for c in (line.split("\t") if "\t" in line else line.replace(",", ",").split(","))]
        for line in lines
    ]
    if rows and rows[0][0] != "县市区":
        rows.insert(0, ["县市区", "性别", "年龄段", "城乡", "人口数"])
    width = len(rows[0])
    return rows[0], [(r + [""] * width)[:width] for r in rows[1:]]


# ---- results ----------------------------------------------------------------------------------


def echarts_file() -> str | None:
    """The vendored ECharts script (static path), if another part of kexie ships it."""
    for name in ("echarts.min.js", "echarts.js", "echarts.common.min.js"):
        if finders.find(f"vendor/echarts/{name}"):
            return f"vendor/echarts/{name}"
    folder = finders.find("vendor/echarts")
    if folder and Path(folder).is_dir():
        script = next(iter(sorted(Path(folder).glob("*.js"))), None)
        if script:
            return f"vendor/echarts/{script.name}"
    return None


@login_required
@require_http_methods(["GET", "POST"])
def results(request, pk):
    """The estimates. A large survey's (selectors.estimates_as_job) are computed by a background
    job when its data changed: the page shows the job's progress and reloads itself with the
    estimates when it is done; a failed job's error stays shown until the user starts it again
    (POST)."""
    survey = selectors.survey_for(request.user, pk)
    version = selectors.data_version(survey)
    data = selectors.cached_results(survey, version)
    if data is None and selectors.estimates_as_job(survey):
        from kexie.core.jobs.views import progress_context
        from kexie.literacy.jobs import estimate_job_for

        job = estimate_job_for(request.user, survey, version, again=request.method == "POST")
        if request.method == "POST":
            return redirect("literacy:results", pk=survey.pk)
        context = {"survey": survey, "job": job, **progress_context(job)}
        return render(request, "literacy/results_job.html", context)
    if request.method == "POST":
        return redirect("literacy:results", pk=survey.pk)
    data = data if data is not None else selectors.survey_results(survey)
    county_rows = data.get("by_domain", {}).get("county", [])
    chart = [
        {"name": r["level"], "share": r["share"], "low": r["ci_low"], "high": r["ci_high"]}
        for r in county_rows
    ]
    context = {
        "survey": survey, "results": data, "domains": DOMAINS, "by_domain": data.get("by_domain", {}),
        "chart": chart, "echarts": echarts_file(),
    }  # fmt: skip
    return render(request, "literacy/results.html", context)


@login_required
def results_xlsx(request, pk):
    survey = selectors.survey_for(request.user, pk)
    data = selectors.cached_results(survey, selectors.data_version(survey))
    if data is None and selectors.estimates_as_job(survey):
        return redirect("literacy:results", pk=survey.pk)  # estimated by a job first
    content = exports.results_workbook(survey, data if data is not None else selectors.survey_results(survey))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f"attachment; filename=\"literacy-{survey.pk}.xlsx\"; filename*=UTF-8''{_quoted(survey.name)}.xlsx"
    )
    return response


def _quoted(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


# ---- the mobile form (no login: the interviewer's token) -------------------------------------

SESSION_KEY = "literacy_form"


def _interviewer(token: str) -> Interviewer:
    interviewer = (
        Interviewer.objects.unscoped(reason="the interviewer's link is the capability")
        .select_related("survey", "sample_unit")
        .filter(token=token, is_active=True)
        .first()
    )
    if interviewer is None:
        raise Http404
    return interviewer


def _progress(request, token: str) -> dict:
    state = request.session.get(SESSION_KEY) or {}
    if state.get("token") != token:
        state = {"token": token, "answers": {}}
    return state


def form_start(request, token):
    interviewer = _interviewer(token)
    questions = list(interviewer.survey.questions.order_by("order"))
    if request.method == "POST":
        request.session[SESSION_KEY] = {"token": token, "answers": {}}
        return redirect("literacy:form_step", token=token, step=1)
    return render(
        request, "literacy/form_start.html",
        {"interviewer": interviewer, "survey": interviewer.survey, "n": len(questions)},
    )  # fmt: skip


def _read_answer(question: Question, post, survey) -> tuple[object, str]:
    if question.kind == "multiple":
        values = post.getlist("answer")
        return (sorted(values), "") if values else (None, _("请至少选择一项"))
    value = (post.get("answer") or "").strip()
    if not value:
        return None, _("请作答后再继续")
    if question.kind == "number":
        if not value.isdigit():
            return None, _("请填写整数")
        if not survey.min_age <= int(value) <= survey.max_age and question.background == "age":
            return None, _("本调查的对象是 %(a)s-%(b)s 岁的居民") % {"a": survey.min_age, "b": survey.max_age}
        return int(value), ""
    if value not in question.option_keys:
        return None, _("请选择一个选项")
    return value, ""


@require_http_methods(["GET", "POST"])
def form_step(request, token, step):
    """One question per screen; answers stay in the session until the last screen is sent."""
    interviewer = _interviewer(token)
    survey = interviewer.survey
    questions = list(survey.questions.order_by("order"))
    if not 1 <= step <= len(questions):
        raise Http404
    question = questions[step - 1]
    state = _progress(request, token)
    error = ""
    if request.method == "POST":
        if request.POST.get("back") and step > 1:
            return redirect("literacy:form_step", token=token, step=step - 1)
        value, error = _read_answer(question, request.POST, survey)
        if not error:
            state["answers"][question.code] = value
            request.session[SESSION_KEY] = state
            if step < len(questions):
                return redirect("literacy:form_step", token=token, step=step + 1)
            return _finish(request, interviewer, state)
    current = state["answers"].get(question.code)
    context = {
        "interviewer": interviewer, "survey": survey, "question": question, "step": step, "total": len(questions),
        "percent": round(100 * (step - 1) / len(questions)), "error": error,
        "current": current if isinstance(current, list) else ([] if current is None else [str(current)]),
        "current_value": "" if current is None or isinstance(current, list) else current,
    }  # fmt: skip
    return render(request, "literacy/form_step.html", context)


def _finish(request, interviewer, state):
    try:
        services.response_submit(interviewer=interviewer, raw_answers=state["answers"])
    except ValidationError as exc:
        raise PermissionDenied(" ".join(_error_messages(exc))) from exc
    request.session.pop(SESSION_KEY, None)
    return redirect("literacy:form_done", token=interviewer.token)


def form_done(request, token):
    interviewer = _interviewer(token)
    return render(
        request, "literacy/form_done.html", {"interviewer": interviewer, "survey": interviewer.survey}
    )
