"""The controlled words of funded projects (科普项目与资金)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeKind(models.TextChoices):
    PROVINCIAL_ACTION = "provincial_action", _("省级科普行动计划")
    DEMONSTRATION = "demonstration", _("科普示范工程")
    GRASSROOTS = "grassroots", _("基层科普行动计划")
    OTHER = "other", _("其他科普项目")


class Direction(models.TextChoices):
    WON = "won", _("向上争取")
    GIVEN = "given", _("向下支持")


class ProjectStatus(models.TextChoices):
    APPLIED = "applied", _("申报中")
    APPROVED = "approved", _("已立项")
    REJECTED = "rejected", _("未立项")
    AGREED = "agreed", _("执行中")
    REWORK = "rework", _("验收整改")
    PASSED = "passed", _("验收通过")
    FAILED = "failed", _("验收不通过")
    CLOSED = "closed", _("已结项")


class ReportKind(models.TextChoices):
    MILESTONE = "milestone", _("阶段进展报告")
    FINANCIAL = "financial", _("财务报告")
    FINAL = "final", _("结题报告")


class TrancheCondition(models.TextChoices):
    NONE = "none", _("协议签订后拨付")
    MILESTONE = "milestone", _("阶段进展报告通过后拨付")
    FINANCIAL = "financial", _("财务报告通过后拨付")
    ACCEPTANCE = "acceptance", _("验收通过后拨付")


class AcceptanceResult(models.TextChoices):
    PASSED = "passed", _("通过")
    REWORK = "rework", _("需整改")
    FAILED = "failed", _("不通过")


# Statuses in which money may be paid (the final tranche after acceptance too).
PAYABLE = (ProjectStatus.AGREED, ProjectStatus.REWORK, ProjectStatus.PASSED)
# Statuses of a project that was started (立项) — for counting.
STARTED = (
    ProjectStatus.APPROVED, ProjectStatus.AGREED, ProjectStatus.REWORK, ProjectStatus.PASSED,
    ProjectStatus.FAILED, ProjectStatus.CLOSED,
)  # fmt: skip
