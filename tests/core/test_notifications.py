"""Notifications: in-app list and unread count, e-mail with quiet hours (deferred, not dropped,
retried after a failure), the pluggable SMS adapter."""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from kexie.core import notifications
from kexie.core.models import Notification
from kexie.core.notifications import notify, quiet_until, send_due_emails

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(hour, minute=0, day=2):
    return dt.datetime(2020, 9, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def staff(personas):
    user = personas["county_staff"]
    user.email = "staff@example.cn"
    user.save()
    return user


@pytest.mark.parametrize(
    ("at", "start", "end", "until"),
    [
        (local(23), dt.time(22), dt.time(7), local(7, day=3)),
        (local(6), dt.time(22), dt.time(7), local(7)),
        (local(12), dt.time(22), dt.time(7), None),
        (local(13), dt.time(12), dt.time(14), local(14)),
        (local(14), dt.time(12), dt.time(14), None),
        (local(13), None, None, None),
    ],
)
def test_quiet_until(at, start, end, until):
    assert quiet_until(at, start, end) == until


def test_notify_creates_in_app_and_header_shows_unread(staff, client, personas):
    notify(users=[staff, staff], text="您有3件作品待评审", link="/core/audit/", kind="calls.review")
    assert Notification.objects.filter(user=staff).count() == 1  # the same user once
    client.force_login(staff)
    html = client.get("/").content.decode()
    assert 'data-testid="unread-count">1<' in html
    note = Notification.objects.get(user=staff)
    response = client.post(f"/core/notifications/{note.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/core/audit/"
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()


def test_others_cannot_read_or_mark_my_notifications(staff, client, personas):
    notify(users=[staff], text="仅本人可见")
    note = Notification.objects.get()
    client.force_login(personas["outsider"])
    assert "仅本人可见" not in client.get("/core/notifications/").content.decode()
    assert client.post(f"/core/notifications/{note.pk}/read/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_foreign_link_is_not_followed(staff, client):
    notify(users=[staff], text="外部链接", link="https://evil.example.com/")
    client.force_login(staff)
    note = Notification.objects.get()
    assert client.post(f"/core/notifications/{note.pk}/read/")["Location"] == "/core/notifications/"


def test_email_sent_at_once_outside_quiet_hours(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[staff], text="评审已开始", link="/core/audit/", email=True)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["staff@example.cn"] and "评审已开始" in mail.outbox[0].body
    assert Notification.objects.get().emailed_at is not None


def test_email_in_quiet_hours_is_deferred_not_dropped(staff, django_capture_on_commit_callbacks):
    notifications.notification_setting_update(
        actor=staff, quiet_start=dt.time(0, 0), quiet_end=dt.time(23, 59)
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[staff], text="夜间提醒", email=True)
    note = Notification.objects.get()
    assert mail.outbox == [] and note.email_due_at is not None and note.emailed_at is None
    assert send_due_emails(now=note.email_due_at - dt.timedelta(minutes=1)) == 0
    assert send_due_emails(now=note.email_due_at) == 1
    assert len(mail.outbox) == 1
    assert send_due_emails(now=note.email_due_at + dt.timedelta(hours=1)) == 0  # once only


def test_failed_send_stays_due(staff, settings, monkeypatch):
    notify(users=[staff], text="重要提醒", email=True)

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(notifications, "send_mail", broken)
    assert send_due_emails() == 0
    assert Notification.objects.get().emailed_at is None
    monkeypatch.undo()
    assert send_due_emails() == 1 and len(mail.outbox) == 1


def test_user_without_address_gets_in_app_only(personas, django_capture_on_commit_callbacks):
    user = personas["outsider"]
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[user], text="站内通知", email=True)
    assert mail.outbox == [] and Notification.objects.get().email_due_at is None


def test_empty_text_refused(staff):
    with pytest.raises(ValidationError):
        notify(users=[staff], text="  ")


def test_quiet_hours_need_both_ends_and_are_audited(staff):
    from kexie.core.models import AuditEntry

    with pytest.raises(ValidationError) as exc:
        notifications.notification_setting_update(actor=staff, quiet_start=dt.time(22), quiet_end=None)
    assert "免打扰时段" in str(exc.value)
    notifications.notification_setting_update(actor=staff, quiet_start=dt.time(22), quiet_end=dt.time(7))
    assert (
        AuditEntry.objects.unscoped(reason="test")
        .filter(action="kexie.notification_setting.updated")
        .exists()
    )


def test_quiet_hours_form(staff, client):
    client.force_login(staff)
    response = client.post("/core/notifications/", {"quiet_start": "22:00", "quiet_end": ""})
    assert response.status_code == 200 and "同时填写" in response.content.decode()
    assert (
        client.post("/core/notifications/", {"quiet_start": "22:00", "quiet_end": "07:00"}).status_code == 302
    )
    assert staff.notification_setting.quiet_end == dt.time(7)


def test_default_sms_backend_logs_not_configured(staff, caplog):
    with caplog.at_level(logging.WARNING, logger="kexie.core.notifications"):
        notify(users=[staff], text="短信内容不进日志", sms=True)
    assert "SMS not configured" in caplog.text and "短信内容不进日志" not in caplog.text


class RecordingSMS(notifications.SMSBackend):
    sent: list = []

    def send(self, *, user, text):
        RecordingSMS.sent.append((user.pk, text))
        return True


def test_sms_backend_is_pluggable(staff, settings):
    settings.KEXIE_SMS_BACKEND = f"{__name__}.RecordingSMS"
    RecordingSMS.sent = []
    notify(users=[staff], text="请按时到场", sms=True)
    assert RecordingSMS.sent == [(staff.pk, "请按时到场")]


def test_send_command(staff, capsys):
    from django.core.management import call_command

    notify(users=[staff], text="命令行发送", email=True)
    call_command("notifications", "send")
    assert "已发送 1 封" in capsys.readouterr().out


def test_api_lists_and_marks_own_notifications(staff, client, personas):
    mine = notify(users=[staff], text="我的通知")[0]
    theirs = notify(users=[personas["outsider"]], text="别人的通知")[0]
    client.force_login(staff)
    items = client.get("/api/v1/core/notifications?unread=true").json()["items"]
    assert [n["text"] for n in items] == ["我的通知"]
    response = client.post(
        "/api/v1/core/notifications/read", {"ids": [mine.pk, theirs.pk]}, content_type="application/json"
    )
    assert response.json() == {"marked": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get("/api/v1/core/notifications?unread=true").json()["items"] == []


def test_a_request_sends_only_its_own_emails(staff, personas, django_capture_on_commit_callbacks):
    other = personas["outsider"]
    other.email = "other@example.cn"
    other.save()
    backlog = notify(users=[other], text="积压的邮件", email=True)[0]  # left for the sender command
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[staff], text="本次的邮件", email=True)
    assert [m.to for m in mail.outbox] == [["staff@example.cn"]]
    backlog.refresh_from_db()
    assert backlog.emailed_at is None
