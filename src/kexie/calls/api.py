"""API of the call engine (/api/v1/calls/): calls, entries and their stages."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from kexie.calls import judging, services
from kexie.calls.codes import CallKind, EntrantKind, EntryStatus, MemberRole, Outcome, SchoolStage
from kexie.calls.selectors import (
    get_visible_call_or_404,
    get_visible_entry_or_404,
    visible_calls,
    visible_entries,
)
from kexie.core.api_base import Page, Status, actor, offset_page, reference
from kexie.core.schemas import Count, Id, InputSchema, Limit, Offset, Year
from kexie.directory.codes import DesignationLevel

router = Router(tags=["征集评选"])

SmallCount = Field(ge=0, le=10000)


class CallIn(InputSchema):
    title: str = Field(title="名称", min_length=1, max_length=200)
    kind: CallKind
    entrant_kind: EntrantKind = EntrantKind.PERSON
    series: str = Field("", max_length=100)
    edition: int | None = Field(None, ge=1, le=1000)
    year: Year
    organiser_id: Id | None = None
    higher_body: str = Field("", max_length=100)
    higher_call_id: Id | None = None
    higher_level: DesignationLevel | Literal[""] = ""
    higher_quota: Count | None = None
    opens_on: dt.date
    closes_on: dt.date
    review_on: dt.date | None = None
    notice_days: int = Field(5, ge=1, le=60)
    form_fields: list[dict[str, Any]] = Field(default_factory=list, max_length=100)
    eligibility: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    quota: Count | None = None
    prize_levels: list[dict[str, Any]] = Field(default_factory=list, max_length=20)
    is_public: bool = False
    is_blind: bool = False
    description: str = Field("", max_length=5000)


class CallOut(Schema):
    id: int
    title: str
    kind: str
    entrant_kind: str
    series: str
    edition: int | None
    year: int
    organiser_id: int
    organiser: str = Field(alias="organiser.name")
    higher_body: str
    higher_call_id: int | None
    higher_level: str
    higher_quota: int | None
    opens_on: dt.date
    closes_on: dt.date
    notice_days: int
    notice_starts_on: dt.date | None
    notice_ends_on: dt.date | None
    form_fields: list[dict[str, Any]]
    eligibility: list[dict[str, Any]]
    quota: int | None
    prize_levels: list[dict[str, Any]]
    is_public: bool
    is_blind: bool
    status: str


class MemberIn(InputSchema):
    name: str = Field(min_length=1, max_length=50)
    role: MemberRole = MemberRole.MEMBER
    birth_date: dt.date | None = None
    school_stage: SchoolStage | Literal[""] = ""
    occupation: str = Field("", max_length=60)
    institution_name: str = Field("", max_length=200)


class EntryIn(InputSchema):
    title: str = Field(title="名称", min_length=1, max_length=200)
    person_id: Id | None = None
    organisation_id: Id | None = None
    entrant_name: str = Field("", max_length=200)
    institution_id: Id | None = None
    institution_name: str = Field("", max_length=200)
    province: str = Field("", max_length=20)
    answers: dict[str, str | int | float | None] = Field(default_factory=dict)
    submitting_unit_id: Id | None = None
    members: list[MemberIn] | None = Field(None, max_length=50)


class MemberOut(Schema):
    name: str
    role: str
    school_stage: str
    institution_name: str


class EntryOut(Schema):
    id: int
    code: str
    call_id: int
    title: str
    entrant: str = Field(alias="entrant_display")
    institution: str = Field(alias="institution_display")
    province: str
    submitting_unit_id: int
    status: str
    return_reason: str
    prize: str
    higher_result: str
    higher_prize: str
    recommended_at: dt.datetime | None
    answers: dict[str, Any]


class HigherResultOut(Schema):
    level: str
    body: str
    result: str
    prize: str
    recorded_on: dt.date
    passed_down_from: str | None = Field(
        None, description="转自:上级竞赛中该作品的申报编号(结果由上级作品转回)"
    )

    @staticmethod
    def resolve_passed_down_from(row) -> str | None:
        return row.source.entry.code if row.source_id else None


class EntryPathOut(Schema):
    """An entry's path up: recommended when, to which entry of the higher call, with what results."""

    id: int
    code: str
    recommended_at: dt.datetime | None
    recommended_as: str | None
    higher_results: list[HigherResultOut]


class EntryFileOut(Schema):
    field: str
    label: str
    name: str
    size: int | None
    url: str | None


class HigherResultIn(InputSchema):
    result: str = Field(title="上级评选结果", min_length=1, max_length=60)
    prize: str = Field("", max_length=30)
    level: DesignationLevel | None = None


class RecommendUpIn(InputSchema):
    limit: Count | None = None


class StepIn(InputSchema):
    seen: EntryStatus | None = None


class ReturnIn(StepIn):
    reason: str = Field(title="退回原因", min_length=1, max_length=500)


class DecisionIn(StepIn):
    outcome: Outcome
    prize: str = Field("", max_length=30)
    votes_for: int = SmallCount
    votes_against: int = Field(0, ge=0, le=10000)
    votes_abstain: int = Field(0, ge=0, le=10000)
    meeting: str = Field("", max_length=200)


def _blind(entry, user):
    """A blind call hides the entrant from those who do not organise it."""
    from kexie.core.scoping import in_scope

    if entry.call.is_blind and not in_scope(user, entry.call.organiser):
        entry.entrant_name, entry.person, entry.organisation = "—", None, None
        entry.institution, entry.institution_name = None, "—"
    return entry


@router.get("/", response=Page[CallOut], summary="征集评选列表")
def list_calls(request: HttpRequest, year: Year | None = None, limit: Limit = 50, offset: Offset = 0):
    qs = visible_calls(actor(request)).order_by("-year", "-id")
    if year:
        qs = qs.filter(year=year)
    return offset_page(request, qs, limit=limit, offset=offset)


@router.post("/", response={201: CallOut}, summary="新建征集评选")
def create_call(request: HttpRequest, payload: CallIn):
    user = actor(request)
    data = payload.dict()
    organiser_id = data.pop("organiser_id")
    if organiser_id is not None:
        data["organiser"] = reference("calls.Call.organiser", organiser_id, "organiser_id", user)
    higher_call_id = data.pop("higher_call_id")
    if higher_call_id is not None:
        data["higher_call"] = reference("calls.Call.higher_call", higher_call_id, "higher_call_id", user)
    return Status(201, services.call_create(actor=user, data=data))


@router.get("/{call_id}", response=CallOut, summary="征集评选详情")
def get_call(request: HttpRequest, call_id: Id):
    return get_visible_call_or_404(actor(request), call_id)


@router.get("/{call_id}/entries", response=Page[EntryOut], summary="申报列表")
def list_entries(request: HttpRequest, call_id: Id, limit: Limit = 50, offset: Offset = 0):
    user = actor(request)
    call = get_visible_call_or_404(user, call_id)
    page = offset_page(request, visible_entries(user, call).order_by("code"), limit=limit, offset=offset)
    page["items"] = [_blind(e, user) for e in page["items"]]
    return page


@router.post("/{call_id}/entries", response={201: EntryOut}, summary="新增申报(草稿)")
def create_entry(request: HttpRequest, call_id: Id, payload: EntryIn):
    user = actor(request)
    call = get_visible_call_or_404(user, call_id)
    data = payload.dict()
    members = data.pop("members")
    for name in ("person", "organisation", "institution", "submitting_unit"):
        pk = data.pop(f"{name}_id")
        if pk is not None:
            data[name] = reference(f"calls.Entry.{name}", pk, f"{name}_id", user)
    data["answers"] = {k: v for k, v in data["answers"].items() if v is not None}
    return Status(201, services.entry_create(actor=user, call=call, data=data, members=members))


@router.get("/entries/{entry_id}", response=EntryOut, summary="申报详情")
def get_entry(request: HttpRequest, entry_id: Id):
    user = actor(request)
    return _blind(get_visible_entry_or_404(user, entry_id), user)


def _path(entry) -> dict:
    from kexie.calls.higher import higher_results_of

    higher = getattr(entry, "recommended_as", None) if entry.recommended_at else None
    return {
        "id": entry.pk, "code": entry.code, "recommended_at": entry.recommended_at,
        "recommended_as": higher.code if higher else None,
        "higher_results": higher_results_of([entry]).get(entry.pk, []),
    }  # fmt: skip


@router.get(
    "/entries/{entry_id}/path", response=EntryPathOut, summary="作品的晋级路径:向上推荐与上级竞赛结果"
)
def entry_path(request: HttpRequest, entry_id: Id):
    return _path(get_visible_entry_or_404(actor(request), entry_id))


@router.post(
    "/entries/{entry_id}/recommend-up", response=EntryPathOut, summary="向上级竞赛推荐获奖作品(名额内)"
)
def recommend_entry_up(request: HttpRequest, entry_id: Id):
    from kexie.calls import higher

    user = actor(request)
    entry = get_visible_entry_or_404(user, entry_id)
    return _path(higher.entry_recommend_up(actor=user, entry=entry))


@router.post(
    "/entries/{entry_id}/higher-results", response=EntryPathOut, summary="登记上级竞赛结果(每级一条)"
)
def record_higher_result(request: HttpRequest, entry_id: Id, payload: HigherResultIn):
    from kexie.calls import higher

    user = actor(request)
    entry = get_visible_entry_or_404(user, entry_id)
    higher.higher_result_record(
        actor=user, entry=entry, result=payload.result, prize=payload.prize, level=payload.level
    )
    return _path(entry)


@router.get(
    "/entries/{entry_id}/files", response=list[EntryFileOut], summary="申报附件(申报人和经办人可下载)"
)
def entry_file_list(request: HttpRequest, entry_id: Id):
    from django.urls import reverse

    from kexie.calls import entry_files

    user = actor(request)
    entry = get_visible_entry_or_404(user, entry_id)
    return [
        {"field": f["field"], "label": f["label"], "name": f["name"], "size": f["file"].size if f["file"] else None,
         "url": reverse("calls:entry_file", args=(f["file"].pk,)) if f["file"] else None}
        for f in entry_files.files_for(user, entry)
    ]  # fmt: skip


@router.post("/entries/{entry_id}/return", response=EntryOut, summary="形式审查退回")
def return_entry(request: HttpRequest, entry_id: Id, payload: ReturnIn):
    user = actor(request)
    entry = get_visible_entry_or_404(user, entry_id)
    return services.entry_return(actor=user, entry=entry, reason=payload.reason, seen=payload.seen)


@router.post("/entries/{entry_id}/decide", response=EntryOut, summary="记录评审委员会决定(含表决票数)")
def decide_entry(request: HttpRequest, entry_id: Id, payload: DecisionIn):
    user = actor(request)
    entry = get_visible_entry_or_404(user, entry_id)
    data = payload.dict()
    return services.entry_decide(actor=user, entry=entry, **data)


ENTRY_STEPS = {
    "submit": services.entry_submit,
    "withdraw": services.entry_withdraw,
    "accept": services.entry_accept,
}


@router.post("/entries/{entry_id}/{action}", response=EntryOut, summary="提交、撤回申报,或形式审查通过")
def entry_step(
    request: HttpRequest, entry_id: Id, action: Literal["submit", "withdraw", "accept"], payload: StepIn
):
    user = actor(request)
    entry = get_visible_entry_or_404(user, entry_id)
    return ENTRY_STEPS[action](actor=user, entry=entry, seen=payload.seen)


# ---------------------------------------------------------------------- expert review


class RoundCriterionIn(InputSchema):
    code: str = Field(min_length=1, max_length=40)
    label: str = Field(min_length=1, max_length=40)
    weight: float = Field(1, gt=0, le=1000)
    max: float = Field(100, gt=0, le=1000)


class RoundIn(InputSchema):
    name: str = Field(title="轮次名称", min_length=1, max_length=40)
    per_entry: int = Field(3, ge=1, le=50)
    min_load: int = Field(0, ge=0, le=10000)
    max_load: int = Field(30, ge=1, le=10000)
    criteria: list[RoundCriterionIn] = Field(default_factory=list, max_length=30)
    advance_top: int | None = Field(None, ge=1, le=100000, description="前 N 名晋级")
    advance_threshold: float | None = Field(None, ge=-1000, le=1000, description="达到分数线晋级")
    ranking_method: Literal["raw", "zscore", "calibrated"] = "calibrated"
    due_on: dt.date | None = None


class RoundOut(Schema):
    id: int
    call_id: int
    number: int
    name: str
    per_entry: int
    min_load: int
    max_load: int
    criteria: list[dict[str, Any]]
    advance_rule: dict[str, Any]
    ranking_method: str
    due_on: dt.date | None
    assigned_at: dt.datetime | None
    closed_at: dt.datetime | None


class RoundRankingOut(Schema):
    entry_id: int
    code: str
    title: str
    rank: int
    score: float
    raw: float
    raw_rank: int
    zscore: float
    zscore_rank: int
    calibrated: float
    calibrated_rank: int
    n_judges: int
    spread: float | None
    spread_flagged: bool
    prize: str


class RoundMissingOut(Schema):
    judge: str
    entries: list[str]


class RoundDetailOut(Schema):
    round: RoundOut
    ranking: list[RoundRankingOut]
    missing: list[RoundMissingOut]


class RoundPairOut(Schema):
    entry: str
    judge: str
    affinity: float | None = None
    explanation: str


class RoundPlanOut(Schema):
    infeasible: str | None
    total_affinity: float
    pairs: list[RoundPairOut]
    exclusions: list[RoundPairOut]


class RoundJudgeIn(InputSchema):
    person_id: Id
    user_id: Id
    expertise: str = Field("", max_length=500)


class RoundJudgeOut(Schema):
    id: int
    person_id: int
    person: str = Field(alias="person.name")
    user_id: int
    expertise: str


class JudgeAssignmentOut(Schema):
    """What a judge sees of an entry: no entrant or institution when the call is blind."""

    id: int
    call: str
    round: str
    code: str
    title: str
    entrant: str | None = None
    institution: str | None = None
    answers: dict[str, str]
    criteria: list[dict[str, Any]]
    values: dict[str, float]
    total: float | None
    scored: bool


class ScoreIn(InputSchema):
    values: dict[str, float] = Field(max_length=30, description="各评分项代码 → 分数")
    comment: str = Field("", max_length=2000)


def _round_or_404(user, round_id):
    from kexie.calls.judging_views import get_round_or_404

    return get_round_or_404(user, round_id)


@router.post("/{call_id}/rounds", response={201: RoundOut}, summary="新建评审轮次(初赛/复赛/决赛)")
def create_round(request: HttpRequest, call_id: Id, payload: RoundIn):
    user = actor(request)
    call = get_visible_call_or_404(user, call_id)
    data = payload.dict()
    top, threshold = data.pop("advance_top"), data.pop("advance_threshold")
    data["advance_rule"] = (
        {"top": top} if top is not None else ({"threshold": threshold} if threshold is not None else {})
    )
    return Status(201, judging.round_create(actor=user, call=call, data=data))


@router.get("/rounds/{round_id}", response=RoundDetailOut, summary="评审轮次:排名(三种方法对照)与未交评分")
def get_round(request: HttpRequest, round_id: Id):
    rnd = _round_or_404(actor(request), round_id)
    ranking = [
        {**{k: r[k] for k in ("rank", "score", "raw", "raw_rank", "zscore", "zscore_rank", "calibrated",
                              "calibrated_rank", "n_judges", "spread", "spread_flagged", "prize")},
         "entry_id": r["entry_obj"].pk, "code": r["entry_obj"].code, "title": r["entry_obj"].title}
        for r in judging.round_ranking(rnd)
    ]  # fmt: skip
    missing = [
        {"judge": j.person.name, "entries": [e.code for e in es]} for j, es in judging.missing_scores(rnd)
    ]
    return {"round": rnd, "ranking": ranking, "missing": missing}


@router.post("/rounds/{round_id}/judges", response={201: RoundJudgeOut}, summary="聘请评委(名录中的专家)")
def add_round_judge(request: HttpRequest, round_id: Id, payload: RoundJudgeIn):
    user = actor(request)
    rnd = _round_or_404(user, round_id)
    person = reference("calls.RoundJudge.person", payload.person_id, "person_id", user)
    account = reference("calls.RoundJudge.user", payload.user_id, "user_id", user)
    return Status(201, judging.round_judge_add(actor=user, round=rnd, person=person, user=account,
                                               expertise=payload.expertise))  # fmt: skip


@router.get(
    "/rounds/{round_id}/plan",
    response=RoundPlanOut,
    summary="试算评审分配(不保存):每对的理由、回避、无解时应放宽什么",
)
def plan_round(request: HttpRequest, round_id: Id):
    plan = judging.round_plan(_round_or_404(actor(request), round_id))
    return {
        "infeasible": plan.infeasible,
        "total_affinity": plan.result.total_affinity,
        "pairs": [{"entry": p["entry"].code, "judge": p["judge"].person.name, "affinity": p["affinity"],
                   "explanation": p["explanation"]} for p in plan.pairs()],
        "exclusions": [{"entry": x["entry"].code, "judge": x["judge"].person.name,
                        "explanation": x["explanation"]} for x in plan.exclusions()],
    }  # fmt: skip


ROUND_STEPS = {
    "assign": lambda user, rnd: judging.round_assign(actor=user, round=rnd),
    "chase": lambda user, rnd: judging.round_chase(actor=user, round=rnd),
    "close": lambda user, rnd: judging.round_close(actor=user, round=rnd),
}


@router.post(
    "/rounds/{round_id}/{action}",
    response=RoundOut,
    summary="分配并保存(assign)、提醒评委(chase)、结束本轮并确定晋级(close)",
)
def round_step(request: HttpRequest, round_id: Id, action: Literal["assign", "chase", "close"]):
    user = actor(request)
    rnd = _round_or_404(user, round_id)
    ROUND_STEPS[action](user, rnd)
    rnd.refresh_from_db()
    return rnd


def _judge_view(a) -> dict:
    view = judging.judge_view_of(a.entry, blind=a.round.call.is_blind)
    return {
        "id": a.pk, "call": a.round.call.title, "round": a.round.name, "code": view["code"], "title": view["title"],
        "entrant": view.get("entrant"), "institution": view.get("institution"),
        "answers": {label: str(value) for label, value in view["answers"]}, "criteria": a.round.criteria,
        "values": a.values or {}, "total": a.total, "scored": a.is_scored,
    }  # fmt: skip


@router.get("/judging/assignments", response=list[JudgeAssignmentOut], summary="我的评审(评委本人的分配)")
def my_assignments(request: HttpRequest):
    return [_judge_view(a) for a in judging.judge_assignments(actor(request))]


@router.post(
    "/judging/assignments/{assignment_id}/score", response=JudgeAssignmentOut, summary="评委提交评分"
)
def score_assignment(request: HttpRequest, assignment_id: Id, payload: ScoreIn):
    user = actor(request)
    assignment = judging.get_own_assignment_or_404(user, assignment_id)
    judging.score_submit(actor=user, assignment=assignment, values=payload.values, comment=payload.comment)
    return _judge_view(assignment)


@router.post(
    "/{call_id}/recommend-up", response=list[EntryPathOut], summary="按奖项顺序向上推荐获奖作品(名额内)"
)
def recommend_call_up(request: HttpRequest, call_id: Id, payload: RecommendUpIn):
    from kexie.calls import higher

    user = actor(request)
    call = get_visible_call_or_404(user, call_id)
    return [_path(e) for e in higher.call_recommend_up(actor=user, call=call, limit=payload.limit)]


class CallNoticeIn(InputSchema):
    starts_on: dt.date | None = Field(None, description="公示开始日期(默认今天);期限按工作日计")


class CallCertificateOut(Schema):
    entry: str = Field(description="申报编号")
    code: str = Field(description="验证码")
    verify_url: str = Field(description="公开核验页(证书上二维码的地址)")
    revoked: bool


class CallCertificatesOut(Schema):
    issued: int = Field(description="本次新颁发的张数(已有证书的不再颁发)")
    certificates: list[CallCertificateOut]


@router.post("/{call_id}/notice", response=CallOut, summary="开始公示(全部申报决定之后;期限按工作日计)")
def call_notice(request: HttpRequest, call_id: Id, payload: CallNoticeIn):
    from kexie.calls import notice

    user = actor(request)
    call = get_visible_call_or_404(user, call_id)
    return notice.call_notice_start(actor=user, call=call, starts_on=payload.starts_on)


@router.post("/{call_id}/finalise", response=CallOut, summary="公示期满,确定结果(异议均已处理;荣誉记入档案)")
def call_finalise(request: HttpRequest, call_id: Id):
    from kexie.calls import notice

    user = actor(request)
    call = get_visible_call_or_404(user, call_id)
    return notice.call_finalise(actor=user, call=call)


@router.post(
    "/{call_id}/certificates",
    response=CallCertificatesOut,
    summary="颁发证书(每项获奖申报一张,带验证码和二维码)",
)
def call_certificates(request: HttpRequest, call_id: Id):
    from kexie.calls import notice
    from kexie.calls.models import Entry
    from kexie.core.certificates import certificate_for_source, display_code, verify_url

    user = actor(request)
    call = get_visible_call_or_404(user, call_id)
    issued = notice.call_certificates_issue(actor=user, call=call)
    awarded = Entry.objects.unscoped(reason="the organiser's own call, checked above").filter(
        call=call, status=EntryStatus.AWARDED
    )
    certificates = [
        {
            "entry": entry.code,
            "code": display_code(c.code),
            "verify_url": verify_url(c),
            "revoked": c.is_revoked,
        }
        for entry in awarded.order_by("code")
        for c in certificate_for_source(entry)
    ]
    return {"issued": len(issued), "certificates": certificates}


class CallObjectionOut(Schema):
    """An objection to a 公示; who objected only for the handlers (reviewers of the organiser)."""

    id: int
    entry: str | None = Field(None, description="所针对的申报编号(针对整体公示的为空)")
    text: str
    status: str
    decision: str
    objector: str | None = Field(None, description="提出方式、姓名、单位、电话(掩码);非受理人员为空")


class CallObjectionDecideIn(InputSchema):
    upheld: bool = Field(description="true:异议成立(针对的获奖申报撤销授奖);false:不成立")
    decision: str = Field(min_length=1, max_length=2000, description="处理意见")


def _objection(row, identity: bool) -> dict:
    objector = None
    if identity:
        objector = " ".join(
            p
            for p in (row.get_objector_kind_display(), row.objector_name, row.objector_unit, row.phone_masked)
            if p
        )
    return {"id": row.pk, "entry": row.entry.code if row.entry_id else None, "text": row.text,
            "status": row.status, "decision": row.decision, "objector": objector}  # fmt: skip


@router.get(
    "/{call_id}/objections",
    response=list[CallObjectionOut],
    summary="公示异议及处理结果(异议人身份仅受理人员可见)",
)
def call_objections(request: HttpRequest, call_id: Id):
    from kexie.calls import notice
    from kexie.calls.models import Objection

    user = actor(request)
    call = get_visible_call_or_404(user, call_id)
    identity = notice.may_see_objector(user, call)
    rows = Objection.objects.for_user(user).filter(call=call).select_related("entry").order_by("pk")
    return [_objection(row, identity) for row in rows]


@router.post(
    "/objections/{objection_id}/decide",
    response=CallObjectionOut,
    summary="处理公示异议(成立或不成立,附处理意见)",
)
def call_objection_decide(request: HttpRequest, objection_id: Id, payload: CallObjectionDecideIn):
    from django.http import Http404

    from kexie.calls import notice
    from kexie.calls.models import Objection

    user = actor(request)
    objection = (
        Objection.objects.for_user(user).filter(pk=objection_id).select_related("call", "entry").first()
    )
    if objection is None:
        raise Http404
    notice.objection_decide(actor=user, objection=objection, upheld=payload.upheld, decision=payload.decision)
    objection.refresh_from_db()
    return _objection(objection, notice.may_see_objector(user, objection.call))


# Last: its path would otherwise take /entries/{entry_id}.
@router.post("/{call_id}/{action}", response=CallOut, summary="开始或结束征集")
def call_action(request: HttpRequest, call_id: Id, action: Literal["open", "close"]):
    user = actor(request)
    call = get_visible_call_or_404(user, call_id)
    step = services.call_open if action == "open" else services.call_close
    return step(actor=user, call=call)
