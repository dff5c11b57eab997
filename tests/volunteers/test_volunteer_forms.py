"""Staff web forms (volunteers, teams, service records: create, edit, decline), the volunteer's
phone page for self-reported hours and the team leader's review page. The forms call the same
services as the API: scoped, audited, the ID number encrypted and masked, the hours summary kept
(summary.differences() stays empty), declined entries kept with their reason."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kexie.core import checkin
from kexie.core.models import AuditEntry
from kexie.core.validators import id_number_check_char
from kexie.directory.services import person_create
from kexie.volunteers import selectors, services, summary
from kexie.volunteers.models import RecordStatus, ServiceRecord, VolunteerProfile, VolunteerTeam

NUMBER = "37081119900101123"
NUMBER += id_number_check_char(NUMBER)


def _post(client, name, data, args=()):
    return client.post(reverse(f"volunteers:{name}", args=args), data)


def test_register_a_volunteer_by_the_form_encrypts_and_masks_the_id_number(client, staff, world):
    person = person_create(actor=staff, data={"name": "赵志愿", "unit": staff.unit})
    client.force_login(staff)
    page = client.get(reverse("volunteers:volunteer_create")).content.decode()
    assert "出生日期" in page and "证件类型" in page and "居住区域" in page and "专业技能" in page
    response = _post(client, "volunteer_create", {
        "person": person.pk, "birth_date": "1990-01-01", "id_type": "resident", "id_number": NUMBER,
        "residence_region": world.regions["370811"].pk, "skills": "心理咨询", "service_category": "psychological",
        "registered_on": "2020-01-01",
    })  # fmt: skip
    profile = VolunteerProfile.objects.unscoped(reason="test").get(person=person)
    assert response.status_code == 302 and response["Location"].endswith(f"/volunteers/{profile.pk}/")
    assert profile.id_number == NUMBER and NUMBER not in profile.id_number_encrypted
    assert profile.residence_region == world.regions["370811"] and profile.skills == "心理咨询"
    assert AuditEntry.objects.filter(action="kexie.volunteer.registered", object_id=str(profile.pk)).exists()
    # the edit form carries the mask, never the number; the mask sent back keeps the number
    page = client.get(reverse("volunteers:volunteer_edit", args=[profile.pk])).content.decode()
    assert NUMBER not in page and profile.id_number_masked in page
    response = _post(client, "volunteer_edit", {
        "birth_date": "1990-01-01", "id_type": "resident", "id_number": profile.id_number_masked,
        "service_category": "psychological", "skills": "心理疏导", "registered_on": "2020-01-01",
    }, args=[profile.pk])  # fmt: skip
    profile.refresh_from_db()
    assert response.status_code == 302 and profile.skills == "心理疏导" and profile.id_number == NUMBER


def test_a_bad_id_number_is_refused_in_chinese_and_nothing_is_saved(client, staff):
    person = person_create(actor=staff, data={"name": "钱志愿", "unit": staff.unit})
    client.force_login(staff)
    response = _post(client, "volunteer_create", {
        "person": person.pk, "id_type": "resident", "id_number": "370811199001011234",
        "service_category": "science_outreach",
    })  # fmt: skip
    assert response.status_code == 200 and "身份证件号码" in response.content.decode()
    assert not VolunteerProfile.objects.unscoped(reason="test").filter(person=person).exists()


def test_a_person_out_of_scope_cannot_be_registered(client, staff, world):
    outsider = world.users["outsider"]
    person = person_create(actor=outsider, data={"name": "兖州人", "unit": outsider.unit})
    client.force_login(staff)
    response = _post(
        client, "volunteer_create", {"person": person.pk, "service_category": "science_outreach"}
    )
    assert response.status_code == 200  # not a choice the form offers
    assert not VolunteerProfile.objects.unscoped(reason="test").filter(person=person).exists()


def test_team_create_and_edit_by_the_form(client, staff):
    leader = person_create(actor=staff, data={"name": "队长", "unit": staff.unit})
    client.force_login(staff)
    response = _post(
        client, "team_create", {"organisation": staff.unit.pk, "service_category": "psychological"}
    )
    assert response.status_code == 302
    team = VolunteerTeam.objects.unscoped(reason="test").get(organisation=staff.unit)
    response = _post(client, "team_edit", {"service_category": "psychological", "leader": leader.pk,
                                           "founded_on": "2020-02-01"}, args=[team.pk])  # fmt: skip
    team.refresh_from_db()
    assert response.status_code == 302 and team.leader == leader and team.founded_on == dt.date(2020, 2, 1)
    assert AuditEntry.objects.filter(action="kexie.volunteer_team.changed", object_id=str(team.pk)).exists()
    assert "队长" in client.get(reverse("volunteers:team_list")).content.decode()


def test_record_entered_and_corrected_by_the_form_keeps_the_hours_summary(
    client, staff, make_volunteer, service_activity, on_day
):
    volunteer = make_volunteer()
    client.force_login(staff)
    response = _post(client, "record_create", {
        "volunteer": volunteer.pk, "activity": service_activity.pk, "content": "科普宣传", "hours": "2.5",
    })  # fmt: skip
    assert response.status_code == 302
    record = ServiceRecord.objects.unscoped(reason="test").get(volunteer=volunteer)
    assert record.is_recorded and record.place == "太白广场" and record.organising_unit == staff.unit
    assert selectors.person_hours(staff, volunteer) == Decimal("2.50")
    response = _post(client, "record_edit", {
        "served_on": record.served_on.isoformat(), "place": "太白广场", "content": "科普宣传", "hours": "4",
        "organising_unit": staff.unit.pk,
    }, args=[record.pk])  # fmt: skip
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.hours == Decimal("4.00")
    assert selectors.person_hours(staff, volunteer) == Decimal("4.00")
    assert summary.differences() == []
    entry = AuditEntry.objects.get(action="kexie.service_record.changed", object_id=str(record.pk))
    assert entry.before["hours"] in ("2.50", 2.5, "2.5") and entry.actor == staff


def test_a_declined_record_cannot_be_edited_and_stays(client, staff, make_volunteer, service_activity, entry):
    volunteer = make_volunteer()
    record = services.service_record_report(
        actor=staff, volunteer=volunteer, activity=service_activity, data=entry
    )
    services.service_record_decline(actor=staff, record=record, reason="当天未到场")
    client.force_login(staff)
    response = _post(client, "record_edit", {"content": "改", "hours": "9", "organising_unit": staff.unit.pk},
                     args=[record.pk])  # fmt: skip
    record.refresh_from_db()
    assert response.status_code == 302 and record.hours == Decimal("2.5") and record.content == "科普宣传"
    with pytest.raises(Exception, match="不能修改"):
        services.service_record_update(actor=staff, record=record, data={"hours": 1})
    page = client.get(reverse("volunteers:volunteer_detail", args=[volunteer.pk])).content.decode()
    assert "当天未到场" in page


def test_forms_answer_404_out_of_scope(client, world, make_volunteer, service_activity, entry, staff):
    volunteer = make_volunteer()
    record = services.service_record_enter(
        actor=staff, volunteer=volunteer, activity=service_activity, data=entry
    )
    client.force_login(world.users["outsider"])
    assert client.get(reverse("volunteers:volunteer_edit", args=[volunteer.pk])).status_code == 404
    assert client.get(reverse("volunteers:record_edit", args=[record.pk])).status_code == 404
    response = _post(client, "record_edit", {"content": "x", "hours": "9"}, args=[record.pk])
    assert response.status_code == 404
    record.refresh_from_db()
    assert record.hours == Decimal("2.5")


# ---------------------------------------------------------------------- the volunteer's phone


@pytest.fixture
def recent_activity(make_activity, world):
    today = dt.date.today()
    return make_activity(
        title="社区科普志愿服务", kind=world.kinds["outreach.volunteer"], venue="社区广场",
        start_date=today - dt.timedelta(days=3), end_date=today - dt.timedelta(days=3),
    )  # fmt: skip


def test_volunteer_self_reports_on_the_phone_and_the_leader_approves_or_declines(
    client, staff, make_volunteer, recent_activity, monkeypatch
):
    monkeypatch.setattr("kexie.volunteers.services._today", dt.date.today)
    volunteer = make_volunteer()
    url = reverse("volunteers:self_report", args=[checkin.personal_token(volunteer.person)])
    page = client.get(url).content.decode()  # no login: the signed link is the proof
    assert "社区科普志愿服务" in page and volunteer.person.name in page
    response = client.post(url, {"activity": recent_activity.pk, "hours": "3", "content": "讲解"})
    assert response.status_code == 302
    first = ServiceRecord.objects.unscoped(reason="test").get(volunteer=volunteer)
    assert first.status == RecordStatus.PENDING and first.source == "self" and first.created_by is None
    assert selectors.person_hours(staff, volunteer) == 0  # pending counts nothing
    assert AuditEntry.objects.filter(action="kexie.service_record.reported", object_id=str(first.pk)).exists()
    # the team leader (a reviewer) approves on the review page
    client.force_login(staff)
    review = client.get(reverse("volunteers:review")).content.decode()
    assert volunteer.person.name in review and "讲解" in review
    response = client.post(
        reverse("volunteers:record_action", args=[first.pk, "approve"]),
        {"seen": "pending", "next": reverse("volunteers:review")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("volunteers:review")
    assert selectors.person_hours(staff, volunteer) == Decimal("3.00")
    # the same activity and day again: refused (once a day), nothing added
    client.logout()
    response = client.post(url, {"activity": recent_activity.pk, "hours": "2", "content": "讲解"})
    assert response.status_code == 200 and "已有服务记录" in response.content.decode()
    assert ServiceRecord.objects.unscoped(reason="test").filter(volunteer=volunteer).count() == 1
    # another volunteer's report is declined with a reason: kept, counts nothing
    client.force_login(staff)
    other = make_volunteer(name="周志愿")
    other_url = reverse("volunteers:self_report", args=[checkin.personal_token(other.person)])
    client.post(other_url, {"activity": recent_activity.pk, "hours": "2", "content": "讲解"})
    pending = ServiceRecord.objects.unscoped(reason="test").get(volunteer=other)
    response = client.post(reverse("volunteers:record_action", args=[pending.pk, "decline"]),
                           {"seen": "pending", "reason": "未到场", "next": reverse("volunteers:review")})  # fmt: skip
    pending.refresh_from_db()
    assert pending.status == RecordStatus.DECLINED and pending.decline_reason == "未到场"
    assert selectors.person_hours(staff, other) == 0
    client.logout()
    page = client.get(other_url).content.decode()
    assert "未通过" in page and "未到场" in page  # the volunteer sees the reason
    assert summary.differences() == []


def test_the_phone_page_refuses_bad_tokens_non_volunteers_and_far_activities(
    client, staff, make_volunteer, service_activity, recent_activity, world, make_activity
):
    volunteer = make_volunteer()
    assert client.get(reverse("volunteers:self_report", args=["1-nope"])).status_code == 404
    plain = person_create(actor=staff, data={"name": "非志愿者", "unit": staff.unit})
    assert (
        client.get(reverse("volunteers:self_report", args=[checkin.personal_token(plain)])).status_code == 404
    )
    url = reverse("volunteers:self_report", args=[checkin.personal_token(volunteer.person)])
    # an activity of 2020 (long past) is not offered, nor one of another county
    response = client.post(url, {"activity": service_activity.pk, "hours": "3", "content": "讲解"})
    assert response.status_code == 200
    outsider = world.users["outsider"]
    far = make_activity(actor=outsider, title="兖州活动", start_date=recent_activity.start_date,
                        end_date=recent_activity.end_date)  # fmt: skip
    with pytest.raises(Exception, match="可申报"):
        services.service_record_self_report(
            volunteer=volunteer, activity=far, data={"hours": 1, "content": "x"}
        )
    assert not ServiceRecord.objects.unscoped(reason="test").filter(volunteer=volunteer).exists()


def test_review_page_needs_the_reviewer_right(client, world):
    client.force_login(world.users["society_secretary"])  # editor, not reviewer
    assert client.get(reverse("volunteers:review")).status_code == 403
