"""File fields of an entry form: limits, random stored names, who may download (404 for the
rest), and a blind call's judges get an anonymous name and a copy without author metadata."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from kexie.calls import entry_files, judging, services
from kexie.calls.models import EntryFile
from kexie.calls.testing import open_call

PDF = (b"%PDF-1.4\n1 0 obj << /Author (Wang Xiaoming) /Creator (Word) /Title (x) >> endobj\n"
       b"<dc:creator>Wang Xiaoming</dc:creator>\n%%EOF\n")  # fmt: skip
FORM = [
    {"name": "abstract", "label": "作品简介", "type": "text", "required": True},
    {"name": "report", "label": "研究报告", "type": "file", "required": True, "extensions": [".pdf", ".docx"],
     "max_mb": 1},
]  # fmt: skip


def _docx(author="王小明") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("docProps/core.xml", f"<cp:coreProperties><dc:creator>{author}</dc:creator>"
                                        f"<cp:lastModifiedBy>{author}</cp:lastModifiedBy></cp:coreProperties>")  # fmt: skip
        z.writestr("word/document.xml", f'<w:document><w:ins w:author="{author}">正文</w:ins></w:document>')
    return out.getvalue()


@pytest.fixture
def entry(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    admin = world.users["city_admin"]
    call = open_call(admin, title="2020年济宁市科普创作大赛", kind="competition", entrant_kind="person",
                     is_blind=True, eligibility=[], form_fields=FORM)  # fmt: skip
    staff = world.users["county_staff"]
    return services.entry_create(actor=staff, call=call, data={
        "title": "水的旅行", "entrant_name": "王小明", "answers": {"abstract": "科普绘本"}})  # fmt: skip


def _upload(name, data):
    return SimpleUploadedFile(name, data)


def test_uploads_are_checked_stored_under_a_random_name_and_required_at_submission(world, entry):
    staff = world.users["county_staff"]
    with pytest.raises(ValidationError, match="请上传研究报告"):
        services.entry_submit(actor=staff, entry=entry)
    with pytest.raises(ValidationError, match="不支持的文件类型"):
        entry_files.entry_file_upload(
            actor=staff, entry=entry, field="report", upload=_upload("a.png", b"\x89PNG....")
        )
    with pytest.raises(ValidationError, match="与扩展名"):
        entry_files.entry_file_upload(
            actor=staff, entry=entry, field="report", upload=_upload("a.pdf", b"MZ\x90\x00")
        )
    with pytest.raises(ValidationError, match="上限为 1 MB"):
        big = PDF + b" " * (1024 * 1024)
        entry_files.entry_file_upload(actor=staff, entry=entry, field="report", upload=_upload("a.pdf", big))
    with pytest.raises(ValidationError, match="没有附件字段"):
        entry_files.entry_file_upload(
            actor=staff, entry=entry, field="abstract", upload=_upload("a.pdf", PDF)
        )
    with pytest.raises(Http404):  # another county does not touch 任城区's entry
        entry_files.entry_file_upload(actor=world.users["outsider"], entry=entry, field="report",
                                      upload=_upload("a.pdf", PDF))  # fmt: skip
    row = entry_files.entry_file_upload(
        actor=staff, entry=entry, field="report", upload=_upload("../../etc/王小明 报告;rm -rf.pdf", PDF)
    )
    assert row.original_name == "王小明_报告_rm_-rf.pdf"
    assert "王小明" not in row.file.name and row.file.name.endswith(".pdf") and "/etc/" not in row.file.name
    again = entry_files.entry_file_upload(
        actor=staff, entry=entry, field="report", upload=_upload("v2.pdf", PDF)
    )
    assert (
        EntryFile.objects.unscoped(reason="test").filter(entry=entry).count() == 1
        and again.original_name == "v2.pdf"
    )
    services.entry_submit(actor=staff, entry=entry)
    with pytest.raises(ValidationError, match="已提交"):
        entry_files.entry_file_upload(actor=staff, entry=entry, field="report", upload=_upload("v3.pdf", PDF))


def test_only_the_entrant_handlers_and_judges_download_and_blind_judges_get_no_names(client, world, entry):
    from tests.calls.conftest import make_user

    admin, staff = world.users["city_admin"], world.users["county_staff"]
    row = entry_files.entry_file_upload(
        actor=staff, entry=entry, field="report", upload=_upload("王小明.pdf", PDF)
    )
    url = reverse("calls:entry_file", args=(row.pk,))
    for user in (staff, admin):  # the submitting unit and the organiser
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and b"Wang Xiaoming" in response.content
        assert "%E7%8E%8B%E5%B0%8F%E6%98%8E.pdf" in response["Content-Disposition"]
    client.force_login(world.users["outsider"])
    assert client.get(url).status_code == 404
    judge_user = make_user("judge_file", admin.unit)
    client.force_login(judge_user)
    assert client.get(url).status_code == 404  # not (yet) a judge of this entry
    services.entry_submit(actor=staff, entry=entry)
    services.entry_accept(actor=admin, entry=entry)
    services.call_close(actor=admin, call=entry.call)
    from kexie.directory.services import person_create

    rnd = judging.round_create(
        actor=admin, call=entry.call, data={"name": "初赛", "per_entry": 1, "max_load": 5}
    )
    person = person_create(actor=admin, data={"name": "赵评委", "unit": admin.unit, "is_expert": True})
    judging.round_judge_add(actor=admin, round=rnd, person=person, user=judge_user)
    judging.round_assign(actor=admin, round=rnd)
    response = client.get(url)
    assert response.status_code == 200
    assert b"Wang Xiaoming" not in response.content and response.content.startswith(b"%PDF")
    assert len(response.content) == len(PDF)  # offsets kept
    assert (
        entry.code in response["Content-Disposition"] and "%E7%8E%8B" not in response["Content-Disposition"]
    )
    assignment = judging.judge_assignments(judge_user).get()
    page = client.get(reverse("calls:judge_score", args=(assignment.pk,))).content.decode()
    assert f"{entry.code}-report.pdf" in page and "王小明" not in page


def test_a_blind_copy_of_a_docx_has_no_author():
    clean = entry_files.scrub(_docx(), ".docx")
    with zipfile.ZipFile(io.BytesIO(clean)) as z:
        text = "".join(z.read(n).decode() for n in z.namelist())
    assert "王小明" not in text and "正文" in text


def test_the_entry_page_uploads_through_the_form(client, world, entry):
    client.force_login(world.users["county_staff"])
    page = client.get(reverse("calls:entry_detail", args=(entry.pk,))).content.decode()
    assert 'id="file-report"' in page
    client.post(reverse("calls:entry_file_upload", args=(entry.pk,)),
                {"field": "report", "file": _upload("报告.pdf", PDF)})  # fmt: skip
    page = client.get(reverse("calls:entry_detail", args=(entry.pk,))).content.decode()
    assert "报告.pdf" in page


def test_a_file_fields_limits_are_checked_when_the_call_is_configured(world):
    admin = world.users["city_admin"]
    with pytest.raises(ValidationError, match="不可用"):
        open_call(admin, form_fields=[{"name": "f", "type": "file", "extensions": [".exe"]}])
    with pytest.raises(ValidationError, match="max_mb"):
        open_call(admin, form_fields=[{"name": "f", "type": "file", "max_mb": 10_000}])
