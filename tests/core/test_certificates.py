"""Certificates: codes, issue/revoke services with audit, the Word and PDF files, and the public
check page (no login, masked holder, revoked shown, unknown → Chinese 404, rate-limited)."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kexie.core import certificates
from kexie.core.certificates import certificate_issue, certificate_revoke
from kexie.core.models import AuditEntry


@pytest.fixture
def cert(world):
    return certificate_issue(
        actor=world.users["county_staff"],
        kind="honour",
        holder_name="张小明",
        title="2020年度优秀科技工作者",
        unit=world.orgs["rencheng"],
        body={"paragraphs": ["在科普工作中成绩突出,特发此证。"], "fields": [["服务时长", "32 小时"]]},
    )


def test_codes_are_unique_typable_and_checked():
    codes = {certificates.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    code = next(iter(codes))
    assert len(code) == 12 and set(code) <= set(certificates.ALPHABET)
    shown = certificates.display_code(code)
    assert shown.count("-") == 2
    assert certificates.normalise_code(shown.lower().replace("-", " ")) == code
    # Every single mistyped character is caught by the check character.
    for i in range(12):
        for c in certificates.ALPHABET:
            if c != code[i]:
                assert certificates.normalise_code(code[:i] + c + code[i + 1 :]) is None
    assert certificates.normalise_code("short") is None


def test_misread_letters_are_read_as_digits():
    code = certificates.new_code()
    typed = code.replace("0", "O").replace("1", "I")
    assert certificates.normalise_code(typed) == code


@pytest.mark.parametrize(
    ("name", "masked"), [("张三", "张*"), ("张小明", "张*明"), ("欧阳小明", "欧**明"), ("李", "李"), ("", "")]
)
def test_holder_name_masked(name, masked):
    assert certificates.mask_name(name) == masked


def test_issue_writes_audit_entry(cert, world):
    entry = AuditEntry.objects.unscoped(reason="test").get(action="kexie.certificate.issued")
    assert entry.object_id == str(cert.pk)
    assert entry.unit_id == world.orgs["rencheng"].pk
    assert entry.after["code"] == cert.code


def test_issue_refuses_out_of_scope_unit_and_missing_fields(world):
    with pytest.raises(ValidationError) as exc:
        certificate_issue(
            actor=world.users["county_staff"], kind="honour", holder_name="王五", title="奖状",
            unit=world.orgs["yanzhou"], body={},
        )  # fmt: skip
    assert "不在您的管辖范围内" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        certificate_issue(actor=None, kind="", holder_name=" ", title="奖状", unit=world.orgs["rencheng"])
    assert "持证人" in str(exc.value) and "证书类别" in str(exc.value)


def test_issue_needs_edit_permission(world):
    from kexie.testing import _user as make_user

    viewer = make_user("viewer_only", world.orgs["rencheng"], ["viewer"])
    with pytest.raises(PermissionDenied):
        certificate_issue(
            actor=viewer, kind="honour", holder_name="王五", title="奖状", unit=world.orgs["rencheng"]
        )


def test_revoke_needs_reason_and_is_audited(cert, world):
    staff = world.users["county_staff"]
    with pytest.raises(ValidationError):
        certificate_revoke(actor=staff, certificate=cert, reason="  ")
    certificate_revoke(actor=staff, certificate=cert, reason="获奖资格被撤销")
    cert.refresh_from_db()
    assert cert.is_revoked and cert.revoked_reason == "获奖资格被撤销"
    assert AuditEntry.objects.unscoped(reason="test").filter(action="kexie.certificate.revoked").count() == 1
    with pytest.raises(ValidationError):
        certificate_revoke(actor=staff, certificate=cert, reason="再次撤销")


def test_docx_carries_code_and_qr(cert, settings):
    settings.KEXIE_PUBLIC_URL = "https://kx.example.cn/"
    data = certificates.certificate_docx(cert)
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        xml = docx.read("word/document.xml").decode()
        media = [n for n in docx.namelist() if n.startswith("word/media/")]
    shown = certificates.display_code(cert.code)
    assert shown in xml
    assert f"https://kx.example.cn/verify/{shown}/" in xml
    assert "张小明" in xml and "服务时长:32 小时" in xml
    assert media, "the QR code is embedded as a picture"


def test_qr_encodes_the_public_check_url(cert, settings):
    settings.KEXIE_PUBLIC_URL = "https://kx.example.cn"
    assert (
        certificates.verify_url(cert)
        == f"https://kx.example.cn/verify/{certificates.display_code(cert.code)}/"
    )


def test_pdf_is_one_page(cert):
    data = certificates.certificate_pdf(cert)
    assert data.startswith(b"%PDF")
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type /Page>") >= 1


# ---------------------------------------------------------------------- the public page


def test_public_page_without_login_shows_valid_and_masked_holder(cert, client):
    response = client.get(f"/verify/{certificates.display_code(cert.code)}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "证书真实有效" in text and "张*明" in text and "张小明" not in text
    assert "2020年度优秀科技工作者" in text and "任城区科学技术协会" in text


def test_public_page_accepts_code_as_typed(cert, client):
    response = client.get(f"/verify/{cert.code.lower()}/")
    assert response.status_code == 200


def test_public_page_shows_revoked(cert, client, world):
    certificate_revoke(actor=world.users["county_staff"], certificate=cert, reason="材料不实")
    text = client.get(f"/verify/{cert.code}/").content.decode()
    assert "已撤销" in text and "材料不实" in text and "真实有效" not in text


def test_unknown_code_is_a_chinese_404(cert, client):
    other = certificates.new_code()
    response = client.get(f"/verify/{other}/")
    assert response.status_code == 404
    assert "没有验证码为" in response.content.decode()
    assert client.get("/verify/not-a-code/").status_code == 404


def test_form_redirects_valid_code_and_explains_typo(cert, client):
    response = client.get("/verify/", {"code": cert.code.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{certificates.display_code(cert.code)}/"
    response = client.get("/verify/", {"code": "ABCD"})
    assert response.status_code == 200 and "验证码“ABCD”有误" in response.content.decode()


def test_lookups_are_rate_limited(cert, client, settings):
    settings.KEXIE_VERIFY_RATE = 5
    codes = [certificates.new_code() for _ in range(5)]
    assert [client.get(f"/verify/{c}/").status_code for c in codes] == [404] * 5
    response = client.get(f"/verify/{cert.code}/")
    assert response.status_code == 429
    assert "过于频繁" in response.content.decode()


def test_published_scope_is_the_only_public_read(cert):
    from kexie.core.models import Certificate
    from kexie.core.scoping import ScopeError, enforced

    with enforced():
        assert Certificate.objects.published().filter(code=cert.code).exists()
        with pytest.raises(ScopeError):
            Certificate.objects.filter(code=cert.code).exists()


def test_staff_downloads_and_revokes_in_scope_only(cert, client, personas):
    client.force_login(personas["county_staff"])
    assert client.get(f"/core/certificates/{cert.pk}/docx/").status_code == 200
    client.force_login(personas["outsider"])
    assert client.get(f"/core/certificates/{cert.pk}/docx/").status_code == 404
    assert client.post(f"/core/certificates/{cert.pk}/revoke/", {"reason": "x"}).status_code == 404
    cert.refresh_from_db()
    assert not cert.is_revoked


def test_api_check_is_public_masked_and_rate_limited(cert, client, settings):
    response = client.get(f"/api/v1/core/certificates/verify/{cert.code.lower()}")
    assert response.status_code == 200
    assert response.json() | {"issued_on": None} == {
        "code": certificates.display_code(cert.code),
        "valid": True,
        "revoked_reason": "",
        "title": "2020年度优秀科技工作者",
        "holder": "张*明",
        "issuer": "任城区科学技术协会",
        "issued_on": None,
    }
    assert client.get(f"/api/v1/core/certificates/verify/{certificates.new_code()}").status_code == 404
    settings.KEXIE_VERIFY_RATE = 2
    response = client.get(f"/api/v1/core/certificates/verify/{cert.code}")
    assert response.status_code == 429 and "过于频繁" in response.json()["detail"]
