"""Staff pages of societies and county associations: annual reports (prepare, fill, submit,
return/accept, Word and workbook), rectifications, terms (换届) with their flags, evaluations
with scores and ranking, foundings (党建前置) and the 3+1 coverage. Scope as everywhere: a
society sees its own records, a county association its county's; out of scope is a 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.roles import EDIT, REVIEW
from kexie.core.scoping import get_scoped_or_404
from kexie.core.views import _download, apply_validation_error, offset_page, parse_date, require, year_param
from kexie.directory.models import Organisation
from kexie.societies import documents, evaluation, grassroots, offices, selectors, services
from kexie.societies.forms import (
    CongressForm,
    EvaluationOpenForm,
    FoundingCompleteForm,
    FoundingForm,
    OfficerAddForm,
    OfficerEndForm,
    RectificationForm,
    SchemeForm,
    TermForm,
)
from kexie.societies.models import (
    AnnualReport,
    Evaluation,
    Founding,
    ItemScore,
    Rectification,
    ReportStatus,
    Term,
)
from kexie.societies.services import REPORT_FIELDS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _error(request, exc: ValidationError) -> None:
    messages.error(request, ";".join(exc.messages))


# ---------------------------------------------------------------------- annual reports


@login_required
@require_GET
def report_list(request):
    status = request.GET.get("status", "")
    status = status if status in ReportStatus.values else ""
    try:
        year = year_param(request)
    except ValidationError as exc:
        _error(request, exc)
        year = None
    qs = selectors.annual_reports(request.user, year=year, status=status or None)
    context = {"page": offset_page(qs, request), "status": status, "statuses": ReportStatus.choices,
               "year": year, "default_year": dt.date.today().year - 1}  # fmt: skip
    return render(request, "societies/report_list.html", context)


@login_required
@require_GET
def report_export(request):
    try:
        year = year_param(request)
    except ValidationError as exc:
        _error(request, exc)
        return redirect("societies:report_list")
    data = documents.reports_workbook(selectors.annual_reports(request.user, year=year)[:5000])
    return _download(data, _("年度报告%(y)s.xlsx") % {"y": year or ""})


@login_required
@require_POST
def report_prepare(request):
    require(request.user, EDIT)
    org_id = request.POST.get("organisation") or request.user.unit_id
    if not str(org_id).isdigit():
        raise Http404
    org = get_scoped_or_404(Organisation, request.user, pk=int(org_id))
    text = request.POST.get("year", "")
    if not (text.isdigit() and 1949 <= int(text) <= 2100):
        messages.error(request, _("年度“%(t)s”无效:应为四位年份") % {"t": text[:10]})
        return redirect("societies:report_list")
    try:
        report = services.annual_report_prepare(actor=request.user, org=org, year=int(text))
    except ValidationError as exc:
        _error(request, exc)
        return redirect("societies:report_list")
    return redirect("societies:report_detail", pk=report.pk)


@login_required
@require_GET
def report_detail(request, pk):
    report = get_scoped_or_404(AnnualReport, request.user, pk=pk)
    fields = [(name, AnnualReport._meta.get_field(name)) for name in REPORT_FIELDS]
    context = {
        "report": report, "fields": [(n, f.verbose_name, getattr(report, n), f.get_internal_type()) for n, f in fields],
        "prefill": [(label, (report.prefilled or {}).get(key)) for key, label in documents.PREFILL_LABELS],
        "due": services.rules.first_review_due(report.year),
        "own": report.organisation_id == request.user.unit_id,
    }  # fmt: skip
    return render(request, "societies/report_detail.html", context)


@login_required
@require_POST
def report_edit(request, pk):
    report = get_scoped_or_404(AnnualReport, request.user, pk=pk)
    require(request.user, EDIT)
    data = {}
    for name in REPORT_FIELDS:
        if name not in request.POST:
            continue
        value = request.POST[name].strip()
        if name in ("income", "expenditure", "donations", "staff_count"):
            value = _number(
                value, AnnualReport._meta.get_field(name).verbose_name, whole=name == "staff_count"
            )
            if isinstance(value, ValidationError):
                _error(request, value)
                return redirect("societies:report_detail", pk=report.pk)
        data[name] = value
    try:
        services.annual_report_update(actor=request.user, report=report, data=data)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已保存"))
    return redirect("societies:report_detail", pk=report.pk)


def _number(text: str, label, *, whole: bool):
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return ValidationError(_("%(l)s:“%(t)s”不是数字") % {"l": label, "t": text[:20]})
    if value < 0 or value >= Decimal("1e12") or (whole and value != value.to_integral_value()):
        return ValidationError(_("%(l)s:“%(t)s”超出范围") % {"l": label, "t": text[:20]})
    return int(value) if whole else value


REPORT_ACTIONS = {"submit", "return", "accept"}


@login_required
@require_POST
def report_action(request, pk, action):
    report = get_scoped_or_404(AnnualReport, request.user, pk=pk)
    if action not in REPORT_ACTIONS:
        raise Http404
    require(request.user, EDIT if action == "submit" else REVIEW)
    seen = request.POST.get("seen") or report.status
    try:
        if action == "submit":
            services.annual_report_submit(actor=request.user, report=report, seen=seen)
        elif action == "return":
            services.annual_report_return(
                actor=request.user, report=report, reason=request.POST.get("reason", ""), seen=seen
            )
        else:
            services.annual_report_accept(actor=request.user, report=report, seen=seen)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("年度报告:%(s)s") % {"s": report.get_status_display()})
    return redirect("societies:report_detail", pk=report.pk)


@login_required
@require_GET
def report_word(request, pk):
    report = get_scoped_or_404(AnnualReport, request.user, pk=pk)
    return _download(documents.report_docx(report), f"{report}.docx", DOCX)


# ---------------------------------------------------------------------- rectifications


@login_required
@require_GET
def rectification_list(request):
    context = {"page": offset_page(selectors.rectifications(request.user), request),
               "overdue": {r.pk for r in selectors.overdue_rectifications(request.user)}}  # fmt: skip
    return render(request, "societies/rectification_list.html", context)


@login_required
@require_GET
def rectification_detail(request, pk):
    item = get_scoped_or_404(Rectification, request.user, pk=pk)
    return render(
        request, "societies/rectification_detail.html", {"item": item, "steps": item.follow_ups.all()}
    )


@login_required
@require_POST
def rectification_follow_up(request, pk):
    item = get_scoped_or_404(Rectification, request.user, pk=pk)
    require(request.user, EDIT)
    try:
        services.rectification_follow_up(
            actor=request.user,
            item=item,
            data={
                "note": request.POST.get("note", "").strip(),
                "evidence": request.POST.get("evidence", "").strip()[:300],
            },
        )
    except ValidationError as exc:
        _error(request, exc)
    return redirect("societies:rectification_detail", pk=item.pk)


@login_required
@require_POST
def rectification_decide(request, pk):
    item = get_scoped_or_404(Rectification, request.user, pk=pk)
    require(request.user, REVIEW)
    try:
        services.rectification_decide(
            actor=request.user, item=item, outcome=request.POST.get("outcome", ""), note=request.POST.get("note", ""),
            new_deadline=parse_date(request.POST.get("new_deadline")), seen=request.POST.get("seen") or item.status,
        )  # fmt: skip
    except ValidationError as exc:
        _error(request, exc)
    return redirect("societies:rectification_detail", pk=item.pk)


# ---------------------------------------------------------------------- terms, foundings, 3+1


@login_required
@require_GET
def term_list(request):
    return render(request, "societies/term_list.html", {"rows": selectors.term_rows(request.user)})


@login_required
@require_GET
def officers(request, org_id):
    """An organisation's officers in a year (directory positions with dates): any past year's
    officers are known. Out of scope: 404."""
    org = get_scoped_or_404(Organisation, request.user, pk=org_id)
    try:
        year = year_param(request) or dt.date.today().year
    except ValidationError as exc:
        _error(request, exc)
        year = dt.date.today().year
    context = {"org": org, "year": year, "officers": selectors.officers_in(request.user, org, year)}
    if request.user.has_perm(EDIT):
        context["add_form"] = OfficerAddForm(actor=request.user, initial={"starts_on": dt.date.today()})
        context["end_form"] = OfficerEndForm(initial={"ends_on": dt.date.today()})
    return render(request, "societies/officers.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def officer_add(request, org_id):
    """Appoint an officer between congresses (a directory position from a date)."""
    org = get_scoped_or_404(Organisation, request.user, pk=org_id)
    require(request.user, EDIT)
    form = OfficerAddForm(request.POST or None, actor=request.user, initial={"starts_on": dt.date.today()})
    if request.method == "POST" and form.is_valid():
        try:
            position = services.officer_appoint(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已登记%(r)s %(n)s") % {"r": position.role, "n": position.person})
            url = reverse("societies:officers", args=[org.pk])
            return redirect(f"{url}?year={position.starts_on.year}")
    context = {"form": form, "org": org, "title": _("登记负责人")}
    return render(request, "societies/officer_form.html", context)


@login_required
@require_POST
def officer_end(request, org_id, pk):
    """An officer leaves office: the position's last day."""
    org = get_scoped_or_404(Organisation, request.user, pk=org_id)
    require(request.user, EDIT)
    position = next((p for p in offices.positions([org.pk]) if p.pk == pk), None)
    if position is None:
        raise Http404
    form = OfficerEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, ";".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            services.officer_end(actor=request.user, org=org, position=position, **form.cleaned_data)
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("已登记%(n)s离任") % {"n": position.person})
    return redirect("societies:officers", org_id=org.pk)


@login_required
@require_GET
def founding_list(request):
    context = {"foundings": selectors.foundings(request.user), "can_edit": request.user.has_perm(EDIT)}
    return render(request, "societies/founding_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def founding_create(request):
    """A new society prepared with its party plan (党建前置); the directory sends new societies here."""
    require(request.user, EDIT)
    form = FoundingForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            founding = services.founding_prepare(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已登记筹建“%(n)s”") % {"n": founding})
            if founding.party_warning:
                messages.warning(request, founding.party_warning)
            return redirect("societies:founding_list")
    return render(request, "societies/founding_form.html", {"form": form, "title": _("筹建登记(党建前置)")})


@login_required
@require_POST
def founding_complete(request, pk):
    """The society is set up: a directory organisation with its first party record."""
    founding = get_scoped_or_404(Founding, request.user, pk=pk)
    require(request.user, EDIT)
    form = FoundingCompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, ";".join(e for errors in form.errors.values() for e in errors))
        return redirect("societies:founding_list")
    try:
        services.founding_complete(actor=request.user, founding=founding,
                                   founded_on=form.cleaned_data.get("founded_on"))  # fmt: skip
    except ValidationError as exc:
        _error(request, exc)
        return redirect("societies:founding_list")
    messages.success(request, _("“%(n)s”已登记成立") % {"n": founding.organisation})
    return redirect("directory:org_detail", pk=founding.organisation.pk)


@login_required
@require_GET
def grassroots_coverage(request):
    rows = grassroots.coverage_by_county(grassroots.scoped_head_units(request.user))
    return render(request, "societies/grassroots.html", {"rows": rows})


# ---------------------------------------------------------------------- evaluation


@login_required
@require_GET
def evaluation_list(request):
    try:
        year = year_param(request)
    except ValidationError as exc:
        _error(request, exc)
        year = None
    qs = list(selectors.evaluations(request.user, year=year)[:500])
    context = {"ranking": evaluation.ranking(qs), "open": [e for e in qs if e.total is None], "year": year}
    return render(request, "societies/evaluation_list.html", context)


def _scores(ev) -> dict:
    return {s.item_code: s for s in ItemScore.objects.within(ev.organisation).filter(evaluation=ev)}


@login_required
@require_GET
def evaluation_detail(request, pk):
    ev = get_scoped_or_404(Evaluation, request.user, pk=pk)
    scores = _scores(ev)
    items = [(item, scores.get(item["code"])) for item in ev.scheme.items]
    context = {"ev": ev, "items": items, "evaluators": ev.evaluators.all(), "scored": len(scores),
               "can_score": request.user.has_perm(REVIEW) and ev.organisation_id != request.user.unit_id}  # fmt: skip
    return render(request, "societies/evaluation_detail.html", context)


@login_required
@require_POST
def evaluation_score(request, pk):
    ev = get_scoped_or_404(Evaluation, request.user, pk=pk)
    require(request.user, REVIEW)
    text = request.POST.get("score", "").strip()
    score = None
    if text:
        score = _number(text, _("得分"), whole=False)
        if isinstance(score, ValidationError):
            _error(request, score)
            return redirect("societies:evaluation_detail", pk=ev.pk)
    try:
        services.evaluation_score(actor=request.user, evaluation=ev, item_code=request.POST.get("item_code", "")[:20],
                                  score=score, evidence=request.POST.get("evidence", "").strip())  # fmt: skip
    except ValidationError as exc:
        _error(request, exc)
    return redirect("societies:evaluation_detail", pk=ev.pk)


@login_required
@require_POST
def evaluation_finish(request, pk):
    ev = get_scoped_or_404(Evaluation, request.user, pk=pk)
    require(request.user, REVIEW)
    try:
        services.evaluation_finish(
            actor=request.user, evaluation=ev, seen=request.POST.get("seen") or ev.status
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已定级:%(g)s(%(t)s分)") % {"g": ev.grade, "t": ev.total})
    return redirect("societies:evaluation_detail", pk=ev.pk)


@login_required
@require_GET
def evaluation_word(request, pk):
    ev = get_scoped_or_404(Evaluation, request.user, pk=pk)
    return _download(documents.evaluation_docx(ev, _scores(ev)), f"{ev}.docx", DOCX)


# ---------------------------------------------------------------------- orders, terms, schemes, evaluations


def _form_page(request, form, *, title, back: str, intro: str = ""):
    return render(
        request, "societies/form.html", {"form": form, "title": title, "back": reverse(back), "intro": intro}
    )


def _saved(form, call):
    """Run the service; its refusal goes onto the form's fields (None then)."""
    try:
        return call()
    except ValidationError as exc:
        apply_validation_error(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
    return None


@login_required
@require_http_methods(["GET", "POST"])
def rectification_new(request):
    """Order a society (or county association) in scope to rectify by a deadline (限期整改)."""
    require(request.user, REVIEW)
    form = RectificationForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        item = _saved(form, lambda: services.rectification_order(
            actor=request.user, org=form.cleaned_data["organisation"], data=form.service_data()))  # fmt: skip
        if item is not None:
            messages.success(
                request, _("已下达整改通知:%(o)s,期限%(d)s") % {"o": item.organisation, "d": item.deadline}
            )
            return redirect("societies:rectification_detail", pk=item.pk)
    return _form_page(request, form, title=_("下达限期整改"), back="societies:rectification_list",
                      intro=_("整改通知写明原因、期限和须提交的整改材料;到期未办结的在首页提示。"))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def term_new(request):
    """Record a term of office (届次): the leadership before it leaves office the day before."""
    require(request.user, EDIT)
    form = TermForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        term = _saved(form, lambda: services.term_create(
            actor=request.user, org=form.cleaned_data["organisation"], data=form.service_data()))  # fmt: skip
        if term is not None:
            messages.success(request, _("已登记%(t)s,请登记新一届负责人") % {"t": term})
            url = reverse("societies:officers", args=[term.organisation_id])
            return redirect(f"{url}?year={term.starts_on.year}")
    return _form_page(request, form, title=_("登记届次"), back="societies:term_list",
                      intro=_("新一届开始时,上一届在任负责人于前一日离任;新一届负责人在“历年负责人”页登记。"))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def term_congress(request, pk):
    """Record the congress (会员代表大会) that ends a term, and its filing."""
    term = get_scoped_or_404(Term, request.user, pk=pk)
    require(request.user, EDIT)
    initial = {"congress_on": term.congress_on, "filed_on": term.filed_on}
    form = CongressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _saved(
            form, lambda: services.term_record_congress(actor=request.user, term=term, **form.cleaned_data)
        ):
            messages.success(request, _("已登记%(t)s换届大会") % {"t": term})
            return redirect("societies:term_list")
    return _form_page(request, form, title=_("登记换届大会:%(t)s") % {"t": term}, back="societies:term_list")


@login_required
@require_http_methods(["GET", "POST"])
def scheme_new(request):
    """A scoring scheme as data (1,000 points over the four categories), filled with the default."""
    require(request.user, REVIEW)
    initial = SchemeForm.initial_from(evaluation.DEFAULT_ITEMS, evaluation.DEFAULT_GRADES)
    form = SchemeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        scheme = _saved(form, lambda: services.scheme_create(actor=request.user, name=d["name"], items=d["items"],
                                                             grades=d["grades"]))  # fmt: skip
        if scheme is not None:
            messages.success(request, _("已建立评估指标体系“%(n)s”") % {"n": scheme})
            return redirect("societies:evaluation_new")
    rules = "、".join(sorted(evaluation.RULES))
    return _form_page(request, form, title=_("新建评估指标体系"), back="societies:evaluation_list",
                      intro=_("计分规则可选:%(r)s;留空为人工评分。") % {"r": rules})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_new(request):
    """Open an evaluation of a society on a scheme, with evaluators free of conflicts."""
    require(request.user, REVIEW)
    form = EvaluationOpenForm(
        request.POST or None, actor=request.user, initial={"year": dt.date.today().year - 1}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ev = _saved(form, lambda: services.evaluation_open(actor=request.user, org=d["organisation"], scheme=d["scheme"],
                                                           year=d["year"], evaluators=list(d["evaluators"])))  # fmt: skip
        if ev is not None:
            messages.success(request, _("已开始评估:%(e)s") % {"e": ev})
            return redirect("societies:evaluation_detail", pk=ev.pk)
    return _form_page(request, form, title=_("开始等级评估"), back="societies:evaluation_list")
