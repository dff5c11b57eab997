import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kexie.core.scoping import ScopedModel, ScopedQuerySet, path_ids, unit_path_of
from kexie.directory.models import Organisation, Region


class ActivityKind(models.Model):
    """A node of the configurable kind tree: outreach › 科普日活动, academic_exchange, …"""

    code = models.CharField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("活动类型")
        verbose_name_plural = _("活动类型")
        ordering = ["code"]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    @property
    def root_code(self) -> str:
        return self.code.split(".", 1)[0]


class CampaignQuerySet(ScopedQuerySet):
    def for_user(self, user, *, capability: str = "view"):
        """Read ("view"): the host's scope, and the units taking part (with the units below
        them, who report into it). Every other capability ("edit"): the host's scope only.
        The same rule on the web, the API and imports."""
        own = super().for_user(user, capability=capability)
        path = unit_path_of(user)
        if capability != "view" or not path:
            return own
        through = Campaign.participating_units.through
        ids = path_ids(path)
        taking_part = through.objects.filter(organisation_id__in=ids).values("campaign_id")
        return own | self.filter(pk__in=taking_part)


class Campaign(ScopedModel):
    """A city-wide programme of many activities (全国科普日 2020)."""

    scope_field = "host_unit"

    name = models.CharField(_("名称"), max_length=120, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    host_unit = models.ForeignKey(
        Organisation, verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="hosted_campaigns"
    )
    participating_units = models.ManyToManyField(
        Organisation, verbose_name=_("参与单位"), blank=True, related_name="campaigns"
    )
    description = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项活动")
        verbose_name_plural = _("专项活动")
        ordering = ["-year", "name"]

    def __str__(self):
        return self.name


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已通过")
    RETURNED = "returned", _("已退回")


class ActivityQuerySet(ScopedQuerySet):
    def approved(self):
        return self.filter(status=Status.APPROVED)

    def in_year(self, year: int):
        return self.filter(start_date__gte=dt.date(year, 1, 1), start_date__lt=dt.date(year + 1, 1, 1))


class Activity(ScopedModel):
    """One entry in the activity ledger, reported by a unit and approved above it."""

    scope_field = "reporting_unit"

    code = models.CharField(_("编号"), max_length=40, unique=True)
    title = models.CharField(_("活动名称"), max_length=200)
    kind = models.ForeignKey(
        ActivityKind, verbose_name=_("活动类型"), on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+")
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        Organisation,
        verbose_name=_("主办单位"),
        on_delete=models.PROTECT,
        related_name="organised_activities",
    )
    co_organisers = models.ManyToManyField(
        Organisation, verbose_name=_("协办单位"), blank=True, related_name="co_organised_activities"
    )
    participants = models.PositiveIntegerField(_("参与人数"), default=0)
    volunteers = models.PositiveIntegerField(_("志愿者人数"), default=0)
    beneficiaries = models.PositiveIntegerField(_("受益人数"), default=0)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("所属专项活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    description = models.TextField(_("活动简介"), blank=True)
    reporting_unit = models.ForeignKey(
        Organisation, verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="reported_activities"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.TextField(_("退回原因"), blank=True)
    submitted_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["reporting_unit", "start_date"], name="activity_unit_date"),
            models.Index(fields=["start_date", "id"], name="activity_date_id"),
            # The ledger filtered by status, newest first; the review queue, oldest report first.
            models.Index(fields=["status", "start_date", "id"], name="activity_status_date_id"),
            models.Index(fields=["status", "submitted_at", "id"], name="activity_review_queue"),
            models.Index(fields=["updated_at", "id"], name="activity_updated"),  # the home page
            models.Index(fields=["created_by", "updated_at"], name="activity_author_updated"),
            # Covers the indicator queries (kexie.activities.indicators): index-only scans. Its
            # (status, start_date) prefix also serves the review queue and the ledger's filters.
            models.Index(
                fields=[
                    "status",
                    "start_date",
                    "kind",
                    "region",
                    "campaign",
                    "participants",
                    "volunteers",
                    "beneficiaries",
                    "reporting_unit",
                ],
                name="activity_indicators",
            ),  # fmt: skip
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="activity_dates_ordered"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_editable(self) -> bool:
        from kexie.activities.rules import EDITABLE

        return self.status in EDITABLE


def attachment_path(instance: "ActivityAttachment", filename: str) -> str:
    return f"activities/{instance.activity_id}/{filename}"


class ActivityAttachment(ScopedModel):
    scope_field = "activity__reporting_unit"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    is_photo = models.BooleanField(_("照片"), default=False)
    size = models.PositiveIntegerField(_("大小"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return self.name
