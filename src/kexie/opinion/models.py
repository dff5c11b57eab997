"""宣传与舆情: the association's own publicity (articles and posts with their reach) and the
monitoring of what others publish: sources polled on a schedule, the items they bring, keyword
schemes, near-duplicate clusters with their heat, sentiment with staff corrections, alert rules
and alerts handled as tickets (kexie.tickets). Writes: kexie.opinion.services."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kexie.core.scoping import ScopedModel
from kexie.tickets.models import TicketLinkedQuerySet

ORG = "directory.Organisation"
USER = settings.AUTH_USER_MODEL


class Channel(models.TextChoices):
    NEWSPAPER = "newspaper", _("报纸专版")
    WECHAT = "wechat", _("微信公众号")
    WEBSITE = "website", _("网站")
    TV = "tv", _("电视")
    OTHER = "other", _("其他")


class Article(ScopedModel):
    """One article or post the association published (宣传稿件), with its reach."""

    scope_field = "unit"

    unit = models.ForeignKey(ORG, verbose_name=_("供稿单位"), on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices, db_index=True)
    published_on = models.DateField(_("发布日期"), db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    link = models.URLField(_("链接"), max_length=500, blank=True)
    reads = models.PositiveIntegerField(_("阅读量"), default=0)
    likes = models.PositiveIntegerField(_("点赞数"), default=0)
    shares = models.PositiveIntegerField(_("转发数"), default=0)
    activities = models.ManyToManyField(
        "activities.Activity", verbose_name=_("报道的活动"), blank=True, related_name="articles"
    )
    is_debunking = models.BooleanField(
        _("辟谣/科普材料"), default=False, help_text=_("勾选后,疑似科学谣言的舆情条目会自动关联到本稿件")
    )
    summary = models.TextField(_("摘要"), blank=True, max_length=5000)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("宣传稿件")
        verbose_name_plural = _("宣传稿件")
        ordering = ["-published_on", "-id"]

    def __str__(self):
        return self.title


class SourceKind(models.TextChoices):
    FEED = "feed", _("RSS/Atom 订阅源")
    PAGE = "page", _("网页")
    IMPORT = "import", _("导入(xlsx/csv)")
    INFORMANT = "informant", _("信息员报送")


class Source(ScopedModel):
    """Where items come from. A failing source keeps its items and its last good poll time and
    says why it failed (last_error)."""

    scope_field = "unit"

    unit = models.ForeignKey(ORG, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=SourceKind.choices)
    url = models.URLField(_("地址"), max_length=500, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    is_watched = models.BooleanField(_("重点关注"), default=False)
    last_polled_at = models.DateTimeField(_("最近抓取"), null=True, blank=True)
    last_ok_at = models.DateTimeField(_("最近成功抓取"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    items_seen = models.PositiveIntegerField(_("累计条目"), default=0)

    class Meta:
        verbose_name = _("监测来源")
        verbose_name_plural = _("监测来源")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @property
    def is_failing(self) -> bool:
        return bool(self.last_error)


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", _("负面")
    NEUTRAL = "neutral", _("中性")
    POSITIVE = "positive", _("正面")


class Cluster(ScopedModel):
    """Near-duplicate items (reposts, lightly edited copies) counted once, with their heat."""

    scope_field = "unit"

    unit = models.ForeignKey(ORG, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=300)
    copies = models.PositiveIntegerField(_("副本数"), default=1)
    sources = models.PositiveIntegerField(_("来源数"), default=1)
    reach = models.PositiveIntegerField(_("阅读量"), default=0)
    heat = models.FloatField(_("热度"), default=0, db_index=True)
    first_seen = models.DateTimeField(_("首次出现"))
    last_seen = models.DateTimeField(_("最近出现"))

    class Meta:
        verbose_name = _("相似聚类")
        verbose_name_plural = _("相似聚类")
        ordering = ["-heat", "-id"]

    def __str__(self):
        return self.title[:60]


class Item(ScopedModel):
    """One monitored item (舆情信息): an article or post found by a source or sent by an informant."""

    scope_field = "unit"

    unit = models.ForeignKey(ORG, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(Source, verbose_name=_("来源"), on_delete=models.PROTECT, related_name="items")
    key = models.CharField(_("来源内编号"), max_length=500)
    url = models.URLField(_("链接"), max_length=500, blank=True)
    title = models.CharField(_("标题"), max_length=300, blank=True)
    text = models.TextField(_("正文"), blank=True)
    author = models.CharField(_("作者"), max_length=100, blank=True)
    published_at = models.DateTimeField(_("发布时间"), db_index=True)
    collected_at = models.DateTimeField(_("采集时间"), default=timezone.now)
    reach = models.PositiveIntegerField(_("阅读量"), default=0)
    sentiment = models.CharField(_("情感"), max_length=10, choices=Sentiment.choices, db_index=True)
    sentiment_score = models.FloatField(_("情感概率"), default=0)
    sentiment_corrected = models.BooleanField(_("人工校正"), default=False)
    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("聚类"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    submitted_by = models.ForeignKey(
        USER, verbose_name=_("报送人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    screenshot = models.FileField(_("截图"), upload_to="opinion/%Y/%m/", blank=True)
    rumour_cues = models.CharField(_("疑似谣言线索"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("舆情条目")
        verbose_name_plural = _("舆情条目")
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="opinion_item_once_per_source")]

    def __str__(self):
        return (self.title or self.text)[:60]

    @property
    def content(self) -> str:
        return f"{self.title}\n{self.text}".strip()


class Scheme(ScopedModel):
    """A keyword scheme (监测方案): region + subject + event words − exclusions, or an expression."""

    scope_field = "unit"

    unit = models.ForeignKey(ORG, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=60)
    region_words = models.CharField(_("地域词"), max_length=500, blank=True)
    subject_words = models.CharField(_("主体词"), max_length=500, blank=True)
    event_words = models.CharField(_("事件词"), max_length=500, blank=True)
    exclude_words = models.CharField(_("排除词"), max_length=500, blank=True)
    expression = models.CharField(_("高级表达式"), max_length=1000, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("监测方案")
        verbose_name_plural = _("监测方案")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class RuleKind(models.TextChoices):
    NEGATIVE_HEAT = "negative_heat", _("负面且热度超过阈值")
    WORDS = "words", _("出现敏感词")
    SOURCE = "source", _("重点关注的来源")
    AUTHOR = "author", _("重点关注的作者")


class AlertRule(ScopedModel):
    """When an item raises an alert, who is told, and which ticket queue handles it."""

    scope_field = "unit"

    unit = models.ForeignKey(ORG, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("规则类型"), max_length=16, choices=RuleKind.choices)
    heat_threshold = models.FloatField(_("热度阈值"), default=50)
    words = models.CharField(_("敏感词"), max_length=500, blank=True)
    source = models.ForeignKey(
        Source, verbose_name=_("来源"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    author = models.CharField(_("作者"), max_length=100, blank=True)
    quiet_start = models.TimeField(_("免打扰开始"), null=True, blank=True)
    quiet_end = models.TimeField(
        _("免打扰结束"), null=True, blank=True, help_text=_("免打扰时段内只发站内通知,邮件在时段结束时发出")
    )
    queue = models.ForeignKey(
        "tickets.Queue", verbose_name=_("处理队列"), on_delete=models.PROTECT, related_name="opinion_rules"
    )
    recipients = models.ManyToManyField(USER, verbose_name=_("通知对象"), blank=True, related_name="+")
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @property
    def condition(self) -> str:
        """The rule's condition in words (the rules page)."""
        if self.kind == RuleKind.NEGATIVE_HEAT:
            return _("负面且热度 ≥ %(t)s") % {"t": f"{self.heat_threshold:g}"}
        if self.kind == RuleKind.WORDS:
            return self.words
        if self.kind == RuleKind.SOURCE:
            return self.source.name if self.source_id else str(_("所有重点关注来源"))
        return self.author


class Alert(ScopedModel):
    """One alert raised by a rule on an item (once per rule and cluster), handled as a ticket."""

    scope_field = "ticket__scope_unit"
    ticket_lookup = "ticket"

    objects = TicketLinkedQuerySet.as_manager()

    rule = models.ForeignKey(
        AlertRule, verbose_name=_("规则"), on_delete=models.PROTECT, related_name="alerts"
    )
    item = models.ForeignKey(Item, verbose_name=_("条目"), on_delete=models.PROTECT, related_name="alerts")
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("聚类"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name=_("工单"), on_delete=models.PROTECT, related_name="opinion_alert"
    )
    reason = models.CharField(_("原因"), max_length=300)
    raised_at = models.DateTimeField(_("预警时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("舆情预警")
        verbose_name_plural = _("舆情预警")
        ordering = ["-raised_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["rule", "item"], name="opinion_alert_once_per_item")]

    def __str__(self):
        return f"预警 #{self.pk}"


class Correction(ScopedModel):
    """A staff correction of an item's sentiment: training data for this installation's model."""

    scope_field = "item__unit"

    item = models.ForeignKey(
        Item, verbose_name=_("条目"), on_delete=models.CASCADE, related_name="corrections"
    )
    label = models.CharField(_("校正为"), max_length=10, choices=Sentiment.choices)
    text = models.TextField(_("文本"))
    by = models.ForeignKey(
        USER, verbose_name=_("校正人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("校正时间"), default=timezone.now)

    class Meta:
        verbose_name = _("情感校正")
        verbose_name_plural = _("情感校正")
        ordering = ["-at", "-id"]


class DebunkLink(ScopedModel):
    """A monitored item that looks like a science rumour, linked to the association's own debunking
    article or outreach material that matches it (kexie.engines.matching)."""

    scope_field = "item__unit"

    item = models.ForeignKey(Item, verbose_name=_("条目"), on_delete=models.CASCADE, related_name="debunks")
    article = models.ForeignKey(
        Article, verbose_name=_("辟谣稿件"), on_delete=models.CASCADE, related_name="debunked_items"
    )
    score = models.FloatField(_("匹配度"))
    terms = models.CharField(_("共同词语"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("辟谣关联")
        verbose_name_plural = _("辟谣关联")
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "article"], name="opinion_debunk_once")]
