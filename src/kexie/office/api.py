"""API of the office (/api/v1/office/): departments (处室) and cadres, task forces (专班), the
task list with progress notes, meetings whose decisions become tasks, cadres' execution records
(figures computed from the task list) and the rulebook with full-text search. Reads go through
kexie.office.selectors, writes through kexie.office.services (audited); another cadre's record
answers 404. A change keeps the references a record already holds (a departed cadre, a
dissolved task force); anything newly named must be offered by the field's reference rule."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from kexie.core.api_base import Page, Status, actor, error_fields, offset_page, reference, reference_list
from kexie.core.schemas import Id, InputSchema, Limit, Offset
from kexie.core.views import _download
from kexie.office import documents, records, search, selectors, services
from kexie.office.models import AssignmentKind, Decision, MeetingKind, TaskForce, TaskSource, TaskStatus

router = Router(tags=["机关工作"])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

OfficeDay = Annotated[dt.date, Field(ge=dt.date(1949, 1, 1), le=dt.date(2100, 12, 31))]
WorkingDays = Annotated[int, Field(ge=1, le=250)]


# The services' field names → the API bodies' (a refusal names the field the client sent).
TASK_ERRORS = {
    "department": "department_id",
    "owner": "owner_id",
    "task_force": "task_force_id",
    "rule": "rule_id",
}
FORCE_ERRORS = {"department": "department_id", "lead": "lead_id", "members": "member_ids"}
CADRE_ERRORS = {"department": "department_id", "unit": "department_id", "user": "user_id"}


def _get(qs, pk):
    try:
        return qs.get(pk=pk)
    except qs.model.DoesNotExist:
        raise Http404 from None


def _visible(request: HttpRequest, selector, pk: int):
    """The acting user and the record `pk` among those `selector` shows them (404 otherwise):
    the first line of every endpoint on one task, meeting, record, rule, cadre or task force."""
    user = actor(request)
    return user, _get(selector(user), pk)


class OfficeTaskOut(Schema):
    id: int
    title: str
    department_id: int
    department: str = Field(alias="department.name")
    owner_id: int
    owner: str = Field(alias="owner.person.name")
    task_force_id: int | None
    assigned_on: dt.date
    deadline: dt.date
    source: str
    decision_id: int | None
    rule_id: int | None
    notice: str
    status: str
    done_on: dt.date | None


class OfficeNoteOut(Schema):
    id: int
    on: dt.date
    text: str
    evidence_note: str


class OfficeTaskDetailOut(OfficeTaskOut):
    notes: list[OfficeNoteOut]


class OfficeTaskIn(InputSchema):
    title: str = Field(title="任务", min_length=1, max_length=300)
    department_id: Id = Field(title="责任处室")
    owner_id: Id = Field(title="责任人")
    task_force_id: Id | None = None
    source: TaskSource = Field(title="任务来源")
    rule_id: Id | None = Field(None, title="依据制度", description="来源为 rule 时必填")
    notice: str = Field("", max_length=200, title="上级通知", description="来源为 notice 时必填")
    assigned_on: OfficeDay | None = Field(None, title="交办日期", description="省略时为今天")
    deadline: OfficeDay | None = Field(None, title="完成时限")
    working_days: WorkingDays | None = Field(
        None, title="工作日数", description="自交办日期起算;与 deadline 二选一"
    )


class OfficeNoteIn(InputSchema):
    text: str = Field(title="进展情况", min_length=1, max_length=2000)
    on: OfficeDay | None = None
    evidence_note: str = Field("", max_length=200)


class OfficeCompleteIn(InputSchema):
    done_on: OfficeDay | None = Field(None, description="省略时为今天")


class OfficeDecisionOut(Schema):
    id: int
    order: int
    text: str
    task_id: int | None = None

    @staticmethod
    def resolve_task_id(obj):
        task = getattr(obj, "task", None) if not isinstance(obj, dict) else None
        return task.pk if task is not None else None


class OfficeMeetingOut(Schema):
    id: int
    unit_id: int
    kind: str
    title: str
    held_on: dt.date
    minutes: str


class OfficeMeetingDetailOut(OfficeMeetingOut):
    attendee_ids: list[int]
    decisions: list[OfficeDecisionOut]

    @staticmethod
    def resolve_attendee_ids(obj):
        return list(obj.attendees.values_list("pk", flat=True))


class OfficeMeetingIn(InputSchema):
    unit_id: Id | None = Field(None, title="召开单位", description="省略时为本单位")
    kind: MeetingKind = Field(title="会议类型")
    title: str = Field(title="会议名称", min_length=1, max_length=200)
    held_on: OfficeDay = Field(title="会议日期")
    minutes: str = Field("", max_length=20000)
    attendee_ids: list[Id] = Field(default_factory=list, max_length=200)
    decisions: list[Annotated[str, Field(max_length=2000)]] = Field(default_factory=list, max_length=100)


class OfficeDecisionTaskIn(InputSchema):
    title: str = Field("", max_length=300, description="省略时为议定事项原文")
    department_id: Id = Field(title="责任处室")
    owner_id: Id = Field(title="责任人")
    deadline: OfficeDay | None = None
    working_days: WorkingDays | None = None


class OfficeFiguresOut(Schema):
    total: int
    on_time: int
    late: int
    open: int
    overdue: int
    on_time_rate: float | None


class OfficeRecordOut(Schema):
    id: int
    cadre_id: int
    cadre: str = Field(alias="cadre.person.name")
    year: int
    own_notes: str
    assessment: str
    assessed_on: dt.date | None


class OfficeRecordDetailOut(OfficeRecordOut):
    figures: OfficeFiguresOut

    @staticmethod
    def resolve_figures(obj):
        figures = records.task_figures(obj.cadre.tasks.all(), year=obj.year, on=selectors.today())
        return {**figures.__dict__, "on_time_rate": figures.on_time_rate}


class OfficeAssessIn(InputSchema):
    text: str = Field(title="领导评价", min_length=1, max_length=5000)


class OfficeOwnNotesIn(InputSchema):
    text: str = Field(title="个人小结", max_length=5000)


class OfficeAssignmentOut(Schema):
    id: int
    kind: str
    title: str
    start_on: dt.date
    end_on: dt.date | None


class OfficeAssignmentIn(InputSchema):
    kind: AssignmentKind = Field(title="类别")
    title: str = Field(title="工作内容", min_length=1, max_length=200)
    start_on: OfficeDay = Field(title="开始日期")
    end_on: OfficeDay | None = Field(None, title="结束日期")


class OfficeRuleOut(Schema):
    id: int
    title: str
    number: str
    issuing_body: str
    issued_on: dt.date
    effective_on: dt.date
    repealed_on: dt.date | None


class OfficeRuleDetailOut(OfficeRuleOut):
    version: int | None
    text: str

    @staticmethod
    def resolve_version(obj):
        return obj.version_shown.version if obj.version_shown else None

    @staticmethod
    def resolve_text(obj):
        return obj.version_shown.text if obj.version_shown else ""


class OfficeRuleVersionOut(Schema):
    id: int
    version: int
    effective_on: dt.date
    text: str
    note: str


class OfficeRuleIn(InputSchema):
    title: str = Field(title="制度名称", min_length=1, max_length=200)
    number: str = Field("", max_length=60, title="文号")
    issuing_body: str = Field(title="制定机关", min_length=1, max_length=100)
    issued_on: OfficeDay = Field(title="印发日期")
    effective_on: OfficeDay = Field(title="施行日期", description="不早于印发日期;第1版自此施行")
    text: str = Field(title="全文", min_length=1, max_length=100000)


class OfficeRuleRevisionIn(InputSchema):
    text: str = Field(title="修订后全文", min_length=1, max_length=100000)
    effective_on: OfficeDay = Field(title="本版施行日期", description="须晚于上一版")
    note: str = Field("", max_length=200, title="修订说明")


class OfficeRuleRepealIn(InputSchema):
    repealed_on: OfficeDay = Field(title="废止日期", description="须晚于施行日期")


class OfficeTaskUpdateIn(InputSchema):
    title: str = Field(title="任务", min_length=1, max_length=300)
    department_id: Id = Field(title="责任处室")
    owner_id: Id = Field(title="责任人", description="已离岗的责任人可保留,不能新指定")
    task_force_id: Id | None = Field(
        None, title="专班", description="已撤销的专班可保留,不能新指定;null 为不属专班"
    )
    source: TaskSource = Field(title="任务来源", description="会议议定的任务不能改为其他来源,反之亦然")
    rule_id: Id | None = Field(None, title="依据制度")
    notice: str = Field("", max_length=200, title="上级通知")
    assigned_on: OfficeDay = Field(title="交办日期")
    deadline: OfficeDay | None = Field(None, title="完成时限")
    working_days: WorkingDays | None = Field(
        None, title="工作日数", description="自交办日期起算;与 deadline 二选一"
    )


class OfficeCancelIn(InputSchema):
    reason: str = Field(title="撤销原因", min_length=1, max_length=200)


class OfficeDepartmentOut(Schema):
    """A department by its unit's id: the `department_id` that tasks, cadres and task forces name."""

    id: int = Field(alias="unit_id")
    name: str = Field(alias="unit.name")
    leader_id: int | None
    order: int


class OfficeDepartmentIn(InputSchema):
    name: str = Field(title="处室名称", min_length=1, max_length=200)
    leader_id: Id | None = Field(None, title="分管领导", description="用户编号;须有人事或管理员权限")
    order: Annotated[int, Field(ge=0, le=999)] = Field(0, title="排序")


class OfficeCadreOut(Schema):
    id: int
    person_id: int
    name: str = Field(alias="person.name")
    department_id: int | None = Field(alias="person.unit_id")
    department: str = Field(alias="person.unit.name")
    position: str
    user_id: int | None
    is_active: bool
    joined_on: dt.date | None
    left_on: dt.date | None


class OfficeCadreIn(InputSchema):
    name: str = Field(title="姓名", min_length=1, max_length=50)
    department_id: Id = Field(title="所在处室")
    position: str = Field("", max_length=60, title="职务")
    user_id: Id | None = Field(None, title="登录账号")
    joined_on: dt.date | None = Field(None, title="到岗日期")


class OfficeCadreUpdateIn(InputSchema):
    name: str = Field(title="姓名", min_length=1, max_length=50)
    position: str = Field("", max_length=60, title="职务")
    user_id: Id | None = Field(None, title="登录账号", description="null 为不关联登录账号")


class OfficeCadreEndIn(InputSchema):
    reason: str = Field("", max_length=200, title="离岗原因")
    left_on: dt.date | None = Field(None, title="离岗日期", description="默认今天")


class OfficeTaskForceOut(Schema):
    id: int
    name: str
    department_id: int
    department: str = Field(alias="department.name")
    purpose: str
    lead_id: int | None
    member_ids: list[int]
    set_up_on: dt.date
    closed_on: dt.date | None

    @staticmethod
    def resolve_member_ids(obj):
        return sorted(obj.members.values_list("pk", flat=True))


class OfficeTaskForceIn(InputSchema):
    name: str = Field(title="专班名称", min_length=1, max_length=100)
    department_id: Id = Field(title="牵头处室")
    purpose: str = Field("", max_length=5000, title="工作任务")
    lead_id: Id | None = Field(None, title="专班负责人")
    member_ids: list[Id] = Field(default_factory=list, max_length=200, title="成员")
    set_up_on: OfficeDay | None = Field(
        None, title="成立日期", description="新建时省略为今天;修改时省略为不变"
    )


class OfficeTaskForceCloseIn(InputSchema):
    closed_on: OfficeDay | None = Field(None, title="撤销日期", description="省略时为今天")


def _dissolved_force(pk, user) -> TaskForce | None:
    """A visible task force that has been dissolved: the service refuses it in words of its own
    (the reference rule would only say it is not offered)."""
    return selectors.task_forces(user).filter(pk=pk, closed_on__isnull=False).first()


def _task_data(payload, user, task=None) -> dict:
    """The service's data from a task body; on a change (`task`), a reference the task already
    holds is kept as it is (its departed owner, its dissolved task force)."""
    data = payload.dict()
    for name in ("department", "owner", "task_force", "rule"):
        if name + "_id" in data:
            pk = data.pop(name + "_id")
            if pk is None:
                if task is not None and name in ("task_force", "rule"):
                    data[name] = None  # a change may clear the optional references
                continue
            if task is not None and pk == getattr(task, f"{name}_id"):
                data[name] = getattr(task, name)
            elif name == "task_force" and _dissolved_force(pk, user) is not None:
                data[name] = _dissolved_force(pk, user)
            else:
                data[name] = reference(f"office.Task.{name}", pk, f"{name}_id", user)
    if task is not None:
        return {k: v for k, v in data.items() if v is not None or k in ("task_force", "rule")}
    return {k: v for k, v in data.items() if v not in (None, "")}


@router.get("/tasks", response=Page[OfficeTaskOut], summary="任务清单")
def list_tasks(request: HttpRequest, status: TaskStatus | None = None, limit: Limit = 50, offset: Offset = 0):
    return offset_page(request, selectors.tasks(actor(request), status=status), limit=limit, offset=offset)


@router.post("/tasks", response={201: OfficeTaskOut}, summary="交办任务")
def create_task(request: HttpRequest, payload: OfficeTaskIn):
    user = actor(request)
    with error_fields(TASK_ERRORS):
        return Status(201, services.task_create(actor=user, data=_task_data(payload, user)))


@router.get("/tasks/{task_id}", response=OfficeTaskDetailOut, summary="任务及其进展")
def get_task(request: HttpRequest, task_id: Id):
    return _visible(request, selectors.tasks, task_id)[1]


@router.put("/tasks/{task_id}", response=OfficeTaskOut, summary="修改进行中的任务")
def update_task(request: HttpRequest, task_id: Id, payload: OfficeTaskUpdateIn):
    user, task = _visible(request, selectors.tasks, task_id)
    if payload.deadline is None and payload.working_days is None:
        raise DjangoValidationError({"deadline": "完成时限:请填写日期或工作日数"})
    data = _task_data(payload, user, task=task)
    if data.get("working_days"):
        data.pop("deadline", None)
    if task.source == TaskSource.DECISION:
        data.pop("notice", None)
    with error_fields(TASK_ERRORS):
        return services.task_update(actor=user, task=task, data=data)


@router.post("/tasks/{task_id}/cancel", response=OfficeTaskOut, summary="撤销任务")
def cancel_task(request: HttpRequest, task_id: Id, payload: OfficeCancelIn):
    user, task = _visible(request, selectors.tasks, task_id)
    return services.task_cancel(actor=user, task=task, reason=payload.reason)


@router.post("/tasks/{task_id}/notes", response={201: OfficeNoteOut}, summary="报告任务进展")
def add_note(request: HttpRequest, task_id: Id, payload: OfficeNoteIn):
    user, task = _visible(request, selectors.tasks, task_id)
    return Status(201, services.task_note_add(actor=user, task=task, **payload.dict()))


@router.post("/tasks/{task_id}/complete", response=OfficeTaskOut, summary="标记任务完成")
def complete_task(request: HttpRequest, task_id: Id, payload: OfficeCompleteIn):
    user, task = _visible(request, selectors.tasks, task_id)
    return services.task_complete(actor=user, task=task, done_on=payload.done_on)


@router.get("/meetings", response=Page[OfficeMeetingOut], summary="会议")
def list_meetings(
    request: HttpRequest, kind: MeetingKind | None = None, limit: Limit = 50, offset: Offset = 0
):
    qs = selectors.meetings(actor(request))
    if kind:
        qs = qs.filter(kind=kind)
    return offset_page(request, qs, limit=limit, offset=offset)


@router.post("/meetings", response={201: OfficeMeetingDetailOut}, summary="记录会议及议定事项")
def create_meeting(request: HttpRequest, payload: OfficeMeetingIn):
    user = actor(request)
    data = payload.dict()
    unit_id = data.pop("unit_id")
    if unit_id is not None:
        data["unit"] = reference("office.Meeting.unit", unit_id, "unit_id", user)
    data["attendees"] = reference_list(
        "office.Meeting.attendees", data.pop("attendee_ids"), "attendee_ids", user
    )
    return Status(201, services.meeting_create(actor=user, data=data))


@router.get("/meetings/{meeting_id}", response=OfficeMeetingDetailOut, summary="会议及其议定事项")
def get_meeting(request: HttpRequest, meeting_id: Id):
    return _visible(request, selectors.meetings, meeting_id)[1]


@router.post("/decisions/{decision_id}/task", response={201: OfficeTaskOut}, summary="议定事项转为任务")
def decision_task(request: HttpRequest, decision_id: Id, payload: OfficeDecisionTaskIn):
    user = actor(request)
    meetings = selectors.meetings(user).values("pk")
    decision = _get(Decision.objects.for_user(user).filter(meeting__in=meetings), decision_id)
    data = _task_data(payload, user)
    with error_fields(TASK_ERRORS):
        return Status(201, services.decision_to_task(actor=user, decision=decision, data=data))


@router.get("/records", response=Page[OfficeRecordOut], summary="干部执行力档案(本人的,或所分管、负责处室的)")
def list_records(request: HttpRequest, year: Annotated[int, Field(ge=2000, le=2100)] | None = None,
                 limit: Limit = 50, offset: Offset = 0):  # fmt: skip
    qs = selectors.records(actor(request))
    if year:
        qs = qs.filter(year=year)
    return offset_page(request, qs, limit=limit, offset=offset)


@router.get("/records/{record_id}", response=OfficeRecordDetailOut, summary="干部执行力档案及任务完成情况")
def get_record(request: HttpRequest, record_id: Id):
    return _visible(request, selectors.records, record_id)[1]


@router.get("/records/{record_id}/docx", summary="干部执行力档案(Word 文档,公文格式)")
def record_docx(request: HttpRequest, record_id: Id):
    record = _visible(request, selectors.records, record_id)[1]
    name, data = documents.record_download(record, on=selectors.today())
    return _download(data, name, DOCX)


@router.post("/records/{record_id}/assessment", response=OfficeRecordDetailOut, summary="领导评价")
def assess_record(request: HttpRequest, record_id: Id, payload: OfficeAssessIn):
    user, record = _visible(request, selectors.records, record_id)
    return services.record_assess(actor=user, record=record, text=payload.text)


@router.post("/records/{record_id}/notes", response=OfficeRecordDetailOut, summary="个人小结(只能由本人填写)")
def record_notes(request: HttpRequest, record_id: Id, payload: OfficeOwnNotesIn):
    user, record = _visible(request, selectors.records, record_id)
    return services.record_notes_set(actor=user, record=record, text=payload.text)


@router.get("/cadres/{cadre_id}/assignments", response=list[OfficeAssignmentOut], summary="干部的外派任务")
def list_assignments(request: HttpRequest, cadre_id: Id):
    user, cadre = _visible(request, selectors.cadres, cadre_id)
    services.require_record_reader(user, cadre)
    return list(cadre.assignments.all())


@router.post(
    "/cadres/{cadre_id}/assignments",
    response={201: OfficeAssignmentOut},
    summary="登记外派任务(人事干部或处室负责人)",
)
def add_assignment(request: HttpRequest, cadre_id: Id, payload: OfficeAssignmentIn):
    user, cadre = _visible(request, selectors.cadres, cadre_id)
    return Status(201, services.assignment_add(actor=user, cadre=cadre, data=payload.dict()))


@router.get("/rules", response=list[OfficeRuleOut], summary="制度汇编(全文检索;某日现行有效)")
def list_rules(
    request: HttpRequest, q: Annotated[str, Field(max_length=100)] = "", on: OfficeDay | None = None
):
    qs = selectors.rules(actor(request))
    if q.strip():
        ids = search.matching_ids(q.strip())
        order = {pk: n for n, pk in enumerate(ids)}
        rules = sorted(qs.filter(pk__in=ids), key=lambda r: order[r.pk])
    else:
        rules = list(qs[:500])
    return [r for r in rules if on is None or r.in_force_on(on)]


@router.get("/rulebook", summary="制度汇编(Word 文档,公文格式):某日现行有效的制度")
def rulebook_docx(request: HttpRequest, on: OfficeDay | None = None):
    name, data = documents.rulebook_download(actor(request), on=on or selectors.today())
    return _download(data, name, DOCX)


@router.get("/rules/{rule_id}", response=OfficeRuleDetailOut, summary="制度及某日施行的文本")
def get_rule(request: HttpRequest, rule_id: Id, on: OfficeDay | None = None):
    rule = _visible(request, selectors.rules, rule_id)[1]
    rule.version_shown = services.version_in_force(rule, on or selectors.today())
    return rule


@router.post("/rules", response={201: OfficeRuleDetailOut}, summary="新建制度(第1版全文)")
def create_rule(request: HttpRequest, payload: OfficeRuleIn):
    rule = services.rule_create(actor=actor(request), data=payload.dict())
    rule.version_shown = services.version_in_force(rule, rule.effective_on)
    return 201, rule


@router.get("/rules/{rule_id}/versions", response=list[OfficeRuleVersionOut], summary="制度的各版本")
def list_rule_versions(request: HttpRequest, rule_id: Id):
    rule = _visible(request, selectors.rules, rule_id)[1]
    return list(rule.versions.order_by("version"))


@router.post("/rules/{rule_id}/versions", response={201: OfficeRuleVersionOut}, summary="修订制度(新版本)")
def revise_rule(request: HttpRequest, rule_id: Id, payload: OfficeRuleRevisionIn):
    user, rule = _visible(request, selectors.rules, rule_id)
    return 201, services.rule_revise(actor=user, rule=rule, **payload.dict())


@router.post("/rules/{rule_id}/repeal", response=OfficeRuleOut, summary="废止制度")
def repeal_rule(request: HttpRequest, rule_id: Id, payload: OfficeRuleRepealIn):
    user, rule = _visible(request, selectors.rules, rule_id)
    return services.rule_repeal(actor=user, rule=rule, repealed_on=payload.repealed_on)


# ---------------------------------------------------------------- departments and cadres


def _department(user, unit_id):
    """A department by its unit's id (as tasks and cadres name it), or 404."""
    department = selectors.departments(user).filter(unit_id=unit_id).first()
    if department is None:
        raise Http404
    return department


@router.get(
    "/departments", response=list[OfficeDepartmentOut], summary="处室(本人管辖范围内;分管领导:所分管的)"
)
def list_departments(request: HttpRequest):
    return list(selectors.departments(actor(request))[:500])


@router.post("/departments", response={201: OfficeDepartmentOut}, summary="设立处室(科协之下的单位)")
def create_department(request: HttpRequest, payload: OfficeDepartmentIn):
    user = actor(request)
    leader = reference("office.Department.leader", payload.leader_id, "leader_id", user)
    with error_fields({"leader": "leader_id"}):
        department = services.department_create(actor=user, name=payload.name.strip(), leader=leader,
                                                order=payload.order)  # fmt: skip
    return Status(201, department)


@router.get("/departments/{department_id}", response=OfficeDepartmentOut, summary="处室")
def get_department(request: HttpRequest, department_id: Id):
    return _department(actor(request), department_id)


@router.put(
    "/departments/{department_id}", response=OfficeDepartmentOut, summary="修改处室(名称、排序、分管领导)"
)
def update_department(request: HttpRequest, department_id: Id, payload: OfficeDepartmentIn):
    user = actor(request)
    department = _department(user, department_id)
    data = {"name": payload.name, "order": payload.order}
    if payload.leader_id != department.leader_id:
        data["leader"] = reference("office.Department.leader", payload.leader_id, "leader_id", user)
    with error_fields({"leader": "leader_id"}):
        return services.department_update(actor=user, department=department, data=data)


@router.get("/cadres", response=Page[OfficeCadreOut], summary="干部(所见处室的;可按处室、在岗筛选)")
def list_cadres(
    request: HttpRequest,
    department_id: Id | None = None,
    active: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
):
    qs = selectors.cadres(actor(request))
    if department_id is not None:
        qs = qs.filter(person__unit_id=department_id)
    if active is not None:
        qs = qs.filter(is_active=active)
    return offset_page(request, qs, limit=limit, offset=offset)


@router.post("/cadres", response={201: OfficeCadreOut}, summary="录入干部(人员库中标记为干部)")
def create_cadre(request: HttpRequest, payload: OfficeCadreIn):
    user = actor(request)
    department = reference("office.Task.department", payload.department_id, "department_id", user)
    login = reference("office.Cadre.user", payload.user_id, "user_id", user)
    with error_fields(CADRE_ERRORS):
        cadre = services.cadre_create(actor=user, name=payload.name.strip(), department=department,
                                      position=payload.position, user=login, joined_on=payload.joined_on)  # fmt: skip
    return Status(201, cadre)


@router.get("/cadres/{cadre_id}", response=OfficeCadreOut, summary="干部")
def get_cadre(request: HttpRequest, cadre_id: Id):
    return _visible(request, selectors.cadres, cadre_id)[1]


@router.put("/cadres/{cadre_id}", response=OfficeCadreOut, summary="修改干部(姓名、职务、登录账号)")
def update_cadre(request: HttpRequest, cadre_id: Id, payload: OfficeCadreUpdateIn):
    user, cadre = _visible(request, selectors.cadres, cadre_id)
    data = {"name": payload.name, "position": payload.position}
    if payload.user_id == cadre.user_id:
        data["user"] = cadre.user
    else:
        data["user"] = reference("office.Cadre.user", payload.user_id, "user_id", user)
    with error_fields(CADRE_ERRORS):
        return services.cadre_update(actor=user, cadre=cadre, data=data)


@router.post("/cadres/{cadre_id}/end", response=OfficeCadreOut, summary="干部离岗(保留其任务与档案)")
def end_cadre(request: HttpRequest, cadre_id: Id, payload: OfficeCadreEndIn):
    user, cadre = _visible(request, selectors.cadres, cadre_id)
    return services.cadre_end(actor=user, cadre=cadre, reason=payload.reason, left_on=payload.left_on)


# ---------------------------------------------------------------- task forces


def _force_data(payload, user, force=None) -> dict:
    """The service's data from a task force body; a change keeps the lead and members the task
    force already has (departed cadres included), anyone new must be offered by the rule."""
    data = {"name": payload.name, "purpose": payload.purpose}
    if payload.set_up_on is not None:
        data["set_up_on"] = payload.set_up_on
    if force is not None and payload.department_id == force.department_id:
        data["department"] = force.department
    else:
        data["department"] = reference(
            "office.TaskForce.department", payload.department_id, "department_id", user
        )
    if force is not None and payload.lead_id == force.lead_id:
        data["lead"] = force.lead
    else:
        data["lead"] = reference("office.TaskForce.lead", payload.lead_id, "lead_id", user)
    held = {m.pk: m for m in force.members.all()} if force is not None else {}
    new = [pk for pk in dict.fromkeys(payload.member_ids) if pk not in held]
    kept = [held[pk] for pk in dict.fromkeys(payload.member_ids) if pk in held]
    data["members"] = kept + (reference_list("office.TaskForce.members", new, "member_ids", user) or [])
    return data


@router.get("/task-forces", response=list[OfficeTaskForceOut], summary="专班(可只看未撤销的)")
def list_task_forces(request: HttpRequest, active: bool | None = None):
    qs = selectors.task_forces(actor(request)).prefetch_related("members")
    if active is not None:
        qs = qs.filter(closed_on__isnull=active)
    return list(qs.order_by("-set_up_on", "-id")[:500])


@router.post("/task-forces", response={201: OfficeTaskForceOut}, summary="成立专班")
def create_task_force(request: HttpRequest, payload: OfficeTaskForceIn):
    user = actor(request)
    with error_fields(FORCE_ERRORS):
        return Status(201, services.task_force_create(actor=user, data=_force_data(payload, user)))


@router.get("/task-forces/{force_id}", response=OfficeTaskForceOut, summary="专班及其成员")
def get_task_force(request: HttpRequest, force_id: Id):
    return _visible(request, selectors.task_forces, force_id)[1]


@router.put("/task-forces/{force_id}", response=OfficeTaskForceOut, summary="修改专班(已撤销的不能修改)")
def update_task_force(request: HttpRequest, force_id: Id, payload: OfficeTaskForceIn):
    user, force = _visible(request, selectors.task_forces, force_id)
    with error_fields(FORCE_ERRORS):
        return services.task_force_update(actor=user, force=force, data=_force_data(payload, user, force))


@router.post("/task-forces/{force_id}/close", response=OfficeTaskForceOut, summary="撤销专班")
def close_task_force(request: HttpRequest, force_id: Id, payload: OfficeTaskForceCloseIn):
    user, force = _visible(request, selectors.task_forces, force_id)
    return services.task_force_close(actor=user, force=force, closed_on=payload.closed_on)
