"""Channels and topics of consultations (热线与咨询)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")
    WEB = "web", _("网页表单")
    WALK_IN = "walk_in", _("来访")


class Topic(models.TextChoices):
    CROP = "crop", _("种植")
    LIVESTOCK = "livestock", _("畜牧养殖")
    AQUACULTURE = "aquaculture", _("水产")
    FORESTRY = "forestry", _("林果")
    MACHINERY = "machinery", _("农机")
    PSYCHOLOGY = "psychology", _("心理援助")
    HEALTH = "health", _("医疗健康")
    OTHER = "other", _("其他")


# Farmers' technical problems: what the review's "电话、手机微信咨询服务" counts.
FARM_TOPICS = (Topic.CROP, Topic.LIVESTOCK, Topic.AQUACULTURE, Topic.FORESTRY, Topic.MACHINERY)
