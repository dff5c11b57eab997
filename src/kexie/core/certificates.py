"""Certificates with a verification code that anyone can check on a public page.

A module (honours, competitions, volunteer hours, training) issues a certificate through
`certificate_issue`, gives the holder `certificate_docx(cert)` (or `certificate_pdf`), and the
public page /verify/<code>/ tells whoever holds the paper whether it is genuine and still valid.

The code is 11 random characters of Crockford's base-32 alphabet (no I, L, O, U: nothing to
misread) and a Luhn mod 32 check character, shown in groups of four (`7KQ2-M9XD-4TRB`): 55 random
bits, so that guessing a valid code is hopeless even without the page's rate limit, and a typo
is caught before any look-up (every single wrong character and most swaps of neighbours).
"""

from __future__ import annotations

import io
import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.roles import EDIT
from kexie.core import audit
from kexie.core.models import Certificate
from kexie.core.services import require_perm, require_unit_in_scope

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32
CODE_LENGTH = 12
_READ_AS = {"O": "0", "I": "1", "L": "1", "U": "V"}  # what people type for the symbols left out


def _check_char(payload: str) -> str:
    """Luhn mod N (N = 32) over the payload: the character that makes the whole code check."""
    factor, total, n = 2, 0, len(ALPHABET)
    for char in reversed(payload):
        addend = factor * ALPHABET.index(char)
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def new_code() -> str:
    payload = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH - 1))
    return payload + _check_char(payload)


def normalise_code(text: str) -> str | None:
    """The stored form of a typed code (spaces, dashes and case ignored, O→0, I/L→1), or None when
    it cannot be a code (wrong length, foreign character, wrong check character)."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    code = "".join(_READ_AS.get(c, c) for c in text.upper() if c not in " -_")
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code if _check_char(code[:-1]) == code[-1] else None


def display_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def public_url(path: str) -> str:
    """An absolute URL of this installation as the public sees it (KEXIE_PUBLIC_URL)."""
    return settings.KEXIE_PUBLIC_URL.rstrip("/") + path


def verify_url(cert: Certificate) -> str:
    return public_url(reverse("verify:certificate", args=[display_code(cert.code)]))


def mask_name(name: str) -> str:
    """张三 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明; a Latin name keeps its first and last letter."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# ---------------------------------------------------------------------- services


def _require_may_issue(actor, unit) -> None:
    if actor is None:  # a system job (the demo, a scheduled issue)
        return
    require_perm(actor, EDIT)
    require_unit_in_scope(actor, unit, "unit")


def _clean(kind: str, holder_name: str, title: str, unit, body) -> None:
    errors = {}
    if not (kind or "").strip():
        errors["kind"] = _("证书类别:请填写")
    if not (holder_name or "").strip():
        errors["holder_name"] = _("持证人:请填写姓名或单位名称")
    if not (title or "").strip():
        errors["title"] = _("证书名称:请填写")
    if unit is None:
        errors["unit"] = _("颁发单位:请选择")
    if not isinstance(body, dict):
        errors["body"] = _("证书内容:应为键值对象")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def certificate_issue(
    *,
    actor,
    kind: str,
    holder_name: str,
    title: str,
    unit,
    body: dict | None = None,
    source=None,
    issued_on=None,
) -> Certificate:
    """Issue a certificate with a fresh verification code. `body` holds what the certificate says
    beyond its title: {"paragraphs": ["…"], "fields": [["服务时长", "32 小时"], …]} (both optional).
    `source` is the record it certifies (an entry's result, a volunteer's hours)."""
    body = {} if body is None else body
    _clean(kind, holder_name, title, unit, body)
    _require_may_issue(actor, unit)
    cert = Certificate(
        kind=kind.strip(),
        holder_name=holder_name.strip(),
        title=title.strip(),
        unit=unit,
        issued_on=issued_on or timezone.localdate(),
        body=body,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if source is not None:
        cert.source_type = ContentType.objects.get_for_model(source)
        cert.source_id = source.pk
    for _attempt in range(5):  # 55 random bits: a collision is a curiosity, still handled
        cert.code = new_code()
        try:
            with transaction.atomic():
                cert.save()
            break
        except IntegrityError:
            cert.pk = None
    else:
        raise RuntimeError("no free verification code after 5 attempts")
    audit.log(
        actor=actor,
        action="kexie.certificate.issued",
        obj=cert,
        system=unit is None,
        after=audit.snapshot(cert, ["kind", "holder_name", "title", "issued_on", "code"]),
    )
    return cert


@transaction.atomic
def certificate_revoke(*, actor, certificate: Certificate, reason: str) -> Certificate:
    """Mark a certificate revoked (the public page says so from now on); the reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("撤销原因:请填写")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("撤销原因:不能超过300字")})
    _require_may_issue(actor, certificate.unit)
    if certificate.revoked_at is not None:
        raise ValidationError(_("该证书已于%(at)s撤销") % {"at": timezone.localtime(certificate.revoked_at)})
    now = timezone.now()
    updated = (
        Certificate.objects.of(certificate)
        .filter(revoked_at__isnull=True)
        .update(revoked_at=now, revoked_reason=reason)
    )
    if not updated:
        raise ValidationError(_("该证书已被撤销"))
    certificate.revoked_at, certificate.revoked_reason = now, reason
    audit.log(
        actor=actor,
        action="kexie.certificate.revoked",
        obj=certificate,
        after={"revoked_reason": reason},
    )
    return certificate


def certificate_for_source(source) -> list[Certificate]:
    """The certificates issued for a record (read in the caller's scope already)."""
    return list(
        Certificate.objects.unscoped(reason="certificates of a record already read in scope").filter(
            source_type=ContentType.objects.get_for_model(source), source_id=source.pk
        )
    )


def verify(code_text: str) -> Certificate | None:
    """The certificate a typed code names, through the published scope, or None."""
    code = normalise_code(code_text)
    if code is None:
        return None
    return Certificate.objects.published().filter(code=code).select_related("unit").first()


# ---------------------------------------------------------------------- documents


def qr_png(url: str, box_size: int = 8) -> bytes:
    import qrcode

    buffer = io.BytesIO()
    qrcode.make(url, box_size=box_size, border=2).save(buffer)
    return buffer.getvalue()


def qr_svg(url: str) -> str:
    import qrcode
    import qrcode.image.svg

    buffer = io.BytesIO()
    qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10).save(buffer)
    return buffer.getvalue().decode()


def _fields(cert: Certificate) -> list[tuple[str, str]]:
    rows = cert.body.get("fields") or []
    return [(str(r[0]), str(r[1])) for r in rows if isinstance(r, list | tuple) and len(r) == 2]


def _paragraphs(cert: Certificate) -> list[str]:
    return [str(p) for p in cert.body.get("paragraphs") or [] if str(p).strip()]


def certificate_docx(cert: Certificate) -> bytes:
    """The certificate as a Word file in the official layout, with its code and the QR code of
    the public check page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from kexie.core.officialdoc import OfficialDocument

    doc = OfficialDocument(title=cert.title, subject=_("证书"))
    doc.title(_("证  书"))
    doc.subtitle(cert.title)
    doc.body(_("%(holder)s:") % {"holder": cert.holder_name}).paragraph_format.first_line_indent = 0
    for text in _paragraphs(cert):
        doc.body(text)
    for label, value in _fields(cert):
        doc.body(f"{label}:{value}")
    doc.paragraph(str(cert.unit), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    doc.paragraph(_date_cn(cert.issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    doc.picture(qr_png(verify_url(cert)), width_mm=30)
    doc.paragraph(
        _("验证码:%(code)s  扫码或访问 %(url)s 核验")
        % {"code": display_code(cert.code), "url": verify_url(cert)},
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    return doc.to_bytes()


def _date_cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _pdf_font() -> str:
    """The family of the CJK font for PDFs: KEXIE_CJK_FONT (a font file) or Noto Sans SC."""
    import os

    import pylopdf_fonts_zh_cn
    from matplotlib import font_manager

    path = os.environ.get("KEXIE_CJK_FONT") or str(pylopdf_fonts_zh_cn.sans_path())
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def certificate_pdf(cert: Certificate) -> bytes:
    """The same certificate as a one-page A4 PDF, drawn by matplotlib (already a dependency) with
    the Chinese font of pylopdf-fonts-zh-cn embedded, so it prints the same everywhere."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from PIL import Image

    font = _pdf_font()
    mm = 1 / 25.4
    fig = Figure(figsize=(210 * mm, 297 * mm))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 210)
    ax.set_ylim(297, 0)
    ax.axis("off")

    def text(y, s, size=16, **kw):
        ax.text(
            kw.pop("x", 105), y, s, fontsize=size, fontfamily=font, ha=kw.pop("ha", "center"), va="top", **kw
        )

    text(40, _("证  书"), 30)
    text(62, cert.title, 18)
    y = 85
    text(y, _("%(holder)s:") % {"holder": cert.holder_name}, 16, x=28, ha="left")
    for line in [*_paragraphs(cert), *(f"{label}:{value}" for label, value in _fields(cert))]:
        for chunk in [line[i : i + 26] for i in range(0, len(line), 26)]:
            y += 11
            text(y, chunk, 15, x=34, ha="left")
    text(max(y + 25, 170), str(cert.unit), 15, x=182, ha="right")
    text(max(y + 36, 181), _date_cn(cert.issued_on), 15, x=182, ha="right")
    qr = Image.open(io.BytesIO(qr_png(verify_url(cert))))
    ax.imshow(qr, extent=(90, 120, 250, 220), cmap="gray", interpolation="nearest")
    text(253, _("验证码:%(code)s") % {"code": display_code(cert.code)}, 12)
    text(261, verify_url(cert), 9)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="pdf", metadata={"Title": cert.title, "Creator": "kexie"})
    return buffer.getvalue()
