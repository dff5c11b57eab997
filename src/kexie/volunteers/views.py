"""Staff pages of volunteers and training: volunteers with their hours, a volunteer's record
(service records, declined entries with their reasons, certificates), the records waiting for
review, hours by team / county / year, the workbook for the national system, and courses."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kexie.accounts.roles import EDIT, REVIEW
from kexie.core.certificates import certificate_for_source
from kexie.core.models import CheckinSession
from kexie.core.scoping import get_scoped_or_404
from kexie.core.services import StaleState
from kexie.core.views import XLSX, _download, offset_page, require, year_param
from kexie.directory.models import personal_data_visible
from kexie.volunteers import exports, selectors, services
from kexie.volunteers.models import Course, RecordStatus, ServiceRecord, VolunteerProfile


@login_required
@require_GET
def volunteer_list(request):
    qs = selectors.volunteers(request.user).annotate(
        hours=Sum("records__hours", filter=Q(records__status=RecordStatus.RECORDED))
    )
    return render(request, "volunteers/volunteer_list.html", {"page": offset_page(qs, request)})


@login_required
@require_GET
def volunteer_detail(request, pk):
    profile = get_scoped_or_404(VolunteerProfile, request.user, pk=pk)
    records = selectors.records(request.user, volunteer=profile)
    context = {
        "profile": profile,
        "id_number": profile.id_number if personal_data_visible(request.user) else profile.id_number_masked,
        "records": records,
        "hours": selectors.person_hours(request.user, profile),
        "certificates": certificate_for_source(profile),
    }
    return render(request, "volunteers/volunteer_detail.html", context)


@login_required
@require_POST
def volunteer_certificate(request, pk):
    profile = get_scoped_or_404(VolunteerProfile, request.user, pk=pk)
    require(request.user, EDIT)
    try:
        cert = services.volunteer_certificate_issue(
            actor=request.user, profile=profile, year=year_param(request)
        )
    except ValidationError as exc:
        messages.error(request, ";".join(exc.messages))
    else:
        messages.success(request, _("已出具志愿服务证明,验证码 %(c)s") % {"c": cert.code})
    return redirect("volunteers:volunteer_detail", pk=profile.pk)


STATUS_CHOICES = [("", gettext_lazy("全部"))] + list(RecordStatus.choices)


@login_required
@require_GET
def record_list(request):
    status = request.GET.get("status", "")
    if status not in RecordStatus.values:
        status = ""
    qs = selectors.records(request.user, status=status or None, year=year_param(request))
    context = {
        "page": offset_page(qs, request),
        "status": status,
        "statuses": STATUS_CHOICES,
        "sessions": selectors.activity_sessions(request.user)[:10],
    }
    return render(request, "volunteers/record_list.html", context)


@login_required
@require_POST
def record_action(request, pk, action):
    if action not in ("approve", "decline"):
        raise Http404
    record = get_scoped_or_404(ServiceRecord, request.user, pk=pk)
    require(request.user, REVIEW)
    seen = request.POST.get("seen") or record.status
    try:
        if action == "approve":
            services.service_record_approve(actor=request.user, record=record, seen=seen)
        else:
            services.service_record_decline(
                actor=request.user, record=record, reason=request.POST.get("reason", ""), seen=seen
            )
    except StaleState as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, ";".join(exc.messages))
    else:
        messages.success(request, _("已审核"))
    return redirect("volunteers:record_list")


class FromCheckinForm(forms.Form):
    content = forms.CharField(label=gettext_lazy("服务内容"), max_length=300)


@login_required
@require_POST
def records_from_checkin(request, session_pk):
    session = get_scoped_or_404(CheckinSession, request.user, pk=session_pk)
    require(request.user, EDIT)
    form = FromCheckinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("服务内容:请填写"))
        return redirect("volunteers:record_list")
    try:
        result = services.service_records_from_checkin(
            actor=request.user, session=session, content=form.cleaned_data["content"]
        )
    except ValidationError as exc:
        messages.error(request, ";".join(exc.messages))
        return redirect("volunteers:record_list")
    messages.success(
        request,
        _("生成服务记录%(n)d条;未签退不计时长%(m)d人;非注册志愿者%(p)d人;已生成过%(a)d条")
        % {
            "n": len(result.created),
            "m": len(result.missing_checkout),
            "p": len(result.not_volunteers),
            "a": result.already,
        },
    )
    return redirect("volunteers:record_list")


@login_required
@require_GET
def hours(request):
    by = request.GET.get("by", "team")
    if by not in selectors.GROUPS:
        by = "team"
    year = year_param(request)
    rows = selectors.hours_totals(selectors.summary_rows(request.user), by, year=year)
    context = {
        "rows": rows,
        "by": by,
        "groups": selectors.GROUP_LABELS,
        "group_label": selectors.GROUP_LABELS[by],
        "year": year,
    }
    return render(request, "volunteers/hours.html", context)


@login_required
@require_GET
def national_export(request):
    """The workbook an operator uploads to the national system by hand (no synchronisation)."""
    records = selectors.counted(selectors.records(request.user, year=year_param(request))).order_by(
        "served_on", "id"
    )
    data = exports.national_workbook(records, request.user)
    return _download(data, "志愿服务记录(上传全国志愿服务信息系统用).xlsx", XLSX)


@login_required
@require_GET
def course_list(request):
    return render(
        request,
        "volunteers/course_list.html",
        {"page": offset_page(selectors.courses(request.user), request)},
    )


@login_required
@require_GET
def course_detail(request, pk):
    course = get_scoped_or_404(Course, request.user, pk=pk)
    context = {
        "course": course,
        "sessions": course.sessions.select_related("checkin_session"),
        "enrolments": selectors.enrolments(request.user, course),
    }
    return render(request, "volunteers/course_detail.html", context)
