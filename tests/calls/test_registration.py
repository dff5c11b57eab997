"""Public registration on a phone: privacy notice, guardian consent under 14, no login; the
entrant follows the entry by the link."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kexie.calls import registration
from kexie.calls.codes import EntryStatus
from kexie.calls.models import Entry
from kexie.calls.testing import open_call


@pytest.fixture
def public_call(world):
    return open_call(
        world.users["city_admin"], title="第19届济宁市青少年科技创新大赛", kind="competition", entrant_kind="team",
        is_public=True, eligibility=[{"rule": "team", "max": 3}],
        form_fields=[{"name": "category", "label": "类别", "type": "choice", "choices": ["科技创新成果", "科幻画"],
                      "required": True}],
    )  # fmt: skip


TODAY = dt.date(2020, 4, 10)
CHILD = {"name": "小明", "role": "leader", "birth_date": dt.date(2008, 9, 1), "school_stage": "junior"}


def _register(call, members, privacy=True):
    data = {
        "title": "智能浇花器",
        "institution_name": "济宁市第一中学",
        "answers": {"category": "科技创新成果"},
    }
    return registration.entry_register(
        call=call, data=data, members=members, privacy_accepted=privacy, today=TODAY
    )


def test_privacy_and_guardian_consent_are_required(world, public_call):
    with pytest.raises(ValidationError) as exc:
        _register(public_call, [dict(CHILD)], privacy=False)
    assert "隐私说明" in str(exc.value) and "监护人" in str(exc.value)
    assert not Entry.objects.unscoped(reason="test").exists()
    entry, token = _register(public_call, [{**CHILD, "guardian_name": "王家长", "guardian_consent": True}])
    assert entry.status == EntryStatus.SUBMITTED and entry.submitting_unit == public_call.organiser
    member = entry.members.get()
    assert member.guardian_name == "王家长" and member.guardian_consent_at is not None
    from kexie.calls.services import entry_by_status_token

    assert entry_by_status_token(token) == entry


def test_a_fourteen_year_old_needs_no_guardian(world, public_call):
    entry, _token = _register(public_call, [{**CHILD, "birth_date": dt.date(2006, 4, 10)}])
    assert entry.status == EntryStatus.SUBMITTED


def test_the_phone_form_without_login(client, world, public_call):
    url = reverse("calls:register", args=(public_call.pk,))
    page = client.get(url).content.decode()
    assert "隐私说明" in page and "监护人" in page
    response = client.post(url, {
        "title": "智能浇花器", "institution_name": "济宁市第一中学", "phone": "13912345678", "answer_category": "科幻画",
        "members": "小明,负责人,2005-09-01,高中\n小红,成员,2005-10-01,高中", "privacy": "on",
    })  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200 and "报名成功" in body
    entry = Entry.objects.unscoped(reason="test").get()
    assert entry.members.count() == 2 and entry.members.get(role="leader").phone == "13912345678"
    assert "13912345678" not in body


def test_a_call_without_public_registration_has_no_form(client, world, city_call):
    assert client.get(reverse("calls:register", args=(city_call.pk,))).status_code == 404


PDF = b"%PDF-1.4\n1 0 obj << /Author (Wang) >> endobj\n%%EOF\n"


@pytest.fixture
def call_with_attachment(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return open_call(
        world.users["city_admin"], title="2020年济宁市科普创作大赛", kind="competition", entrant_kind="team",
        is_public=True, is_blind=True, eligibility=[],
        form_fields=[{"name": "report", "label": "作品说明书", "type": "file", "required": True,
                      "extensions": [".pdf", ".docx"], "max_mb": 0.001},
                     {"name": "photo", "label": "作品照片", "type": "file", "extensions": [".png", ".jpg"]}],
    )  # fmt: skip


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_registration_takes_the_calls_attachments_checked_before_anything_is_saved(
    world, call_with_attachment
):
    from kexie.calls import entry_files
    from kexie.calls.models import EntryFile

    call, adult = call_with_attachment, {**CHILD, "birth_date": dt.date(2000, 1, 1)}
    cases = [
        ({}, "请上传作品说明书"),
        ({"report": _upload("说明书.png", b"\x89PNG\r\n")}, "作品说明书:不支持的文件类型“.png”"),
        ({"report": _upload("说明书.pdf", b"PK\x03\x04")}, "作品说明书:文件内容与扩展名“.pdf”不符"),
        ({"report": _upload("说明书.pdf", PDF + b" " * 2000)}, "作品说明书:文件过大"),
        ({"report": _upload("a.pdf", PDF), "video": _upload("a.pdf", PDF)}, "报名表没有附件“video”"),
    ]
    for files, message in cases:
        with pytest.raises(ValidationError, match=message):
            registration.entry_register(call=call, data={"title": "水的旅行", "institution_name": "济宁一中"},
                                        members=[dict(adult)], privacy_accepted=True, files=files, today=TODAY)  # fmt: skip
    assert (
        not Entry.objects.unscoped(reason="test").exists()
        and not EntryFile.objects.unscoped(reason="t").exists()
    )
    entry, _token = registration.entry_register(
        call=call, data={"title": "水的旅行", "institution_name": "济宁一中"}, members=[dict(adult)],
        privacy_accepted=True, files={"report": _upload("../../王 小明;说明书.pdf", PDF)}, today=TODAY,
    )  # fmt: skip
    row = EntryFile.objects.unscoped(reason="test").get(entry=entry)
    assert entry.status == EntryStatus.SUBMITTED and row.field == "report" and row.size == len(PDF)
    assert row.original_name == "王_小明_说明书.pdf" and "小明" not in row.stored_name
    _row, name, data = entry_files.file_for_download(
        world.users["city_admin"], row.pk
    )  # the organiser's staff
    assert name == "王_小明_说明书.pdf" and data == PDF


def test_the_phone_form_uploads_the_attachment_and_names_a_bad_one_in_chinese(
    client, world, call_with_attachment
):
    from kexie.calls.models import EntryFile

    url = reverse("calls:register", args=(call_with_attachment.pk,))
    page = client.get(url).content.decode()
    assert (
        'enctype="multipart/form-data"' in page
        and 'accept=".pdf,.docx"' in page
        and "不超过 0.001 MB" in page
    )
    post = {"title": "水的旅行", "institution_name": "济宁一中", "phone": "13912345678",
            "members": "小明,负责人,2000-01-01,高中", "privacy": "on"}  # fmt: skip
    body = client.post(url, {**post, "file_report": _upload("说明书.exe", b"MZ")}).content.decode()
    assert "作品说明书:不支持的文件类型“.exe”" in body and not Entry.objects.unscoped(reason="test").exists()
    response = client.post(url, {**post, "file_report": _upload("说明书.pdf", PDF)})
    assert "报名成功" in response.content.decode()
    assert (
        EntryFile.objects.unscoped(reason="test").get().entry == Entry.objects.unscoped(reason="test").get()
    )
