"""Pages and documents: a volunteer's record shows hours and masks the ID number, the
certificate of service carries hours, content and the recording unit with a code the public
page checks, the national-system workbook is guarded and says it is not synchronised."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from kexie.core.certificates import certificate_docx, verify
from kexie.core.validators import id_number_check_char
from kexie.volunteers.services import (
    service_record_enter,
    service_record_report,
    volunteer_certificate_issue,
)

NUMBER = "37081119900101123"
NUMBER += id_number_check_char(NUMBER)


@pytest.fixture
def recorded(make_volunteer, service_activity, staff):
    volunteer = make_volunteer(id_number=NUMBER)
    service_record_enter(
        actor=staff, volunteer=volunteer, activity=service_activity,
        data={"content": "=HYPERLINK(\"http://x\")", "hours": Decimal("3.5")},
    )  # fmt: skip
    return volunteer


def test_record_page_shows_hours_and_masks_the_id_number(client, recorded, world):
    editor = world.users["county_staff"]  # editor and reviewer, no personal-data right
    client.force_login(editor)
    page = client.get(reverse("volunteers:volunteer_detail", args=[recorded.pk])).content.decode()
    assert "3.50" in page and NUMBER not in page and recorded.id_number_masked in page
    client.force_login(world.users["city_admin"])  # 单位管理员 may see personal data
    page = client.get(reverse("volunteers:volunteer_detail", args=[recorded.pk])).content.decode()
    assert NUMBER in page


def test_certificate_of_service_states_hours_content_unit_and_verifies(recorded, staff, client):
    cert = volunteer_certificate_issue(actor=staff, profile=recorded)
    fields = dict(map(tuple, cert.body["fields"]))
    assert fields["服务时长"] == "3.5 小时"
    assert "HYPERLINK" in fields["服务内容"]
    assert fields["记录单位"] == staff.unit.name
    assert verify(cert.code) == cert
    assert certificate_docx(cert)[:2] == b"PK"
    page = client.get(reverse("verify:certificate", args=[cert.code]))
    assert page.status_code == 200 and "志愿服务证明" in page.content.decode()


def test_no_certificate_without_recorded_hours(make_volunteer, service_activity, staff):
    volunteer = make_volunteer(name="未审核")
    service_record_report(
        actor=staff, volunteer=volunteer, activity=service_activity, data={"content": "x", "hours": 2}
    )
    with pytest.raises(ValidationError, match="没有已记录"):
        volunteer_certificate_issue(actor=staff, profile=volunteer)


def test_certificate_through_the_page(client, recorded, staff):
    client.force_login(staff)
    response = client.post(reverse("volunteers:volunteer_certificate", args=[recorded.pk]))
    assert response.status_code == 302
    page = client.get(reverse("volunteers:volunteer_detail", args=[recorded.pk])).content.decode()
    assert "志愿服务证明" in page and "验证码" in page


def test_national_workbook_is_guarded_and_masked(client, recorded, world):
    client.force_login(world.users["county_staff"])
    listing = client.get(reverse("volunteers:record_list")).content.decode()
    assert "不与其同步" in listing
    response = client.get(reverse("volunteers:national_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "证件类型", "身份证件号码")
    assert rows[1][2] == recorded.id_number_masked
    content = sheet.cell(row=2, column=7)
    assert content.data_type == "s" and content.value.startswith("=HYPERLINK")
    assert rows[1][7] == 3.5
    client.force_login(world.users["city_admin"])
    sheet = load_workbook(io.BytesIO(client.get(reverse("volunteers:national_export")).content)).active
    assert sheet.cell(row=2, column=3).value == NUMBER


def test_hours_page_by_county(client, recorded, staff):
    client.force_login(staff)
    page = client.get(reverse("volunteers:hours") + "?by=county&year=2020").content.decode()
    assert "任城区" in page and "3.50" in page


def test_review_through_the_page_keeps_the_declined_entry(client, make_volunteer, service_activity, staff):
    volunteer = make_volunteer(name="申报人")
    record = service_record_report(
        actor=staff, volunteer=volunteer, activity=service_activity,
        data={"content": "科普", "hours": 2, "served_on": dt.date(2020, 9, 19)},
    )  # fmt: skip
    client.force_login(staff)
    url = reverse("volunteers:record_action", args=[record.pk, "decline"])
    client.post(url, {"reason": "", "seen": "pending"})
    record.refresh_from_db()
    assert record.status == "pending"
    client.post(url, {"reason": "无签到记录", "seen": "pending"})
    record.refresh_from_db()
    assert record.status == "declined" and record.decline_reason == "无签到记录"
    page = client.get(reverse("volunteers:volunteer_detail", args=[volunteer.pk])).content.decode()
    assert "无签到记录" in page
