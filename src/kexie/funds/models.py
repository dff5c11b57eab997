"""Funded outreach projects (科普项目与资金): programmes with a budget, a year and a direction
(funds won from above, or given to units below), and projects through their life: call →
application with budget lines → review (the call engine) → 立项公示 → agreement → payment
tranches tied to reports → acceptance (结题验收) → closed.

Money is in fen (分), whole numbers, never floats. A project's ledger (kexie.funds.ledger)
holds at every moment: granted = paid + remaining + withdrawn, and paid = spent + returned +
balance, every term ≥ 0."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kexie.core.scoping import ScopedModel, ScopedQuerySet, unit_filter, unit_path_of
from kexie.directory.models import Organisation, Person
from kexie.funds.codes import (
    AcceptanceResult,
    Direction,
    ProgrammeKind,
    ProjectStatus,
    ReportKind,
    TrancheCondition,
)


class Programme(ScopedModel):
    """A programme of a year: 2020年省级科普行动计划 (won), 2020年基层科普行动计划 (given)."""

    scope_field = "unit"

    name = models.CharField(_("名称"), max_length=200, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=ProgrammeKind.choices)
    direction = models.CharField(_("资金方向"), max_length=10, choices=Direction.choices)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    unit = models.ForeignKey(
        Organisation, verbose_name=_("管理单位"), on_delete=models.PROTECT, related_name="programmes"
    )
    source_body = models.CharField(
        _("资金来源单位"), max_length=100, blank=True, help_text=_("向上争取时填写,如“山东省科协”")
    )
    budget_fen = models.PositiveBigIntegerField(_("预算(分)"))
    call = models.OneToOneField(
        "calls.Call", verbose_name=_("项目征集"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="programme",
    )  # fmt: skip
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("科普资金计划")
        verbose_name_plural = _("科普资金计划")
        ordering = ["-year", "name"]

    def __str__(self):
        return self.name

    @property
    def is_won(self) -> bool:
        return self.direction == Direction.WON


class ProjectQuerySet(ScopedQuerySet):
    def for_user(self, user, *, capability: str = "view"):
        """The projects of the programmes of the user's scope, and those its units undertake."""
        own = super().for_user(user, capability=capability)
        path = unit_path_of(user)
        if not path:
            return own
        return own | self.filter(unit_filter("undertaker", path))


class Project(ScopedModel):
    scope_field = "programme__unit"

    programme = models.ForeignKey(
        Programme, verbose_name=_("资金计划"), on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(_("项目名称"), max_length=200)
    undertaker = models.ForeignKey(
        Organisation, verbose_name=_("承担单位"), on_delete=models.PROTECT, related_name="funded_projects"
    )
    leader_name = models.CharField(_("项目负责人"), max_length=50, blank=True)
    entry = models.OneToOneField(
        "calls.Entry", verbose_name=_("来源申报"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="funded_project",
    )  # fmt: skip
    requested_fen = models.PositiveBigIntegerField(_("申请金额(分)"))
    granted_fen = models.PositiveBigIntegerField(_("立项金额(分)"), default=0)
    withdrawn_fen = models.PositiveBigIntegerField(_("收回未拨金额(分)"), default=0)
    returned_fen = models.PositiveBigIntegerField(_("退回结余(分)"), default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.APPLIED
    )
    document_no = models.CharField(_("立项文号"), max_length=100, blank=True)
    approved_on = models.DateField(_("立项日期"), null=True, blank=True)
    agreement_no = models.CharField(_("协议编号"), max_length=100, blank=True)
    agreed_on = models.DateField(_("协议签订日期"), null=True, blank=True)
    ends_on = models.DateField(
        _("计划结题日期"), null=True, blank=True, help_text=_("协议约定的完成期限,逾期未验收的项目在首页提示")
    )
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    closed_on = models.DateField(_("结项日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("科普项目")
        verbose_name_plural = _("科普项目")
        ordering = ["programme", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(granted_fen__gte=F("withdrawn_fen")), name="project_withdrawn_within_grant"
            )
        ]

    def __str__(self):
        return self.title

    # What may happen next (templates ask these, never compare the status).
    @property
    def is_applied(self) -> bool:
        return self.status == ProjectStatus.APPLIED

    @property
    def awaits_agreement(self) -> bool:
        return self.status == ProjectStatus.APPROVED

    @property
    def takes_reports(self) -> bool:
        return self.status in (
            ProjectStatus.AGREED,
            ProjectStatus.REWORK,
            ProjectStatus.PASSED,
            ProjectStatus.FAILED,
        )

    @property
    def awaits_acceptance(self) -> bool:
        return self.status in (ProjectStatus.AGREED, ProjectStatus.REWORK)

    @property
    def may_close(self) -> bool:
        return self.status in (ProjectStatus.PASSED, ProjectStatus.FAILED)


class BudgetLine(ScopedModel):
    """One line of an application's budget (设备购置、展品制作、培训…)."""

    scope_field = "project__programme__unit"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    item = models.CharField(_("支出科目"), max_length=100)
    amount_fen = models.PositiveBigIntegerField(_("金额(分)"))

    class Meta:
        verbose_name = _("预算明细")
        verbose_name_plural = _("预算明细")
        ordering = ["project", "id"]

    def __str__(self):
        return f"{self.project} {self.item}"


class ProjectReport(ScopedModel):
    """A milestone, financial or final report of a project; a financial one states what was spent
    in its period."""

    scope_field = "project__programme__unit"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("类别"), max_length=10, choices=ReportKind.choices)
    period_end = models.DateField(_("截至日期"))
    spent_fen = models.PositiveBigIntegerField(_("本期支出(分)"), default=0)
    text = models.TextField(_("报告内容"))
    accepted = models.BooleanField(_("审核通过"), default=False)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目报告")
        verbose_name_plural = _("项目报告")
        ordering = ["project", "period_end", "id"]

    def __str__(self):
        return f"{self.project} {self.get_kind_display()}({self.period_end})"


class Tranche(ScopedModel):
    """A planned payment of the agreement, paid when its condition is met."""

    scope_field = "project__programme__unit"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tranches")
    seq = models.PositiveSmallIntegerField(_("批次"))
    amount_fen = models.PositiveBigIntegerField(_("金额(分)"))
    condition = models.CharField(_("拨付条件"), max_length=12, choices=TrancheCondition.choices)
    report = models.OneToOneField(
        ProjectReport, verbose_name=_("依据报告"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="tranche",
    )  # fmt: skip
    cancelled = models.BooleanField(_("已取消"), default=False)

    class Meta:
        verbose_name = _("拨款批次")
        verbose_name_plural = _("拨款批次")
        ordering = ["project", "seq"]
        constraints = [models.UniqueConstraint(fields=["project", "seq"], name="tranche_seq_unique")]

    def __str__(self):
        return f"{self.project} 第{self.seq}批"


class Payment(ScopedModel):
    """Money paid out on a tranche (one tranche may be paid in parts)."""

    scope_field = "project__programme__unit"

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="payments")
    tranche = models.ForeignKey(Tranche, on_delete=models.PROTECT, related_name="payments")
    amount_fen = models.PositiveBigIntegerField(_("金额(分)"))
    paid_on = models.DateField(_("拨付日期"))
    voucher_no = models.CharField(_("凭证号"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("拨款记录")
        verbose_name_plural = _("拨款记录")
        ordering = ["project", "paid_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payment_positive")]

    def __str__(self):
        return f"{self.tranche} {self.amount_fen}分"


class Acceptance(ScopedModel):
    """One 结题验收 decision (a project needing rework is accepted again later)."""

    scope_field = "project__programme__unit"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="acceptances")
    result = models.CharField(_("验收结论"), max_length=10, choices=AcceptanceResult.choices)
    decided_on = models.DateField(_("验收日期"))
    note = models.TextField(_("验收意见"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("结题验收")
        verbose_name_plural = _("结题验收")
        ordering = ["project", "decided_on", "id"]

    def __str__(self):
        return f"{self.project} {self.get_result_display()}"


class ConflictOfInterest(ScopedModel):
    """A declared conflict of interest of a reviewer or staff member with a project."""

    scope_field = "project__programme__unit"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="conflicts")
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    relation = models.CharField(_("利益关系"), max_length=200)
    recused = models.BooleanField(_("已回避"), default=True)
    declared_on = models.DateField(_("申报日期"))

    class Meta:
        verbose_name = _("利益冲突")
        verbose_name_plural = _("利益冲突")
        ordering = ["project", "id"]

    def __str__(self):
        return f"{self.project} {self.name}"
