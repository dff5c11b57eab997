"""公示: a period in working days (holidays and 调休 from the shared calendar), written objections
whose authors only the handlers see, and results final only after the period."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kexie.calls import notice, services
from kexie.calls.codes import CallStatus, EntryStatus
from kexie.core.models import AuditEntry
from kexie.honours.models import Honour

# Published on Tuesday 29 September 2020: 30 Sep, then 国庆节+中秋节 (1–8 Oct), 9 Oct, the 调休
# Saturday 10 Oct, 12 Oct, 13 Oct: the fifth working day after it is 13 October.
PUBLISHED = dt.date(2020, 9, 29)
LAST_DAY = dt.date(2020, 10, 13)


@pytest.fixture
def decided(world, recommend):
    """Two recommended people, both awarded by the committee."""
    staff, admin = world.users["county_staff"], world.users["city_admin"]
    entries = []
    for name in ("钱学问", "孙发明"):
        entry = recommend(name)
        services.entry_submit(actor=staff, entry=entry)
        services.entry_accept(actor=admin, entry=entry)
        services.entry_decide(actor=admin, entry=entry, outcome="award", votes_for=7)
        entries.append(entry)
    return entries


def _objection(call, entry, **extra):
    data = {"call": call, "entry": entry, "text": "该同志事迹材料有夸大", "objector_kind": "person",
            "objector_name": "周实名", "phone": "13912345678", "today": dt.date(2020, 10, 12)}  # fmt: skip
    data.update(extra)
    return notice.objection_file(**data)


def test_the_period_counts_working_days_with_holidays_and_make_up_days(world, city_call, decided):
    notice.call_notice_start(actor=world.users["city_admin"], call=city_call, starts_on=PUBLISHED)
    city_call.refresh_from_db()
    assert city_call.status == CallStatus.NOTICE
    assert (city_call.notice_starts_on, city_call.notice_ends_on) == (PUBLISHED, LAST_DAY)


def test_notice_waits_for_every_decision(world, city_call, decided, recommend):
    admin = world.users["city_admin"]  # 任城区's quota of 2 is used: the city enters this one itself
    pending = recommend("吴待审", actor=admin)
    services.entry_submit(actor=admin, entry=pending)
    with pytest.raises(ValidationError) as exc:
        notice.call_notice_start(actor=world.users["city_admin"], call=city_call, starts_on=PUBLISHED)
    assert "1 项申报" in str(exc.value)


def test_objections_in_writing_decided_and_results_final_after_the_period(world, city_call, decided):
    admin = world.users["city_admin"]
    notice.call_notice_start(actor=admin, call=city_call, starts_on=PUBLISHED)
    first, second = decided
    with pytest.raises(ValidationError) as exc:
        _objection(city_call, first, phone="")
    assert "联系电话" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        _objection(city_call, first, objector_kind="unit", objector_unit="某公司")
    assert "公章" in str(exc.value)
    with pytest.raises(ValidationError):
        _objection(city_call, first, today=LAST_DAY + dt.timedelta(days=1))
    objection = _objection(city_call, first)
    seal = SimpleUploadedFile("异议.pdf", b"%PDF-1.4\n%kexie\n", content_type="application/pdf")
    _objection(city_call, None, objector_kind="unit", objector_unit="济宁某协会", seal=seal)
    # The objector's name never reaches the audit log.
    assert not AuditEntry.objects.unscoped(reason="test").filter(after__icontains="周实名").exists()

    with pytest.raises(ValidationError) as exc:
        notice.call_finalise(actor=admin, call=city_call, today=LAST_DAY)
    assert "期满后" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        notice.call_finalise(actor=admin, call=city_call, today=LAST_DAY + dt.timedelta(days=1))
    assert "2 件异议未处理" in str(exc.value)

    notice.objection_decide(actor=admin, objection=objection, upheld=True, decision="经核实,事迹材料不实")
    for other in city_call.objections.filter(status="pending"):
        notice.objection_decide(actor=admin, objection=other, upheld=False, decision="经核实,不影响结果")
    first.refresh_from_db()
    assert first.status == EntryStatus.NOT_AWARDED

    notice.call_finalise(actor=admin, call=city_call, today=LAST_DAY + dt.timedelta(days=1))
    honours = list(Honour.objects.unscoped(reason="test").all())
    assert [(h.person.name, h.kind, h.entry_id) for h in honours] == [("孙发明", "commendation", second.pk)]


def test_the_public_page_works_without_login_and_hides_objectors(client, world, city_call, decided):
    from kexie.accounts.models import User
    from kexie.accounts.roles import Role

    admin = world.users["city_admin"]
    notice.call_notice_start(actor=admin, call=city_call, starts_on=dt.date.today())
    page = client.get(reverse("calls:notice_detail", args=(city_call.pk,)))
    body = page.content.decode()
    assert page.status_code == 200 and "钱学问" in body and "个工作日" in body
    response = client.post(
        reverse("calls:notice_detail", args=(city_call.pk,)),
        {"objector_kind": "person", "objector_name": "郑实名", "phone": "13700001111", "text": "材料不实",
         "entry": decided[0].pk},
    )  # fmt: skip
    assert response.status_code == 302
    viewer = User.objects.create(username="city_viewer", unit=world.orgs["city"], roles=[Role.VIEWER])
    client.force_login(viewer)
    hidden = client.get(reverse("calls:objection_list", args=(city_call.pk,))).content.decode()
    assert "材料不实" in hidden and "郑实名" not in hidden
    client.force_login(admin)
    shown = client.get(reverse("calls:objection_list", args=(city_call.pk,))).content.decode()
    assert "郑实名" in shown and "137****1111" in shown


def test_a_draft_call_has_no_public_page(client, world):
    from kexie.calls.testing import call_data

    call = services.call_create(actor=world.users["city_admin"], data=call_data())
    assert client.get(reverse("calls:notice_detail", args=(call.pk,))).status_code == 404


def test_certificates_after_the_results_once_each_and_verifiable(client, world, city_call, decided):
    from kexie.core.certificates import certificate_for_source, verify

    admin = world.users["city_admin"]
    notice.call_notice_start(actor=admin, call=city_call, starts_on=PUBLISHED)
    with pytest.raises(ValidationError):
        notice.call_certificates_issue(actor=admin, call=city_call)
    notice.call_finalise(actor=admin, call=city_call, today=LAST_DAY + dt.timedelta(days=1))
    issued = notice.call_certificates_issue(actor=admin, call=city_call)
    assert len(issued) == 2 and notice.call_certificates_issue(actor=admin, call=city_call) == []
    cert = certificate_for_source(decided[0])[0]
    assert verify(cert.code) == cert and cert.holder_name == "钱学问"
    token = services.entry_status_link(actor=world.users["county_staff"], entry=decided[0])
    response = client.get(reverse("calls:entry_status_certificate", args=(token,)))
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_the_entrant_downloads_the_pdf_certificate_of_their_own_entry_only(
    client, world, city_call, decided, monkeypatch
):
    """The status link gives the PDF of its own entry's certificate, never another entry's; an
    entry without a certificate, or a wrong link, answers 404. (Drawing the PDF is tested in
    tests/core/test_certificates.py; here it is stubbed, as it costs seconds on a first call.)"""
    from kexie.core import certificates

    drawn = []
    monkeypatch.setattr(certificates, "certificate_pdf", lambda cert: drawn.append(cert) or b"%PDF-1.4 stub")
    admin = world.users["city_admin"]
    notice.call_notice_start(actor=admin, call=city_call, starts_on=PUBLISHED)
    notice.call_finalise(actor=admin, call=city_call, today=LAST_DAY + dt.timedelta(days=1))
    token = services.entry_status_link(actor=world.users["county_staff"], entry=decided[0])
    url = reverse("calls:entry_status_certificate_pdf", args=(token,))
    assert client.get(url).status_code == 404 and drawn == []
    notice.call_certificates_issue(actor=admin, call=city_call)
    own, other = (certificates.certificate_for_source(entry)[0] for entry in decided[:2])
    assert url in client.get(reverse("calls:entry_status", args=(token,))).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF-1.4 stub" and decided[0].code in response["Content-Disposition"]
    assert drawn == [own] and own != other
    wrong = reverse("calls:entry_status_certificate_pdf", args=("x" + token,))
    assert client.get(wrong).status_code == 404 and drawn == [own]
