"""Training courses in a real browser, on the staff pages: create a course on a ledger activity
with a trainer, add a class, enrol a trainee, tick the attendance, complete the enrolment, and
open the completion certificate's public check from the course page."""

import datetime as dt

import pytest

from kexie.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_course_class_enrolment_attendance_completion_certificate(
    browser_page, live_server, world, settings, screenshot_dir
):
    from kexie.activities.services import activity_create
    from kexie.directory.services import person_create
    from kexie.volunteers.models import Enrolment

    settings.KEXIE_PUBLIC_URL = live_server.url
    staff = world.users["county_staff"]
    lecture = activity_create(actor=staff, data={
        "title": "科普惠农培训班", "kind": world.kinds["training"], "start_date": dt.date(2020, 11, 4),
        "end_date": dt.date(2020, 11, 4), "region": world.regions["370811"], "organiser": staff.unit,
    })  # fmt: skip
    trainer = person_create(actor=staff, data={"name": "刘专家", "unit": staff.unit, "is_expert": True})
    trainee = person_create(actor=staff, data={"name": "张学员", "unit": staff.unit})

    page, base = browser_page, live_server.url
    login(page, base, "rencheng_staff")
    page.goto(f"{base}/volunteers/courses/")
    page.click("text=新建培训课程")
    page.select_option("#id_activity", str(lecture.pk))
    page.select_option("#id_kind", "rural")
    page.fill("#id_required_sessions", "1")
    page.select_option("#id_trainers", [str(trainer.pk)])
    page.click("form.kx-volunteers-form button[type=submit]")
    page.wait_for_selector("text=已新建培训课程")
    assert "刘专家" in page.inner_text("main")

    page.click("a:has-text('添加课次')")
    page.fill("#id_title", "第一课 土壤改良")
    page.fill("#id_starts_at", "2020-11-04T09:00")
    page.fill("#id_ends_at", "2020-11-04T11:00")
    page.click("form.kx-volunteers-form button[type=submit]")
    page.wait_for_selector("text=已添加课次")

    page.click("a:has-text('学员报名')")
    page.select_option("#id_person", str(trainee.pk))
    page.click("form.kx-volunteers-form button[type=submit]")
    page.wait_for_selector("text=已报名:张学员")

    page.click("a.attendance-link")
    page.check(f"#att-{trainee.pk}")
    page.click("form.kx-attendance-form button[type=submit]")
    page.wait_for_selector("text=已登记出勤1人")

    page.click("a.complete-link")
    page.fill("#id_completed_on", "2020-11-05")
    page.click("form.kx-volunteers-form button[type=submit]")
    page.wait_for_selector("text=已结业")
    enrolment = Enrolment.objects.unscoped(reason="test").get(person=trainee)
    assert enrolment.completed_on == dt.date(2020, 11, 5) and enrolment.certificate is not None
    page.screenshot(path=str(screenshot_dir / "course-detail.png"))

    page.click("a.certificate-link")
    page.wait_for_selector("text=证书真实有效")
    text = page.inner_text("main")
    assert "结业证书" in text and "张学员" not in text  # the holder's name is masked
    page.screenshot(path=str(screenshot_dir / "course-certificate-check.png"))
