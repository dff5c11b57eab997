"""The controlled words of outreach bases and venues: designation states and changes,
assessment figures and outcomes, venue kinds; and the default assessment thresholds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已撤销")


class ChangeKind(models.TextChoices):
    NAMED = "named", _("命名")
    RENEWED = "renewed", _("复核延续")
    REVOKED = "revoked", _("撤销命名")


class AssessmentOutcome(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    PASS = "pass", _("合格")
    RECTIFY = "rectify", _("整改")
    REVOKE = "revoke", _("撤销")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("待审定")
    DECIDED = "decided", _("已审定")


class VenueKind(models.TextChoices):
    SCIENCE_CENTRE = "science_centre", _("科技馆")
    SPECIAL = "special", _("特色科普场馆")


# The figures a base reports for its yearly assessment (field name → label, unit).
FIGURES: dict[str, tuple[str, str]] = {
    "open_days": ("年开放天数", "天"),
    "student_free_days": ("对学生免费开放天数", "天"),
    "visitors": ("年接待观众", "人次"),
    "exhibition_area": ("展教面积", "平方米"),
    "staff": ("专兼职工作人员", "人"),
    "volunteers": ("科普志愿者", "人"),
    "activities": ("年举办科普活动", "场次"),
}

# Defaults from common practice for 科普教育基地 assessments; a city sets its own as data
# (AssessmentScheme). `required`: a base that misses it cannot be rated 合格 or better.
DEFAULT_THRESHOLDS: list[dict] = [
    {"figure": "open_days", "minimum": 200, "points": 20, "required": True},
    {"figure": "student_free_days", "minimum": 60, "points": 15, "required": False},
    {"figure": "visitors", "minimum": 10000, "points": 20, "required": False},
    {"figure": "exhibition_area", "minimum": 500, "points": 15, "required": False},
    {"figure": "staff", "minimum": 5, "points": 10, "required": False},
    {"figure": "volunteers", "minimum": 10, "points": 10, "required": False},
    {"figure": "activities", "minimum": 12, "points": 10, "required": False},
]
DEFAULT_BANDS = {"excellent_from": 90, "pass_from": 60, "rectify_from": 40}
