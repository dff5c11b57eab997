"""Notifications: in-app messages, e-mail that respects each user's quiet hours, and an SMS
adapter left pluggable.

    notify(users=[judge], text="您有3件作品待评审", link="/calls/…", kind="calls.review", email=True)

Every notification appears in the user's list (/core/notifications/, the count in the page
header). With `email=True`, users with an e-mail address also get it by mail through Django's
mail backend (settings EMAIL_*): at once, or, when it falls within the user's quiet hours, when
they end. A deferred e-mail waits in the table (`email_due_at`) until `send_due_emails()` sends
it (`kexie notifications send`, run by cron or the job worker); a failed send stays due and is
tried again, never dropped. With `sms=True` the text also goes to the class named by
KEXIE_SMS_BACKEND (default: `LogSMSBackend`, which only logs that SMS is not configured).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from kexie.core import audit
from kexie.core.models import Notification, NotificationSetting

logger = logging.getLogger(__name__)
MAX_TEXT = 500


# ---------------------------------------------------------------------- SMS


class SMSBackend:
    """Send one text message to one user; return whether it went out. Subclass and name the
    class in KEXIE_SMS_BACKEND (an operator's gateway); the user's phone is the subclass's
    business (kexie does not keep users' phones)."""

    def send(self, *, user, text: str) -> bool:
        raise NotImplementedError


class LogSMSBackend(SMSBackend):
    """The default: no gateway, so say so in the log (the user's id only, never the text)."""

    def send(self, *, user, text: str) -> bool:
        logger.warning("SMS not configured (KEXIE_SMS_BACKEND): message to user %s not sent", user.pk)
        return False


def sms_backend() -> SMSBackend:
    return import_string(settings.KEXIE_SMS_BACKEND)()


# ---------------------------------------------------------------------- quiet hours


def quiet_until(at: dt.datetime, start: dt.time | None, end: dt.time | None) -> dt.datetime | None:
    """When the quiet hours around `at` end, or None if `at` is outside them. Local times; a
    window may pass midnight (22:00–07:00)."""
    if start is None or end is None or start == end:
        return None
    local = timezone.localtime(at)
    now = local.time()
    inside = start <= now < end if start < end else (now >= start or now < end)
    if not inside:
        return None
    day = local.date() if now < end else local.date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, end), timezone.get_current_timezone())


def _email_due(user, at: dt.datetime, quiet: dict) -> dt.datetime:
    start, end = quiet.get(user.pk, (None, None))
    return quiet_until(at, start, end) or at


# ---------------------------------------------------------------------- services


@transaction.atomic
def notify(
    *, users: Iterable, text: str, link: str = "", kind: str = "", email: bool = False, sms: bool = False
):
    """One notification per active user; returns them. See the module docstring."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("通知内容:请填写")})
    recipients = [u for u in dict.fromkeys(users) if getattr(u, "is_active", False)]
    if not recipients:
        return []
    now = timezone.now()
    quiet = {}
    if email:
        rows = NotificationSetting.objects.filter(user__in=recipients).values_list(
            "user_id", "quiet_start", "quiet_end"
        )
        quiet = {user_id: (start, end) for user_id, start, end in rows}
    notes = Notification.objects.bulk_create(
        Notification(
            user=user,
            text=text[:MAX_TEXT],
            link=(link or "")[:500],
            kind=(kind or "")[:40],
            email_due_at=_email_due(user, now, quiet) if email and user.email else None,
        )
        for user in recipients
    )
    due_now = [n.pk for n in notes if n.email_due_at is not None and n.email_due_at <= now]
    if due_now:  # only these: a backlog is the sender command's work, not this request's
        transaction.on_commit(lambda: send_due_emails(ids=due_now))
    if sms:
        backend = sms_backend()
        for user in recipients:
            backend.send(user=user, text=text)
    return notes


def send_due_emails(now: dt.datetime | None = None, ids: list[int] | None = None) -> int:
    """Send every e-mail whose time has come (of `ids` only, when given); returns how many went
    out. Each is claimed by a conditional update first, so two senders never send the same one;
    a failure gives it back."""
    now = now or timezone.now()
    due = Notification.objects.filter(email_due_at__lte=now, emailed_at__isnull=True)
    if ids is not None:
        due = due.filter(pk__in=ids)
    due = due.select_related("user").order_by("email_due_at", "pk")
    sent = 0
    for note in due[:1000]:
        if not Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).update(emailed_at=now):
            continue  # another sender has it
        try:
            send_mail(_subject(note), _body(note), None, [note.user.email])
        except Exception:  # noqa: BLE001 - any transport error: keep it due, try again later
            logger.warning("notification e-mail %s not sent; it stays due", note.pk, exc_info=True)
            Notification.objects.filter(pk=note.pk).update(emailed_at=None)
            continue
        sent += 1
    return sent


def _subject(note: Notification) -> str:
    return _("【%(site)s】%(text)s") % {"site": "科协工作平台", "text": note.text[:40]}


def _body(note: Notification) -> str:
    from kexie.core.certificates import public_url

    lines = [note.text]
    if note.link:
        lines.append(public_url(note.link) if note.link.startswith("/") else note.link)
    return "\n\n".join(lines)


def notification_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all unread ones when `ids` is None). Not audited:
    a user reading their own messages changes no record of the association."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


@transaction.atomic
def notification_setting_update(*, actor, quiet_start: dt.time | None, quiet_end: dt.time | None):
    """The actor's own quiet hours (both or neither)."""
    if (quiet_start is None) != (quiet_end is None):
        raise ValidationError({"quiet_end": _("免打扰时段:请同时填写开始和结束时间,或都不填")})
    if quiet_start is not None and quiet_start == quiet_end:
        raise ValidationError({"quiet_end": _("免打扰时段:开始和结束时间不能相同")})
    setting, _created = NotificationSetting.objects.get_or_create(user=actor)
    before = audit.snapshot(setting, ["quiet_start", "quiet_end"])
    setting.quiet_start, setting.quiet_end = quiet_start, quiet_end
    setting.save()
    audit.log(
        actor=actor,
        action="kexie.notification_setting.updated",
        obj=setting,
        unit=getattr(actor, "unit", None),
        system=getattr(actor, "unit", None) is None,
        before=before,
        after=audit.snapshot(setting, ["quiet_start", "quiet_end"]),
    )
    return setting


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
