"""Volunteers and training in the demo city (2020, as in the seed review): the 新时代文明实践科普
志愿服务队's 75 sessions (the core demo's ledger activities) with its volunteers' hours, the
疫情防控心理援助志愿服务队, 科普惠农 classes that trained 620 grassroots 农技协 leaders (600余),
22 expert lectures attended 500 times, and two 党建 training classes.

Everything goes through the services; a course is one of the ledger's 2020 activities (counted
once). Entry dates are moved back afterwards to a few days after each service (the demo is
loaded years later; the real entries were on time)."""

import datetime as dt
import random

from kexie.activities.models import Activity, Status
from kexie.core import checkin
from kexie.core.models import CheckinMethod
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
        for volunteer in rng.sample(volunteers, rng.randrange(3, 6)):
            services.service_record_enter(
                actor=admin, volunteer=volunteer, activity=activity,
                data={"content": "“文明创城、科普先行”科普宣传", "hours": rng.choice([2, 2.5, 3]), "team": team,
                      "place": activity.venue or "太白湖广场"},
            )  # fmt: skip
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
    at = start + dt.timedelta(minutes=5)
    code = checkin.rotating_code(session.checkin_session, at)
    for i, person in enumerate(people):
        enrolment = services.enrolment_create(actor=admin, course=course, person=person)
        checkin.checkin_record_in(
            session=session.checkin_session, person=person, method=CheckinMethod.ROTATING, code=code, at=at
        )
        services.enrolment_complete(
            actor=admin, enrolment=enrolment, on=activity.start_date, certify=certify,
            leader_of=leaders_of[i % len(leaders_of)] if leaders_of else None,
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
    """The demo is loaded years after 2020: date each entry a few days after its service."""
    records = ServiceRecord.objects.unscoped(reason="the demo's own records")
    for record in records.only("pk", "served_on"):
        records.filter(pk=record.pk).update(
            recorded_on=record.served_on + dt.timedelta(days=3), is_late=False
        )
