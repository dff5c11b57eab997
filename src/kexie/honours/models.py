"""Honours on the records of people and units: commendations the association gives (表彰/表扬),
recommendations up (推荐, with the outcome from above), honours received from above (上级表扬),
competition awards and special designations (特色单位). Results of a call land here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kexie.core.scoping import ScopedModel
from kexie.directory.codes import DesignationLevel
from kexie.directory.models import Organisation, Person


class HonourKind(models.TextChoices):
    COMMENDATION = "commendation", _("表彰表扬")
    RECOMMENDATION = "recommendation", _("向上推荐")
    RECEIVED = "received", _("上级表彰")
    AWARD = "award", _("竞赛获奖")
    DESIGNATION = "designation", _("特色命名")


class RecommendationOutcome(models.TextChoices):
    PENDING = "pending", _("待定")
    SUCCESSFUL = "successful", _("入选/获批")
    UNSUCCESSFUL = "unsuccessful", _("未入选")


class Honour(ScopedModel):
    """One honour of one person, unit, activity or project, recorded by a unit."""

    scope_field = "unit"

    unit = models.ForeignKey(
        Organisation, verbose_name=_("登记单位"), on_delete=models.PROTECT, related_name="recorded_honours"
    )
    kind = models.CharField(_("类别"), max_length=20, choices=HonourKind.choices)
    title = models.CharField(_("荣誉名称"), max_length=200, help_text=_("如“济宁市表现突出科技工作者”"))
    level = models.CharField(_("级别"), max_length=10, choices=DesignationLevel.choices)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    awarded_by = models.CharField(_("授予/评选单位"), max_length=100, blank=True)
    person = models.ForeignKey(
        Person,
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honours",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honours",
    )
    subject = models.CharField(
        _("对象"), max_length=200, blank=True, help_text=_("活动、项目或未登记人员的名称")
    )
    prize = models.CharField(_("奖项等级"), max_length=30, blank=True)
    outcome = models.CharField(
        _("推荐结果"), max_length=12, choices=RecommendationOutcome.choices, blank=True,
        help_text=_("仅向上推荐填写"),
    )  # fmt: skip
    call = models.ForeignKey(
        "calls.Call",
        verbose_name=_("来源评选"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entry = models.OneToOneField(
        "calls.Entry", verbose_name=_("来源申报"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="honour",
    )  # fmt: skip
    awarded_on = models.DateField(_("授予日期"), null=True, blank=True)
    document_no = models.CharField(_("文号"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("荣誉")
        verbose_name_plural = _("荣誉")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["year", "kind"], name="honour_year_kind")]

    def __str__(self):
        return f"{self.holder_display} · {self.title}({self.year})"

    @property
    def holder_display(self) -> str:
        return str(self.person or self.organisation or self.subject)
