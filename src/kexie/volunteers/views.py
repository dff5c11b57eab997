"""Staff pages of volunteers and training: volunteers with their hours, a volunteer's record
(service records, declined entries with their reasons, certificates), the records waiting for
review, hours by team / county / year, the workbook for the national system, and courses."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.roles import EDIT, REVIEW
from kexie.core import checkin
from kexie.core.certificates import certificate_for_source, display_code, public_url
from kexie.core.models import CheckinSession
from kexie.core.panels import panels_for
from kexie.core.scoping import get_scoped_or_404
from kexie.core.services import StaleState
from kexie.core.views import (
    PER_PAGE,
    XLSX,
    Page,
    _download,
    apply_validation_error,
    offset_page,
    page_number,
    require,
    year_param,
)
from kexie.directory.models import Person, personal_data_visible
from kexie.volunteers import exports, selectors, services
from kexie.volunteers.forms import (
    AttendanceForm,
    CompletionForm,
    CourseForm,
    CourseSessionForm,
    DeclineForm,
    EnrolmentForm,
    EvaluationForm,
    LeaderForm,
    RecordForm,
    SelfReportForm,
    TeamForm,
    VolunteerForm,
)
from kexie.volunteers.models import (
    Course,
    CourseSession,
    Enrolment,
    RecordSource,
    RecordStatus,
    ServiceRecord,
    VolunteerEvaluation,
    VolunteerProfile,
    VolunteerTeam,
)


@login_required
@require_GET
def volunteer_list(request):
    page = offset_page(selectors.volunteers(request.user), request)
    hours = selectors.hours_of_volunteers(request.user, page.object_list)  # one grouped query
    for profile in page.object_list:
        profile.hours = hours.get(profile.pk)
    return render(request, "volunteers/volunteer_list.html", {"page": page})


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
        "panels": panels_for("person", request.user, profile.person),  # training, honours …
        "evaluations": selectors.evaluations(request.user, profile),
        "self_report_url": (
            public_url(reverse("volunteers:self_report", args=[checkin.personal_token(profile.person)]))
            if request.user.has_perm(EDIT)
            else ""
        ),
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
    seen = (request.POST.get("seen") or record.status)[:10]
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
    return _back(request, "volunteers:record_list")


def _back(request, default: str):
    """Back to the page the form was on (the review page or the records), never elsewhere."""
    target = request.POST.get("next", "")
    allowed = {reverse("volunteers:review"), reverse("volunteers:record_list")}
    return redirect(target if target in allowed else default)


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
    sort = request.GET.get("sort", "key")
    sort = sort if sort in selectors.HOURS_SORTS else "key"
    number = page_number(request)
    count, rows = selectors.hours_page(
        selectors.summary_rows(request.user), by, year=year, sort=sort, offset=(number - 1) * PER_PAGE,
        limit=PER_PAGE, user=request.user,
    )  # fmt: skip
    context = {
        "rows": rows,
        "page": Page(rows, number, number * PER_PAGE < count, number > 1),
        "total_display": count,
        "sort": sort,
        "sorts": selectors.HOURS_SORTS,
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
    enrolments = list(selectors.enrolments(request.user, course))
    for e in enrolments:  # the public check of the completion certificate
        e.verify_path = (
            reverse("verify:certificate", args=[display_code(e.certificate.code)]) if e.certificate else ""
        )
    context = {
        "course": course,
        "sessions": course.sessions.select_related("checkin_session"),
        "enrolments": enrolments,
        "may_edit": request.user.has_perm(EDIT),
    }
    return render(request, "volunteers/course_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request):
    """A course on a ledger activity of the user's scope (`services.course_create`)."""
    require(request.user, EDIT)
    form = CourseForm(request.POST or None, actor=request.user)
    done = _submit(
        request, form,
        lambda: services.course_create(
            actor=request.user, activity=form.cleaned_data["activity"], trainers=form.cleaned_data["trainers"],
            **form.model_data(),
        ),
        success=_("已新建培训课程"), then=lambda course: redirect("volunteers:course_detail", pk=course.pk),
    )  # fmt: skip
    return done or _form_page(request, form, title=_("新建培训课程"), back=reverse("volunteers:course_list"))


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request, pk):
    course = get_scoped_or_404(Course, request.user, pk=pk)
    require(request.user, EDIT)
    form = CourseForm(request.POST or None, actor=request.user, instance=course)
    back = reverse("volunteers:course_detail", args=[course.pk])
    done = _submit(
        request, form,
        lambda: services.course_update(
            actor=request.user, course=course, data=form.model_data(), trainers=form.cleaned_data["trainers"]
        ),
        success=_("已保存"), then=lambda _r: redirect(back),
    )  # fmt: skip
    return done or _form_page(request, form, title=_("修改培训课程"), obj=course, back=back)


@login_required
@require_http_methods(["GET", "POST"])
def course_session_create(request, pk):
    """A class of the course with its check-in session (sign-in by the rotating code)."""
    course = get_scoped_or_404(Course, request.user, pk=pk)
    require(request.user, EDIT)
    form = CourseSessionForm(request.POST or None)
    back = reverse("volunteers:course_detail", args=[course.pk])
    done = _submit(
        request, form,
        lambda: services.course_session_create(actor=request.user, course=course, **form.cleaned_data),
        success=_("已添加课次"), then=lambda _r: redirect(back),
    )  # fmt: skip
    return done or _form_page(request, form, title=_("添加课次"), obj=course, back=back)


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_create(request, pk):
    """Enrol a person on the course: once per person and course (the service refuses again)."""
    course = get_scoped_or_404(Course, request.user, pk=pk)
    require(request.user, EDIT)
    form = EnrolmentForm(request.POST or None, actor=request.user)
    back = reverse("volunteers:course_detail", args=[course.pk])
    done = _submit(
        request, form,
        lambda: services.enrolment_create(actor=request.user, course=course, person=form.cleaned_data["person"]),
        success=lambda e: _("已报名:%(p)s") % {"p": e.person.name}, then=lambda _r: redirect(back),
    )  # fmt: skip
    return done or _form_page(request, form, title=_("学员报名"), obj=course, back=back)


@login_required
@require_http_methods(["GET", "POST"])
def course_attendance(request, pk):
    """A class's attendance: the enrolled people with check boxes (those already signed in,
    by the rotating code or before, are ticked and stay); saving records the newly ticked."""
    course_session = get_scoped_or_404(CourseSession, request.user, pk=pk)
    require(request.user, EDIT)
    course = course_session.course
    enrolled = Person.objects.for_user(request.user).filter(enrolments__course=course).order_by("name", "id")
    signed = set(course_session.checkin_session.records.values_list("person_id", flat=True))
    form = AttendanceForm(request.POST or None, enrolled=enrolled, initial={"people": list(signed)})
    back = reverse("volunteers:course_detail", args=[course.pk])
    done = _submit(
        request, form,
        lambda: services.course_attendance_record(
            actor=request.user, course_session=course_session, people=form.cleaned_data["people"]
        ),
        success=lambda n: _("已登记出勤%(n)d人") % {"n": n}, then=lambda _r: redirect(back),
    )  # fmt: skip
    if done:
        return done
    context = {
        "form": form, "course": course, "course_session": course_session,
        "rows": [(p, p.pk in signed) for p in enrolled], "back": back,
    }  # fmt: skip
    return render(request, "volunteers/attendance.html", context)


def _enrolment_or_404(request, pk):
    return get_scoped_or_404(Enrolment, request.user, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_complete(request, pk):
    """Complete an enrolment (enough attendance): the completion certificate is issued, with
    its public verification; optionally the 农技协 the trainee now leads."""
    enrolment = _enrolment_or_404(request, pk)
    require(request.user, EDIT)
    form = CompletionForm(
        request.POST or None, actor=request.user, initial={"completed_on": services._today()}
    )
    back = reverse("volunteers:course_detail", args=[enrolment.course_id])
    done = _submit(
        request, form,
        lambda: services.enrolment_complete(
            actor=request.user, enrolment=enrolment, on=form.cleaned_data["completed_on"],
            leader_of=form.cleaned_data["leader_of"],
        ),
        success=lambda e: _("%(p)s 已结业,证书验证码 %(c)s") % {"p": e.person.name, "c": display_code(e.certificate.code)},
        then=lambda _r: redirect(back),
    )  # fmt: skip
    return done or _form_page(request, form, title=_("结业"), obj=enrolment, back=back)


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_leader(request, pk):
    """Record that a trainee became the leader of a 农技协 (after completion too)."""
    enrolment = _enrolment_or_404(request, pk)
    require(request.user, EDIT)
    form = LeaderForm(request.POST or None, actor=request.user, initial={"leader_of": enrolment.leader_of_id})
    back = reverse("volunteers:course_detail", args=[enrolment.course_id])
    done = _submit(
        request, form,
        lambda: services.enrolment_leader_set(
            actor=request.user, enrolment=enrolment, organisation=form.cleaned_data["leader_of"]
        ),
        success=_("已保存"), then=lambda _r: redirect(back),
    )  # fmt: skip
    return done or _form_page(request, form, title=_("农技协带头人"), obj=enrolment, back=back)


# ---------------------------------------------------------------------- staff forms


def _form_page(request, form, *, title: str, obj=None, back: str):
    return render(request, "volunteers/form.html", {"form": form, "title": title, "obj": obj, "back": back})


def _submit(request, form, write, *, success, then):
    """The forms' one shape: a valid POST calls the service (`write()`); a refusal lands on the
    form's fields and None is returned (show the form again); otherwise the success message
    (a string, or made from the result) and the redirect `then(result)`."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = write()
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return then(result)


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_create(request):
    require(request.user, EDIT)
    form = VolunteerForm(request.POST or None, actor=request.user)
    done = _submit(
        request, form,
        lambda: services.volunteer_register(
            actor=request.user, person=form.cleaned_data["person"], data=form.model_data(),
            teams=form.cleaned_data["teams"],
        ),
        success=lambda profile: _("已注册志愿者 %(n)s") % {"n": profile.person.name},
        then=lambda profile: redirect("volunteers:volunteer_detail", pk=profile.pk),
    )  # fmt: skip
    return done or _form_page(request, form, title=_("注册志愿者"), back=reverse("volunteers:volunteer_list"))


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_edit(request, pk):
    profile = get_scoped_or_404(VolunteerProfile, request.user, pk=pk)
    require(request.user, EDIT)
    form = VolunteerForm(request.POST or None, actor=request.user, instance=profile)
    done = _submit(
        request, form,
        lambda: services.volunteer_update(
            actor=request.user, profile=profile, data=form.model_data(), teams=form.cleaned_data["teams"]
        ),
        success=_("已保存"), then=lambda _r: redirect("volunteers:volunteer_detail", pk=profile.pk),
    )  # fmt: skip
    back = reverse("volunteers:volunteer_detail", args=[profile.pk])
    return done or _form_page(request, form, title=_("修改志愿者信息"), obj=profile, back=back)


@login_required
@require_GET
def team_list(request):
    return render(
        request, "volunteers/team_list.html", {"page": offset_page(selectors.teams(request.user), request)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request):
    require(request.user, EDIT)
    form = TeamForm(request.POST or None, actor=request.user)
    done = _submit(
        request, form,
        lambda: services.volunteer_team_create(
            actor=request.user, organisation=form.cleaned_data["organisation"], **form.model_data()
        ),
        success=_("已新建志愿服务队"), then=lambda _r: redirect("volunteers:team_list"),
    )  # fmt: skip
    return done or _form_page(request, form, title=_("新建志愿服务队"), back=reverse("volunteers:team_list"))


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request, pk):
    team = get_scoped_or_404(VolunteerTeam, request.user, pk=pk)
    require(request.user, EDIT)
    form = TeamForm(request.POST or None, actor=request.user, instance=team)
    done = _submit(
        request, form, lambda: services.volunteer_team_update(actor=request.user, team=team, data=form.model_data()),
        success=_("已保存"), then=lambda _r: redirect("volunteers:team_list"),
    )  # fmt: skip
    return done or _form_page(
        request, form, title=_("修改志愿服务队"), obj=team, back=reverse("volunteers:team_list")
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_create(request):
    """Hours entered by the team: recorded at once (the same service as POST /records)."""
    require(request.user, EDIT)
    form = RecordForm(request.POST or None, actor=request.user)
    done = _submit(
        request, form,
        lambda: services.service_record_enter(
            actor=request.user, volunteer=form.cleaned_data["volunteer"],
            activity=form.cleaned_data["activity"], data=form.model_data(),
        ),
        success=_("已录入服务记录"),
        then=lambda record: redirect("volunteers:volunteer_detail", pk=record.volunteer_id),
    )  # fmt: skip
    return done or _form_page(request, form, title=_("录入服务记录"), back=reverse("volunteers:record_list"))


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request, pk):
    record = get_scoped_or_404(ServiceRecord, request.user, pk=pk)
    require(request.user, EDIT)
    if not record.is_editable:
        messages.error(request, _("未通过的记录保留原样,不能修改;请重新录入"))
        return redirect("volunteers:volunteer_detail", pk=record.volunteer_id)
    form = RecordForm(request.POST or None, actor=request.user, instance=record)
    done = _submit(
        request, form,
        lambda: services.service_record_update(actor=request.user, record=record, data=form.model_data()),
        success=_("已保存"), then=lambda _r: redirect("volunteers:volunteer_detail", pk=record.volunteer_id),
    )  # fmt: skip
    back = reverse("volunteers:volunteer_detail", args=[record.volunteer_id])
    return done or _form_page(request, form, title=_("修改服务记录"), obj=record, back=back)


@login_required
@require_GET
def review(request):
    """The team leader's (a reviewer's) page on the phone: the self-reported entries waiting in
    their scope, optionally of one team, each approved or declined with a reason."""
    require(request.user, REVIEW)
    teams = selectors.teams(request.user)
    team_id = request.GET.get("team", "")
    qs = selectors.records(request.user, status=RecordStatus.PENDING).order_by("served_on", "id")
    team = teams.filter(pk=int(team_id)).first() if team_id.isdigit() and len(team_id) < 12 else None
    if team is not None:
        qs = qs.filter(team=team)
    context = {"page": offset_page(qs, request), "teams": teams, "team": team, "decline_form": DeclineForm()}
    return render(request, "volunteers/review.html", context)


# ---------------------------------------------------------------------- the volunteer's phone


def _phone_volunteer(token: str) -> VolunteerProfile:
    person = checkin.person_from_personal_token(token)
    if person is None:
        raise Http404
    profile = (
        VolunteerProfile.objects.unscoped(reason="the volunteer's own phone, proved by their signed link")
        .select_related("person__unit")
        .filter(person=person)
        .first()
    )
    if profile is None:
        raise Http404
    return profile


@require_http_methods(["GET", "POST"])
def self_report(request, token: str):
    """The volunteer's own phone page (their signed personal link, no login): report hours of a
    recent activity, see their entries, pending, recorded and declined with the reason."""
    profile = _phone_volunteer(token)
    activities = services.reportable_activities(profile)
    form = SelfReportForm(request.POST or None, activities=activities)
    done = _submit(
        request, form,
        lambda: services.service_record_self_report(
            volunteer=profile, activity=form.cleaned_data["activity"], data=form.service_data()
        ),
        success=_("已提交,待团队审核后计入服务时长"), then=lambda _r: redirect("volunteers:self_report", token=token),
    )  # fmt: skip
    if done:
        return done
    records = (
        ServiceRecord.objects.unscoped(reason="the volunteer's own entries, on their own phone")
        .filter(volunteer=profile)
        .select_related("activity")
        .order_by("-served_on", "-id")[:30]
    )
    context = {"profile": profile, "form": form, "records": records, "self_source": RecordSource.SELF}
    return render(request, "volunteers/self_report.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_create(request, pk):
    """An evaluation on the volunteer's record (`services.volunteer_evaluation_add`)."""
    profile = get_scoped_or_404(VolunteerProfile, request.user, pk=pk)
    require(request.user, EDIT)
    today = services._today()
    form = EvaluationForm(
        request.POST or None, actor=request.user, initial={"year": today.year, "evaluated_on": today}
    )
    back = reverse("volunteers:volunteer_detail", args=[profile.pk])
    done = _submit(
        request, form,
        lambda: services.volunteer_evaluation_add(
            actor=request.user, volunteer=profile, unit=form.cleaned_data["unit"], data=form.model_data()
        ),
        success=_("已保存评价"), then=lambda _r: redirect(back),
    )  # fmt: skip
    return done or _form_page(request, form, title=_("评价志愿者"), obj=profile, back=back)


@login_required
@require_POST
def evaluation_withdraw(request, pk):
    evaluation = get_scoped_or_404(VolunteerEvaluation, request.user, pk=pk)
    services.volunteer_evaluation_withdraw(actor=request.user, evaluation=evaluation)
    messages.success(request, _("已撤回评价"))
    return redirect("volunteers:volunteer_detail", evaluation.volunteer_id)
