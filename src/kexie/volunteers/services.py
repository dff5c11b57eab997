"""Writes of the volunteers and training module: keyword-only, atomic, audited.

Service records follow 《志愿服务记录与证明出具办法(试行)》: one volunteer, one ledger activity,
one day, with place, content, actual hours, organising unit and responsible person, entered
within 10 working days of the service (later entries are kept and flagged `is_late`). Hours come
from check-in (`service_records_from_checkin`: a forgotten check-out is flagged by
kexie.core.checkin and never counted), from the team's entry, or from the volunteer's own report
once approved. A declined entry stays with its reason; nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
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


@transaction.atomic
def service_record_report(*, actor, volunteer, activity, data: dict[str, Any]) -> ServiceRecord:
    """Hours the volunteer reports: they count once a reviewer approves them."""
    record = _new_record(
        actor=actor, volunteer=volunteer, activity=activity, data=data,
        source=RecordSource.SELF, status=RecordStatus.PENDING,
    )  # fmt: skip
    audit.log(actor=actor, action="kexie.service_record.reported", obj=record, after=audit.snapshot(record))
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
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, activity)
    course = Course(activity=activity, kind=kind, required_sessions=required_sessions)
    full_clean_chinese(course)
    course.save()
    if trainers:
        course.trainers.set(trainers)
    audit.log(actor=actor, action="kexie.course.created", obj=course, after=audit.snapshot(course))
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
    enrolment = Enrolment(course=course, person=person)
    full_clean_chinese(enrolment)
    enrolment.save()
    audit.log(actor=actor, action="kexie.enrolment.enrolled", obj=enrolment, after=audit.snapshot(enrolment))
    return enrolment


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
    from kexie.core.certificates import certificate_issue

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
        enrolment.certificate = certificate_issue(
            actor=actor,
            kind="training",
            holder_name=enrolment.person.name,
            title=_("%(t)s 结业证书") % {"t": course.activity.title},
            unit=course.activity.reporting_unit,
            body={"paragraphs": [_("参加%(t)s,完成规定课程,准予结业。") % {"t": course.activity.title}]},
            source=enrolment,
            issued_on=enrolment.completed_on,
        )
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
            "fields": [
                [_("服务时长"), _("%(h)s 小时") % {"h": totals["hours"].normalize()}],
                [_("服务内容"), shown],
                [_("记录单位"), unit.name],
            ],
        },
        source=profile,
    )
