"""Pages of funded projects: programmes (won from above, given below) with their projects, and
a project's page with its ledger (money in fen, shown in 元), budget, tranches, reports,
acceptances and conflicts of interest; staff pay tranches and accept reports there."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kexie.accounts.roles import REVIEW
from kexie.funds import selectors, services
from kexie.funds.ledger import ledger


def _messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def programme_list(request):
    programmes = list(selectors.programmes(request.user))
    for p in programmes:
        p.visible_projects = list(selectors.projects(request.user, programme=p))
        p.granted = sum(x.granted_fen for x in p.visible_projects)
    return render(request, "funds/programme_list.html", {"programmes": programmes})


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
    }  # fmt: skip
    return render(request, "funds/project_detail.html", context)


def _fen(text: str) -> int:
    """元 as typed ("12500" or "12500.50") → fen, exactly (no floats)."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValidationError(_("金额应为数字(元,最多两位小数)")) from None
    fen = value * 100
    if fen != fen.to_integral_value() or not 0 < fen <= 10**13:
        raise ValidationError(_("金额应为大于 0 的数字(元,最多两位小数)"))
    return int(fen)


@login_required
@require_POST
def tranche_pay(request, pk: int):
    tranche = selectors.tranche_or_404(request.user, pk)
    try:
        services.tranche_pay(actor=request.user, tranche=tranche, amount_fen=_fen(request.POST.get("amount", "")),
                             voucher_no=request.POST.get("voucher_no", "")[:60])  # fmt: skip
    except ValidationError as exc:
        _messages(request, exc)
    else:
        messages.success(request, _("已拨付"))
    return redirect("funds:project_detail", pk=tranche.project_id)


@login_required
@require_POST
def report_accept(request, pk: int):
    report = selectors.report_or_404(request.user, pk)
    try:
        services.report_accept(actor=request.user, report=report)
    except ValidationError as exc:
        _messages(request, exc)
    else:
        messages.success(request, _("报告已审核通过"))
    return redirect("funds:project_detail", pk=report.project_id)
