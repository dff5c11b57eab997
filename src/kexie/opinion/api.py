"""API of 宣传与舆情 (/api/v1/opinion/): monitored items (list, detail, sentiment correction,
informants' submissions), clusters (list, one with its copies), sources (list, add, change, poll),
keyword schemes (list, add, change, preview), alert rules and alerts (handled through their
tickets), the daily and weekly briefs (Word), publicity articles (list, add, change). The same
selectors and services (audited) as the pages."""

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from kexie.core.api_base import Page, Status, actor, offset_page, reference, reference_list
from kexie.core.schemas import Count, Id, InputSchema, Limit, Offset
from kexie.opinion import selectors, services
from kexie.opinion.models import Channel, RuleKind, Sentiment, SourceKind

router = Router(tags=["宣传与舆情"])

# Plain values, not the enum classes: the hotline's `Channel` would share a schema component name.
OpinionChannel = Literal[tuple(Channel.values)]
OpinionSentiment = Literal[tuple(Sentiment.values)]
OpinionRuleKind = Literal[tuple(RuleKind.values)]
OpinionSourceKind = Literal[tuple(SourceKind.values)]

Words = Annotated[str, Field(max_length=500)]
BriefDay = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class OpinionItemOut(Schema):
    id: int
    source_id: int
    source: str = Field(alias="source.name")
    url: str
    title: str
    text: str
    author: str
    published_at: dt.datetime
    reach: int
    sentiment: str
    sentiment_score: float
    sentiment_corrected: bool
    cluster_id: int | None
    rumour_cues: str


class OpinionClusterOut(Schema):
    id: int
    title: str
    copies: int
    sources: int
    reach: int
    heat: float
    first_seen: dt.datetime
    last_seen: dt.datetime


class OpinionSpreadOut(Schema):
    day: dt.date
    copies: int


class OpinionClusterDetailOut(OpinionClusterOut):
    """A cluster with its copies, oldest first: the first is where it started."""

    heat_formula: str
    first_source: str | None
    spread: list[OpinionSpreadOut]
    items: list[OpinionItemOut]


class OpinionSourceOut(Schema):
    id: int
    name: str
    kind: str
    url: str
    is_active: bool
    is_watched: bool
    last_polled_at: dt.datetime | None
    last_ok_at: dt.datetime | None
    last_error: str
    items_seen: int


class OpinionSchemeOut(Schema):
    id: int
    name: str
    region_words: str
    subject_words: str
    event_words: str
    exclude_words: str
    expression: str
    is_active: bool


class OpinionRuleOut(Schema):
    id: int
    name: str
    kind: str
    heat_threshold: float
    words: str
    source_id: int | None
    author: str
    quiet_start: dt.time | None
    quiet_end: dt.time | None
    queue_id: int
    is_active: bool


class OpinionDebunkOut(Schema):
    article_id: int
    title: str = Field(alias="article.title")
    link: str = Field(alias="article.link")
    score: float
    terms: str


class OpinionAlertOut(Schema):
    id: int
    rule_id: int
    item_id: int
    cluster_id: int | None
    ticket_id: int
    reason: str
    raised_at: dt.datetime
    status: str = Field(alias="ticket.status")


class OpinionArticleOut(Schema):
    id: int
    unit_id: int
    channel: str
    published_on: dt.date
    title: str
    link: str
    reads: int
    likes: int
    shares: int
    is_debunking: bool
    summary: str
    activity_ids: list[int]

    @staticmethod
    def resolve_activity_ids(obj) -> list[int]:
        return sorted(a.pk for a in obj.activities.all())


class OpinionArticleFigureOut(Schema):
    month: str
    channel: str
    channel_name: str
    articles: int
    reads: int
    likes: int
    shares: int


class OpinionAlertStepOut(Schema):
    at: dt.datetime
    action: str
    actor: str = Field(alias="actor_repr")


class OpinionAlertNoteOut(Schema):
    at: dt.datetime = Field(alias="written_at")
    step: str
    text: str
    author: str | None = Field(None, alias="author.username")


class OpinionAlertDetailOut(OpinionAlertOut):
    subject: str = Field(alias="ticket.subject")
    queue_id: int = Field(alias="ticket.queue_id")
    assignee_id: int | None = Field(alias="ticket.assignee_id")
    opened_at: dt.datetime = Field(alias="ticket.opened_at")
    first_response_due: dt.datetime | None = Field(alias="ticket.first_response_due")
    first_response_at: dt.datetime | None = Field(alias="ticket.first_response_at")
    resolution_due: dt.datetime | None = Field(alias="ticket.resolution_due")
    resolved_at: dt.datetime | None = Field(alias="ticket.resolved_at")
    first_response_breached: bool | None = Field(alias="ticket.first_response_breached")
    resolution_breached: bool | None = Field(alias="ticket.resolution_breached")
    steps: list[OpinionAlertStepOut]
    notes: list[OpinionAlertNoteOut]

    @staticmethod
    def resolve_notes(obj) -> list:
        return list(
            obj.ticket.notes.unscoped(reason="the notes of an alert already read in scope").order_by(
                "written_at", "id"
            )
        )

    @staticmethod
    def resolve_steps(obj) -> list:
        from kexie.core.audit import history

        return list(history(obj.ticket).order_by("at", "id")[:100])


class OpinionCorrectionIn(InputSchema):
    sentiment: OpinionSentiment = Field(title="校正后的情感")


class OpinionSubmissionIn(InputSchema):
    url: str = Field("", title="链接", max_length=500)
    title: str = Field("", title="标题", max_length=300)
    text: str = Field("", title="文字", max_length=20000)


class OpinionSourceIn(InputSchema):
    name: str = Field(title="名称", min_length=1, max_length=100)
    kind: OpinionSourceKind = Field(title="类型")
    url: str = Field("", title="地址", max_length=500)
    is_active: bool = Field(True, title="启用")
    is_watched: bool = Field(False, title="重点关注")


class OpinionSchemeIn(InputSchema):
    name: str = Field(title="名称", min_length=1, max_length=60)
    region_words: Words = Field("", title="地域词")
    subject_words: Words = Field("", title="主体词")
    event_words: Words = Field("", title="事件词")
    exclude_words: Words = Field("", title="排除词")
    expression: str = Field("", title="高级表达式", max_length=1000)
    is_active: bool = Field(True, title="启用")


class OpinionPreviewOut(Schema):
    matched: int
    items: list[OpinionItemOut]
    words: list[list[str]]


class OpinionRuleIn(InputSchema):
    name: str = Field(title="名称", min_length=1, max_length=60)
    kind: OpinionRuleKind = Field(title="规则类型")
    heat_threshold: Annotated[float, Field(ge=0, le=1000)] = Field(50, title="热度阈值")
    words: Words = Field("", title="敏感词")
    source_id: Id | None = Field(None, title="来源编号")
    author: str = Field("", title="作者", max_length=100)
    quiet_start: dt.time | None = Field(None, title="免打扰开始(本地时间)")
    quiet_end: dt.time | None = Field(None, title="免打扰结束(本地时间)")
    queue_id: Id = Field(title="处理队列编号")
    is_active: bool = Field(True, title="启用")


class OpinionArticleIn(InputSchema):
    channel: OpinionChannel = Field(title="渠道")
    published_on: dt.date = Field(title="发布日期")
    title: str = Field(title="标题", min_length=1, max_length=200)
    link: str = Field("", title="链接", max_length=500)
    reads: Count = Field(0, title="阅读量")
    likes: Count = Field(0, title="点赞数")
    shares: Count = Field(0, title="转发数")
    is_debunking: bool = Field(False, title="辟谣/科普材料")
    summary: str = Field("", title="摘要", max_length=5000)
    activity_ids: list[Id] = Field([], title="报道的活动编号", max_length=100)


class OpinionAlertHandlingIn(InputSchema):
    action: Literal["take", "respond", "resolve", "note"] = Field(title="操作(接手、答复、办结、记录进展)")
    note: str = Field("", title="处置情况(办结、记录进展时必填)", max_length=1000)


class OpinionPollOut(Schema):
    source: str
    status: str
    new: int
    message: str


@router.get("/items", response=Page[OpinionItemOut], summary="舆情条目列表")
def list_items(
    request: HttpRequest,
    sentiment: OpinionSentiment | None = None,
    source_id: Id | None = None,
    cluster_id: Id | None = None,
    q: Annotated[str, Field(max_length=100)] = "",
    limit: Limit = 50,
    offset: Offset = 0,
):
    qs = selectors.items(
        actor(request), sentiment=sentiment or "", source_id=source_id, q=q, cluster_id=cluster_id
    )
    return offset_page(request, qs, limit=limit, offset=offset)


@router.get("/items/{item_id}", response=OpinionItemOut, summary="舆情条目详情")
def get_item(request: HttpRequest, item_id: Id):
    return selectors.get_or_404(selectors.items(actor(request)), item_id)


@router.post("/items/{item_id}/correction", response=OpinionItemOut, summary="校正情感(用于本机模型再训练)")
def correct_item(request: HttpRequest, item_id: Id, payload: OpinionCorrectionIn):
    user = actor(request)
    item = selectors.get_or_404(selectors.items(user), item_id)
    return services.item_correct(actor=user, item=item, label=payload.sentiment)


@router.post("/submissions", response={201: OpinionItemOut}, summary="信息员报送")
def submit_item(request: HttpRequest, payload: OpinionSubmissionIn):
    return Status(201, services.item_submit(actor=actor(request), **payload.dict()))


@router.get("/clusters", response=Page[OpinionClusterOut], summary="相似聚类(按热度)")
def list_clusters(request: HttpRequest, limit: Limit = 50, offset: Offset = 0):
    return offset_page(request, selectors.clusters(actor(request)), limit=limit, offset=offset)


@router.get(
    "/clusters/{cluster_id}",
    response=OpinionClusterDetailOut,
    summary="一个聚类及其全部副本(首发来源、按日传播)",
)
def get_cluster(request: HttpRequest, cluster_id: Id):
    from django.utils import timezone

    from kexie.engines.opinion.heat import HEAT_FORMULA

    user = actor(request)
    cluster = selectors.get_or_404(selectors.clusters(user, copies_at_least=1), cluster_id)
    items = list(selectors.items(user, cluster_id=cluster.pk).order_by("published_at", "id")[:1000])
    spread: dict = {}
    for item in items:
        day = timezone.localtime(item.published_at).date()
        spread[day] = spread.get(day, 0) + 1
    return {
        **{name: getattr(cluster, name) for name in OpinionClusterOut.model_fields},
        "heat_formula": HEAT_FORMULA, "first_source": items[0].source.name if items else None,
        "spread": [{"day": d, "copies": n} for d, n in sorted(spread.items())], "items": items,
    }  # fmt: skip


@router.get("/sources", response=Page[OpinionSourceOut], summary="监测来源列表")
def list_sources(request: HttpRequest, limit: Limit = 50, offset: Offset = 0):
    return offset_page(request, selectors.sources(actor(request)), limit=limit, offset=offset)


@router.post("/sources", response={201: OpinionSourceOut}, summary="添加监测来源")
def create_source(request: HttpRequest, payload: OpinionSourceIn):
    return Status(201, services.source_create(actor=actor(request), data=payload.dict()))


@router.put("/sources/{source_id}", response=OpinionSourceOut, summary="修改监测来源")
def update_source(request: HttpRequest, source_id: Id, payload: OpinionSourceIn):
    user = actor(request)
    source = selectors.get_or_404(selectors.sources(user), source_id)
    return services.source_update(actor=user, source=source, data=payload.dict())


@router.post("/sources/{source_id}/poll", response=OpinionPollOut, summary="立即抓取一个来源")
def poll_source(request: HttpRequest, source_id: Id):
    from kexie.accounts.roles import EDIT
    from kexie.core.services import require_perm
    from kexie.opinion.polling import poll_source as poll

    user = actor(request)
    source = selectors.get_or_404(selectors.sources(user), source_id)
    require_perm(user, EDIT)
    if source.kind not in (SourceKind.FEED, SourceKind.PAGE):
        from django.core.exceptions import ValidationError

        raise ValidationError({"source_id": "只有订阅源和网页来源可以抓取"})
    return poll(source)


@router.get("/schemes", response=Page[OpinionSchemeOut], summary="监测方案列表")
def list_schemes(request: HttpRequest, limit: Limit = 50, offset: Offset = 0):
    return offset_page(request, selectors.schemes(actor(request)), limit=limit, offset=offset)


@router.post("/schemes", response={201: OpinionSchemeOut}, summary="保存监测方案")
def create_scheme(request: HttpRequest, payload: OpinionSchemeIn):
    return Status(201, services.scheme_create(actor=actor(request), data=payload.dict()))


@router.post("/schemes/preview", response=OpinionPreviewOut, summary="预览监测方案命中的已存条目(不保存)")
def preview_scheme(request: HttpRequest, payload: OpinionSchemeIn, limit: Limit = 50):
    rule = services.scheme_rule(payload.dict())
    hits = services.scheme_matches(selectors.items(actor(request)).iterator(), rule)
    return {
        "matched": len(hits),
        "items": [h.item for h in hits[:limit]],
        "words": [list(h.words) for h in hits[:limit]],
    }


@router.put("/schemes/{scheme_id}", response=OpinionSchemeOut, summary="修改监测方案")
def update_scheme(request: HttpRequest, scheme_id: Id, payload: OpinionSchemeIn):
    user = actor(request)
    scheme = selectors.get_or_404(selectors.schemes(user), scheme_id)
    return services.scheme_update(actor=user, scheme=scheme, data=payload.dict())


@router.get("/rules", response=Page[OpinionRuleOut], summary="预警规则列表")
def list_rules(request: HttpRequest, limit: Limit = 50, offset: Offset = 0):
    return offset_page(request, selectors.rules(actor(request)), limit=limit, offset=offset)


@router.post("/rules", response={201: OpinionRuleOut}, summary="添加预警规则")
def create_rule(request: HttpRequest, payload: OpinionRuleIn):
    user = actor(request)
    data = payload.dict()
    data["source"] = reference("opinion.AlertRule.source", data.pop("source_id"), "source_id", user)
    data["queue"] = reference("opinion.AlertRule.queue", data.pop("queue_id"), "queue_id", user)
    return Status(201, services.rule_create(actor=user, data=data))


@router.put("/rules/{rule_id}", response=OpinionRuleOut, summary="修改预警规则")
def update_rule(request: HttpRequest, rule_id: Id, payload: OpinionRuleIn):
    user = actor(request)
    rule = selectors.get_or_404(selectors.rules(user), rule_id)
    data = payload.dict()
    data["source"] = reference("opinion.AlertRule.source", data.pop("source_id"), "source_id", user)
    data["queue"] = reference("opinion.AlertRule.queue", data.pop("queue_id"), "queue_id", user)
    return services.rule_update(actor=user, rule=rule, data=data)


@router.get("/items/{item_id}/debunks", response=list[OpinionDebunkOut], summary="疑似谣言条目关联的辟谣材料")
def item_debunks(request: HttpRequest, item_id: Id):
    user = actor(request)
    item = selectors.get_or_404(selectors.items(user), item_id)
    return selectors.debunks(user, items=[item])


@router.get("/alerts", response=Page[OpinionAlertOut], summary="舆情预警列表")
def list_alerts(request: HttpRequest, limit: Limit = 50, offset: Offset = 0):
    return offset_page(request, selectors.alerts(actor(request)), limit=limit, offset=offset)


@router.get("/alerts/{alert_id}", response=OpinionAlertDetailOut, summary="一条预警及其工单的处置经过")
def get_alert(request: HttpRequest, alert_id: Id):
    return selectors.get_or_404(selectors.alerts(actor(request)), alert_id)


@router.post(
    "/alerts/{alert_id}/handling",
    response=OpinionAlertOut,
    summary="处置预警工单(接手、答复、办结、记录进展)",
)
def handle_alert(request: HttpRequest, alert_id: Id, payload: OpinionAlertHandlingIn):
    user = actor(request)
    alert = selectors.get_or_404(selectors.alerts(user), alert_id)
    return services.alert_handle(actor=user, alert=alert, action=payload.action, note=payload.note)


@router.get("/briefs/{kind}", summary="舆情日报/周报(Word 文档,公文格式)")
def get_brief(request: HttpRequest, kind: Literal["daily", "weekly"], day: BriefDay | None = None):
    from urllib.parse import quote

    from django.http import HttpResponse
    from django.utils import timezone

    from kexie.opinion import briefs

    user = actor(request)
    unit = getattr(user, "unit", None)
    name, data = briefs.brief_docx(
        user, kind, day or timezone.localdate(), unit_name=unit.name if unit else ""
    )
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@router.get("/articles", response=Page[OpinionArticleOut], summary="宣传稿件列表")
def list_articles(
    request: HttpRequest, channel: OpinionChannel | None = None, limit: Limit = 50, offset: Offset = 0
):
    qs = selectors.articles(actor(request), channel=channel or "").prefetch_related("activities")
    return offset_page(request, qs, limit=limit, offset=offset)


@router.get(
    "/articles/figures", response=list[OpinionArticleFigureOut], summary="宣传稿件按月份和渠道的篇数与传播量"
)
def article_figures(request: HttpRequest, year: Annotated[int, Field(ge=2000, le=2100)] | None = None,
                    channel: OpinionChannel | None = None):  # fmt: skip
    qs = selectors.articles(actor(request), channel=channel or "", year=year)
    return [
        {**row, "month": row["month"].strftime("%Y-%m"), "reads": row["reads"] or 0,
         "likes": row["likes"] or 0, "shares": row["shares"] or 0}
        for row in selectors.article_figures(qs)
    ]  # fmt: skip


@router.get("/articles/{article_id}", response=OpinionArticleOut, summary="一篇宣传稿件(含报道的活动编号)")
def get_article(request: HttpRequest, article_id: Id):
    return selectors.get_or_404(selectors.articles(actor(request)), article_id)


@router.post("/articles", response={201: OpinionArticleOut}, summary="登记宣传稿件")
def create_article(request: HttpRequest, payload: OpinionArticleIn):
    user = actor(request)
    data = payload.dict()
    activities = reference_list("opinion.Article.activities", data.pop("activity_ids"), "activity_ids", user)
    return Status(201, services.article_create(actor=user, data=data, activities=activities or []))


@router.put("/articles/{article_id}", response=OpinionArticleOut, summary="修改宣传稿件(含阅读、点赞、转发)")
def update_article(request: HttpRequest, article_id: Id, payload: OpinionArticleIn):
    user = actor(request)
    article = selectors.get_or_404(selectors.articles(user), article_id)
    data = payload.dict()
    ids = data.pop("activity_ids")
    held = {a.pk: a for a in article.activities.all()}
    new = [pk for pk in dict.fromkeys(ids) if pk not in held]
    activities = [held[pk] for pk in dict.fromkeys(ids) if pk in held]
    activities += reference_list("opinion.Article.activities", new, "activity_ids", user) or []
    return services.article_update(actor=user, article=article, data=data, activities=activities)
