"""Writes of the volunteers and training module: keyword-only, atomic, audited.

Service records follow 《志愿服务记录与证明出具办法(试行)》: one volunteer, one ledger activity,
one day, with place, content, actual hours, organising unit and responsible person, entered
within 10 working days of the service (later entries are kept and flagged `is_late`). Hours come
from check-in (`service_records_from_checkin`: a forgotten check-out is flagged by
kexie.core.checkin and never counted), from the team's entry, or from the volunteer's own report
once approved. A declined entry stays with its reason; nothing is deleted.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.roles import EDIT, REVIEW
from kexie.activities.models import Activity
from kexie.core import audit, checkin, workdays
from kexie.core.services import (
    apply_fields,
    full_clean_chinese,
    lock_for_update,
    require_obj_in_scope,
    require_perm,
    require_unit_in_scope,
    transition,
    unique_or_refuse,
)
from kexie.core.validators import id_number_problem, normalise_id_number
from kexie.volunteers import summary
from kexie.volunteers.models import (
    REVIEWABLE,
    Course,
    CourseSession,
    Enrolment,
    IdType,
    RecordSource,
    RecordStatus,
    ServiceRecord,
    VolunteerProfile,
    VolunteerTeam,
)

ENTRY_WORKING_DAYS = 10  # 办法: records are entered within 10 working days of the service
REMIND_WORKING_DAYS = 2  # remind this many working days before the entry deadline
PROFILE_FIELDS = ("birth_date", "id_type", "residence_region", "skills", "service_category", "registered_on")
RECORD_FIELDS = ("served_on", "place", "content", "hours", "organising_unit", "responsible_person", "team")
HUNDREDTH = Decimal("0.01")


def _today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------------- volunteers


def _apply_id_number(profile: VolunteerProfile, raw: str | None) -> None:
    if raw is None:
        return
    value = normalise_id_number(raw)
    if not value or value == profile.id_number_masked:
        if not value:
            profile.set_id_number("")
        return
    if profile.id_type == IdType.RESIDENT:
        problem = id_number_problem(value)
        if problem:
            raise ValidationError({"id_number": _("身份证件号码:%(p)s") % {"p": problem}})
    elif not (4 <= len(value) <= 24):
        raise ValidationError({"id_number": _("身份证件号码:应为4至24位")})
    profile.set_id_number(value)


@transaction.atomic
def volunteer_register(*, actor, person, data: dict[str, Any], teams=None) -> VolunteerProfile:
    """Register a directory person as a volunteer (one profile per person)."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, person)
    data = dict(data)
    id_number = data.pop("id_number", None)
    data.setdefault("registered_on", _today())
    if (
        VolunteerProfile.objects.unscoped(reason="one profile per person, city-wide")
        .filter(person=person)
        .exists()
    ):
        raise ValidationError({"person": _("人员:%(name)s 已注册为志愿者") % {"name": person.name}})
    profile = VolunteerProfile(person=person)
    apply_fields(profile, data, PROFILE_FIELDS)
    _apply_id_number(profile, id_number)
    full_clean_chinese(profile, exclude=["teams"])
    profile.save()
    if teams:
        profile.teams.set(teams)
    audit.log(actor=actor, action="kexie.volunteer.registered", obj=profile, after=audit.snapshot(profile))
    return profile


@transaction.atomic
def volunteer_update(
    *, actor, profile: VolunteerProfile, data: dict[str, Any], teams=None
) -> VolunteerProfile:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, profile)
    data = dict(data)
    id_number = data.pop("id_number", None)
    before = audit.snapshot(profile)
    apply_fields(profile, data, PROFILE_FIELDS)
    _apply_id_number(profile, id_number)
    full_clean_chinese(profile, exclude=["teams"])
    profile.save()
    if teams is not None:
        profile.teams.set(teams)
    audit.log(
        actor=actor,
        action="kexie.volunteer.changed",
        obj=profile,
        before=before,
        after=audit.snapshot(profile),
    )
    return profile


@transaction.atomic
def volunteer_team_create(
    *, actor, organisation, service_category: str, leader=None, founded_on=None
) -> VolunteerTeam:
    """Make a directory organisation a volunteer team."""
    require_perm(actor, EDIT)
    require_unit_in_scope(actor, organisation, "organisation")
    team = VolunteerTeam(
        organisation=organisation, service_category=service_category, leader=leader, founded_on=founded_on
    )
    full_clean_chinese(team)
    team.save()
    audit.log(actor=actor, action="kexie.volunteer_team.created", obj=team, after=audit.snapshot(team))
    return team


TEAM_FIELDS = ("service_category", "leader", "founded_on")


@transaction.atomic
def volunteer_team_update(*, actor, team: VolunteerTeam, data: dict[str, Any]) -> VolunteerTeam:
    """Change a team's service category, leader or founding date (the organisation itself is
    the directory's)."""
    from kexie.core import references

    require_perm(actor, EDIT)
    require_obj_in_scope(actor, team)
    if data.get("leader") is not None:
        references.check("volunteers.VolunteerTeam.leader", actor, data["leader"], field="leader",
                         label=_("负责人"))  # fmt: skip
    before = audit.snapshot(team)
    apply_fields(team, data, TEAM_FIELDS)
    full_clean_chinese(team)
    team.save()
    audit.log(
        actor=actor,
        action="kexie.volunteer_team.changed",
        obj=team,
        before=before,
        after=audit.snapshot(team),
    )
    return team


# ---------------------------------------------------------------------- service records


def entry_deadline(served_on: dt.date) -> dt.date:
    """The last day a record of a service on `served_on` is on time (10 working days after)."""
    return workdays.add_working_days(served_on, ENTRY_WORKING_DAYS)


def is_late(served_on: dt.date, recorded_on: dt.date) -> bool:
    return workdays.working_days_between(served_on, recorded_on) > ENTRY_WORKING_DAYS


def _county_of(activity: Activity):
    region = activity.region
    return region.county() if region is not None else None


def _new_record(*, actor, volunteer, activity, data, source, status) -> ServiceRecord:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, volunteer)
    require_obj_in_scope(actor, activity)
    record = ServiceRecord(volunteer=volunteer, activity=activity, source=source, status=status)
    data = dict(data)
    data.setdefault("organising_unit", activity.organiser)
    data.setdefault("place", activity.venue)
    data.setdefault("served_on", activity.start_date)
    apply_fields(record, data, RECORD_FIELDS)
    if record.hours is not None and not isinstance(record.hours, Decimal):
        record.hours = Decimal(str(record.hours))
    require_unit_in_scope(actor, record.organising_unit, "organising_unit")
    errors = {}
    if record.served_on and not (activity.start_date <= record.served_on <= activity.end_date):
        errors["served_on"] = _("服务日期:应在活动“%(t)s”的日期(%(a)s至%(b)s)之内") % {
            "t": activity.title,
            "a": activity.start_date,
            "b": activity.end_date,
        }
    if record.served_on and record.served_on > _today():
        errors["served_on"] = _("服务日期:不能晚于今天")
    if errors:
        raise ValidationError(errors)
    record.recorded_on = _today()
    record.is_late = bool(record.served_on) and is_late(record.served_on, record.recorded_on)
    record.county = _county_of(activity)
    record.created_by = actor if getattr(actor, "pk", None) else None
    full_clean_chinese(record)
    record.save()
    if record.status == RecordStatus.RECORDED:
        summary.count([record])
    return record


@transaction.atomic
def service_record_enter(*, actor, volunteer, activity, data: dict[str, Any]) -> ServiceRecord:
    """Hours entered by the team (or the organising unit's staff): recorded at once."""
    record = _new_record(
        actor=actor, volunteer=volunteer, activity=activity, data=data,
        source=RecordSource.TEAM, status=RecordStatus.RECORDED,
    )  # fmt: skip
    audit.log(actor=actor, action="kexie.service_record.recorded", obj=record, after=audit.snapshot(record))
    return record


RECORD_FKS = ("volunteer", "activity", "team", "organising_unit", "responsible_person", "county",
              "checkin_record", "created_by", "reviewed_by")  # fmt: skip


@transaction.atomic
def service_records_enter_bulk(*, actor, activity, entries: Sequence[tuple[VolunteerProfile, dict]]) -> list:
    """Hours entered by the team for many volunteers at one activity (a sign-in sheet, the demo):
    the checks of `service_record_enter` row by row, all or nothing (every refused row is named,
    "第N条"), saved in one statement; one audit entry names the batch's count and records."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, activity)
    entries = list(entries)
    if not entries:
        return []
    seen_in_scope = set(
        VolunteerProfile.objects.for_user(actor)
        .filter(pk__in={v.pk for v, _d in entries})
        .values_list("pk", flat=True)
    )
    today, county = _today(), _county_of(activity)
    records, errors, units = [], {}, {}
    for n, (volunteer, data) in enumerate(entries, start=1):
        try:
            records.append(
                (n, _bulk_record(actor, volunteer, activity, data, seen_in_scope, today, county, units))
            )
        except ValidationError as exc:
            errors[f"第{n}条"] = [f"{volunteer}:{m}" for m in exc.messages]
    errors.update(_bulk_duplicates(activity, records))
    if errors:
        raise ValidationError(dict(sorted(errors.items(), key=lambda item: int(item[0][1:-1]))))
    records = [record for _n, record in records]
    ServiceRecord.objects.bulk_create(records, batch_size=500)
    summary.count(records)
    audit.log(
        actor=actor, action="kexie.service_record.recorded_in_bulk", obj=activity,
        after={"count": len(records), "records": [r.pk for r in records]},
    )  # fmt: skip
    return records


def _bulk_record(actor, volunteer, activity, data, seen_in_scope, today, county, units) -> ServiceRecord:
    if volunteer.pk not in seen_in_scope:
        raise ValidationError(_("志愿者不在您的管理范围内"))
    record = ServiceRecord(volunteer=volunteer, activity=activity, source=RecordSource.TEAM,
                           status=RecordStatus.RECORDED)  # fmt: skip
    data = dict(data)
    data.setdefault("organising_unit", activity.organiser)
    data.setdefault("place", activity.venue)
    data.setdefault("served_on", activity.start_date)
    apply_fields(record, data, RECORD_FIELDS)
    if record.hours is not None and not isinstance(record.hours, Decimal):
        record.hours = Decimal(str(record.hours))
    unit = record.organising_unit
    if unit is not None and unit.pk not in units:  # each unit checked once per batch
        require_unit_in_scope(actor, unit, "organising_unit")
        units[unit.pk] = unit
    if record.served_on and not (activity.start_date <= record.served_on <= activity.end_date):
        raise ValidationError(_("服务日期:应在活动的日期(%(a)s至%(b)s)之内") % {
            "a": activity.start_date, "b": activity.end_date})  # fmt: skip
    if record.served_on and record.served_on > today:
        raise ValidationError(_("服务日期:不能晚于今天"))
    record.recorded_on = today
    record.is_late = bool(record.served_on) and is_late(record.served_on, today)
    record.county = county
    record.created_by = actor if getattr(actor, "pk", None) else None
    # the references were read above (in scope); the once-a-day rule is checked for the batch
    try:
        record.full_clean(exclude=RECORD_FKS, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError(
            [
                f"{ServiceRecord._meta.get_field(f).verbose_name}:{m}"
                for f, ms in exc.message_dict.items()
                for m in ms
            ]
        ) from exc
    return record


def _bulk_duplicates(activity, records) -> dict:
    """The once-per-volunteer-activity-day rule for a batch: within it and against the records."""
    errors, keys = {}, {}
    taken = set(
        ServiceRecord.objects.unscoped(reason="the once-a-day rule holds city-wide")
        .filter(activity=activity, volunteer__in=[r.volunteer_id for _n, r in records])
        .exclude(status=RecordStatus.DECLINED)
        .values_list("volunteer_id", "served_on")
    )
    for n, record in records:
        key = (record.volunteer_id, record.served_on)
        if key in taken or key in keys:
            errors[f"第{n}条"] = [_("%(v)s:该志愿者当天在此活动已有服务记录") % {"v": record.volunteer}]
        keys[key] = n
    return errors


@transaction.atomic
def service_record_report(*, actor, volunteer, activity, data: dict[str, Any]) -> ServiceRecord:
    """Hours the volunteer reports: they count once a reviewer approves them."""
    record = _new_record(
        actor=actor, volunteer=volunteer, activity=activity, data=data,
        source=RecordSource.SELF, status=RecordStatus.PENDING,
    )  # fmt: skip
    audit.log(actor=actor, action="kexie.service_record.reported", obj=record, after=audit.snapshot(record))
    return record


def _check_served_on(record: ServiceRecord, activity) -> None:
    if record.served_on and not (activity.start_date <= record.served_on <= activity.end_date):
        raise ValidationError({"served_on": _("服务日期:应在活动“%(t)s”的日期(%(a)s至%(b)s)之内") % {
            "t": activity.title, "a": activity.start_date, "b": activity.end_date}})  # fmt: skip
    if record.served_on and record.served_on > _today():
        raise ValidationError({"served_on": _("服务日期:不能晚于今天")})


@transaction.atomic
def service_record_update(*, actor, record: ServiceRecord, data: dict[str, Any]) -> ServiceRecord:
    """Correct a pending or recorded entry (date, place, content, hours, unit, responsible
    person, team). A declined entry is kept as it was declined: it cannot be edited. A recorded
    entry's hours move in the hours summary in the same transaction (out as it was, in as it is);
    the entry date stays, the late flag follows the corrected service date."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, record)
    record = lock_for_update(record)
    if record.status == RecordStatus.DECLINED:
        raise ValidationError(_("未通过的记录保留原样,不能修改;请重新录入"))
    data = dict(data)
    if data.get("hours") is not None and not isinstance(data["hours"], Decimal):
        data["hours"] = Decimal(str(data["hours"]))
    before = audit.snapshot(record)
    counted = record.status == RecordStatus.RECORDED
    if counted:
        summary.uncount([copy.copy(record)])
    apply_fields(record, data, RECORD_FIELDS)
    require_unit_in_scope(actor, record.organising_unit, "organising_unit")
    _check_served_on(record, record.activity)
    record.is_late = is_late(record.served_on, record.recorded_on)
    full_clean_chinese(record)
    record.save()
    if counted:
        summary.count([record])
    audit.log(
        actor=actor, action="kexie.service_record.changed", obj=record, before=before,
        after=audit.snapshot(record),
    )  # fmt: skip
    return record


SELF_REPORT_DAYS = 60  # a volunteer reports services of the last 60 days from the phone


def reportable_activities(volunteer: VolunteerProfile):
    """The ledger activities a volunteer may report hours for from the phone: held in the last
    SELF_REPORT_DAYS days (not to come), organised by (or reported by) the volunteer's unit or
    one of their teams, or a unit above or below them."""
    from django.db.models import Q

    from kexie.core.scoping import unit_filter

    today = _today()
    paths = [volunteer.person.unit.path] if volunteer.person.unit_id else []
    paths += [t.organisation.path for t in volunteer.teams.select_related("organisation")]
    reach = Q(pk__in=[])
    for path in filter(None, paths):
        reach |= unit_filter("organiser", path) | unit_filter("reporting_unit", path)
    return (
        Activity.objects.unscoped(reason="the activities a volunteer's own phone may report on")
        .filter(reach, start_date__lte=today, end_date__gte=today - dt.timedelta(days=SELF_REPORT_DAYS))
        .order_by("-start_date", "-id")
    )


@transaction.atomic
def service_record_self_report(
    *, volunteer: VolunteerProfile, activity, data: dict[str, Any]
) -> ServiceRecord:
    """Hours a volunteer reports from their own phone (proved by their signed personal link,
    kexie.core.checkin.personal_token; no staff account): pending until a reviewer approves or
    declines it. Only activities of `reportable_activities(volunteer)`; the checks of a team
    entry (date within the activity and not to come, hours 0.01–24, once a day)."""
    if not reportable_activities(volunteer).filter(pk=activity.pk).exists():
        raise ValidationError({"activity": _("服务活动:不在可申报的活动之内")})
    record = ServiceRecord(volunteer=volunteer, activity=activity, source=RecordSource.SELF,
                           status=RecordStatus.PENDING)  # fmt: skip
    data = dict(data)
    data.setdefault("served_on", activity.start_date)
    data.setdefault("place", activity.venue or activity.title)
    apply_fields(record, data, ("served_on", "place", "content", "hours"))
    if record.hours is not None and not isinstance(record.hours, Decimal):
        record.hours = Decimal(str(record.hours))
    record.organising_unit = activity.organiser
    _check_served_on(record, activity)
    record.recorded_on = _today()
    record.is_late = bool(record.served_on) and is_late(record.served_on, record.recorded_on)
    record.county = _county_of(activity)
    full_clean_chinese(record)
    record.save()
    audit.log(
        actor=None, action="kexie.service_record.reported", obj=record, after=audit.snapshot(record),
        note=_("志愿者本人通过手机申报"),
    )  # fmt: skip
    return record


@transaction.atomic
def service_record_approve(*, actor, record: ServiceRecord, seen: str | None = None) -> ServiceRecord:
    require_perm(actor, REVIEW)
    require_obj_in_scope(actor, record)
    before = audit.snapshot(record, ["status"])
    transition(
        record,
        seen=seen or record.status,
        to=RecordStatus.RECORDED,
        allowed_from=REVIEWABLE,
        values={"reviewed_by": actor if getattr(actor, "pk", None) else None, "reviewed_at": timezone.now()},
    )
    summary.count([record])
    audit.log(
        actor=actor, action="kexie.service_record.approved", obj=record, before=before,
        after=audit.snapshot(record, ["status"]),
    )  # fmt: skip
    return record


@transaction.atomic
def service_record_decline(
    *, actor, record: ServiceRecord, reason: str, seen: str | None = None
) -> ServiceRecord:
    """Decline a reported entry: it stays, with its reason, and counts no hours."""
    require_perm(actor, REVIEW)
    require_obj_in_scope(actor, record)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("未通过原因:请填写")})
    before = audit.snapshot(record, ["status", "decline_reason"])
    transition(
        record,
        seen=seen or record.status,
        to=RecordStatus.DECLINED,
        allowed_from=REVIEWABLE,
        values={
            "decline_reason": reason[:300],
            "reviewed_by": actor if getattr(actor, "pk", None) else None,
            "reviewed_at": timezone.now(),
        },
    )
    audit.log(
        actor=actor, action="kexie.service_record.declined", obj=record, before=before,
        after=audit.snapshot(record, ["status", "decline_reason"]),
    )  # fmt: skip
    return record


@dataclass
class CheckinResult:
    created: list[ServiceRecord] = field(default_factory=list)
    missing_checkout: list = field(default_factory=list)  # CheckinRecords: flagged, not counted
    still_open: list = field(default_factory=list)
    not_volunteers: list = field(default_factory=list)  # people without a volunteer profile
    already: int = 0


def hours_of(minutes: int) -> Decimal:
    return (Decimal(minutes) / Decimal(60)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


@transaction.atomic
def service_records_from_checkin(
    *, actor, session, content: str, responsible_person=None, team=None, now=None
) -> CheckinResult:
    """Turn a check-in session's attendance into service records of its activity. A record
    without a check-out is reported back (flagged by kexie.core.checkin) and counts nothing; a
    check-in already turned into a record is skipped, so running this twice counts once."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, session)
    activity_type = ContentType.objects.get_for_model(Activity)
    if session.target_type_id != activity_type.pk:
        raise ValidationError({"session": _("签到场次:未关联活动台账中的活动,无法生成服务记录")})
    activity = Activity.objects.for_user(actor).filter(pk=session.target_id).first() if actor else None
    if activity is None:
        activity = Activity.objects.unscoped(reason="the session's own activity (system run)").get(
            pk=session.target_id
        )
    if not (content or "").strip():
        raise ValidationError({"content": _("服务内容:请填写")})
    result = CheckinResult()
    profiles = {
        p.person_id: p
        for p in VolunteerProfile.objects.unscoped(reason="profiles of the session's participants").filter(
            person__in=session.records.values("person")
        )
    }
    served_on = timezone.localtime(session.starts_at).date()
    for row in checkin.attendance(session, now=now):
        record = row.record
        if row.flag == checkin.MISSING_CHECKOUT:
            result.missing_checkout.append(record)
            continue
        if row.minutes is None:
            result.still_open.append(record)
            continue
        profile = profiles.get(record.person_id)
        if profile is None:
            result.not_volunteers.append(record.person)
            continue
        if (
            ServiceRecord.objects.unscoped(reason="a check-in counts once")
            .filter(checkin_record=record)
            .exists()
        ):
            result.already += 1
            continue
        if row.minutes <= 0:
            continue
        rec = _new_record(
            actor=actor, volunteer=profile, activity=activity,
            data={
                "served_on": served_on, "content": content.strip(), "hours": hours_of(row.minutes),
                "organising_unit": session.unit, "responsible_person": responsible_person, "team": team,
                "place": activity.venue or session.title,
            },
            source=RecordSource.CHECKIN, status=RecordStatus.RECORDED,
        )  # fmt: skip
        ServiceRecord.objects.unscoped(reason="link the record to its check-in").filter(pk=rec.pk).update(
            checkin_record=record
        )
        rec.checkin_record = record
        audit.log(actor=actor, action="kexie.service_record.recorded", obj=rec, after=audit.snapshot(rec))
        result.created.append(rec)
    return result


def service_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind each organising unit's reviewers of reported entries still waiting when the
    10-working-day deadline is near or past (kexie.core.notifications). Returns the count."""
    from kexie.accounts.models import User
    from kexie.core.notifications import notify

    today = today or _today()
    pending = ServiceRecord.objects.unscoped(reason="a reminder job over every unit").filter(
        status=RecordStatus.PENDING
    )
    due_units: dict[int, int] = {}
    for unit_id, served_on in pending.values_list("organising_unit_id", "served_on"):
        if workdays.working_days_between(today, entry_deadline(served_on)) <= REMIND_WORKING_DAYS:
            due_units[unit_id] = due_units.get(unit_id, 0) + 1
    sent = 0
    for unit_id, count in due_units.items():
        reviewers = [
            u
            for u in User.objects.unscoped(reason="the reviewers a reminder goes to").filter(
                unit_id=unit_id, is_active=True
            )
            if u.has_perm(REVIEW)
        ]
        notes = notify(
            users=reviewers,
            text=_("有%(n)d条志愿服务记录待审核,即将或已经超过10个工作日的录入期限") % {"n": count},
            link="/volunteers/records/?status=pending",
            kind="volunteers.entry_deadline",
        )
        sent += len(notes)
    return sent


# ---------------------------------------------------------------------- training


@transaction.atomic
def course_create(*, actor, activity, kind: str, trainers=(), required_sessions: int = 1) -> Course:
    """A training course on a ledger activity (one course per activity: counted once)."""
    from kexie.core import references

    require_perm(actor, EDIT)
    require_obj_in_scope(actor, activity)
    for trainer in trainers or ():
        references.check("volunteers.Course.trainers", actor, trainer, field="trainers", label=_("授课人"))
    course = Course(activity=activity, kind=kind, required_sessions=required_sessions)
    full_clean_chinese(course)
    course.save()
    if trainers:
        course.trainers.set(trainers)
    audit.log(actor=actor, action="kexie.course.created", obj=course, after=audit.snapshot(course))
    return course


COURSE_FIELDS = ("kind", "required_sessions")


@transaction.atomic
def course_update(*, actor, course: Course, data: dict[str, Any], trainers=None) -> Course:
    """Change a course's kind, the attendance its completion needs, or its trainers (the
    activity, and so what the course counts once, stays). Completions already given stay."""
    from kexie.core import references

    require_perm(actor, EDIT)
    require_obj_in_scope(actor, course)
    course = lock_for_update(course)
    for trainer in trainers or ():
        references.check("volunteers.Course.trainers", actor, trainer, field="trainers", label=_("授课人"))
    before = {**audit.snapshot(course), "trainers": sorted(course.trainers.values_list("pk", flat=True))}
    apply_fields(course, data, COURSE_FIELDS)
    full_clean_chinese(course)
    course.save()
    if trainers is not None:
        course.trainers.set(trainers)
    after = {**audit.snapshot(course), "trainers": sorted(course.trainers.values_list("pk", flat=True))}
    audit.log(actor=actor, action="kexie.course.changed", obj=course, before=before, after=after)
    return course


@transaction.atomic
def course_session_create(*, actor, course: Course, title: str, starts_at, ends_at) -> CourseSession:
    """A class of the course, with its check-in session (sign-in by the rotating code)."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, course)
    session = checkin.checkin_session_create(
        actor=actor, title=title, starts_at=starts_at, ends_at=ends_at,
        unit=course.activity.reporting_unit, target=course.activity,
    )  # fmt: skip
    cs = CourseSession.objects.create(course=course, checkin_session=session)
    audit.log(actor=actor, action="kexie.course_session.created", obj=cs, after=audit.snapshot(cs))
    return cs


@transaction.atomic
def enrolment_create(*, actor, course: Course, person) -> Enrolment:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, course)
    require_obj_in_scope(actor, person)
    again = ValidationError(
        {"person": _("学员:%(p)s 已报名此课程,每人每门课程只计一次") % {"p": person.name}}
    )
    if (
        Enrolment.objects.unscoped(reason="a person counts once per course")
        .filter(course=course, person=person)
        .exists()
    ):
        raise again
    enrolment = Enrolment(course=course, person=person)
    full_clean_chinese(enrolment, exclude=["course", "person"])
    unique_or_refuse(enrolment.save, again)  # a second request at the same moment: the same refusal
    audit.log(actor=actor, action="kexie.enrolment.enrolled", obj=enrolment, after=audit.snapshot(enrolment))
    return enrolment


@transaction.atomic
def enrolments_create_bulk(*, actor, course: Course, people) -> list[Enrolment]:
    """Enrol many people at once (a class list): each must be in scope and not yet enrolled
    (every refused person named), all or nothing; one audit entry names the count."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, course)
    people = list(people)
    from kexie.directory.models import Person

    visible = set(
        Person.objects.for_user(actor).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)
    )
    enrolled = set(
        Enrolment.objects.unscoped(reason="a person counts once per course")
        .filter(course=course)
        .order_by()
        .values_list("person_id", flat=True)
    )
    errors, seen = [], set()
    for person in people:
        if person.pk not in visible:
            errors.append(_("%(p)s:不在您的管理范围内") % {"p": person.name})
        elif person.pk in enrolled or person.pk in seen:
            errors.append(_("%(p)s:该学员已报名此课程") % {"p": person.name})
        seen.add(person.pk)
    if errors:
        raise ValidationError(errors)
    rows = Enrolment.objects.bulk_create([Enrolment(course=course, person=p) for p in people], batch_size=500)
    audit.log(
        actor=actor, action="kexie.enrolment.enrolled_in_bulk", obj=course,
        after={"count": len(rows), "people": [p.pk for p in people]},
    )  # fmt: skip
    return rows


@transaction.atomic
def course_attendance_record(*, actor, course_session: CourseSession, people, at=None) -> int:
    """The class's paper sign-in sheet entered by staff (the leader's confirmation, like scanning
    each code): check-in records for the enrolled people not yet signed in, at `at` (within the
    class's time). Returns how many were added; one audit entry names them."""
    from kexie.core.models import CheckinMethod, CheckinRecord

    require_perm(actor, EDIT)
    require_obj_in_scope(actor, course_session)
    session = course_session.checkin_session
    at = at or session.starts_at
    if not (session.starts_at <= at <= session.ends_at):
        raise ValidationError({"at": _("签到时间:应在本课次的时间之内")})
    people = list(people)
    enrolled = set(
        Enrolment.objects.unscoped(reason="the course's own class list")
        .filter(course=course_session.course, person__in=people)
        .order_by()  # no ordering joins: on PostgreSQL they made this a minutes-long plan
        .values_list("person_id", flat=True)
    )
    strangers = [p.name for p in people if p.pk not in enrolled]
    if strangers:
        raise ValidationError(_("未报名此课程:%(p)s") % {"p": "、".join(strangers)})
    signed = set(session.records.values_list("person_id", flat=True))
    new = [
        CheckinRecord(session=session, person=p, checked_in_at=at, checkin_method=CheckinMethod.SCAN,
                      recorded_by=actor if getattr(actor, "pk", None) else None)
        for p in dict.fromkeys(people) if p.pk not in signed
    ]  # fmt: skip
    CheckinRecord.objects.bulk_create(new, batch_size=500)
    audit.log(
        actor=actor, action="kexie.course_session.attendance", obj=course_session,
        after={"count": len(new), "people": [r.person_id for r in new], "at": at.isoformat()},
    )  # fmt: skip
    return len(new)


@transaction.atomic
def enrolments_complete_bulk(
    *, actor, course: Course, enrolments, on: dt.date | None = None, certify: bool = True, leaders_of=()
) -> list[Enrolment]:
    """`enrolment_complete` for a class list: the attendance of all of them in one query, every
    one short of it named, all or nothing; `leaders_of`: the 农技协 each trainee then leads (in
    turn). Certificates are issued one by one (each has its own code); one audit entry."""
    from django.db.models import Count

    from kexie.core import references

    require_perm(actor, EDIT)
    require_obj_in_scope(actor, course)
    enrolments = list(enrolments)
    leaders_of = list(leaders_of)
    for org in leaders_of:
        references.check("volunteers.Enrolment.leader_of", actor, org, field="leader_of", label=_("农技协"))
    attended = dict(
        CourseSession.objects.unscoped(reason="the course's own classes")
        .filter(course=course, checkin_session__records__person__in=[e.person_id for e in enrolments])
        .values_list("checkin_session__records__person")
        .annotate(n=Count("id"))
        .order_by()
    )
    errors = []
    for e in enrolments:
        if e.course_id != course.pk:
            errors.append(_("%(p)s:不是本课程的学员") % {"p": e.person.name})
        elif e.completed_on is not None:
            errors.append(_("%(p)s 已结业") % {"p": e.person.name})
        elif attended.get(e.person_id, 0) < course.required_sessions:
            errors.append(_("%(p)s:出勤%(n)d次,未达到结业所需的%(r)d次") % {
                "p": e.person.name, "n": attended.get(e.person_id, 0), "r": course.required_sessions})  # fmt: skip
    if errors:
        raise ValidationError(errors)
    on = on or _today()
    for i, e in enumerate(enrolments):
        e.completed_on = on
        if leaders_of:
            e.leader_of = leaders_of[i % len(leaders_of)]
        if certify:
            e.certificate = _completion_certificate(actor, e, course)
    Enrolment.objects.bulk_update(enrolments, ["completed_on", "leader_of", "certificate"], batch_size=500)
    audit.log(
        actor=actor, action="kexie.enrolment.completed_in_bulk", obj=course,
        after={"count": len(enrolments), "people": [e.person_id for e in enrolments], "on": on.isoformat()},
    )  # fmt: skip
    return enrolments


def _completion_certificate(actor, enrolment: Enrolment, course: Course):
    from kexie.core.certificates import certificate_issue

    return certificate_issue(
        actor=actor,
        kind="training",
        holder_name=enrolment.person.name,
        title=_("%(t)s 结业证书") % {"t": course.activity.title},
        unit=course.activity.reporting_unit,
        body={"paragraphs": [_("参加%(t)s,完成规定课程,准予结业。") % {"t": course.activity.title}]},
        source=enrolment,
        issued_on=enrolment.completed_on,
    )


def attended_sessions(enrolment: Enrolment) -> int:
    """Classes of the course the person signed in to (one check-in record per class)."""
    return (
        CourseSession.objects.unscoped(reason="the enrolment's own course")
        .filter(course=enrolment.course, checkin_session__records__person=enrolment.person)
        .count()
    )


@transaction.atomic
def enrolment_complete(
    *, actor, enrolment: Enrolment, on: dt.date | None = None, certify: bool = True, leader_of=None
) -> Enrolment:
    """Mark a course completed when the person signed in to enough classes, and issue the
    completion certificate (kexie.core.certificates); `leader_of`: the 农技协 the trainee now leads."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, enrolment)
    enrolment = lock_for_update(enrolment)
    if enrolment.completed_on is not None:
        raise ValidationError(_("%(p)s 已结业") % {"p": enrolment.person.name})
    course = enrolment.course
    if attended_sessions(enrolment) < course.required_sessions:
        raise ValidationError(
            _("%(p)s:出勤%(n)d次,未达到结业所需的%(r)d次")
            % {"p": enrolment.person.name, "n": attended_sessions(enrolment), "r": course.required_sessions}
        )
    enrolment.completed_on = on or _today()
    if certify:
        enrolment.certificate = _completion_certificate(actor, enrolment, course)
    if leader_of is not None:
        from kexie.core import references

        references.check(
            "volunteers.Enrolment.leader_of", actor, leader_of, field="leader_of", label=_("农技协")
        )
        enrolment.leader_of = leader_of
    enrolment.save(update_fields=["completed_on", "certificate", "leader_of"])
    audit.log(actor=actor, action="kexie.enrolment.completed", obj=enrolment, after=audit.snapshot(enrolment))
    return enrolment


@transaction.atomic
def enrolment_leader_set(*, actor, enrolment: Enrolment, organisation) -> Enrolment:
    """Record that a trainee became the leader of a 农技协."""
    from kexie.core import references

    require_perm(actor, EDIT)
    require_obj_in_scope(actor, enrolment)
    references.check(
        "volunteers.Enrolment.leader_of", actor, organisation, field="leader_of", label=_("农技协")
    )
    before = audit.snapshot(enrolment)
    enrolment.leader_of = organisation
    enrolment.save(update_fields=["leader_of"])
    audit.log(
        actor=actor,
        action="kexie.enrolment.leader",
        obj=enrolment,
        before=before,
        after=audit.snapshot(enrolment),
    )
    return enrolment


# ---------------------------------------------------------------------- certificate of service


@transaction.atomic
def volunteer_certificate_issue(*, actor, profile: VolunteerProfile, unit=None, year: int | None = None):
    """A certificate of service (办法 第十四条: hours, content, recording unit) with a
    verification code: the recorded hours of the records in `unit`'s subtree (default: the
    actor's unit), for one year or all years."""
    from django.db.models import Max, Min, Sum

    from kexie.core.certificates import certificate_issue

    unit = unit or getattr(actor, "unit", None)
    require_obj_in_scope(actor, profile)
    require_unit_in_scope(actor, unit, "unit")
    qs = ServiceRecord.objects.within(unit).filter(volunteer=profile, status=RecordStatus.RECORDED)
    if year:
        qs = qs.filter(served_on__year=year)
    totals = qs.aggregate(hours=Sum("hours"), first=Min("served_on"), last=Max("served_on"))
    if not totals["hours"]:
        raise ValidationError(
            _("%(n)s 在本单位没有已记录的志愿服务时长,不能出具证明") % {"n": profile.person.name}
        )
    contents = list(dict.fromkeys(qs.order_by("served_on").values_list("content", flat=True)))
    shown = "、".join(contents[:8]) + (_("等") if len(contents) > 8 else "")
    fields = [
        [_("服务时长"), _("%(h)s 小时") % {"h": totals["hours"].normalize()}],
        [_("服务内容"), shown],
        [_("记录单位"), unit.name],
    ]
    evaluation = _latest_evaluation(profile, unit, year)
    if evaluation is not None:  # the record's evaluations (办法): the latest in the unit's subtree
        fields.append([_("服务评价"), _("%(y)d年度 %(r)s(%(u)s)") % {
            "y": evaluation.year, "r": evaluation.get_rating_display(), "u": evaluation.unit.name}])  # fmt: skip
    return certificate_issue(
        actor=actor,
        kind="volunteer_service",
        holder_name=profile.person.name,
        title=_("志愿服务证明"),
        unit=unit,
        body={
            "paragraphs": [
                _("%(n)s 同志于 %(a)s 至 %(b)s 参加志愿服务,特此证明。")
                % {"n": profile.person.name, "a": totals["first"], "b": totals["last"]}
            ],
            "fields": fields,
        },
        source=profile,
    )


def _latest_evaluation(profile: VolunteerProfile, unit, year: int | None):
    """The volunteer's latest evaluation by a unit within `unit`'s subtree (of `year` if given)."""
    from kexie.volunteers.models import VolunteerEvaluation

    qs = VolunteerEvaluation.objects.within(unit).filter(volunteer=profile).select_related("unit")
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "-evaluated_on", "-id").first()


# ---- evaluations on the volunteer's record -----------------------------------------------------

EVALUATION_FIELDS = ("year", "rating", "comment", "evaluated_on")


@transaction.atomic
def volunteer_evaluation_add(*, actor, volunteer: VolunteerProfile, unit, data: dict[str, Any]):
    """A unit's evaluation of a volunteer (rating and comments for a year), on the volunteer's
    record. The volunteer and the unit must be in the actor's scope; one per unit and year."""
    from kexie.core import references
    from kexie.volunteers.models import VolunteerEvaluation

    require_perm(actor, EDIT)
    references.check("volunteers.VolunteerEvaluation.volunteer", actor, volunteer, field="volunteer",
                     label=_("志愿者"))  # fmt: skip
    references.check("volunteers.VolunteerEvaluation.unit", actor, unit, field="unit", label=_("评价单位"))
    evaluation = VolunteerEvaluation(volunteer=volunteer, unit=unit)
    apply_fields(evaluation, {"evaluated_on": _today(), **data}, EVALUATION_FIELDS)
    evaluation.comment = (evaluation.comment or "").strip()
    if evaluation.evaluated_on and evaluation.evaluated_on > _today():
        raise ValidationError({"evaluated_on": _("评价日期:不能晚于今天")})
    if evaluation.year and evaluation.evaluated_on and evaluation.year > evaluation.evaluated_on.year:
        raise ValidationError({"year": _("评价年度:不能晚于评价日期所在年度")})
    taken = ValidationError({"year": _("评价年度:%(unit)s已评价过该志愿者%(year)d年度的服务")
                             % {"unit": unit, "year": evaluation.year}})  # fmt: skip
    if (
        evaluation.year
        and VolunteerEvaluation.objects.unscoped(reason="one evaluation per unit and year")
        .filter(volunteer=volunteer, unit=unit, year=evaluation.year)
        .exists()
    ):
        raise taken
    full_clean_chinese(evaluation)
    # a concurrent request may have added the same unit's evaluation for the year since the check
    unique_or_refuse(evaluation.save, taken)
    audit.log(actor=actor, action="kexie.volunteer_evaluation.created", obj=evaluation,
              after=audit.snapshot(evaluation))  # fmt: skip
    return evaluation


@transaction.atomic
def volunteer_evaluation_withdraw(*, actor, evaluation) -> None:
    """Withdraw an evaluation entered in error (its unit's editors; the audit keeps it)."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, evaluation)
    before = audit.snapshot(evaluation)
    audit.log(actor=actor, action="kexie.volunteer_evaluation.withdrawn", obj=evaluation, before=before)
    evaluation.delete()
