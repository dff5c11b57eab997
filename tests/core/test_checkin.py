"""Check-in: rotating codes (only the current and previous window), the session window, the
team leader's scan, hours, and the flag for a forgotten check-out."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from kexie.core import checkin
from kexie.core.models import AuditEntry, CheckinMethod, CheckinRecord
from kexie.testing import SERIAL_WRITERS, meet_after, on_postgresql, run_together

ROTATING, SCAN = CheckinMethod.ROTATING, CheckinMethod.SCAN
START = dt.datetime(2020, 9, 19, 9, 0, tzinfo=dt.UTC)
END = START + dt.timedelta(hours=3)


@pytest.fixture
def person(world):
    from kexie.directory.services import person_create

    staff = world.users["county_staff"]
    return person_create(actor=staff, data={"name": "李志愿", "unit": staff.unit})


@pytest.fixture
def session(world):
    return checkin.checkin_session_create(
        actor=world.users["county_staff"],
        title="社区科普志愿服务",
        starts_at=START,
        ends_at=END,
        rotate_seconds=30,
    )


def check_in(session, person, at, code=None):
    code = checkin.rotating_code(session, at) if code is None else code
    return checkin.checkin_record_in(session=session, person=person, method=ROTATING, code=code, at=at)


def test_session_create_is_audited_and_validated(session, world):
    assert (
        AuditEntry.objects.unscoped(reason="test").filter(action="kexie.checkin_session.created").count() == 1
    )
    entry = AuditEntry.objects.unscoped(reason="test").get(action="kexie.checkin_session.created")
    assert "secret" not in entry.after
    with pytest.raises(ValidationError) as exc:
        checkin.checkin_session_create(
            actor=world.users["county_staff"], title="x", starts_at=END, ends_at=START
        )
    assert "结束时间" in str(exc.value)


def test_current_and_previous_code_accepted_older_refused(session):
    at = START + dt.timedelta(minutes=10)
    assert checkin.code_is_current(session, checkin.rotating_code(session, at), at)
    assert checkin.code_is_current(session, checkin.rotating_code(session, at - dt.timedelta(seconds=30)), at)
    old = checkin.rotating_code(session, at - dt.timedelta(seconds=60))
    assert old != checkin.rotating_code(session, at)
    assert not checkin.code_is_current(session, old, at)


def test_old_code_is_refused_and_nothing_recorded(session, person):
    at = START + dt.timedelta(minutes=10)
    old = checkin.rotating_code(session, at - dt.timedelta(minutes=2))
    with pytest.raises(ValidationError) as exc:
        check_in(session, person, at, code=old)
    assert "签到码已过期" in str(exc.value)
    assert not CheckinRecord.objects.unscoped(reason="test").exists()


def test_codes_differ_between_sessions(session, world):
    other = checkin.checkin_session_create(
        actor=world.users["county_staff"], title="另一场", starts_at=START, ends_at=END, rotate_seconds=30
    )
    at = START + dt.timedelta(minutes=5)
    assert not checkin.code_is_current(other, checkin.rotating_code(session, at), at)


@pytest.mark.parametrize("offset", [dt.timedelta(minutes=-1), dt.timedelta(hours=3, minutes=1)])
def test_no_check_in_outside_the_session(session, person, offset):
    with pytest.raises(ValidationError) as exc:
        check_in(session, person, START + offset)
    assert "不在签到时间内" in str(exc.value)
    assert not CheckinRecord.objects.unscoped(reason="test").exists()


def test_hours_from_check_in_to_check_out(session, person):
    check_in(session, person, START + dt.timedelta(minutes=15))
    out = START + dt.timedelta(hours=2, minutes=45)
    checkin.checkin_record_out(
        session=session, person=person, method=ROTATING, code=checkin.rotating_code(session, out), at=out
    )
    rows = checkin.attendance(session, now=END + dt.timedelta(days=1))
    assert [(r.minutes, r.flag) for r in rows] == [(150, "")]
    assert rows[0].hours == 2.5
    assert AuditEntry.objects.unscoped(reason="test").filter(action__startswith="kexie.checkin.").count() == 2


def test_hours_stop_at_the_session_end(session, person):
    check_in(session, person, START + dt.timedelta(hours=2))
    late = END + dt.timedelta(minutes=20)  # within the grace period
    checkin.checkin_record_out(
        session=session, person=person, method=ROTATING, code=checkin.rotating_code(session, late), at=late
    )
    assert checkin.attendance(session)[0].minutes == 60


def test_forgotten_check_out_is_flagged_and_not_counted(session, person, world):
    from kexie.directory.services import person_create

    other = person_create(actor=world.users["county_staff"], data={"name": "王志愿", "unit": person.unit})
    check_in(session, person, START)
    check_in(session, other, START)
    out = START + dt.timedelta(hours=1)
    checkin.checkin_record_out(
        session=session, person=other, method=ROTATING, code=checkin.rotating_code(session, out), at=out
    )
    during = checkin.attendance(session, now=START + dt.timedelta(hours=2))
    assert {r.record.person.name: r.flag for r in during} == {"李志愿": checkin.OPEN, "王志愿": ""}
    after = checkin.attendance(session, now=END + dt.timedelta(hours=1))
    flagged = [r for r in after if r.flag == checkin.MISSING_CHECKOUT]
    assert [r.record.person.name for r in flagged] == ["李志愿"]
    assert flagged[0].minutes is None
    assert checkin.total_minutes(after) == 60


def test_check_out_after_grace_refused(session, person):
    check_in(session, person, START)
    late = END + dt.timedelta(hours=2)
    with pytest.raises(ValidationError) as exc:
        checkin.checkin_record_out(
            session=session,
            person=person,
            method=ROTATING,
            code=checkin.rotating_code(session, late),
            at=late,
        )
    assert "不在签退时间内" in str(exc.value)


def test_second_check_in_counts_once(session, person):
    first, created = check_in(session, person, START + dt.timedelta(minutes=1))
    again, created_again = check_in(session, person, START + dt.timedelta(minutes=2))
    assert created and not created_again and again.pk == first.pk
    assert CheckinRecord.objects.unscoped(reason="test").count() == 1


def test_leader_scan_in_scope_only(session, person, world):
    at = START + dt.timedelta(minutes=5)
    record, created = checkin.checkin_record_in(
        session=session, person=person, method=SCAN, actor=world.users["county_staff"], at=at
    )
    assert created and record.checkin_method == SCAN and record.recorded_by == world.users["county_staff"]
    with pytest.raises(Http404):
        checkin.checkin_record_out(
            session=session, person=person, method=SCAN, actor=world.users["outsider"], at=at
        )
    with pytest.raises(ValidationError):
        checkin.checkin_record_out(session=session, person=person, method=SCAN, actor=None, at=at)


def test_personal_tokens_are_signed_and_distinct(person):
    token, scan = checkin.personal_token(person), checkin.scan_token(person)
    assert token != scan
    assert checkin.person_from_personal_token(token) == person
    assert checkin.person_from_scan_token(scan) == person
    assert checkin.person_from_personal_token(scan) is None  # scanning a QR does not make one the person
    assert checkin.person_from_personal_token(f"{person.pk}-{'0' * 20}") is None
    assert checkin.person_from_personal_token("x") is None


# ---------------------------------------------------------------------- pages


@pytest.fixture
def live_session(world):
    now = timezone.now()
    return checkin.checkin_session_create(
        actor=world.users["county_staff"],
        title="正在进行的培训",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=1),
        rotate_seconds=60,
    )


def test_organiser_screen_polls_without_inline_script(live_session, client, personas):
    client.force_login(personas["county_staff"])
    html = client.get(f"/checkin/{live_session.pk}/screen/").content.decode()
    assert f'hx-get="/checkin/{live_session.pk}/screen/code/"' in html and 'hx-trigger="every 20s"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "CSP forbids inline scripts"
    part = client.get(f"/checkin/{live_session.pk}/screen/code/")
    assert part["Cache-Control"] == "no-store"
    assert checkin.rotating_code(live_session) in part.content.decode()
    assert 'src="data:image/svg+xml;base64,' in part.content.decode()


def test_phone_check_in_with_personal_link_and_screen_code(live_session, person, client):
    assert (
        client.post(f"/checkin/s/{live_session.pk}/", {"code": "000000"}).status_code == 200
    )  # unknown phone
    assert not CheckinRecord.objects.unscoped(reason="test").exists()
    assert client.get(f"/checkin/me/{checkin.personal_token(person)}/").status_code == 200
    response = client.post(
        f"/checkin/s/{live_session.pk}/", {"code": checkin.rotating_code(live_session), "action": "in"}
    )
    assert response.status_code == 302
    record = CheckinRecord.objects.unscoped(reason="test").get()
    assert record.person == person and record.checkin_method == ROTATING
    page = client.get(response["Location"]).content.decode()
    assert "签到成功" in page and 'value="out"' in page


def test_phone_with_stale_code_says_why(live_session, person, client):
    client.get(f"/checkin/me/{checkin.personal_token(person)}/")
    stale = checkin.rotating_code(live_session, timezone.now() - dt.timedelta(minutes=5))
    response = client.post(f"/checkin/s/{live_session.pk}/", {"code": stale, "action": "in"}, follow=True)
    assert "签到码已过期" in response.content.decode()
    assert not CheckinRecord.objects.unscoped(reason="test").exists()


def test_leader_scan_page(live_session, person, client, personas):
    url = f"/checkin/scan/{checkin.scan_token(person)}/"
    client.force_login(personas["outsider"])
    assert "没有进行中的签到场次" in client.get(url).content.decode()
    assert client.post(url, {"session": live_session.pk, "action": "in"}).status_code == 404
    client.force_login(personas["county_staff"])
    assert live_session.title in client.get(url).content.decode()
    assert client.post(url, {"session": live_session.pk, "action": "in"}).status_code == 302
    assert CheckinRecord.objects.unscoped(reason="test").get().checkin_method == SCAN
    assert client.get("/checkin/scan/1-nope/").status_code == 404


# ---------------------------------------------------------------------- concurrency


@pytest.mark.postgres
@pytest.mark.skipif(not on_postgresql(), reason=SERIAL_WRITERS)
@pytest.mark.django_db(transaction=True)
def test_two_check_ins_at_once_count_once(world):
    from kexie.directory.services import person_create

    staff = world.users["county_staff"]
    now = timezone.now()
    session = checkin.checkin_session_create(
        actor=staff, title="并发", starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=1)
    )
    person = person_create(actor=staff, data={"name": "赵并发", "unit": staff.unit})

    def tap():
        return checkin.checkin_record_in(
            session=session, person=person, method=ROTATING, code=checkin.rotating_code(session)
        )

    with meet_after(checkin, "_record_of", parties=2, timeout=3):
        results = run_together(tap, tap)
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted(created for _record, created in results) == [False, True]
    assert CheckinRecord.objects.unscoped(reason="test").filter(session=session).count() == 1
    assert AuditEntry.objects.unscoped(reason="test").filter(action="kexie.checkin.checked_in").count() == 1
