"""The public certificate check (/verify/, no login) and the staff's certificate pages."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kexie.core import certificates
from kexie.core.models import Certificate
from kexie.core.scoping import get_scoped_or_404
from kexie.core.throttle import client_address, hit
from kexie.core.views import offset_page

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _over_limit(request) -> bool:
    return not hit(
        f"verify:{client_address(request)}",
        limit=settings.KEXIE_VERIFY_RATE,
        window=settings.KEXIE_VERIFY_WINDOW,
    )


def _too_many(request):
    return render(request, "verify/too_many.html", status=429)


@require_GET
def verify_form(request):
    """Type a code: a valid-looking one goes to its page, a mistyped one is said so here."""
    text = request.GET.get("code", "")
    context = {"code": text[:40]}
    if text:
        if _over_limit(request):
            return _too_many(request)
        code = certificates.normalise_code(text)
        if code is not None:
            return redirect("verify:certificate", code=certificates.display_code(code))
        context["error"] = _("验证码“%(text)s”有误:应为12位字母或数字(如 7KQ2-M9XD-4TRB),请核对后重试") % {
            "text": text[:40]
        }
    return render(request, "verify/form.html", context)


@require_GET
def verify_certificate(request, code: str):
    if _over_limit(request):
        return _too_many(request)
    cert = certificates.verify(code)
    if cert is None:
        return render(request, "verify/unknown.html", {"code": code[:40]}, status=404)
    context = {
        "cert": cert,
        "holder": certificates.mask_name(cert.holder_name),
        "code": certificates.display_code(cert.code),
    }
    return render(request, "verify/certificate.html", context)


# ---------------------------------------------------------------------- staff


@login_required
def certificate_list(request):
    qs = Certificate.objects.for_user(request.user).select_related("unit")
    return render(request, "core/certificate_list.html", {"page": offset_page(qs, request)})


def _attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def certificate_docx(request, pk: int):
    cert = get_scoped_or_404(Certificate, request.user, pk=pk)
    return _attachment(certificates.certificate_docx(cert), f"{cert.title}-{cert.holder_name}.docx", DOCX)


@login_required
def certificate_pdf(request, pk: int):
    cert = get_scoped_or_404(Certificate, request.user, pk=pk)
    return _attachment(
        certificates.certificate_pdf(cert), f"{cert.title}-{cert.holder_name}.pdf", "application/pdf"
    )


@login_required
@require_POST
def certificate_revoke(request, pk: int):
    cert = get_scoped_or_404(Certificate, request.user, pk=pk)
    try:
        certificates.certificate_revoke(
            actor=request.user, certificate=cert, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("证书已撤销"))
    return redirect("core:certificate_list")
