"""The controlled words of calls (征集/评选/大赛): kinds, stages, entrant kinds, prize levels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CallKind(models.TextChoices):
    HONOUR = "honour", _("表彰表扬")
    RECOMMENDATION = "recommendation", _("推荐评选")
    COMPETITION = "competition", _("竞赛")
    GRANT = "grant", _("项目申报")
    DESIGNATION = "designation", _("命名认定")


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("征集中")
    CLOSED = "closed", _("征集结束")
    NOTICE = "notice", _("公示中")
    FINAL = "final", _("结果已确定")


class EntrantKind(models.TextChoices):
    PERSON = "person", _("个人")
    UNIT = "unit", _("单位")
    PROJECT = "project", _("项目")
    TEAM = "team", _("团队")
    ACTIVITY = "activity", _("活动")


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待形式审查")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("形式审查通过")
    AWARDED = "awarded", _("拟授奖/拟推荐")
    NOT_AWARDED = "not_awarded", _("未入选")
    WITHDRAWN = "withdrawn", _("已撤回")


class Outcome(models.TextChoices):
    AWARD = "award", _("授奖/推荐")
    NO_AWARD = "no_award", _("不授奖")


class ObjectorKind(models.TextChoices):
    PERSON = "person", _("个人实名")
    UNIT = "unit", _("单位盖章")


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class MemberRole(models.TextChoices):
    LEADER = "leader", _("负责人")
    MEMBER = "member", _("成员")
    ADVISER = "adviser", _("指导教师")


class ConflictKind(models.TextChoices):
    DECLARED = "declared", _("申报的利害关系")
    LISTED = "listed", _("回避名单")


class SchoolStage(models.TextChoices):
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    VOCATIONAL = "vocational", _("中职")
    UNIVERSITY = "university", _("高校")


# Entries that hold a place: they count against quotas and for "one entry per person".
LIVE_ENTRY = (EntryStatus.SUBMITTED, EntryStatus.ACCEPTED, EntryStatus.AWARDED, EntryStatus.NOT_AWARDED)
EDITABLE_ENTRY = (EntryStatus.DRAFT, EntryStatus.RETURNED)
# Calls whose entries the public may see the notice of, or register for.
PUBLIC_CALL = (CallStatus.NOTICE, CallStatus.FINAL)
