"""Societies and county associations (issue 15): annual reports, foundings with the 党建前置
check, rectification orders, terms of office (换届) whose officers are
directory positions with dates (kexie.societies.offices), and evaluations on a
configurable scoring scheme. Party building itself lives on the directory's yearly record
(OrganisationYear), so that directory.party_coverage keeps one source."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kexie.core.scoping import ScopedModel


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已通过")


REPORT_EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
REPORT_REVIEWABLE = (ReportStatus.SUBMITTED,)


class AnnualReport(ScopedModel):
    """A society's (or county association's) annual report (年报/年检材料) for one year. The
    figures kexie already holds are copied into `prefilled` when the report is prepared and
    refreshed while it is editable; the rest is entered once here."""

    scope_field = "organisation"

    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(1949), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True
    )
    prefilled = models.JSONField(_("已有数据"), default=dict, blank=True, editable=False)
    compliance = models.TextField(_("遵守法律法规和章程情况"), blank=True)
    registration_changes = models.TextField(_("登记事项变更情况"), blank=True)
    officer_changes = models.TextField(_("负责人及工作人员变动情况"), blank=True)
    income = models.DecimalField(_("年度收入(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    expenditure = models.DecimalField(
        _("年度支出(元)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    donations = models.DecimalField(_("接受捐赠(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    staff_count = models.PositiveIntegerField(_("专职工作人员数"), null=True, blank=True)
    awards = models.TextField(_("评比表彰情况"), blank=True)
    party_building = models.TextField(_("党建工作情况"), blank=True)
    other = models.TextField(_("其他需要说明的事项"), blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        ordering = ["-year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                name="annual_report_once_per_year",
                violation_error_message=_("该单位本年度已有年度报告"),
            )
        ]

    def __str__(self):
        return f"{self.organisation} {self.year}年度报告"

    @property
    def is_editable(self) -> bool:
        return self.status in REPORT_EDITABLE

    @property
    def is_reviewable(self) -> bool:
        return self.status in REPORT_REVIEWABLE


class FoundingStatus(models.TextChoices):
    PREPARING = "preparing", _("筹建中")
    FOUNDED = "founded", _("已成立")
    ABANDONED = "abandoned", _("终止筹建")


class PartyPlan(models.TextChoices):
    """The party organisation planned before a new society is set up (党建前置)."""

    INDEPENDENT = "independent", _("单独建立党支部")
    JOINT = "joint", _("纳入联合党支部")
    INSTRUCTOR = "instructor", _("仅选派党建指导员")
    NONE = "none", _("暂无安排")


class Founding(ScopedModel):
    """A new society or research institute under the supervising unit: prepared (筹建) with its
    party plan checked (党建前置), then founded as a directory organisation."""

    scope_field = "supervisor"

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=30, default="society")
    supervisor = models.ForeignKey(
        "directory.Organisation", verbose_name=_("业务主管单位"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=FoundingStatus.choices, default=FoundingStatus.PREPARING
    )
    party_plan = models.CharField(_("党组织设置方案"), max_length=12, choices=PartyPlan.choices)
    party_members = models.PositiveIntegerField(_("发起人中党员数"), default=0)
    joint_branch = models.CharField(_("拟纳入的联合党支部"), max_length=200, blank=True)
    party_warning = models.CharField(_("党建前置提示"), max_length=300, blank=True, editable=False)
    prepared_on = models.DateField(_("筹建日期"))
    founded_on = models.DateField(_("成立日期"), null=True, blank=True, editable=False)
    organisation = models.OneToOneField(
        "directory.Organisation",
        verbose_name=_("成立后的组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="founding",
        editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("新建学会(院所)")
        verbose_name_plural = _("新建学会(院所)")
        ordering = ["-prepared_on", "-id"]

    def __str__(self):
        return self.name

    @property
    def is_preparing(self) -> bool:
        return self.status == FoundingStatus.PREPARING


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    CLOSED = "closed", _("整改完成")
    ESCALATED = "escalated", _("移交注销程序")


class Rectification(ScopedModel):
    """An order to rectify within a deadline (限期整改): reasons, deadline, the evidence asked
    for, follow-ups, and the outcome (closed, extended, escalated to deregistration)."""

    scope_field = "organisation"

    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("整改单位"),
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    reasons = models.TextField(_("整改原因"))
    required_evidence = models.TextField(_("须提交的整改材料"))
    ordered_on = models.DateField(_("下达日期"))
    deadline = models.DateField(_("整改期限"))
    extensions = models.PositiveSmallIntegerField(_("延期次数"), default=0, editable=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.OPEN,
        db_index=True,
    )  # fmt: skip
    outcome = models.TextField(_("整改结论"), blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True, editable=False)
    ordered_by = models.ForeignKey(
        "directory.Organisation", verbose_name=_("下达单位"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("限期整改")
        verbose_name_plural = _("限期整改")
        ordering = ["-ordered_on", "-id"]

    def __str__(self):
        return f"{self.organisation} 限期整改({self.ordered_on})"

    @property
    def is_open(self) -> bool:
        return self.status == RectificationStatus.OPEN


class FollowUp(ScopedModel):
    """A step of a rectification: a check, evidence handed in, an extension granted."""

    scope_field = "rectification__organisation"

    rectification = models.ForeignKey(
        Rectification, verbose_name=_("限期整改"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    on = models.DateField(_("日期"))
    note = models.TextField(_("跟踪情况"))
    evidence = models.CharField(_("整改材料"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改跟踪")
        verbose_name_plural = _("整改跟踪")
        ordering = ["on", "id"]

    def __str__(self):
        return f"{self.rectification} · {self.on}"


class Term(ScopedModel):
    """A term of office (届) of a society or county association, from one congress to the end
    of the term (5 years unless the statutes say otherwise)."""

    scope_field = "organisation"

    organisation = models.ForeignKey(
        "directory.Organisation", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="terms"
    )
    number = models.PositiveSmallIntegerField(_("届次"), validators=[MinValueValidator(1)])
    starts_on = models.DateField(_("本届开始日期"))
    ends_on = models.DateField(_("本届届满日期"))
    congress_on = models.DateField(_("换届大会日期"), null=True, blank=True)
    filed_on = models.DateField(_("换届备案日期"), null=True, blank=True)
    member_count = models.PositiveIntegerField(_("会员(代表)数"), null=True, blank=True)
    board_size = models.PositiveIntegerField(_("理事会人数"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("届次")
        verbose_name_plural = _("届次")
        ordering = ["organisation__name", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"],
                name="term_number_unique",
                violation_error_message=_("该单位已有此届次"),
            )
        ]

    def __str__(self):
        return f"{self.organisation} 第{self.number}届"


class OfficerRole(models.TextChoices):
    CHAIR = "chair", _("理事长(主席)")
    VICE_CHAIR = "vice_chair", _("副理事长(副主席)")
    SECRETARY_GENERAL = "secretary_general", _("秘书长")
    BOARD = "board", _("理事(委员)")


LEADER_ROLES = (OfficerRole.CHAIR, OfficerRole.VICE_CHAIR, OfficerRole.SECRETARY_GENERAL)
# A term's officers are directory positions (directory.Affiliation) with dates, whose role is the
# label above: see kexie.societies.offices.


class EvaluationScheme(ScopedModel):
    """A scoring scheme as data (社会组织评估 style): `items` is a list of
    {"code", "category", "name", "max", "source"} where source is "" (scored by hand) or the
    name of a record rule (kexie.societies.evaluation.RULES)."""

    scope_field = "owner"

    name = models.CharField(_("名称"), max_length=100, unique=True)
    owner = models.ForeignKey(
        "directory.Organisation", verbose_name=_("制定单位"), on_delete=models.PROTECT, related_name="+"
    )
    items = models.JSONField(_("评分细则"), default=list)
    grades = models.JSONField(_("等级线"), default=list, help_text=_("[[最低分, 等级], …],从高到低"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评估指标体系")
        verbose_name_plural = _("评估指标体系")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def total(self) -> int:
        return sum(int(item["max"]) for item in self.items)

    def item(self, code: str) -> dict | None:
        return next((i for i in self.items if i["code"] == code), None)


class EvaluationStatus(models.TextChoices):
    SCORING = "scoring", _("评分中")
    FINISHED = "finished", _("已定级")


class Evaluation(ScopedModel):
    """One society's evaluation in one year on a scheme; its total and grade once finished."""

    scope_field = "organisation"

    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("被评估单位"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    scheme = models.ForeignKey(EvaluationScheme, verbose_name=_("评估指标体系"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(1949), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=EvaluationStatus.choices, default=EvaluationStatus.SCORING
    )
    total = models.DecimalField(
        _("总分"), max_digits=7, decimal_places=1, null=True, blank=True, editable=False
    )
    grade = models.CharField(_("等级"), max_length=10, blank=True, editable=False)
    evaluators = models.ManyToManyField(
        "directory.Person", verbose_name=_("评估专家"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    @property
    def is_scoring(self) -> bool:
        """Items may still be scored and the evaluation finished."""
        return self.status == EvaluationStatus.SCORING

    class Meta:
        verbose_name = _("等级评估")
        verbose_name_plural = _("等级评估")
        ordering = ["-year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "scheme"],
                name="evaluation_once_per_year",
                violation_error_message=_("该单位本年度已按此指标体系评估"),
            )
        ]

    def __str__(self):
        return f"{self.organisation} {self.year}年度评估"


class ScoreSource(models.TextChoices):
    HAND = "hand", _("人工评分")
    RECORDS = "records", _("按记录计分")


class ItemScore(ScopedModel):
    """The score of one scheme item in one evaluation, with its evidence."""

    scope_field = "evaluation__organisation"

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("评估"), on_delete=models.CASCADE, related_name="scores"
    )
    item_code = models.CharField(_("细则编号"), max_length=20)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=1, validators=[MinValueValidator(0)])
    source = models.CharField(_("计分方式"), max_length=10, choices=ScoreSource.choices)
    evidence = models.TextField(_("依据"), blank=True)
    scored_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评估得分")
        verbose_name_plural = _("评估得分")
        ordering = ["evaluation", "item_code"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "item_code"], name="item_score_once")]

    def __str__(self):
        return f"{self.evaluation} {self.item_code}: {self.score}"
