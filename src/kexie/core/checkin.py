"""Check-in and check-out on a phone, in a way that cannot be done from home.

Two ways, one record per person and session:
- the organiser's screen shows a code that changes every `rotate_seconds` (an HMAC of the
  session's secret and the time window, also as a QR code that opens the phone page); a phone
  may use the current or the previous window's code, never an older one, so a code sent home
  is dead within two windows;
- the team leader (logged in, the session in scope) scans the participant's personal QR code.

A participant is a directory person; their phone knows them by their personal link
(`personal_token`), opened once (staff hand it out: /checkin/people/<id>/link/). Hours are
counted from check-in to check-out within the session's times; a record without a check-out
after the session ended is flagged `missing_checkout` and counts no hours, never silently.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass
from hashlib import sha256

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from kexie.accounts.roles import EDIT
from kexie.core import audit
from kexie.core.models import CheckinMethod, CheckinRecord, CheckinSession
from kexie.core.services import lock_for_update, require_obj_in_scope, require_perm, require_unit_in_scope

CODE_DIGITS = 6
MIN_ROTATE_SECONDS, MAX_ROTATE_SECONDS = 10, 600
MAX_SESSION = dt.timedelta(days=2)


def checkout_grace() -> dt.timedelta:
    """How long after the session's end a check-out is still taken (the hours stop at the end)."""
    return dt.timedelta(minutes=settings.KEXIE_CHECKOUT_GRACE_MINUTES)


# ---------------------------------------------------------------------- codes


def _window(session: CheckinSession, at: dt.datetime) -> int:
    return int(at.timestamp()) // session.rotate_seconds


def _code_for(session: CheckinSession, window: int) -> str:
    mac = hmac.new(session.secret.encode(), f"{session.pk}:{window}".encode(), sha256).digest()
    return str(int.from_bytes(mac[:8], "big") % 10**CODE_DIGITS).zfill(CODE_DIGITS)


def rotating_code(session: CheckinSession, at: dt.datetime | None = None) -> str:
    """The code the organiser's screen shows now (or at `at`)."""
    return _code_for(session, _window(session, at or timezone.now()))


def code_is_current(session: CheckinSession, code: str, at: dt.datetime | None = None) -> bool:
    """The code of this window or the previous one (a phone may scan just before the change)."""
    window = _window(session, at or timezone.now())
    code = (code or "").strip()
    return any(hmac.compare_digest(code, _code_for(session, w)) for w in (window, window - 1))


def _person_mac(salt: str, person_id: int) -> str:
    return salted_hmac(salt, str(person_id)).hexdigest()[:20]


def personal_token(person) -> str:
    """The participant's own link token: their phone uses it to say who checks in."""
    return f"{person.pk}-{_person_mac('kexie:checkin:self', person.pk)}"


def scan_token(person) -> str:
    """What the participant's QR code carries for the team leader to scan (not the personal
    token: scanning someone's QR code does not let one check in as them)."""
    return f"{person.pk}-{_person_mac('kexie:checkin:scan', person.pk)}"


def _person_of(token: str, salt: str):
    from kexie.directory.models import Person

    person_id, _sep, mac = (token or "").partition("-")
    if (
        not person_id.isdigit()
        or len(person_id) > 18
        or not hmac.compare_digest(mac, _person_mac(salt, int(person_id)))
    ):
        return None
    return (
        Person.objects.unscoped(reason="the signed token names the person").filter(pk=int(person_id)).first()
    )


def person_from_personal_token(token: str):
    return _person_of(token, "kexie:checkin:self")


def person_from_scan_token(token: str):
    return _person_of(token, "kexie:checkin:scan")


# ---------------------------------------------------------------------- services


@transaction.atomic
def checkin_session_create(
    *, actor, title: str, starts_at, ends_at, unit=None, target=None, rotate_seconds: int = 30
) -> CheckinSession:
    """A check-in session of `unit` (default: the actor's unit) for `target` (an activity, a
    course's class: any record; optional)."""
    unit = unit or getattr(actor, "unit", None)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("名称:请填写")
    if starts_at is None or ends_at is None:
        errors["starts_at"] = _("开始时间和结束时间:请填写")
    elif ends_at <= starts_at:
        errors["ends_at"] = _("结束时间:应晚于开始时间")
    elif ends_at - starts_at > MAX_SESSION:
        errors["ends_at"] = _("结束时间:一个签到场次不能超过两天")
    if not (isinstance(rotate_seconds, int) and MIN_ROTATE_SECONDS <= rotate_seconds <= MAX_ROTATE_SECONDS):
        errors["rotate_seconds"] = _("动态码更新间隔:应为%(a)d至%(b)d秒") % {
            "a": MIN_ROTATE_SECONDS,
            "b": MAX_ROTATE_SECONDS,
        }
    if unit is None:
        errors["unit"] = _("组织单位:请选择")
    if errors:
        raise ValidationError(errors)
    if actor is not None:
        require_perm(actor, EDIT)
        require_unit_in_scope(actor, unit, "unit")
    session = CheckinSession(
        unit=unit,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        rotate_seconds=rotate_seconds,
        secret=secrets.token_hex(32),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if target is not None:
        session.target_type = ContentType.objects.get_for_model(target)
        session.target_id = target.pk
    session.save()
    audit.log(actor=actor, action="kexie.checkin_session.created", obj=session, after=audit.snapshot(session))
    return session


def _require_method(*, session, method: str, code: str | None, actor, at) -> None:
    if method == CheckinMethod.ROTATING:
        if not code_is_current(session, code or "", at):
            raise ValidationError({"code": _("签到码已过期或有误:请扫描现场屏幕上的最新二维码")})
    elif method == CheckinMethod.SCAN:
        if actor is None:
            raise ValidationError(_("扫码签到需要由负责人登录后操作"))
        require_perm(actor, EDIT)
        require_obj_in_scope(actor, session)
    else:
        raise ValidationError({"method": _("未知的签到方式")})


def _local(at) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


@transaction.atomic
def checkin_record_in(*, session, person, method: str, code: str | None = None, actor=None, at=None):
    """Check `person` in. Returns (record, created): a second check-in of the same person (a
    double tap, two phones at once) returns the first record and counts once."""
    at = at or timezone.now()
    _require_method(session=session, method=method, code=code, actor=actor, at=at)
    if not (session.starts_at <= at <= session.ends_at):
        raise ValidationError(
            _("不在签到时间内:“%(title)s”的签到时间为%(start)s至%(end)s")
            % {"title": session.title, "start": _local(session.starts_at), "end": _local(session.ends_at)}
        )
    existing = _record_of(session, person)
    if existing is not None:
        return existing, False
    record = CheckinRecord(
        session=session,
        person=person,
        checked_in_at=at,
        checkin_method=method,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():  # the unique constraint settles two check-ins at once
            record.save()
    except IntegrityError:
        return _record_of(session, person), False
    audit.log(
        actor=actor,
        action="kexie.checkin.checked_in",
        obj=record,
        after={"person": str(person), "at": at.isoformat(), "method": method},
    )
    return record, True


@transaction.atomic
def checkin_record_out(*, session, person, method: str, code: str | None = None, actor=None, at=None):
    """Check `person` out (within the session, or up to the grace period after its end)."""
    at = at or timezone.now()
    _require_method(session=session, method=method, code=code, actor=actor, at=at)
    record = _record_of(session, person)
    if record is None:
        raise ValidationError(_("%(person)s尚未签到,不能签退") % {"person": person})
    record = lock_for_update(record)
    if record.checked_out_at is not None:
        raise ValidationError(
            _("%(person)s已于%(at)s签退") % {"person": person, "at": _local(record.checked_out_at)}
        )
    if not (session.starts_at <= at <= session.ends_at + checkout_grace()):
        raise ValidationError(
            _("不在签退时间内:“%(title)s”于%(end)s结束,签退最晚在结束后%(grace)d分钟内")
            % {
                "title": session.title,
                "end": _local(session.ends_at),
                "grace": checkout_grace().seconds // 60,
            }
        )
    record.checked_out_at, record.checkout_method = at, method
    record.save(update_fields=["checked_out_at", "checkout_method"])
    audit.log(
        actor=actor,
        action="kexie.checkin.checked_out",
        obj=record,
        after={"person": str(person), "at": at.isoformat(), "method": method},
    )
    return record


def _record_of(session, person):
    return session.records.filter(person=person).first()


# ---------------------------------------------------------------------- hours


OPEN = "open"
MISSING_CHECKOUT = "missing_checkout"
FLAG_LABELS = {OPEN: _("进行中"), MISSING_CHECKOUT: _("未签退(不计时长)")}


@dataclass(frozen=True)
class Attendance:
    record: CheckinRecord
    minutes: int | None  # None: not counted (see flag)
    flag: str = ""

    @property
    def hours(self) -> float | None:
        return None if self.minutes is None else round(self.minutes / 60, 2)

    @property
    def flag_label(self) -> str:
        return str(FLAG_LABELS.get(self.flag, ""))


def attendance(session: CheckinSession, now: dt.datetime | None = None) -> list[Attendance]:
    """Every record of the session with its counted minutes, or its flag."""
    now = now or timezone.now()
    rows = []
    for record in session.records.select_related("person").order_by("checked_in_at", "pk"):
        if record.checked_out_at is None:
            ended = now > session.ends_at + checkout_grace()
            rows.append(Attendance(record, None, MISSING_CHECKOUT if ended else OPEN))
            continue
        start = max(record.checked_in_at, session.starts_at)
        end = min(record.checked_out_at, session.ends_at)
        rows.append(Attendance(record, max(0, int((end - start).total_seconds() // 60))))
    return rows


def total_minutes(rows: list[Attendance]) -> int:
    return sum(row.minutes for row in rows if row.minutes is not None)
