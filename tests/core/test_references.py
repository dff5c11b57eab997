"""Every reference a write accepts is checked by the field's reference rule, whatever the
channel: API bodies, web forms and imports. Data-driven and complete: a new writable foreign
key or many-to-many (an API body `*_id(s)`, a form's model choice field, an import column that
names records) fails here until it has a rule."""

import datetime as dt
import importlib
import inspect
import io

import pytest
from django import forms
from django.apps import apps

from kexie.api import api
from kexie.core import references
from kexie.core.imports.engine import KIND_MODULES, get_spec, import_file

# ---------------------------------------------------------------- the API

# (method, path, body field) → the rule it is checked by; None: reference data that every user
# may name (regions, activity kinds, patents).
API_REFERENCES = {
    ("POST", "/api/v1/office/tasks", "department_id"): "office.Task.department",
    ("POST", "/api/v1/office/tasks", "owner_id"): "office.Task.owner",
    ("POST", "/api/v1/office/tasks", "rule_id"): "office.Task.rule",
    ("POST", "/api/v1/office/tasks", "task_force_id"): "office.Task.task_force",
    ("POST", "/api/v1/office/decisions/{decision_id}/task", "department_id"): "office.Task.department",
    ("POST", "/api/v1/office/decisions/{decision_id}/task", "owner_id"): "office.Task.owner",
    ("POST", "/api/v1/office/meetings", "unit_id"): "office.Meeting.unit",
    ("POST", "/api/v1/office/meetings", "attendee_ids"): "office.Meeting.attendees",
    ("PUT", "/api/v1/office/tasks/{task_id}", "department_id"): "office.Task.department",
    ("PUT", "/api/v1/office/tasks/{task_id}", "owner_id"): "office.Task.owner",
    ("PUT", "/api/v1/office/tasks/{task_id}", "rule_id"): "office.Task.rule",
    ("PUT", "/api/v1/office/tasks/{task_id}", "task_force_id"): "office.Task.task_force",
    ("POST", "/api/v1/office/departments", "leader_id"): "office.Department.leader",
    ("PUT", "/api/v1/office/departments/{department_id}", "leader_id"): "office.Department.leader",
    ("POST", "/api/v1/office/cadres", "department_id"): "office.Task.department",
    ("POST", "/api/v1/office/cadres", "user_id"): "office.Cadre.user",
    ("PUT", "/api/v1/office/cadres/{cadre_id}", "user_id"): "office.Cadre.user",
    ("POST", "/api/v1/office/task-forces", "department_id"): "office.TaskForce.department",
    ("POST", "/api/v1/office/task-forces", "lead_id"): "office.TaskForce.lead",
    ("POST", "/api/v1/office/task-forces", "member_ids"): "office.TaskForce.members",
    ("PUT", "/api/v1/office/task-forces/{force_id}", "department_id"): "office.TaskForce.department",
    ("PUT", "/api/v1/office/task-forces/{force_id}", "lead_id"): "office.TaskForce.lead",
    ("PUT", "/api/v1/office/task-forces/{force_id}", "member_ids"): "office.TaskForce.members",
    ("POST", "/api/v1/directory/organisations", "parent_id"): "directory.Organisation.parent",
    ("POST", "/api/v1/directory/organisations", "region_id"): None,
    ("PATCH", "/api/v1/directory/organisations/{org_id}", "parent_id"): "directory.Organisation.parent",
    ("PATCH", "/api/v1/directory/organisations/{org_id}", "region_id"): None,
    ("POST", "/api/v1/directory/people", "unit_id"): "directory.Person.unit",
    ("PATCH", "/api/v1/directory/people/{person_id}", "unit_id"): "directory.Person.unit",
    ("POST", "/api/v1/activities/campaigns", "host_unit_id"): "activities.Campaign.host_unit",
    (
        "POST",
        "/api/v1/activities/campaigns",
        "participating_unit_ids",
    ): "activities.Campaign.participating_units",
    ("PATCH", "/api/v1/activities/campaigns/{campaign_id}", "host_unit_id"): "activities.Campaign.host_unit",
    ("PATCH", "/api/v1/activities/campaigns/{campaign_id}", "participating_unit_ids"): (
        "activities.Campaign.participating_units"
    ),
    ("POST", "/api/v1/activities/", "organiser_id"): "activities.Activity.organiser",
    ("POST", "/api/v1/activities/", "reporting_unit_id"): "activities.Activity.reporting_unit",
    ("POST", "/api/v1/activities/", "campaign_id"): "activities.Activity.campaign",
    ("POST", "/api/v1/activities/", "co_organiser_ids"): "activities.Activity.co_organisers",
    ("POST", "/api/v1/activities/", "kind_id"): None,
    ("POST", "/api/v1/activities/", "region_id"): None,
    ("PATCH", "/api/v1/activities/{activity_id}", "organiser_id"): "activities.Activity.organiser",
    ("PATCH", "/api/v1/activities/{activity_id}", "reporting_unit_id"): "activities.Activity.reporting_unit",
    ("PATCH", "/api/v1/activities/{activity_id}", "campaign_id"): "activities.Activity.campaign",
    ("PATCH", "/api/v1/activities/{activity_id}", "co_organiser_ids"): "activities.Activity.co_organisers",
    ("PATCH", "/api/v1/activities/{activity_id}", "kind_id"): None,
    ("PATCH", "/api/v1/activities/{activity_id}", "region_id"): None,
    ("POST", "/api/v1/innovation/demands", "enterprise_id"): "innovation.Demand.enterprise",
    ("POST", "/api/v1/innovation/demands/{demand_id}/{action}", "expert_id"): "innovation.Matchmaking.expert",
    ("POST", "/api/v1/opinion/rules", "queue_id"): "opinion.AlertRule.queue",
    ("POST", "/api/v1/opinion/rules", "source_id"): "opinion.AlertRule.source",
    ("PUT", "/api/v1/opinion/rules/{rule_id}", "queue_id"): "opinion.AlertRule.queue",
    ("PUT", "/api/v1/opinion/rules/{rule_id}", "source_id"): "opinion.AlertRule.source",
    ("POST", "/api/v1/opinion/articles", "activity_ids"): "opinion.Article.activities",
    ("PUT", "/api/v1/opinion/articles/{article_id}", "activity_ids"): "opinion.Article.activities",
    ("POST", "/api/v1/hotline/consultations", "region_id"): None,  # regions are reference data, not scoped
    (
        "POST",
        "/api/v1/hotline/consultations/{consultation_id}/answer",
        "expert_id",
    ): "hotline.Consultation.expert",
    (
        "POST",
        "/api/v1/hotline/consultations/{consultation_id}/assignee",
        "assignee_id",
    ): "tickets.Ticket.assignee",
    (
        "POST",
        "/api/v1/hotline/consultations/{consultation_id}/callbacks",
        "assignee_id",
    ): "hotline.Callback.assignee",
    (
        "POST",
        "/api/v1/innovation/demands/{demand_id}/{action}",
        "society_id",
    ): "innovation.Matchmaking.society",
    ("POST", "/api/v1/innovation/demands/{demand_id}/{action}", "forum_id"): "innovation.Agreement.forum",
    ("POST", "/api/v1/innovation/selections/{list_id}/patents", "patent_ids"): None,
    ("POST", "/api/v1/volunteers/records", "volunteer_id"): "volunteers.ServiceRecord.volunteer",
    ("POST", "/api/v1/volunteers/records", "activity_id"): "volunteers.ServiceRecord.activity",
    ("POST", "/api/v1/volunteers/records", "organising_unit_id"): "volunteers.ServiceRecord.organising_unit",
    (
        "POST",
        "/api/v1/volunteers/records",
        "responsible_person_id",
    ): "volunteers.ServiceRecord.responsible_person",
    ("POST", "/api/v1/volunteers/records", "team_id"): "volunteers.ServiceRecord.team",
    ("POST", "/api/v1/volunteers/courses", "activity_id"): "volunteers.Course.activity",
    ("POST", "/api/v1/volunteers/courses", "trainer_ids"): "volunteers.Course.trainers",
    ("PUT", "/api/v1/volunteers/courses/{course_id}", "trainer_ids"): "volunteers.Course.trainers",
    (
        "POST",
        "/api/v1/volunteers/courses/{course_id}/enrolments",
        "person_ids",
    ): "volunteers.Enrolment.person",
    ("POST", "/api/v1/volunteers/courses/{course_id}/sessions/{session_id}/attendance", "person_ids"): (
        "volunteers.Enrolment.person"
    ),
    ("POST", "/api/v1/bases/rounds/{round_id}/applications", "base_id"): "calls.Entry.organisation",
    (
        "POST",
        "/api/v1/bases/rounds/{round_id}/applications",
        "submitting_unit_id",
    ): "calls.Entry.submitting_unit",
    ("POST", "/api/v1/bases/venues", "operator_id"): "bases.Venue.operator",
    ("POST", "/api/v1/bases/venues", "region_id"): None,
    ("PUT", "/api/v1/bases/venues/{venue_id}", "operator_id"): "bases.Venue.operator",
    ("PUT", "/api/v1/bases/venues/{venue_id}", "region_id"): None,
    ("POST", "/api/v1/funds/programmes", "unit_id"): "funds.Programme.unit",
    ("POST", "/api/v1/funds/programmes/{programme_id}/projects", "undertaker_id"): "funds.Project.undertaker",
    ("POST", "/api/v1/funds/projects/{project_id}/conflicts", "person_id"): "funds.ConflictOfInterest.person",
    ("POST", "/api/v1/calls/", "organiser_id"): "calls.Call.organiser",
    ("POST", "/api/v1/calls/", "higher_call_id"): "calls.Call.higher_call",
    ("POST", "/api/v1/calls/{call_id}/entries", "institution_id"): "calls.Entry.institution",
    ("POST", "/api/v1/calls/{call_id}/entries", "organisation_id"): "calls.Entry.organisation",
    ("POST", "/api/v1/calls/{call_id}/entries", "person_id"): "calls.Entry.person",
    ("POST", "/api/v1/calls/{call_id}/entries", "submitting_unit_id"): "calls.Entry.submitting_unit",
    ("POST", "/api/v1/calls/rounds/{round_id}/judges", "person_id"): "calls.RoundJudge.person",
    ("POST", "/api/v1/calls/rounds/{round_id}/judges", "user_id"): "calls.RoundJudge.user",
    (
        "POST",
        "/api/v1/volunteers/courses/{course_id}/enrolments/{enrolment_id}/completion",
        "leader_of_id",
    ): "volunteers.Enrolment.leader_of",
    (
        "POST",
        "/api/v1/volunteers/volunteers/{volunteer_id}/evaluations",
        "unit_id",
    ): "volunteers.VolunteerEvaluation.unit",
    ("POST", "/api/v1/honours/", "organisation_id"): "honours.Honour.organisation",
    ("POST", "/api/v1/honours/", "person_id"): "honours.Honour.person",
    ("POST", "/api/v1/honours/", "unit_id"): "honours.Honour.unit",
    (
        "POST",
        "/api/v1/societies/organisations/{org_id}/officers",
        "person_id",
    ): "directory.Affiliation.person",
    ("POST", "/api/v1/societies/foundings", "supervisor_id"): "societies.Founding.supervisor",
    (
        "POST",
        "/api/v1/societies/organisations/{org_id}/evaluations",
        "scheme_id",
    ): "societies.Evaluation.scheme",
    (
        "POST",
        "/api/v1/societies/organisations/{org_id}/evaluations",
        "evaluator_ids",
    ): "societies.Evaluation.evaluators",
}


def api_reference_fields() -> set[tuple[str, str, str]]:
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    found = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            for content in operation.get("requestBody", {}).get("content", {}).values():
                body = content["schema"]
                body = components[body["$ref"].rsplit("/", 1)[1]] if "$ref" in body else body
                found |= {
                    (method.upper(), path, f)
                    for f in body.get("properties", {})
                    if f.endswith(("_id", "_ids"))
                }
    return found


def test_every_api_reference_has_a_rule():
    found = api_reference_fields()
    missing = sorted(found - set(API_REFERENCES))
    assert not missing, f"API body references without a reference rule: {missing}"
    assert not sorted(set(API_REFERENCES) - found), "stale rows"
    for rule in filter(None, API_REFERENCES.values()):
        references.get(rule)


# ---------------------------------------------------------------- forms


def _form_classes():
    for app in (
        "accounts",
        "activities",
        "directory",
        "innovation",
        "literacy",
        "calls",
        "honours",
        "volunteers",
    ):
        module = importlib.import_module(f"kexie.{app}.forms")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def _scoped_choice_fields(form) -> dict[str, forms.ModelChoiceField]:
    return {
        name: field
        for name, field in form.fields.items()
        if isinstance(field, forms.ModelChoiceField) and hasattr(field.queryset.model, "scope_field")
    }


def _kwargs(cls, actor) -> dict | None:
    params = inspect.signature(cls.__init__).parameters
    if any(p.default is p.empty and p.kind == p.KEYWORD_ONLY and n != "actor" for n, p in params.items()):
        return None  # forms of one record (a survey's): they name no other record
    kwargs = {"actor": actor} if "actor" in params else {}
    if "user" in params:
        kwargs["user"] = actor
    return kwargs


def _build(cls, actor, data=None):
    kwargs = _kwargs(cls, actor)
    if kwargs is None:
        return None
    return cls(data, **kwargs) if data is not None else cls(**kwargs)


def test_every_form_reference_has_a_rule(world, personas):
    missing = []
    for cls in _form_classes():
        form = _build(cls, personas["county_staff"])
        if form is None:
            continue
        for name, field in _scoped_choice_fields(form).items():
            rule = getattr(field, "reference_rule", None)
            if rule is None:
                missing.append(f"{cls.__name__}.{name}")
            else:
                rule_ids = set(
                    references.choices(rule, personas["county_staff"]).values_list("pk", flat=True)
                )
                assert set(field.queryset.values_list("pk", flat=True)) <= rule_ids, f"{cls.__name__}.{name}"
    assert not missing, f"form fields without a reference rule: {missing}"


# ---------------------------------------------------------------- imports


def _import_reference_columns():
    for kind in KIND_MODULES:
        spec = get_spec(kind)
        for col in spec.columns():
            model = spec.model
            try:
                field = model._meta.get_field(col.field)
            except Exception:
                continue
            if (field.many_to_one or field.many_to_many) and hasattr(field.related_model, "scope_field"):
                yield kind, col


def test_every_import_reference_has_a_rule():
    columns = list(_import_reference_columns())
    assert len(columns) >= 8
    missing = [f"{kind}.{col.header}" for kind, col in columns if not col.rule]
    assert not missing, f"import columns without a reference rule: {missing}"


# ---------------------------------------------------------------- refusals, channel by channel


def _org(name, kind, parent, **extra):
    from kexie.directory.models import Organisation
    from kexie.directory.services import _refresh_path

    org = Organisation.objects.create(name=name, kind=kind, parent=parent, **extra)
    _refresh_path(org)
    return org


@pytest.fixture
def outside(world, personas):
    """For each rule, a record it does not offer 任城区科协's staff (made where needed)."""
    from kexie.activities.services import campaign_create
    from kexie.directory.models import Person
    from kexie.innovation.models import EnterpriseVisit, Forum

    yanzhou = world.orgs["yanzhou"]
    _org("已撤销的学校", "school", world.orgs["rencheng"], is_active=False)
    enterprise = _org("兖州某企业", "enterprise", yanzhou)
    EnterpriseVisit.objects.create(enterprise=enterprise, visited_on=dt.date(2020, 4, 1), staff="张三")
    Person.objects.create(name="兖州专家", unit=yanzhou, is_expert=True)
    campaign_create(
        actor=personas["outsider"],
        data={
            "name": "兖州科技周",
            "year": 2020,
            "start_date": dt.date(2020, 5, 1),
            "end_date": dt.date(2020, 5, 7),
        },
    )
    Forum.objects.create(name="兖州论坛", host_unit=yanzhou, held_on=dt.date(2020, 6, 1))
    _volunteers_of(personas["outsider"], world, "兖州志愿者")
    _org("兖州某农技协", "rural_tech_association", yanzhou)
    from kexie.opinion.testing import build_opinion

    build_opinion(world.users, world.orgs, actor="outsider", unit="yanzhou")  # a queue and a source of 兖州
    from kexie.office.testing import build_office

    build_office(world.users, world.orgs)  # the city's departments, cadres, task force and rule
    from kexie.calls.testing import open_call

    open_call(personas["outsider"], title="兖州区青少年科技创新大赛")  # a call of another county
    _scheme_of(personas["outsider"], "兖州区学会评估")  # a scheme another county drew up
    staff = personas["county_staff"]

    def pick(rule):
        target = references.target_model(rule)
        offered = references.choices(rule, staff).values("pk")
        obj = target.objects.unscoped(reason="test").exclude(pk__in=offered).order_by("pk").first()
        assert obj is not None, rule
        return obj

    return pick


def _volunteers_of(actor, world, name):
    """A volunteer, a volunteer team and a ledger activity of the actor's unit."""
    from kexie.activities.services import activity_create
    from kexie.directory.services import person_create
    from kexie.volunteers.services import volunteer_register, volunteer_team_create

    person = person_create(actor=actor, data={"name": name, "unit": actor.unit})
    volunteer_register(actor=actor, person=person, data={})
    volunteer_team_create(actor=actor, organisation=actor.unit, service_category="science_outreach")
    activity_create(
        actor=actor,
        data={"title": f"{name}服务", "kind": world.kinds["outreach.volunteer"], "start_date": dt.date(2020, 9, 19),
              "end_date": dt.date(2020, 9, 19), "region": world.regions["370811"], "organiser": actor.unit},
    )  # fmt: skip


@pytest.fixture
def in_scope_targets(world, personas, make_activity):
    from kexie.activities.models import Status
    from kexie.activities.services import campaign_create
    from kexie.calls.testing import open_call
    from kexie.directory.models import Person
    from kexie.innovation.models import Demand

    staff = personas["county_staff"]
    activity = make_activity()
    activity.status = Status.APPROVED  # the reported hole: PATCH 200 on an approved activity
    activity.save()
    enterprise = _org("任城某企业", "enterprise", world.orgs["rencheng"])
    demand = Demand.objects.create(
        enterprise=enterprise, title="需求", description="d", industry="i", collected_on=dt.date(2020, 5, 1)
    )
    campaign = campaign_create(
        actor=staff,
        data={
            "name": "任城科技周",
            "year": 2020,
            "start_date": dt.date(2020, 5, 1),
            "end_date": dt.date(2020, 5, 7),
        },
    )
    _volunteers_of(staff, world, "任城志愿者")
    from kexie.hotline.services import consultation_receive
    from kexie.hotline.testing import build_hotline

    build_hotline(world.users, world.orgs)  # 任城区's staff answer on the city's farm line
    call = {"channel": "phone", "topic": "crop", "question": "小麦发黄"}
    consultation = consultation_receive(actor=personas["city_admin"], data=call)
    return {
        **_office_of(staff),
        **_course_of(staff, world),
        "rule_id": _alert_rule_of(staff),
        "article_id": _article_of(staff),
        "consultation_id": consultation.pk,
        "org_id": world.orgs["school"].pk,
        "person_id": Person.objects.create(name="任城人员", unit=world.orgs["rencheng"]).pk,
        "campaign_id": campaign.pk,
        "activity_id": activity.pk,
        "demand_id": demand.pk,
        "action": "matchmake",
        **_review_round(staff, open_call(staff, title="任城征集", eligibility=[])),
        **_bases_funds_targets(staff, world),
    }


def _alert_rule_of(staff):
    """An alert rule of 任城区科协 on its own handling queue (its pk)."""
    from kexie.opinion import services
    from kexie.tickets.services import queue_create

    queue = queue_create(
        actor=staff,
        data={"code": "rencheng-opinion", "name": "任城舆情处置", "first_response_minutes": 60,
              "resolution_minutes": 480},
        members=[staff],
    )  # fmt: skip
    rule = services.rule_create(
        actor=staff, data={"name": "任城敏感词", "kind": "words", "words": "事故", "queue": queue}
    )
    return rule.pk


def _article_of(staff):
    """A publicity article of 任城区科协 (its pk)."""
    from kexie.opinion import services

    data = {"channel": "wechat", "published_on": dt.date(2020, 9, 20), "title": "任城科普日"}
    return services.article_create(actor=staff, data=data).pk


def _office_of(staff):
    """A department of 任城区科协 with a cadre, a meeting decision, a task and a task force (their ids)."""
    from kexie.office import services

    dept = services.department_create(actor=staff, name="任城办公室", parent=staff.unit)
    cadre = services.cadre_create(actor=staff, name="任城干部", department=dept.unit)
    meeting = services.meeting_create(
        actor=staff,
        data={"kind": "briefing", "title": "碰头会", "held_on": dt.date(2020, 5, 6), "decisions": ["报送"]},
    )
    task = services.task_create(actor=staff, data={"title": "报送材料", "department": dept.unit, "owner": cadre,
        "source": "plan", "assigned_on": dt.date(2020, 5, 6), "deadline": dt.date(2020, 6, 30)})  # fmt: skip
    force = services.task_force_create(actor=staff, data={"name": "任城专班", "department": dept.unit})
    return {"decision_id": meeting.decisions.get().pk, "department_id": dept.unit_id, "cadre_id": cadre.pk,
            "task_id": task.pk, "force_id": force.pk}  # fmt: skip


def _course_of(staff, world):
    """A course of 任城区科协 with one class and one enrolment, and 任城区's volunteer (their ids)."""
    from django.utils import timezone

    from kexie.activities.services import activity_create
    from kexie.directory.models import Person
    from kexie.volunteers import services
    from kexie.volunteers.models import VolunteerProfile

    lecture = activity_create(actor=staff, data={
        "title": "任城培训班", "kind": world.kinds["training"], "start_date": dt.date(2020, 11, 4),
        "end_date": dt.date(2020, 11, 4), "region": world.regions["370811"], "organiser": staff.unit})  # fmt: skip
    course = services.course_create(actor=staff, activity=lecture, kind="rural")
    now = timezone.now()
    session = services.course_session_create(actor=staff, course=course, title="第一课",
                                             starts_at=now - dt.timedelta(hours=1), ends_at=now)  # fmt: skip
    trainee = Person.objects.create(name="任城学员", unit=staff.unit)
    enrolment = services.enrolment_create(actor=staff, course=course, person=trainee)
    volunteer = VolunteerProfile.objects.unscoped(reason="test").get(person__name="任城志愿者")
    return {"course_id": course.pk, "session_id": session.pk, "enrolment_id": enrolment.pk,
            "volunteer_id": volunteer.pk}  # fmt: skip


def _office_body(path):
    from kexie.office.models import Cadre

    cadre = Cadre.objects.unscoped(reason="test").get(person__name="任城干部")
    if path.endswith("/meetings"):
        return {"kind": "briefing", "title": "碰头会", "held_on": "2020-05-11"}
    if "/departments" in path:
        return {"name": "任城办公室", "order": 1}
    if "/cadres" in path:
        return {"name": "任城新干部"} | (
            {} if "{cadre_id}" in path else {"department_id": cadre.person.unit_id}
        )
    if "/task-forces" in path:
        return {"name": "任城专班", "department_id": cadre.person.unit_id}
    if path.endswith("/tasks/{task_id}"):
        return {"title": "报送材料", "department_id": cadre.person.unit_id, "owner_id": cadre.pk, "source": "plan",
                "assigned_on": "2020-05-06", "deadline": "2020-06-30"}  # fmt: skip
    body = {"department_id": cadre.person.unit_id, "owner_id": cadre.pk, "deadline": "2020-06-30"}
    if path.endswith("/tasks"):
        body.update(title="报送材料", source="notice", notice="通知", assigned_on="2020-05-06")
    return body


def _review_round(staff, call) -> dict:
    from kexie.calls import judging
    from kexie.directory.models import Person

    Person.objects.create(name="任城专家", unit=staff.unit, is_expert=True)
    rnd = judging.round_create(actor=staff, call=call, data={"name": "初赛"})
    return {"call_id": call.pk, "round_id": rnd.pk}


def _scheme_of(user, name):
    from kexie.societies import evaluation, services

    return services.scheme_create(actor=user, name=name, items=evaluation.DEFAULT_ITEMS,
                                  grades=evaluation.DEFAULT_GRADES)  # fmt: skip


def _base_body(method, path, world):
    if method == "PATCH" or "{action}" in path:
        return {}
    if "/office/" in path:
        return _office_body(path)
    if path.endswith("/judges"):
        from kexie.accounts.models import User
        from kexie.directory.models import Person

        expert = Person.objects.unscoped(reason="test").get(name="任城专家")
        return {
            "person_id": expert.pk,
            "user_id": User.objects.unscoped(reason="test").get(username="rencheng_staff").pk,
        }
    if "/bases/" in path or "/funds/" in path:
        return _bases_funds_body(path, world)
    if path.endswith("/societies/foundings"):
        return {"name": "任城区新材料学会", "party_plan": "joint", "joint_branch": "任城区联合党支部"}
    if "/societies/" in path and path.endswith("/evaluations"):
        return {"year": 2020, "scheme_id": _scheme_of(world.users["county_staff"], "任城区学会评估").pk}
    if "/societies/" in path and path.endswith("/officers"):
        return {"role": "board", "starts_on": "2020-06-01"}
    if path.endswith("/organisations"):
        return {"name": "新学校", "kind": "school"}
    if path.endswith("/people"):
        return {"name": "新人员"}
    if path.endswith("/campaigns"):
        return {"name": "新专项", "year": 2020, "start_date": "2020-09-01", "end_date": "2020-09-30"}
    if path.endswith("/demands"):
        return {"title": "新需求", "description": "d", "industry": "i"}
    if path.endswith("/volunteers/records"):
        return _record_body()
    if path.endswith("/volunteers/courses"):
        from kexie.activities.models import Activity

        return {"activity_id": Activity.objects.get(title="任城志愿者服务").pk, "kind": "rural"}
    if "/volunteers/courses/" in path:
        return {}  # the field under test is the body (person_ids, trainer_ids, leader_of_id)
    if path.endswith("/volunteers/{volunteer_id}/evaluations"):
        return {"year": 2020, "rating": "good"}
    if path.endswith("/answer"):
        return {"answer": "追施尿素"}
    if path.endswith(("/assignee", "/callbacks")):
        return {}
    if path.endswith("/calls/"):
        return {
            "title": "新征集",
            "kind": "honour",
            "year": 2020,
            "opens_on": "2020-04-01",
            "closes_on": "2020-04-30",
        }
    if path.endswith("/entries"):
        return {"title": "新申报", "answers": {"achievements": "事迹"}}
    if path.endswith(("/opinion/rules", "/opinion/rules/{rule_id}")):
        return {"name": "敏感词", "kind": "words", "words": "事故", "queue_id": 1}
    if path.endswith(("/opinion/articles", "/opinion/articles/{article_id}")):
        return {"channel": "wechat", "published_on": "2020-09-20", "title": "科普日"}
    if path.endswith("/honours/"):
        return {"kind": "commendation", "title": "表扬", "level": "city", "year": 2020, "subject": "某人"}
    return {
        "title": "科普讲座",
        "kind_id": world.kinds["outreach.lecture"].pk,
        "start_date": "2020-09-19",
        "end_date": "2020-09-19",
        "region_id": world.regions["370811"].pk,
        "organiser_id": world.orgs["rencheng"].pk,
    }


def _bases_funds_body(path, world):
    from kexie.directory.models import Organisation

    if path.endswith("/applications"):
        base = Organisation.objects.unscoped(reason="test").get(name="任城科普基地")
        return {"base_id": base.pk}
    if "/venues" in path:
        return {"name": "任城新馆", "kind": "special", "region_id": world.regions["370811"].pk}
    if path.endswith("/programmes"):
        return {"name": "新计划", "kind": "other", "direction": "given", "year": 2020, "budget_fen": 100}
    if path.endswith("/projects"):
        return {"title": "新项目", "undertaker_id": world.orgs["school"].pk,
                "budget_lines": [{"item": "展板", "amount_fen": 100}]}  # fmt: skip
    return {"name": "王评审", "relation": "同事"}


def _bases_funds_targets(staff, world) -> dict:
    """A naming round, a venue, a programme and an applied project of 任城区科协, and a base."""
    from kexie.bases import services as bases
    from kexie.bases import testing
    from kexie.funds import services as funds

    base = _org("任城科普基地", "outreach_base", world.orgs["rencheng"])
    naming_round = bases.naming_round_create(
        actor=staff, batch="第一批", valid_from=dt.date(2020, 7, 1), valid_to=dt.date(2024, 12, 31),
        call_data={"title": "任城基地命名", "year": 2020, "opens_on": dt.date(2020, 3, 1), "closes_on": dt.date(2020, 4, 30)},
    )  # fmt: skip
    programme = funds.programme_create(actor=staff, data={
        "name": "任城科普项目", "kind": "other", "direction": "given", "year": 2020, "budget_fen": 1_000_000})  # fmt: skip
    project = funds.project_apply(actor=staff, programme=programme, title="任城项目", undertaker=base,
                                  budget_lines=[{"item": "展板", "amount_fen": 100}])  # fmt: skip
    venue = testing.venue(staff, world.regions["370811"], name="任城区科技馆")
    return {
        "bases_round_id": naming_round.pk,  # not "round_id": that is the calls' review round
        "venue_id": venue.pk,
        "programme_id": programme.pk,
        "project_id": project.pk,
    }


def _record_body():
    from kexie.activities.models import Activity
    from kexie.volunteers.models import VolunteerProfile

    volunteer = VolunteerProfile.objects.unscoped(reason="test").get(person__name="任城志愿者")
    activity = Activity.objects.unscoped(reason="test").get(title="任城志愿者服务")
    return {"volunteer_id": volunteer.pk, "activity_id": activity.pk, "content": "科普", "hours": "1"}


def _snapshot():
    from django.db import connection

    with connection.cursor() as cursor:
        counts = {}
        for model in list(apps.get_app_config("activities").get_models()) + [
            apps.get_model("directory", "Organisation")
        ]:
            cursor.execute(f"SELECT COUNT(*) FROM {model._meta.db_table}")
            counts[model._meta.label] = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM core_auditentry")
        counts["audit"] = cursor.fetchone()[0]
    return counts


CHECKED = sorted((k, v) for k, v in API_REFERENCES.items() if v)


def _url(path: str, targets: dict) -> str:
    """The path with the in-scope targets' ids; `{round_id}` is the bases' naming round under
    /bases/ and the calls' review round elsewhere (one name, two objects: on PostgreSQL their ids
    differ, and the judges' endpoint got the naming round and answered 404)."""
    if path.startswith("/api/v1/bases/"):
        targets = {**targets, "round_id": targets["bases_round_id"]}
    return path.format(**targets)


@pytest.mark.parametrize("endpoint, rule", CHECKED, ids=[" ".join(k) for k, _ in CHECKED])
def test_the_api_refuses_an_out_of_rule_reference(
    client, world, personas, outside, in_scope_targets, endpoint, rule
):
    method, path, name = endpoint
    refused = outside(rule)
    body = _base_body(method, path, world)
    body[name] = [refused.pk] if name.endswith("_ids") else refused.pk
    url = _url(path, in_scope_targets)
    client.force_login(personas["county_staff"])
    before = _snapshot()
    response = getattr(client, method.lower())(url, data=body, content_type="application/json")
    assert response.status_code == 422, response.content.decode()
    fields = [d.get("field") for d in response.json()["detail"]]
    assert name in fields, response.json()
    message = next(d["message"] for d in response.json()["detail"] if d.get("field") == name)
    label = references.target_model(rule) and apps.get_model(*rule.split(".")[:2])._meta.get_field(
        rule.split(".")[2]
    )
    assert str(label.verbose_name) in message and "不在可选范围内" in message
    assert _snapshot() == before


def test_the_reported_hole_is_closed(client, world, personas, in_scope_targets):
    """A county user could make another county's unit the organiser through the API."""
    from kexie.activities.models import Activity

    client.force_login(personas["county_staff"])
    body = {**_base_body("POST", "/api/v1/activities/", world), "organiser_id": world.orgs["yanzhou"].pk}
    assert client.post("/api/v1/activities/", body, content_type="application/json").status_code == 422
    url = f"/api/v1/activities/{in_scope_targets['activity_id']}"
    patch = {"organiser_id": world.orgs["yanzhou"].pk}
    assert client.patch(url, patch, content_type="application/json").status_code == 422
    activity = Activity.objects.get(pk=in_scope_targets["activity_id"])
    assert activity.organiser == world.orgs["rencheng"]


def test_forms_refuse_an_out_of_rule_reference(world, personas, outside):
    staff = personas["county_staff"]
    checked = 0
    for cls in _form_classes():
        form = _build(cls, staff)
        if form is None:
            continue
        for name, field in _scoped_choice_fields(form).items():
            refused = outside(field.reference_rule)
            value = [refused.pk] if isinstance(field, forms.ModelMultipleChoiceField) else refused.pk
            bound = _build_bound(cls, staff, {name: value})
            bound.is_valid()
            assert name in bound.errors, f"{cls.__name__}.{name} accepted {refused}"
            checked += 1
    assert checked >= 15


def _build_bound(cls, actor, data):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    return _build(cls, actor, query)


def _workbook(headers, row) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


IMPORT_ROWS = {
    "activities": (
        [
            "编号",
            "活动名称",
            "活动类型",
            "开始日期",
            "结束日期",
            "所在区划",
            "主办单位",
            "协办单位",
            "所属专项活动",
            "填报单位",
        ],
        ["A1", "讲座", "科普讲座", "2020-05-02", "2020-05-02", "任城区", "任城区科学技术协会", "", "", ""],
    ),
    "campaigns": (
        ["名称", "年度", "开始日期", "结束日期", "主办单位", "参与单位"],
        ["新专项", "2020", "2020-05-01", "2020-05-07", "", ""],
    ),
    "organisations": (["名称", "类型", "上级单位"], ["新学校", "学校", ""]),
    "people": (["姓名", "管理单位"], ["新人员", "任城区科学技术协会"]),
    "office_tasks": (
        ["任务", "责任处室", "责任人", "任务来源", "依据制度", "上级通知", "交办日期", "完成时限", "专班"],
        ["报送材料", "任城办公室", "任城干部", "年度重点工作", "", "", "2020-05-06", "2020-06-30", ""],
    ),
    "service_records": (
        ["志愿者", "活动编号", "服务地点", "服务内容", "服务时长(小时)", "组织单位", "负责人", "志愿服务队"],
        ["任城志愿者", "", "任城区社区广场", "科普宣传", "2", "", "", ""],
    ),
    "volunteer_evaluations": (
        ["志愿者", "评价单位", "评价年度", "评价等次", "评价日期"],
        ["任城志愿者", "任城区科学技术协会", "2020", "优秀", "2020-12-01"],
    ),
    "officers": (
        ["单位", "姓名", "职务", "任职日期"],
        ["任城区科学技术协会", "任城理事", "理事(委员)", "2020-05-06"],
    ),
    "opinion_items": (
        ["来源", "来源内编号", "标题", "发布时间"],
        ["任城导入", "R-1", "网传喝醋能软化血管", "2020-05-06 09:30"],
    ),
}


def _import_setup(kind, world, staff) -> dict[str, str]:
    """In-scope records of 任城区科协 that the kind's sample row names (cells filled in here)."""
    if kind == "office_tasks":
        _office_of(staff)
    elif kind == "service_records":
        from kexie.activities.models import Activity

        _volunteers_of(staff, world, "任城志愿者")
        return {"活动编号": Activity.objects.get(title="任城志愿者服务").code}
    elif kind == "volunteer_evaluations":
        _volunteers_of(staff, world, "任城志愿者")
    elif kind == "officers":
        from kexie.directory.models import Person

        Person.objects.create(name="任城理事", unit=staff.unit)
    elif kind == "opinion_items":
        from kexie.opinion import services

        services.source_create(actor=staff, data={"name": "任城导入", "kind": "import", "unit": staff.unit})
    return {}


@pytest.mark.parametrize("kind, header", [(k, c.header) for k, c in _import_reference_columns()])
def test_imports_refuse_an_out_of_rule_reference(world, personas, outside, kind, header):
    headers, row = IMPORT_ROWS[kind]
    col = next(c for c in get_spec(kind).columns() if c.header == header)
    refused = outside(col.rule)
    row = list(row)
    for name, value in _import_setup(kind, world, personas["county_staff"]).items():
        row[headers.index(name)] = value
    row[headers.index(header)] = refused.name
    before = _snapshot()
    result = import_file(
        actor=personas["county_staff"],
        kind=kind,
        fileobj=io.BytesIO(_workbook(headers, row)),
        filename="a.xlsx",
    )
    assert [p.header for p in result.errors] == [header], [p.message for p in result.errors]
    assert not result.written and _snapshot() == before
