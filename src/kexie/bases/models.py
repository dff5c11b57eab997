"""Outreach bases (科普教育基地) and venues (科技馆, 特色科普场馆).

A base is a directory organisation; its designations are directory designations (level,
year, valid until), and this app adds what a naming carries beyond them: batch, theme, valid
from, the call it came through, and its later changes (renewal, revocation) as dated rows.
Whether a base held a designation on a day is read from the dates, so a revocation in 2022
leaves the figures of 2020 as they were. Yearly assessments score the reported figures
against the thresholds the city sets as data (AssessmentScheme)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kexie.bases.codes import (
    AssessmentOutcome,
    AssessmentStatus,
    BaseStatus,
    ChangeKind,
    VenueKind,
)
from kexie.core.scoping import ScopedModel, ScopedQuerySet
from kexie.directory.models import Designation, Organisation, Region


class NamingRound(ScopedModel):
    """A naming round (一批命名) run through the call engine: the call (kind 命名认定) with the
    batch, theme and validity its designations get."""

    scope_field = "call__organiser"

    call = models.OneToOneField(
        "calls.Call", verbose_name=_("征集评选"), on_delete=models.PROTECT, related_name="naming_round"
    )
    batch = models.CharField(_("批次"), max_length=40, help_text=_("如“第五批”"))
    theme = models.CharField(_("主题"), max_length=60, blank=True, help_text=_("如“青少年科技教育”"))
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"))
    document_no = models.CharField(_("命名文号"), max_length=100, blank=True)
    landed_at = models.DateTimeField(_("命名登记时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("命名批次")
        verbose_name_plural = _("命名批次")
        ordering = ["-valid_from", "-id"]

    def __str__(self):
        return f"{self.call} {self.batch}"

    @property
    def takes_applications(self) -> bool:
        from kexie.calls.codes import CallStatus

        return self.call.status == CallStatus.OPEN


class BaseDesignationQuerySet(ScopedQuerySet):
    def held_on(self, day: dt.date):
        """Designations in force on `day`: named, not yet expired, not revoked by then."""
        return self.filter(valid_from__lte=day, valid_to__gte=day).filter(
            Q(revoked_on__isnull=True) | Q(revoked_on__gt=day)
        )


class BaseDesignation(ScopedModel):
    """What a base's designation carries beyond the directory's: batch, theme, validity,
    the call entry it came from, and its state."""

    scope_field = "designation__organisation"

    designation = models.OneToOneField(
        Designation, verbose_name=_("命名认定"), on_delete=models.PROTECT, related_name="base_record"
    )
    naming_round = models.ForeignKey(
        NamingRound, verbose_name=_("命名批次"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="designations",
    )  # fmt: skip
    entry = models.OneToOneField(
        "calls.Entry", verbose_name=_("来源申报"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="base_designation",
    )  # fmt: skip
    batch = models.CharField(_("批次"), max_length=40, blank=True)
    theme = models.CharField(_("主题"), max_length=60, blank=True)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"))
    status = models.CharField(_("状态"), max_length=10, choices=BaseStatus.choices, default=BaseStatus.VALID)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)

    objects = BaseDesignationQuerySet.as_manager()

    class Meta:
        verbose_name = _("基地命名")
        verbose_name_plural = _("基地命名")
        ordering = ["-valid_from", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="base_valid_order")
        ]

    def __str__(self):
        return str(self.designation)

    @property
    def organisation(self) -> Organisation:
        return self.designation.organisation

    @property
    def is_valid(self) -> bool:
        return self.status == BaseStatus.VALID


class DesignationChange(ScopedModel):
    """One dated change of a base's designation: named, renewed (validity extended) or revoked."""

    scope_field = "base_designation__designation__organisation"

    base_designation = models.ForeignKey(
        BaseDesignation, verbose_name=_("基地命名"), on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(_("变更"), max_length=10, choices=ChangeKind.choices)
    on = models.DateField(_("日期"))
    valid_to_before = models.DateField(_("原有效期至"), null=True, blank=True)
    valid_to_after = models.DateField(_("新有效期至"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=300, blank=True)
    assessment = models.ForeignKey(
        "Assessment", verbose_name=_("依据考核"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("命名变更")
        verbose_name_plural = _("命名变更")
        ordering = ["base_designation", "on", "id"]

    def __str__(self):
        return f"{self.base_designation} {self.get_kind_display()} {self.on}"


class AssessmentScheme(ScopedModel):
    """The thresholds and score bands a unit (the city) sets for the assessments of a year and
    later years, until it sets new ones."""

    scope_field = "unit"

    unit = models.ForeignKey(
        Organisation, verbose_name=_("制定单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("适用年度起"))
    thresholds = models.JSONField(_("考核指标"), default=list)
    excellent_from = models.PositiveSmallIntegerField(_("优秀分数线"), default=90)
    pass_from = models.PositiveSmallIntegerField(_("合格分数线"), default=60)
    rectify_from = models.PositiveSmallIntegerField(_("整改分数线"), default=40)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核标准")
        verbose_name_plural = _("考核标准")
        ordering = ["unit", "-year"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="assessment_scheme_unique")]

    def __str__(self):
        return f"{self.unit} {self.year}年起考核标准"


class Assessment(ScopedModel):
    """A base's yearly assessment: its reported figures, score and outcome (优秀/合格/整改/撤销)."""

    scope_field = "base_designation__designation__organisation"

    base_designation = models.ForeignKey(
        BaseDesignation, verbose_name=_("基地命名"), on_delete=models.PROTECT, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField(_("考核年度"), db_index=True)
    open_days = models.PositiveIntegerField(_("年开放天数"))
    student_free_days = models.PositiveIntegerField(_("对学生免费开放天数"), default=0)
    visitors = models.PositiveIntegerField(_("年接待观众"), default=0)
    exhibition_area = models.PositiveIntegerField(_("展教面积(平方米)"), default=0)
    staff = models.PositiveIntegerField(_("专兼职工作人员"), default=0)
    volunteers = models.PositiveIntegerField(_("科普志愿者"), default=0)
    activities = models.PositiveIntegerField(_("年举办科普活动"), default=0)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    computed_outcome = models.CharField(_("评分结果"), max_length=10, choices=AssessmentOutcome.choices)
    outcome = models.CharField(_("考核结果"), max_length=10, choices=AssessmentOutcome.choices, blank=True)
    shortfalls = models.JSONField(_("未达标项"), default=list, blank=True)
    scheme_used = models.JSONField(_("所用考核标准"), default=dict, editable=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    note = models.CharField(_("审定意见"), max_length=300, blank=True)
    decided_on = models.DateField(_("审定日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["-year", "base_designation"]
        constraints = [models.UniqueConstraint(fields=["base_designation", "year"], name="assessment_unique")]

    def __str__(self):
        return f"{self.base_designation.designation.organisation} {self.year}年度考核"

    @property
    def is_decided(self) -> bool:
        return self.status == AssessmentStatus.DECIDED


class Venue(ScopedModel):
    """A 科技馆 or 特色科普场馆 of the city's 科技馆体系, run by a unit, in a county."""

    scope_field = "operator"

    name = models.CharField(_("名称"), max_length=200, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=VenueKind.choices)
    operator = models.ForeignKey(
        Organisation, verbose_name=_("运营单位"), on_delete=models.PROTECT, related_name="venues"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所在县市区"), on_delete=models.PROTECT, related_name="+"
    )
    exhibition_area = models.PositiveIntegerField(_("展教面积(平方米)"), default=0)
    opened_on = models.DateField(_("开馆日期"), null=True, blank=True)
    is_active = models.BooleanField(_("开放中"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("科普场馆")
        verbose_name_plural = _("科普场馆")
        ordering = ["region__code", "name"]

    def __str__(self):
        return self.name


class VenueMonth(ScopedModel):
    """The visitors of a venue in one month (the first day of the month stands for it)."""

    scope_field = "venue__operator"

    venue = models.ForeignKey(Venue, verbose_name=_("场馆"), on_delete=models.CASCADE, related_name="months")
    month = models.DateField(_("月份"))
    visitors = models.PositiveIntegerField(_("观众人次"))

    class Meta:
        verbose_name = _("场馆月度观众")
        verbose_name_plural = _("场馆月度观众")
        ordering = ["venue", "month"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "month"], name="venue_month_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="venue_month_first_day"),
        ]

    def __str__(self):
        return f"{self.venue} {self.month:%Y-%m}"
