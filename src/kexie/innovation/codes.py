"""Coded values of the innovation app (科技经济融合): demand pipeline, society levels, forums."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemandStatus(models.TextChoices):
    COLLECTED = "collected", _("已征集")
    REVIEWED = "reviewed", _("已审核")
    PUBLISHED = "published", _("已发布")
    MATCHMAKING = "matchmaking", _("对接中")
    INTENTION = "intention", _("达成意向")
    SIGNED = "signed", _("已签约")
    COMPLETED = "completed", _("已完成")
    CLOSED = "closed", _("已关闭")


# Demands in these states are open to everyone logged in (unless confidential).
PUBLIC_STATUSES = (
    DemandStatus.PUBLISHED,
    DemandStatus.MATCHMAKING,
    DemandStatus.INTENTION,
    DemandStatus.SIGNED,
    DemandStatus.COMPLETED,
)


class DemandSource(models.TextChoices):
    POSTED = "posted", _("企业发布")
    VISIT = "visit", _("走访征集")
    IMPORTED = "imported", _("导入")


class SocietyLevel(models.TextChoices):
    NATIONAL = "national", _("全国学会")
    PROVINCIAL = "provincial", _("省级学会")
    CITY = "city", _("市级学会")


class EngagementKind(models.TextChoices):
    MATCHMAKING = "matchmaking", _("需求对接")
    INTENTION = "intention", _("合作意向")
    COOPERATION_AGREEMENT = "cooperation_agreement", _("合作协议")


class ForumKind(models.TextChoices):
    ACADEMICIAN = "academician", _("院士恳谈会")
    INDUSTRY_ACADEMIA = "industry_academia", _("产学研合作会")
    OTHER = "other", _("其他对接活动")


class LegalStatus(models.TextChoices):
    """Common values; imports keep whatever text the source has."""

    VALID = "有效", _("有效")
    PENDING = "审中", _("审中")
    INVALID = "失效", _("失效")
