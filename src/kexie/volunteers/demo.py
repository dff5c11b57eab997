"""Volunteers and training in the demo city (2020, as in the seed review): the 新时代文明实践科普
志愿服务队's 75 sessions (the core demo's ledger activities) with its volunteers' hours, the
疫情防控心理援助志愿服务队, 科普惠农 classes that trained 620 grassroots 农技协 leaders (600余),
22 expert lectures attended 500 times, and two 党建 training classes.

Everything goes through the services; a course is one of the ledger's 2020 activities (counted
once). Entry dates are moved back afterwards to a few days after each service (the demo is
loaded years later; the real entries were on time)."""

import datetime as dt
import random

from django.db.models import Case, Value, When

from kexie.activities.models import Activity, Status
from kexie.demo import data as D
from kexie.directory.services import organisation_create, person_create
from kexie.volunteers import services
from kexie.volunteers.models import ServiceRecord

SEED = 20201231 + 13
YEAR = 2020
LEADERS = 620  # 600余名基层农技协科普带头人
LECTURES, LECTURE_ATTENDANCE = 22, 500  # 20多次, 500人次
PSYCH_TEAM = "济宁市科协疫情防控心理援助志愿服务队"


def load(context) -> None:
    rng = random.Random(SEED)
    admin = context.users[D.ADMIN_USERNAME]
    activities = Activity.objects.unscoped(reason="the demo's own ledger").filter(
        start_date__year=YEAR, status=Status.APPROVED
    )
    _outreach_team(admin, context, activities, rng)
    _psych_team(admin, context, rng)
    _anti_cult_volunteers(admin)
    _training(admin, context, activities, rng)


def _people(admin, unit, prefix: str, n: int) -> list:
    return [person_create(actor=admin, data={"name": f"{prefix}{i + 1:03d}", "unit": unit}) for i in range(n)]


def _outreach_team(admin, context, activities, rng) -> None:
    team_org = next(o for o in context.orgs["volunteer_teams"] if o.name == D.VOLUNTEER_TEAM)
    team = services.volunteer_team_create(
        actor=admin,
        organisation=team_org,
        service_category="science_outreach",
        founded_on=dt.date(2020, 3, 1),
    )
    volunteers = [
        services.volunteer_register(actor=admin, person=p, data={"skills": "科普讲解"}, teams=[team])
        for p in _people(admin, context.city, "科普志愿者", 24)
    ]
    for activity in activities.filter(organiser=team_org, kind__code="outreach.volunteer").order_by(
        "start_date"
    ):
        entries = [
            (volunteer, {"content": "“文明创城、科普先行”科普宣传", "hours": rng.choice([2, 2.5, 3]), "team": team,
                         "place": activity.venue or "太白湖广场"})
            for volunteer in rng.sample(volunteers, rng.randrange(3, 6))
        ]  # fmt: skip
        services.service_records_enter_bulk(actor=admin, activity=activity, entries=entries)
    _entered_on_time()


def _psych_team(admin, context, rng) -> None:
    org = organisation_create(
        actor=admin,
        data={
            "name": PSYCH_TEAM,
            "short_name": "心理援助志愿服务队",
            "kind": "other",
            "parent": context.city,
        },
    )
    team = services.volunteer_team_create(
        actor=admin, organisation=org, service_category="psychological", founded_on=dt.date(2020, 2, 1)
    )
    for p in _people(admin, context.city, "心理援助志愿者", 12):
        services.volunteer_register(
            actor=admin,
            person=p,
            data={"skills": "心理咨询", "service_category": "psychological"},
            teams=[team],
        )


ANTI_CULT_SERIES = "山东省“十佳”反邪教志愿者评选"


def _anti_cult_volunteers(admin) -> None:
    """The 5 anti-cult volunteers recommended to the province are the call engine's entries (the
    calls demo's 山东省第二届“十佳”反邪教志愿者推荐): register those people as volunteers of the
    反邪教 category, linked, not duplicated. Nothing to do when the calls app is absent."""
    try:
        from kexie.calls.models import Entry
    except ImportError:
        return
    entries = Entry.objects.unscoped(reason="the demo's own recommendation").filter(
        call__series=ANTI_CULT_SERIES, person__isnull=False
    )
    for entry in entries.select_related("person").order_by("id"):
        if hasattr(entry.person, "volunteer_profile"):
            services.volunteer_update(
                actor=admin, profile=entry.person.volunteer_profile, data={"service_category": "anti_cult"}
            )
        else:
            services.volunteer_register(
                actor=admin,
                person=entry.person,
                data={"service_category": "anti_cult", "skills": "反邪教宣传"},
            )


def _courses(admin, activities, kind_code: str, n: int, course_kind: str, title: str, context):
    """`n` of the ledger's 2020 activities of that kind as courses (created when there are fewer)."""
    found = list(
        activities.filter(kind__code=kind_code).exclude(course__isnull=False).order_by("start_date")[:n]
    )
    from kexie.activities.services import activity_create

    for i in range(len(found), n):
        found.append(activity_create(actor=admin, data={
            "title": f"{title}(第{i + 1}期)", "kind": context.kinds[kind_code], "start_date": dt.date(YEAR, 3 + i % 9, 10),
            "end_date": dt.date(YEAR, 3 + i % 9, 10), "region": context.city.region, "organiser": context.city,
        }))  # fmt: skip
    return [services.course_create(actor=admin, activity=a, kind=course_kind) for a in found]


def _sign_in_and_complete(admin, course, people, *, leaders_of=None, certify: bool = True) -> None:
    activity = course.activity
    start = dt.datetime.combine(activity.start_date, dt.time(1, 0), tzinfo=dt.UTC)
    session = services.course_session_create(
        actor=admin,
        course=course,
        title=activity.title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
    )
    enrolments = services.enrolments_create_bulk(actor=admin, course=course, people=people)
    services.course_attendance_record(
        actor=admin, course_session=session, people=people, at=start + dt.timedelta(minutes=5)
    )
    services.enrolments_complete_bulk(
        actor=admin, course=course, enrolments=enrolments, on=activity.start_date, certify=certify,
        leaders_of=leaders_of or (),
    )  # fmt: skip


def _training(admin, context, activities, rng) -> None:
    rural = _courses(admin, activities, "outreach.rural", 6, "rural", "科普惠农系列培训班", context)
    associations = context.orgs["rural_tech_associations"]
    trainees = _people(admin, context.city, "农技协带头人", LEADERS)
    for i, course in enumerate(rural):
        cohort = trainees[i :: len(rural)]
        _sign_in_and_complete(admin, course, cohort, leaders_of=associations, certify=False)
    lectures = _courses(
        admin, activities, "outreach.lecture", LECTURES, "expert_lecture", "老专家农业技术培训授课", context
    )
    farmers = trainees  # the same grassroots people attend the experts' lectures
    per_lecture = [
        LECTURE_ATTENDANCE // LECTURES + (1 if i < LECTURE_ATTENDANCE % LECTURES else 0)
        for i in range(LECTURES)
    ]
    for course, n in zip(lectures, per_lecture, strict=True):
        _sign_in_and_complete(admin, course, rng.sample(farmers, n), certify=False)
    party = _courses(
        admin, activities, "training", 2, "party", "习近平新时代中国特色社会主义思想专题培训班", context
    )
    cadres = _people(admin, context.city, "学会党组织负责人", 30)
    for course in party:
        _sign_in_and_complete(admin, course, cadres)


def _entered_on_time() -> None:
    """The demo is loaded years after 2020: date each entry a few days after its service (one
    UPDATE: a CASE over the service days)."""
    records = ServiceRecord.objects.unscoped(reason="the demo's own records")
    days = sorted(set(records.values_list("served_on", flat=True)))
    if days:
        entered = Case(*(When(served_on=d, then=Value(d + dt.timedelta(days=3))) for d in days))
        records.update(recorded_on=entered, is_late=False)
