"""Pages of outreach bases and venues: designations (list, detail with changes and yearly
assessments, record figures, decide, revoke), naming rounds landing, and the city's
科技馆体系 by county with each venue's monthly visitors."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kexie.accounts.roles import EDIT, REVIEW
from kexie.bases import selectors, services
from kexie.bases.codes import FIGURES, AssessmentOutcome, BaseStatus
from kexie.bases.models import NamingRound
from kexie.core.scoping import get_scoped_or_404
from kexie.core.views import offset_page
from kexie.directory.codes import DesignationLevel


class DesignationFilter(forms.Form):
    q = forms.CharField(label=gettext_lazy("基地名称"), required=False, max_length=100)
    level = forms.ChoiceField(label=gettext_lazy("级别"), required=False,
                              choices=[("", "全部")] + list(DesignationLevel.choices))  # fmt: skip
    status = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False, choices=[("", "全部")] + list(BaseStatus.choices)
    )


class AssessmentForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("考核年度"), min_value=1949, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, unit) in FIGURES.items():
            self.fields[name] = forms.IntegerField(label=f"{label}({unit})", min_value=0, max_value=100_000_000,
                                                   required=name == "open_days")  # fmt: skip


def _messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def designation_list(request):
    form = DesignationFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.designations(request.user, status=filters.get("status", ""), level=filters.get("level", ""),
                                text=filters.get("q", ""))  # fmt: skip
    rounds = NamingRound.objects.for_user(request.user).select_related("call").order_by("-valid_from")[:20]
    return render(
        request,
        "bases/designation_list.html",
        {"form": form, "page": offset_page(qs, request), "rounds": rounds},
    )


@login_required
def designation_detail(request, pk: int):
    record = selectors.designation_or_404(request.user, pk)
    context = {
        "record": record, "changes": record.changes.all(), "assessments": record.assessments.order_by("-year"),
        "form": AssessmentForm(initial={"year": timezone.localdate().year - 1}),
        "can_edit": request.user.has_perm(EDIT), "can_review": request.user.has_perm(REVIEW),
        "outcomes": AssessmentOutcome.choices,
    }  # fmt: skip
    return render(request, "bases/designation_detail.html", context)


@login_required
@require_POST
def assessment_record(request, pk: int):
    record = selectors.designation_or_404(request.user, pk)
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else field
            messages.error(request, f"{label}:{''.join(errors)}")
        return redirect("bases:designation_detail", pk=pk)
    figures = {k: v for k, v in form.cleaned_data.items() if k != "year" and v is not None}
    try:
        a = services.assessment_record(actor=request.user, base_designation=record, year=form.cleaned_data["year"],
                                       figures=figures)  # fmt: skip
    except ValidationError as exc:
        _messages(request, exc)
    else:
        messages.success(
            request,
            _("已录入:得分 %(s)s,评分结果 %(o)s") % {"s": a.score, "o": a.get_computed_outcome_display()},
        )
    return redirect("bases:designation_detail", pk=pk)


@login_required
@require_POST
def assessment_decide(request, pk: int):
    a = selectors.assessment_or_404(request.user, pk)
    try:
        services.assessment_decide(actor=request.user, assessment=a, outcome=request.POST.get("outcome") or None,
                                   note=request.POST.get("note", "")[:300], seen=request.POST.get("seen") or None)  # fmt: skip
    except ValidationError as exc:
        _messages(request, exc)
    else:
        messages.success(request, _("考核结果已审定:%(o)s") % {"o": a.get_outcome_display()})
    return redirect("bases:designation_detail", pk=a.base_designation_id)


@login_required
@require_POST
def designation_revoke(request, pk: int):
    record = selectors.designation_or_404(request.user, pk)
    try:
        services.designation_revoke(
            actor=request.user, base_designation=record, reason=request.POST.get("reason", "")[:300]
        )
    except ValidationError as exc:
        _messages(request, exc)
    else:
        messages.success(request, _("已撤销命名"))
    return redirect("bases:designation_detail", pk=pk)


@login_required
@require_POST
def round_land(request, pk: int):
    naming_round = get_scoped_or_404(
        NamingRound.objects.for_user(request.user).select_related("call"), request.user, pk=pk
    )
    try:
        named = services.naming_land(actor=request.user, naming_round=naming_round)
    except ValidationError as exc:
        _messages(request, exc)
    else:
        messages.success(request, _("已登记命名 %(n)s 家基地") % {"n": len(named)})
    return redirect("bases:designation_list")


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 1949 <= year <= 2100 else timezone.localdate().year


@login_required
def science_centre_system(request):
    year = _year(request)
    counties = selectors.science_centre_system(request.user, year)
    for row in counties:
        for item in row["venues"]:
            item["months"] = selectors.monthly_visitors(item["venue"], year)
    return render(request, "bases/system.html", {"year": year, "counties": counties,
                                                  "total": sum(r["visitors"] for r in counties),
                                                  "can_edit": request.user.has_perm(EDIT)})  # fmt: skip


@login_required
@require_POST
def venue_visitors(request, pk: int):
    venue = selectors.venue_or_404(request.user, pk)
    try:
        month = dt.date.fromisoformat(request.POST.get("month", "") + "-01")
        visitors = int(request.POST.get("visitors", ""))
    except ValueError:
        messages.error(request, _("请填写月份(YYYY-MM)和观众人次(整数)"))
        return redirect("bases:system")
    try:
        services.venue_visitors_record(actor=request.user, venue=venue, month=month, visitors=visitors)
    except ValidationError as exc:
        _messages(request, exc)
    else:
        messages.success(
            request,
            _("已登记 %(v)s %(m)s 观众 %(n)s 人次") % {"v": venue, "m": f"{month:%Y-%m}", "n": visitors},
        )
    return redirect(f"{reverse('bases:system')}?year={month.year}")


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def assessment_notice(request):
    """The year's 考核结果通报 (Word) of the assessments the user sees."""
    from urllib.parse import quote

    from django.http import HttpResponse

    from kexie.bases.notice_doc import build_assessment_notice

    year = _year(request)
    response = HttpResponse(build_assessment_notice(year=year, user=request.user), content_type=DOCX)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(f'{year}年度科普教育基地考核结果通报.docx')}"
    )
    return response
