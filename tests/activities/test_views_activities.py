import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kexie.activities.models import Activity, Status
from kexie.activities.services import activity_submit
from kexie.core.models import AuditEntry


def login(client, user):
    client.force_login(user)
    return client


def activity_form(world, **overrides):
    data = {
        "title": "科技周专题讲座", "kind": world.kinds["outreach.lecture"].pk, "start_date": "2020-05-20",
        "end_date": "2020-05-20", "region": world.regions["370811"].pk, "organiser": world.orgs["rencheng"].pk,
        "participants": "80", "volunteers": "5", "beneficiaries": "200",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_create_through_the_web_is_audited_and_shown_in_history(client, world, personas):
    login(client, personas["county_staff"])
    response = client.post(reverse("activities:activity_create"), activity_form(world))
    activity = Activity.objects.get(title="科技周专题讲座")
    assert response.status_code == 302 and response["Location"] == reverse(
        "activities:activity_detail", args=[activity.pk]
    )
    assert activity.reporting_unit == world.orgs["rencheng"] and activity.status == Status.DRAFT
    page = client.get(response["Location"]).content.decode()
    assert "kexie.activity.created" in page and "修改记录" in page


def test_validation_errors_are_shown_in_chinese_and_nothing_is_saved(client, world, personas):
    login(client, personas["county_staff"])
    response = client.post(reverse("activities:activity_create"), activity_form(world, end_date="2020-05-19"))
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not Activity.objects.exists()


def test_submit_then_approve_through_the_web(client, world, personas, make_activity):
    activity = make_activity()
    login(client, personas["county_staff"])
    client.post(reverse("activities:activity_submit", args=[activity.pk]))
    activity.refresh_from_db()
    assert activity.status == Status.SUBMITTED
    login(client, personas["city_admin"])
    response = client.post(reverse("activities:activity_approve", args=[activity.pk]), follow=True)
    activity.refresh_from_db()
    assert activity.status == Status.APPROVED and activity.reviewed_by == personas["city_admin"]
    assert "status-approved" in response.content.decode()


def test_return_inline_via_htmx_needs_a_reason(client, personas, make_activity):
    activity = make_activity()
    activity_submit(actor=personas["county_staff"], activity=activity)
    login(client, personas["city_admin"])
    url = reverse("activities:activity_return", args=[activity.pk])
    response = client.post(url, {"reason": " "}, HTTP_HX_REQUEST="true")
    activity.refresh_from_db()
    assert activity.status == Status.SUBMITTED and "退回时必须填写原因" in response.content.decode()
    response = client.post(url, {"reason": "参与人数有误"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="review-{activity.pk}"') and "参与人数有误" in body
    activity.refresh_from_db()
    assert activity.status == Status.RETURNED
    assert "退回时必须填写原因" not in client.get(reverse("home")).content.decode()  # shown once, in the row


def test_review_queue_shows_only_what_the_user_may_approve(client, personas, make_activity):
    activity = make_activity(title="待审核的讲座")
    activity_submit(actor=personas["county_staff"], activity=activity)
    assert (
        "待审核的讲座"
        in login(client, personas["city_admin"]).get(reverse("activities:review_queue")).content.decode()
    )
    assert (
        "待审核的讲座"
        not in login(client, personas["county_staff"])
        .get(reverse("activities:review_queue"))
        .content.decode()
    )


def test_bulk_approve(client, personas, make_activity):
    items = [make_activity(title=f"活动{i}") for i in range(3)]
    for a in items:
        activity_submit(actor=personas["county_staff"], activity=a)
    login(client, personas["city_admin"])
    client.post(reverse("activities:review_bulk_approve"), {"ids": [items[0].pk, items[1].pk]})
    statuses = dict(Activity.objects.values_list("title", "status"))
    assert statuses == {"活动0": "approved", "活动1": "approved", "活动2": "submitted"}


def test_ledger_filters_and_keyset_pages(client, personas, make_activity):
    for i in range(55):
        make_activity(title=f"讲座{i:02d}", start_date=dt.date(2020, 1, 1) + dt.timedelta(days=i),
                      end_date=dt.date(2020, 1, 1) + dt.timedelta(days=i))  # fmt: skip
    make_activity(title="往年活动", start_date=dt.date(2019, 3, 1), end_date=dt.date(2019, 3, 1))
    login(client, personas["county_staff"])
    first = client.get(reverse("activities:list"), {"year": 2020})
    rows = first.context["page"].object_list
    assert len(rows) == 50 and rows[0].title == "讲座54" and first.context["total_display"] == "55"
    second = client.get(
        reverse("activities:list"), {"year": 2020, "cursor": first.context["page"].next_cursor}
    )
    assert [a.title for a in second.context["page"].object_list] == [
        "讲座04",
        "讲座03",
        "讲座02",
        "讲座01",
        "讲座00",
    ]
    found = client.get(reverse("activities:list"), {"q": "往年"}).context["page"].object_list
    assert [a.title for a in found] == ["往年活动"]


def test_ledger_is_scoped(client, personas, make_activity):
    make_activity(title="任城区的活动")
    assert (
        "任城区的活动"
        not in login(client, personas["outsider"]).get(reverse("activities:list")).content.decode()
    )


def test_attachment_upload_and_download(client, personas, make_activity, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    activity = make_activity()
    login(client, personas["county_staff"])
    upload = SimpleUploadedFile("现场照片.png", b"\x89PNG\r\n\x1a\nxxxx")
    client.post(reverse("activities:activity_attach", args=[activity.pk]), {"file": upload, "is_photo": "on"})
    attachment = activity.attachments.get()
    assert (
        attachment.is_photo
        and "现场照片.png"
        in client.get(reverse("activities:activity_detail", args=[activity.pk])).content.decode()
    )
    assert client.get(reverse("activities:attachment_download", args=[attachment.pk])).status_code == 200
    bad = SimpleUploadedFile("病毒.exe", b"MZ")
    response = client.post(
        reverse("activities:activity_attach", args=[activity.pk]), {"file": bad}, follow=True
    )
    assert "不支持的文件类型" in response.content.decode()


def test_workflow_buttons_follow_permissions(client, personas, make_activity):
    activity = make_activity()
    activity_submit(actor=personas["county_staff"], activity=activity)
    url = reverse("activities:activity_detail", args=[activity.pk])
    assert 'id="approve-button"' in login(client, personas["city_admin"]).get(url).content.decode()
    own = login(client, personas["county_staff"]).get(url).content.decode()
    assert 'id="approve-button"' not in own and 'id="submit-button"' not in own


def test_campaign_create_with_participating_units(client, world, personas):
    login(client, personas["city_admin"])
    data = {"name": "2020年全国科普日", "year": "2020", "start_date": "2020-09-01", "end_date": "2020-09-30",
            "participating_units": [world.orgs["rencheng"].pk, world.orgs["yanzhou"].pk]}  # fmt: skip
    response = client.post(reverse("activities:campaign_create"), data)
    assert response.status_code == 302
    # 任城区 sees the city's campaign because it takes part; it may not edit it.
    login(client, personas["county_staff"])
    page = client.get(response["Location"]).content.decode()
    assert "任城区科学技术协会" in page and "兖州区科学技术协会" in page
    campaign_id = response["Location"].rstrip("/").rsplit("/", 1)[1]
    assert client.get(reverse("activities:campaign_edit", args=[campaign_id])).status_code == 404


def test_audit_entries_are_written_once_per_step(client, personas, make_activity):
    activity = make_activity()
    login(client, personas["county_staff"])
    client.post(reverse("activities:activity_submit", args=[activity.pk]))
    assert (
        AuditEntry.objects.filter(object_id=str(activity.pk), action="kexie.activity.submitted").count() == 1
    )
