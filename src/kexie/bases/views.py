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
from django.views.decorators.http import require_http_methods, require_POST

from kexie.accounts.roles import EDIT, REVIEW
from kexie.bases import forms as base_forms
from kexie.bases import selectors, services
from kexie.bases.codes import FIGURES, AssessmentOutcome, BaseStatus
from kexie.bases.models import NamingRound
from kexie.calls import services as calls
from kexie.core.scoping import get_scoped_or_404
from kexie.core.views import apply_validation_error, offset_page, require
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
        {
            "form": form,
            "page": offset_page(qs, request),
            "rounds": rounds,
            "can_edit": request.user.has_perm(EDIT),
        },
    )


@login_required
def designation_detail(request, pk: int):
    record = selectors.designation_or_404(request.user, pk)
    last_year = timezone.localdate().year - 1  # the year to assess; the form starts from what kexie holds
    context = {
        "record": record, "changes": record.changes.all(), "assessments": record.assessments.order_by("-year"),
        "form": AssessmentForm(initial={"year": last_year, **selectors.held_figures(record, last_year)}),
        "can_edit": request.user.has_perm(EDIT), "can_review": request.user.has_perm(REVIEW),
        "outcomes": AssessmentOutcome.choices, "renew_form": base_forms.RenewForm(),
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
                                                  "trend_years": [p["year"] for p in counties[0]["trend"]] if counties else [],
                                                  "trend_total": selectors.system_trend_totals(counties),
                                                  "can_edit": request.user.has_perm(EDIT)})  # fmt: skip


@login_required
def venue_detail(request, pk: int):
    """A venue's own page: what it is, its visitors month by month in the chosen year, every
    year's total (the 科技馆体系's figures for this venue), and the monthly recording form."""
    venue = selectors.venue_or_404(request.user, pk)
    year = _year(request)
    months = selectors.monthly_visitors(venue, year)
    years = selectors.yearly_visitors(venue)
    total = sum(months)
    context = {
        "venue": venue, "year": year, "months": [(m, n) for m, n in enumerate(months, start=1)],
        "total": total, "years": years, "best": max((n for _y, n in years), default=0),
        "per_area": round(total / venue.exhibition_area, 1) if venue.exhibition_area else None,
        "recorded": sum(1 for n in months if n), "can_edit": request.user.has_perm(EDIT),
    }  # fmt: skip
    return render(request, "bases/venue_detail.html", context)


@login_required
@require_POST
def venue_visitors(request, pk: int):
    venue = selectors.venue_or_404(request.user, pk)
    try:
        month = dt.date.fromisoformat(request.POST.get("month", "") + "-01")
        visitors = int(request.POST.get("visitors", ""))
    except ValueError:
        messages.error(request, _("请填写月份(YYYY-MM)和观众人次(整数)"))
        if request.POST.get("back") == "venue":
            return redirect("bases:venue_detail", pk=venue.pk)
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
    back = reverse("bases:venue_detail", args=[venue.pk]) if request.POST.get("back") == "venue" else None
    return redirect(f"{back or reverse('bases:system')}?year={month.year}")


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


@login_required
@require_http_methods(["GET", "POST"])
def assessment_thresholds(request):
    """The assessment thresholds and score bands a unit (the city) sets for a year and the years
    after (`services.assessment_scheme_set`); the assessments of those years are scored with
    them. Shown filled with the scheme in force for the year (or the defaults)."""
    require(request.user, REVIEW)
    year, unit = _year(request), request.user.unit
    scheme = services.scheme_for(unit, year)
    form = base_forms.ThresholdsForm(request.POST or None, actor=request.user, scheme=scheme,
                                     initial={"year": year})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.assessment_scheme_set(
                actor=request.user, unit=form.cleaned_data.get("unit") or unit, **form.service_kwargs()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("已保存%(u)s %(y)s年起的考核标准") % {"u": saved.unit, "y": saved.year}
            )
            return redirect(f"{reverse('bases:assessment_thresholds')}?year={saved.year}")
    context = {"form": form, "scheme": scheme, "year": year}
    return render(request, "bases/thresholds.html", context)


def _round_or_404(request, pk: int) -> NamingRound:
    return get_scoped_or_404(
        NamingRound.objects.for_user(request.user).select_related("call__organiser"), request.user, pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request):
    """A naming round: the call (kind 命名认定) and the batch, theme and validity it names with."""
    require(request.user, EDIT)
    form = base_forms.NamingRoundForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            naming_round = services.naming_round_create(actor=request.user, **form.service_kwargs())
            if form.cleaned_data.get("open_now"):
                calls.call_open(actor=request.user, call=naming_round.call)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已新建命名批次“%(r)s”") % {"r": naming_round})
            return redirect(f"{reverse('bases:designation_list')}#round-{naming_round.pk}")
    return render(
        request, "bases/form.html", {"form": form, "heading": _("新建命名批次"), "form_id": "round-form"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_apply(request, pk: int):
    """A base's application (or a unit's recommendation of it) to the round's call."""
    naming_round = _round_or_404(request, pk)
    require(request.user, EDIT)
    form = base_forms.BaseApplicationForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            entry = services.base_apply(actor=request.user, naming_round=naming_round, base=d["base"],
                                        submitting_unit=d.get("submitting_unit"), submit=d.get("submit", False))  # fmt: skip
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已申报:%(e)s") % {"e": entry})
            return redirect("calls:entry_detail", pk=entry.pk)
    heading = _("申报命名:%(r)s") % {"r": naming_round}
    return render(request, "bases/form.html", {"form": form, "heading": heading, "form_id": "apply-form"})


@login_required
def round_notice(request, pk: int):
    """The round's 命名通知 (Word): the bases it named."""
    from urllib.parse import quote

    from django.http import HttpResponse

    from kexie.bases.notice_doc import build_naming_notice

    naming_round = _round_or_404(request, pk)
    response = HttpResponse(
        build_naming_notice(naming_round=naming_round, user=request.user), content_type=DOCX
    )
    name = f"关于命名{naming_round.batch}科普教育基地的通知.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_POST
def designation_renew(request, pk: int):
    record = selectors.designation_or_404(request.user, pk)
    form = base_forms.RenewForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(
                request, f"{form.fields[field].label if field in form.fields else ''}:{''.join(errors)}"
            )
        return redirect("bases:designation_detail", pk=pk)
    try:
        services.designation_renew(actor=request.user, base_designation=record, valid_to=form.cleaned_data["valid_to"],
                                   reason=form.cleaned_data.get("reason", ""))  # fmt: skip
    except ValidationError as exc:
        _messages(request, exc)
    else:
        messages.success(request, _("已延续命名至 %(d)s") % {"d": form.cleaned_data["valid_to"]})
    return redirect("bases:designation_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def venue_create(request):
    require(request.user, EDIT)
    form = base_forms.VenueForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            venue = services.venue_create(actor=request.user, data=form.model_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已新建场馆“%(v)s”") % {"v": venue})
            return redirect("bases:venue_detail", pk=venue.pk)
    return render(
        request, "bases/form.html", {"form": form, "heading": _("新建科普场馆"), "form_id": "venue-form"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def venue_edit(request, pk: int):
    venue = selectors.venue_or_404(request.user, pk)
    require(request.user, EDIT)
    form = base_forms.VenueForm(request.POST or None, actor=request.user, instance=venue)
    if request.method == "POST" and form.is_valid():
        try:
            services.venue_update(actor=request.user, venue=venue, data=form.model_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("bases:venue_detail", pk=venue.pk)
    heading = _("修改场馆:%(v)s") % {"v": venue}
    return render(request, "bases/form.html", {"form": form, "heading": heading, "form_id": "venue-form"})
