"""A competition's main path in a real browser, ending where a certificate is checked: a team
of pupils registers on a phone (no login; privacy notice, a guardian's consent under 14) with its
attachment, staff pass the formal check and assign the judge on the round's page (the plan shown
first), the judge scores a blind entry on a phone with a two-criterion rubric, staff close the
round and decide, the 公示 page is read on a phone, results become final, the entrant downloads
the certificate (Word and PDF) through the status link, and the certificate's verification page
(the URL printed on it and carried by its QR code) confirms it, also when the code is typed in by
hand. (It took over tests/browser/test_browser_calls.py, whose checks are all here.)

Robust to the time of day: every date the server compares is fixed or far from a boundary (the
members are 9–10 on any day, the notice ran in 2020), and logins are session cookies made by
Django's test client, so nothing waits on the login page."""

import datetime as dt
from pathlib import Path

import pytest

from kexie.calls.models import Entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 860}
PDF = b"%PDF-1.4\n1 0 obj << /Title (report) >> endobj\n%%EOF\n"
RUBRIC = [
    {"code": "innovation", "label": "创新性", "weight": 2, "max": 40},
    {"code": "science", "label": "科学性", "weight": 1, "max": 30},
]


def _context(browser, base, username=None, *, viewport=PHONE):
    """A browser context, signed in as `username` through a session cookie when given."""
    from django.conf import settings
    from django.test import Client

    from kexie.accounts.models import User

    context = browser.new_context(viewport=viewport, locale="zh-CN")
    if username:
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def _call_and_judge(world):
    """A public, blind team competition with a required attachment, and a review round whose
    one judge (a directory expert with an account) is already engaged."""
    from kexie.accounts.models import User
    from kexie.calls import judging
    from kexie.calls.testing import open_call
    from kexie.directory.services import person_create
    from kexie.testing import PASSWORD

    admin = world.users["city_admin"]
    call = open_call(
        admin, title="2020年济宁市青少年科技创新大赛", kind="competition", entrant_kind="team", series="",
        is_public=True, is_blind=True, eligibility=[{"rule": "team", "max": 3, "same_stage": True}],
        prize_levels=[{"code": "first", "label": "一等奖", "max_count": 3}],
        form_fields=[{"name": "abstract", "label": "作品简介", "type": "text", "required": True},
                     {"name": "report", "label": "研究报告", "type": "file", "required": True, "extensions": [".pdf"]}],
    )  # fmt: skip
    rnd = judging.round_create(
        actor=admin, call=call, data={"name": "初赛", "per_entry": 1, "max_load": 5, "criteria": RUBRIC}
    )
    person = person_create(actor=admin, data={"name": "钱评委", "unit": admin.unit, "is_expert": True,
                                              "profile": "水质 监测 传感器"})  # fmt: skip
    account = User(username="judge_qian", unit=admin.unit, roles=["viewer"], display_name="钱评委")
    account.set_password(PASSWORD)
    account.save()
    judging.round_judge_add(actor=admin, round=rnd, person=person, user=account)
    return call, rnd


def test_registration_judging_notice_certificate_and_its_check(
    browser_page, live_server, world, settings, tmp_path, screenshot_dir
):
    from django.utils import timezone

    from kexie.core.certificates import qr_png

    settings.MEDIA_ROOT = tmp_path
    settings.KEXIE_PUBLIC_URL = live_server.url  # the certificate's printed URL points here
    page, base, browser = browser_page, live_server.url, browser_page.context.browser
    call, rnd = _call_and_judge(world)

    # 1. A team registers on a phone, without a login, with its report attached.
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/calls/register/{call.pk}/")
    assert "隐私说明" in page.inner_text("#privacy-notice")
    born = dt.date(timezone.localdate().year - 10, 1, 1)  # 9 or 10 on any day: a guardian consents
    page.fill("#id_title", "河道水质监测浮标")
    page.fill("#id_institution_name", "济宁市第一中学")
    page.fill("#id_answer_abstract", "用传感器监测河道水质,数据实时上传")
    page.set_input_files("#id_file_report", files=[{"name": "研究报告.pdf", "mimeType": "application/pdf",
                                                     "buffer": PDF}])  # fmt: skip
    page.fill("#id_members", f"李华,负责人,{born.isoformat()},小学\n张强,成员,{born.isoformat()},小学")
    page.fill("#id_phone", "13912345678")
    page.check("#id_privacy")
    page.click("#register-button")
    assert "监护人" in page.inner_text("#registration-form")  # under 14: the guardian must consent
    assert not Entry.objects.unscoped(reason="test").filter(call=call).exists()
    page.set_input_files("#id_file_report", files=[{"name": "研究报告.pdf", "mimeType": "application/pdf",
                                                     "buffer": PDF}])  # fmt: skip
    page.fill("#id_guardian_name", "王家长")
    page.check("#id_guardian_consent")
    page.check("#id_privacy")
    page.click("#register-button")
    page.wait_for_selector("#status-link")
    status_url = page.get_attribute("#status-link", "href")
    entry = Entry.objects.unscoped(reason="test").get(call=call)
    assert page.inner_text("#entry-code") == entry.code and entry.status == "submitted"
    page.goto(f"{base}{status_url}")
    assert page.inner_text("#entry-status") == "待形式审查"

    # 2. Staff pass the formal check and assign the round on its page, the plan shown first.
    staff_context, staff = _context(browser, base, "city_admin", viewport=DESKTOP)
    staff.goto(f"{base}/calls/entries/{entry.pk}/")
    staff.click("#accept-button")
    staff.goto(f"{base}/calls/rounds/{rnd.pk}/?plan=1")
    assert "亲和度" in staff.inner_text("#plan-pairs")
    staff.click("#assign-button")
    staff.wait_for_selector("#saved-pairs")

    # 3. The judge scores on a phone (blind): the attachment is there, a bad score is named, then saved.
    judge_context, judge = _context(browser, base, "judge_qian")
    judge.goto(f"{base}/calls/judging/")
    judge.click("#my-assignments a:has-text('河道水质监测浮标')")
    assert judge.inner_text(".entry-file") == f"{entry.code}-report.pdf"  # blind: not the uploaded name
    assert "李华" not in judge.inner_text("main") and "济宁市第一中学" not in judge.inner_text(
        "main"
    )  # blind
    judge.fill("#id_c_innovation", "45")
    judge.fill("#id_c_science", "24")
    judge.click("#score-button")
    assert "“创新性”应在 0 到 40 之间" in judge.inner_text("#score-form")
    judge.fill("#id_c_innovation", "36")
    judge.click("#score-button")
    judge.wait_for_url(f"{base}/calls/judging/")
    judge_context.close()

    # 4. Staff see the score (100 × (2 × 36/40 + 24/30) / 3 = 86.67), close the round and decide.
    staff.goto(f"{base}/calls/rounds/{rnd.pk}/")
    assert "86.67" in staff.inner_text("#ranking")
    staff.click("#close-round")
    staff.wait_for_selector("#ranking")
    assert "本轮结束" in staff.inner_text("body")
    staff.goto(f"{base}/calls/entries/{entry.pk}/")
    staff.select_option("select[name=outcome]", "award")
    staff.select_option("select[name=prize]", "first")
    staff.fill("input[name=votes_for]", "7")
    staff.click("#decide-button")
    assert "一等奖" in staff.inner_text("main")
    staff.goto(f"{base}/calls/{call.pk}/")
    staff.fill("input[name=starts_on]", "2020-09-29")  # a 公示 whose period ended long ago
    staff.click("#notice-button")
    staff.wait_for_selector("#finalise-button")

    # 5. The 公示 on a phone, without a login.
    public_context, public = _context(browser, base)
    public.goto(f"{base}/calls/notice/{call.pk}/")
    assert "河道水质监测浮标" in public.inner_text("#notice-list")
    assert "5 个工作日" in public.inner_text("#notice-period")

    # 6. Final results, certificates; the entrant downloads theirs through the status link.
    staff.click("#finalise-button")
    with staff.expect_navigation():
        staff.click("#certificates-button")
    staff_context.close()
    public.goto(f"{base}{status_url}")
    assert public.inner_text("#entry-status") == "拟授奖/拟推荐"
    with public.expect_download() as download:
        public.click("#certificate-download")
    assert download.value.suggested_filename == f"{entry.code}证书.docx"
    url, qr = _printed_check(download.value.path())
    with public.expect_download() as download:
        public.click("#certificate-download-pdf")
    assert download.value.suggested_filename == f"{entry.code}证书.pdf"
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
    assert url.startswith(f"{base}/verify/") and qr == qr_png(url)  # the QR code carries the same URL

    # 7. The check page the certificate points to, then the code typed by hand (lower case, no dashes).
    public.goto(url)
    assert "证书真实有效" in public.inner_text(".alert")
    card = public.inner_text(".kx-public-card")
    assert "2020年济宁市青少年科技创新大赛" in card and "李华" not in card  # the holder's name is masked
    public.screenshot(path=str(screenshot_dir / "calls-certificate-check.png"))
    code = url.rstrip("/").rsplit("/", 1)[1]
    public.goto(f"{base}/verify/?code={code.replace('-', '').lower()}")
    assert "证书真实有效" in public.inner_text(".alert") and code in public.inner_text("code")
    public_context.close()


def _printed_check(path) -> tuple[str, bytes]:
    """The verification URL printed on the Word certificate and the picture (its QR code)."""
    import re

    import docx

    document = docx.Document(path)
    text = "\n".join(p.text for p in document.paragraphs)
    url = re.search(r"(https?://\S+/verify/[0-9A-Z-]+/)", text).group(1)
    pictures = [rel.target_part.blob for rel in document.part.rels.values() if "image" in rel.reltype]
    assert len(pictures) == 1, pictures
    return url, pictures[0]
