"""Pages of funded projects: programmes (won from above, given below) with their projects, and
a project's page with its ledger (money in fen, shown in 元), budget, tranches, reports,
acceptances and conflicts of interest; staff pay tranches and accept reports there."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kexie.accounts.roles import EDIT, REVIEW
from kexie.core.scoping import in_scope
from kexie.core.views import apply_validation_error, require, year_param
from kexie.funds import documents, forms, selectors, services
from kexie.funds.ledger import ledger, yuan

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def programme_list(request):
    programmes = list(selectors.programmes(request.user))
    for p in programmes:
        p.visible_projects = list(selectors.projects(request.user, programme=p))
        p.granted = sum(x.granted_fen for x in p.visible_projects)
    for p in programmes:
        p.can_manage = in_scope(request.user, p.unit)
    context = {"programmes": programmes, "can_edit": request.user.has_perm(EDIT),
               "can_review": request.user.has_perm(REVIEW)}  # fmt: skip
    return render(request, "funds/programme_list.html", context)


@login_required
def project_detail(request, pk: int):
    project = selectors.project_or_404(request.user, pk)
    paid = {}
    for payment in project.payments.all():
        paid[payment.tranche_id] = paid.get(payment.tranche_id, 0) + payment.amount_fen
    tranches = list(project.tranches.all())
    for t in tranches:
        t.paid_fen = paid.get(t.pk, 0)
        t.open_fen = t.amount_fen - t.paid_fen
    context = {
        "project": project, "book": ledger(project), "tranches": tranches, "lines": project.budget_lines.all(),
        "reports": project.reports.all(), "acceptances": project.acceptances.all(), "conflicts": project.conflicts.all(),
        "payments": project.payments.select_related("tranche"), "can_review": request.user.has_perm(REVIEW),
        "can_manage": in_scope(request.user, project.programme.unit), "can_edit": request.user.has_perm(EDIT),
        "report_form": forms.ReportForm(), "acceptance_form": forms.AcceptanceForm(),
        "approval_form": forms.ApprovalForm(), "close_form": forms.CloseForm(initial={"returned": ""}),
        "conflict_form": forms.ConflictForm(actor=request.user),
    }  # fmt: skip
    return render(request, "funds/project_detail.html", context)


def _fen(text: str) -> int:
    """元 as typed ("12500" or "12500.50") → fen, exactly (no floats)."""
    try:
        return forms.fen_of(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}:{error}" if label else error)


def _to_project(project):
    return redirect("funds:project_detail", pk=project.pk)


def _post(request, *, to, call, success, form=None):
    """One POST action: parse `form` (if any; its errors become messages), call the service with
    the cleaned data, show its refusal or `success` (text, or a function of the service's result)
    as a message, and go back to `to` (a redirect) whatever happened."""
    data = {}
    if form is not None:
        if not form.is_valid():
            _form_errors(request, form)
            return to
        data = form.cleaned_data
    try:
        result = call(data)
    except ValidationError as exc:
        _messages(request, exc)
    else:
        messages.success(request, success(result) if callable(success) else success)
    return to


def _seen(request) -> str | None:
    return request.POST.get("seen") or None


@login_required
@require_POST
def tranche_pay(request, pk: int):
    tranche = selectors.tranche_or_404(request.user, pk)
    return _post(
        request, to=redirect("funds:project_detail", pk=tranche.project_id), success=_("已拨付"),
        call=lambda d: services.tranche_pay(actor=request.user, tranche=tranche,
                                            amount_fen=_fen(request.POST.get("amount", "")),
                                            voucher_no=request.POST.get("voucher_no", "")[:60]),
    )  # fmt: skip


@login_required
@require_POST
def report_accept(request, pk: int):
    report = selectors.report_or_404(request.user, pk)
    return _post(
        request, to=redirect("funds:project_detail", pk=report.project_id), success=_("报告已审核通过"),
        call=lambda d: services.report_accept(actor=request.user, report=report),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request):
    require(request.user, EDIT)
    form = forms.ProgrammeForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                actor=request.user, data=form.model_data(), call_data=form.call_data()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已新建资金计划“%(p)s”") % {"p": programme})
            return redirect(f"{reverse('funds:programme_list')}#programme-{programme.pk}")
    return render(
        request, "funds/form.html", {"form": form, "heading": _("新建资金计划"), "form_id": "programme-form"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_apply(request, pk: int):
    """An application with budget lines to a programme (an entry of its call, if it has one)."""
    programme = selectors.programme_or_404(request.user, pk)
    require(request.user, EDIT)
    form = forms.ApplicationForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            project = services.project_apply(
                actor=request.user, programme=programme, title=d["title"], undertaker=d["undertaker"],
                budget_lines=d["budget_lines"], leader_name=d.get("leader_name", ""), submit=d.get("submit", False),
            )  # fmt: skip
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已申报项目“%(p)s”") % {"p": project})
            return _to_project(project)
    return render(request, "funds/form.html", {"form": form, "heading": _("申报项目:%(p)s") % {"p": programme},
                                               "form_id": "application-form"})  # fmt: skip


@login_required
@require_POST
def project_approve(request, pk: int):
    project = selectors.project_or_404(request.user, pk)
    return _post(
        request, to=_to_project(project), form=forms.ApprovalForm(request.POST), success=_("已立项"),
        call=lambda d: services.project_approve(actor=request.user, project=project, granted_fen=d.get("granted"),
                                                on=d.get("on"), document_no=d.get("document_no", ""),
                                                seen=_seen(request)),
    )  # fmt: skip


@login_required
@require_POST
def project_reject(request, pk: int):
    project = selectors.project_or_404(request.user, pk)
    return _post(
        request, to=_to_project(project), success=_("已登记为未立项"),
        call=lambda d: services.project_reject(actor=request.user, project=project, seen=_seen(request)),
    )  # fmt: skip


@login_required
@require_POST
def programme_approve(request, pk: int):
    """立项 of a programme's projects once its call is final (the chosen ones; the others not)."""
    programme = selectors.programme_or_404(request.user, pk)
    require(request.user, REVIEW)
    return _post(
        request, to=redirect(f"{reverse('funds:programme_list')}#programme-{programme.pk}"),
        success=lambda approved: _("已立项 %(n)s 个项目") % {"n": len(approved)},
        call=lambda d: services.programme_approve_from_call(actor=request.user, programme=programme),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def project_agree(request, pk: int):
    project = selectors.project_or_404(request.user, pk)
    require(request.user, EDIT)
    form = forms.AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.project_agree(actor=request.user, project=project, agreement_no=d["agreement_no"],
                                   tranches=d["tranches"], on=d.get("on"), ends_on=d.get("ends_on"))  # fmt: skip
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已签订协议"))
            return _to_project(project)
    heading = _("签订协议:%(p)s(立项金额 %(y)s 元)") % {"p": project, "y": yuan(project.granted_fen)}
    return render(request, "funds/form.html", {"form": form, "heading": heading, "form_id": "agreement-form"})


@login_required
@require_POST
def report_submit(request, pk: int):
    project = selectors.project_or_404(request.user, pk)
    return _post(
        request, to=_to_project(project), form=forms.ReportForm(request.POST), success=_("报告已提交"),
        call=lambda d: services.report_submit(actor=request.user, project=project, kind=d["kind"],
                                              period_end=d["period_end"], text=d["text"],
                                              spent_fen=d.get("spent") or 0),
    )  # fmt: skip


@login_required
@require_POST
def project_accept(request, pk: int):
    project = selectors.project_or_404(request.user, pk)
    return _post(
        request, to=_to_project(project), form=forms.AcceptanceForm(request.POST),
        success=lambda accepted: _("已登记结题验收:%(s)s") % {"s": project.get_status_display()},
        call=lambda d: services.project_accept(actor=request.user, project=project, result=d["result"],
                                               note=d.get("note", ""), on=d.get("on"), seen=_seen(request)),
    )  # fmt: skip


@login_required
@require_POST
def project_close(request, pk: int):
    project = selectors.project_or_404(request.user, pk)
    return _post(
        request, to=_to_project(project), form=forms.CloseForm(request.POST), success=_("项目已结项"),
        call=lambda d: services.project_close(actor=request.user, project=project,
                                              returned_fen=d.get("returned") or 0, on=d.get("on"),
                                              seen=_seen(request)),
    )  # fmt: skip


@login_required
@require_POST
def conflict_declare(request, pk: int):
    project = selectors.project_or_404(request.user, pk)
    return _post(
        request, to=_to_project(project), form=forms.ConflictForm(request.POST, actor=request.user),
        success=_("已登记利益冲突申报"),
        call=lambda d: services.conflict_declare(actor=request.user, project=project, name=d["name"],
                                                 relation=d["relation"], person=d.get("person"),
                                                 recused=d.get("recused", False)),
    )  # fmt: skip


def _attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def programme_notice(request, pk: int):
    """The programme's 立项通知 (Word)."""
    programme = selectors.programme_or_404(request.user, pk)
    data = documents.approval_notice(programme=programme, user=request.user)
    return _attachment(data, f"关于下达{programme.name}项目的通知.docx", DOCX)


@login_required
def projects_export(request):
    """The projects the user sees with their money (xlsx), optionally of one year."""
    try:
        year = year_param(request)
    except ValidationError:
        year = None
    data = documents.projects_workbook(user=request.user, year=year)
    return _attachment(data, f"科普项目资金{year or ''}.xlsx", XLSX)
