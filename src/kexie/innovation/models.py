"""科技经济融合: enterprises' technology demands and their pipeline, forums, agreements,
society engagements, matching profiles, and the patent-information service."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kexie.core.fields import EncryptedPhoneField, MaskedPhoneField, PhoneIndexField
from kexie.core.scoping import ScopedModel
from kexie.directory.codes import DISCIPLINE_NAMES, DISCIPLINES
from kexie.innovation.codes import (
    PUBLIC_STATUSES,
    DemandSource,
    DemandStatus,
    EngagementKind,
    ForumKind,
    SocietyLevel,
)

ORG = "directory.Organisation"
PERSON = "directory.Person"
USER = settings.AUTH_USER_MODEL


def _file_name(value) -> str:
    """Files appear in the audit log by their stored name."""
    return getattr(value, "name", "") or ""


class EnterpriseVisit(ScopedModel):
    """A visit by the association's staff to an enterprise (走访企业), where demands are collected."""

    scope_field = "enterprise"

    enterprise = models.ForeignKey(
        ORG, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("走访日期"), db_index=True)
    staff = models.CharField(_("走访人员"), max_length=200)
    notes = models.TextField(_("走访记录"), blank=True)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业走访")
        verbose_name_plural = _("企业走访")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.enterprise} {self.visited_on}"


class Demand(ScopedModel):
    """An enterprise's technology demand (技术需求) and where it stands in the pipeline."""

    scope_field = "enterprise"
    # Published, not confidential: open to every logged-in unit (experts, societies).
    published_filter = models.Q(status__in=PUBLIC_STATUSES, is_confidential=False)

    enterprise = models.ForeignKey(
        ORG, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="demands"
    )
    title = models.CharField(_("需求名称"), max_length=200)
    description = models.TextField(_("需求描述"))
    industry = models.CharField(_("所属行业"), max_length=60, db_index=True)
    discipline = models.CharField(_("学科"), max_length=3, choices=DISCIPLINES, blank=True)
    ipc = models.CharField(_("IPC分类号"), max_length=100, blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    budget = models.DecimalField(_("预算(万元)"), max_digits=12, decimal_places=2, null=True, blank=True)
    deadline = models.DateField(_("期望完成日期"), null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedPhoneField(_("联系电话"), blank=True)
    contact_phone_hash = PhoneIndexField(source="contact_phone")
    contact_phone_masked = MaskedPhoneField(_("联系电话"), source="contact_phone")
    is_confidential = models.BooleanField(_("保密"), default=False)
    allow_in_booklet = models.BooleanField(_("保密需求允许编入汇编"), default=False)
    source = models.CharField(
        _("来源"), max_length=12, choices=DemandSource.choices, default=DemandSource.POSTED
    )
    visit = models.ForeignKey(
        EnterpriseVisit,
        verbose_name=_("走访"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="demands",
    )
    collected_on = models.DateField(_("征集日期"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=DemandStatus.choices, default=DemandStatus.COLLECTED, db_index=True
    )
    close_reason = models.CharField(_("关闭原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("技术需求")
        verbose_name_plural = _("技术需求")
        ordering = ["-collected_on", "-id"]
        indexes = [models.Index(fields=["status", "-collected_on"])]

    def __str__(self):
        return self.title

    @property
    def discipline_name(self) -> str:
        return DISCIPLINE_NAMES.get(self.discipline, "")

    @property
    def in_booklet(self) -> bool:
        return not self.is_confidential or self.allow_in_booklet


class DemandEvent(ScopedModel):
    """One step of a demand's pipeline: when, who, from which state to which, and a note."""

    scope_field = "demand__enterprise"

    demand = models.ForeignKey(
        Demand, verbose_name=_("技术需求"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("原状态"), max_length=12, choices=DemandStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=DemandStatus.choices, db_index=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    on = models.DateField(_("日期"), db_index=True)
    actor = models.ForeignKey(
        USER, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("需求进展")
        verbose_name_plural = _("需求进展")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.demand} → {self.get_to_status_display()}"


class ExpertProfile(ScopedModel):
    """What matching knows about an expert beyond the directory: keywords, achievements, papers."""

    scope_field = "person__unit"

    person = models.OneToOneField(
        PERSON, verbose_name=_("专家"), on_delete=models.CASCADE, related_name="expert_profile"
    )
    keywords = models.CharField(_("关键词"), max_length=300, blank=True)
    achievements = models.TextField(_("主要成果"), blank=True)
    papers = models.TextField(_("代表论文"), blank=True)
    affiliation = models.CharField(_("工作单位"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("专家画像")
        verbose_name_plural = _("专家画像")

    def __str__(self):
        return str(self.person)


class SocietyProfile(ScopedModel):
    """A society's level (全国/省级/市级) and what it works on, for matching."""

    scope_field = "society"

    society = models.OneToOneField(
        ORG, verbose_name=_("学会"), on_delete=models.CASCADE, related_name="society_profile"
    )
    level = models.CharField(
        _("学会级别"), max_length=12, choices=SocietyLevel.choices, default=SocietyLevel.CITY
    )
    discipline = models.CharField(_("学科"), max_length=3, choices=DISCIPLINES, blank=True)
    keywords = models.CharField(_("关键词"), max_length=300, blank=True)
    achievements = models.TextField(_("服务能力与成果"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("学会画像")
        verbose_name_plural = _("学会画像")

    def __str__(self):
        return str(self.society)


class Matchmaking(ScopedModel):
    """One contact of a demand with an expert or a society (对接), and the meeting if held."""

    scope_field = "demand__enterprise"

    demand = models.ForeignKey(
        Demand, verbose_name=_("技术需求"), on_delete=models.CASCADE, related_name="contacts"
    )
    expert = models.ForeignKey(
        PERSON, verbose_name=_("专家"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    society = models.ForeignKey(
        ORG, verbose_name=_("学会"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contacted_on = models.DateField(_("联系日期"))
    meeting_on = models.DateField(_("对接会日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("需求对接")
        verbose_name_plural = _("需求对接")
        ordering = ["contacted_on", "id"]

    def __str__(self):
        return f"{self.demand} ↔ {self.expert or self.society}"


class Forum(ScopedModel):
    """A matchmaking event where many projects are signed: 院士恳谈会, 产学研合作会."""

    scope_field = "host_unit"

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(
        _("类型"), max_length=20, choices=ForumKind.choices, default=ForumKind.ACADEMICIAN
    )
    held_on = models.DateField(_("举办日期"), db_index=True)
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    host_unit = models.ForeignKey(ORG, verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+")
    academicians = models.ManyToManyField(
        PERSON, verbose_name=_("邀请院士专家"), blank=True, related_name="+"
    )
    guests = models.TextField(_("其他嘉宾"), blank=True)
    description = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("对接活动")
        verbose_name_plural = _("对接活动")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.name


class Agreement(ScopedModel):
    """A signed project agreement (签约): from a demand's pipeline and/or at a forum."""

    scope_field = "unit"

    title = models.CharField(_("项目名称"), max_length=200)
    unit = models.ForeignKey(ORG, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+")
    demand = models.ForeignKey(
        Demand,
        verbose_name=_("技术需求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreements",
    )
    forum = models.ForeignKey(
        Forum,
        verbose_name=_("签约活动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreements",
    )
    expert = models.ForeignKey(
        PERSON, verbose_name=_("专家"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    society = models.ForeignKey(
        ORG, verbose_name=_("学会"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    parties = models.CharField(_("签约各方"), max_length=400)
    amount = models.DecimalField(_("合同金额(万元)"), max_digits=12, decimal_places=2, null=True, blank=True)
    signed_on = models.DateField(_("签约日期"), db_index=True)
    attachment = models.FileField(_("协议文本"), upload_to="innovation/agreements/%Y/", blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    audit_masked = {"attachment": _file_name}

    class Meta:
        verbose_name = _("签约项目")
        verbose_name_plural = _("签约项目")
        ordering = ["-signed_on", "-id"]

    def __str__(self):
        return self.title


class SocietyEngagement(ScopedModel):
    """The association's work with a society at a given level: a matchmaking, a cooperation
    intention, a (strategic) cooperation agreement. `level` lives here because societies outside
    the city (全国学会, 省级学会) are not graded in the directory."""

    scope_field = "unit"

    society = models.ForeignKey(
        ORG, verbose_name=_("学会"), on_delete=models.PROTECT, related_name="engagements"
    )
    level = models.CharField(_("学会级别"), max_length=12, choices=SocietyLevel.choices, db_index=True)
    kind = models.CharField(_("合作形式"), max_length=24, choices=EngagementKind.choices, db_index=True)
    on = models.DateField(_("日期"), db_index=True)
    unit = models.ForeignKey(ORG, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+")
    demand = models.ForeignKey(
        Demand, verbose_name=_("技术需求"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("事项"), max_length=200, blank=True)
    attachment = models.FileField(_("附件"), upload_to="innovation/societies/%Y/", blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    audit_masked = {"attachment": _file_name}

    class Meta:
        verbose_name = _("学会合作")
        verbose_name_plural = _("学会合作")
        ordering = ["-on", "-id"]

    def __str__(self):
        return f"{self.society} {self.get_kind_display()} {self.on}"


# ---------------------------------------------------------------------------- patents


class Patent(models.Model):
    """A patent record of the patent-information service (reference data, not scoped)."""

    application_no = models.CharField(_("申请号"), max_length=40, blank=True, db_index=True)
    publication_no = models.CharField(_("公开号"), max_length=40, unique=True)
    title = models.CharField(_("题名"), max_length=300)
    abstract = models.TextField(_("摘要"), blank=True)
    claims = models.TextField(_("主权项"), blank=True)
    applicants = models.CharField(_("申请人"), max_length=500, blank=True)
    inventors = models.CharField(_("发明人"), max_length=500, blank=True)
    # ";G06F16/35;H04L9/00;" so that an IPC prefix filter is a plain `contains ";G06F"`.
    ipc_codes = models.CharField(_("IPC分类号"), max_length=500, blank=True)
    main_ipc = models.CharField(_("主分类号"), max_length=30, blank=True, db_index=True)
    application_date = models.DateField(_("申请日"), null=True, blank=True, db_index=True)
    publication_date = models.DateField(_("公开日"), null=True, blank=True, db_index=True)
    legal_status = models.CharField(_("法律状态"), max_length=30, blank=True, db_index=True)
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("专利")
        verbose_name_plural = _("专利")
        ordering = ["-publication_date", "-id"]

    def __str__(self):
        return f"{self.publication_no} {self.title}"

    @property
    def ipc_list(self) -> list[str]:
        return [c for c in self.ipc_codes.split(";") if c]


class PatentServiceRegistration(ScopedModel):
    """An enterprise (and one of its users) registered with the patent-information service."""

    scope_field = "enterprise"

    enterprise = models.ForeignKey(
        ORG, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="patent_registrations"
    )
    user = models.ForeignKey(USER, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+")
    # Set by the service: now, or the time the 专利信息推广应用 platform reports.
    registered_at = models.DateTimeField(_("注册时间"), default=timezone.now, db_index=True)
    interests = models.CharField(_("关注领域"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("专利服务注册")
        verbose_name_plural = _("专利服务注册")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "user"], name="patent_registration_unique")
        ]
        ordering = ["-registered_at"]

    def __str__(self):
        return f"{self.enterprise} · {self.user}"


class PatentSearchEvent(ScopedModel):
    """One search (检索) run by a user: the indicator "patent searches" counts these rows."""

    scope_field = "unit"

    unit = models.ForeignKey(ORG, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        USER, verbose_name=_("用户"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    registration = models.ForeignKey(
        PatentServiceRegistration, verbose_name=_("注册"), null=True, blank=True, on_delete=models.SET_NULL
    )
    query = models.CharField(_("检索词"), max_length=300, blank=True)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    result_count = models.PositiveIntegerField(_("结果数"), default=0)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("专利检索记录")
        verbose_name_plural = _("专利检索记录")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.query}"


class SavedSearch(ScopedModel):
    scope_field = "unit"

    unit = models.ForeignKey(ORG, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        USER, verbose_name=_("用户"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=100)
    query = models.CharField(_("检索词"), max_length=300, blank=True)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("保存的检索")
        verbose_name_plural = _("保存的检索")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class PatentSelectionList(ScopedModel):
    """A named list of patents an enterprise selected (遴选), exportable to xlsx."""

    scope_field = "unit"

    unit = models.ForeignKey(ORG, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    created_by = models.ForeignKey(
        USER, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    patents = models.ManyToManyField(Patent, through="PatentSelection", related_name="+")

    class Meta:
        verbose_name = _("遴选清单")
        verbose_name_plural = _("遴选清单")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="selection_list_unique")]

    def __str__(self):
        return self.name


class PatentSelection(ScopedModel):
    """One patent selected into a list; the indicator "patents selected" counts these rows."""

    scope_field = "selection_list__unit"

    selection_list = models.ForeignKey(
        PatentSelectionList, verbose_name=_("遴选清单"), on_delete=models.CASCADE, related_name="selections"
    )
    patent = models.ForeignKey(
        Patent, verbose_name=_("专利"), on_delete=models.PROTECT, related_name="selections"
    )
    selected_by = models.ForeignKey(
        USER, verbose_name=_("遴选人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # The research spending the enterprise reports it saved thanks to this patent (元, exact).
    saving = models.DecimalField(
        _("节约研发投入(元)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("专利遴选")
        verbose_name_plural = _("专利遴选")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["selection_list", "patent"], name="patent_selection_unique")
        ]

    def __str__(self):
        return f"{self.selection_list} · {self.patent}"


class PatentPromotion(ScopedModel):
    """A meeting promoting the patent service to enterprises (宣讲会/推广会); the enterprises that
    attended are the ones the service reached."""

    scope_field = "host_unit"

    name = models.CharField(_("名称"), max_length=200)
    held_on = models.DateField(_("举办日期"), db_index=True)
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    host_unit = models.ForeignKey(ORG, verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+")
    enterprises = models.ManyToManyField(
        ORG, through="PatentPromotionAttendance", verbose_name=_("参会企业"), related_name="patent_promotions"
    )
    description = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专利信息推广会")
        verbose_name_plural = _("专利信息推广会")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.name


class PatentPromotionAttendance(ScopedModel):
    """An enterprise at a promotion meeting: a record about the enterprise, so it is scoped, and
    lies in a region, as the enterprise is."""

    scope_field = "enterprise"

    promotion = models.ForeignKey(
        PatentPromotion, verbose_name=_("推广会"), on_delete=models.CASCADE, related_name="attendances"
    )
    enterprise = models.ForeignKey(ORG, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("推广会参会企业")
        verbose_name_plural = _("推广会参会企业")
        constraints = [
            models.UniqueConstraint(
                fields=["promotion", "enterprise"], name="patent_promotion_attendance_unique"
            )
        ]

    def __str__(self):
        return f"{self.promotion} · {self.enterprise}"
