"""A unit's filled statistical tables for a year (StatsReport) and their cells (StatsCell)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kexie.core.scoping import ScopedModel


class StatsStatus(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已上报")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已通过")


EDITABLE = (StatsStatus.DRAFT, StatsStatus.RETURNED)
REVIEWABLE = (StatsStatus.SUBMITTED,)
REOPENABLE = (StatsStatus.ACCEPTED,)


class StatsReport(ScopedModel):
    """The tables of one form (科协综合统计) that a unit files for a year."""

    scope_field = "unit"

    unit = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("填报单位"),
        on_delete=models.PROTECT,
        related_name="stats_reports",
    )
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    form = models.CharField(_("报表制度"), max_length=10, default="kx")
    status = models.CharField(
        _("状态"), max_length=10, choices=StatsStatus.choices, default=StatsStatus.DRAFT, db_index=True
    )
    explanation = models.TextField(_("报表说明"), blank=True)
    head = models.CharField(_("单位负责人"), max_length=50, blank=True)
    preparer = models.CharField(_("填表人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=500, blank=True)
    computed_at = models.DateTimeField(_("取数时间"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("上报时间"), null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("统计报表")
        verbose_name_plural = _("统计报表")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "form"],
                name="stats_report_once_per_year",
                violation_error_message=_("该单位本年度已有统计报表"),
            )
        ]

    def __str__(self):
        from kexie.stats.definitions import FORMS

        return f"{self.unit} {self.year}年{FORMS.get(self.form, '统计报表')}"

    @property
    def form_name(self) -> str:
        from kexie.stats.definitions import FORMS

        return FORMS.get(self.form, self.form)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def is_reviewable(self) -> bool:
        return self.status in REVIEWABLE

    @property
    def is_accepted(self) -> bool:
        return self.status in REOPENABLE

    @property
    def is_returned(self) -> bool:
        return self.status == StatsStatus.RETURNED


class CellSource(models.TextChoices):
    COMPUTED = "computed", _("自动取数")
    HAND = "hand", _("手工填报")


class StatsCell(ScopedModel):
    """One cell: its value (None: not filled), "-" (not applicable), the figure computed from the
    records (computed cells), an override with its reason, and an explanation of the change."""

    scope_field = "report__unit"

    # no index of its own: the unique constraint's index (report, table, code) serves a report's
    # look-ups, and one index less to update is a faster city fill (tens of thousands of rows)
    report = models.ForeignKey(
        StatsReport, verbose_name=_("报表"), on_delete=models.CASCADE, related_name="cells", db_index=False
    )
    table = models.CharField(_("表号"), max_length=20)
    code = models.CharField(_("单元格"), max_length=20)
    source = models.CharField(_("来源"), max_length=10, choices=CellSource.choices)
    value = models.BigIntegerField(_("数值"), null=True, blank=True)
    is_dash = models.BooleanField(_("不适用(-)"), default=False)
    computed = models.BigIntegerField(_("取数值"), null=True, blank=True, editable=False)
    overridden = models.BooleanField(_("已改写"), default=False)
    override_reason = models.CharField(_("改写原因"), max_length=500, blank=True)
    note = models.CharField(_("变动说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("报表单元格")
        verbose_name_plural = _("报表单元格")
        ordering = ["report", "table", "code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "table", "code"], name="stats_cell_unique"),
        ]

    def __str__(self):
        return f"{self.table}:{self.code}"

    @property
    def display(self) -> str:
        if self.is_dash:
            return "-"
        return "" if self.value is None else str(self.value)

    @property
    def is_computed(self) -> bool:
        return self.source == CellSource.COMPUTED
