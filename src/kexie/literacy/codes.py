"""Coded values of the literacy survey: question kinds, background fields and their choices."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kexie.literacy import scoring


class Dimension(models.TextChoices):
    KNOWLEDGE = scoring.KNOWLEDGE, _("科学知识")
    METHOD = scoring.METHOD, _("科学方法")
    SPIRIT = scoring.SPIRIT, _("科学精神与思想")
    APPLICATION = scoring.APPLICATION, _("应用科学的能力")


class QuestionKind(models.TextChoices):
    TRUE_FALSE = scoring.TRUE_FALSE, _("判断题")
    SINGLE = scoring.SINGLE, _("单选题")
    MULTIPLE = scoring.MULTIPLE, _("多选题")
    NUMBER = "number", _("数字")


class Background(models.TextChoices):
    SEX = "sex", _("性别")
    AGE = "age", _("年龄")
    EDUCATION = "education", _("文化程度")
    OCCUPATION = "occupation", _("职业")
    URBAN_RURAL = "urban_rural", _("城乡")
    COUNTY = "county", _("县市区")


class Status(models.TextChoices):
    VALID = "valid", _("有效")
    INCOMPLETE = "incomplete", _("不完整")
    DUPLICATE = "duplicate", _("重复")
    OUT_OF_RANGE = "out_of_range", _("超出范围")


class Source(models.TextChoices):
    WEB = "web", _("手机问卷")
    IMPORT = "import", _("导入")
    DEMO = "demo", _("演示数据")


SEXES = ["男", "女"]
AGE_GROUPS = ["18-29岁", "30-39岁", "40-49岁", "50-59岁", "60-69岁"]
EDUCATIONS = ["小学及以下", "初中", "高中(中专)", "大专及以上"]
OCCUPATIONS = [
    "农林牧渔业人员",
    "生产制造及有关人员",
    "商业服务业人员",
    "专业技术人员",
    "国家机关和企事业单位负责人",
    "办事人员",
    "学生及待升学人员",
    "离退休人员",
    "无业及其他",
]
URBAN_RURAL = ["城镇", "农村"]
TRUE_FALSE_OPTIONS = [["T", "正确"], ["F", "错误"]]

# Domains the results are broken down by: (field, Chinese label).
DOMAINS = [
    ("county", "县市区"),
    ("sex", "性别"),
    ("age_group", "年龄段"),
    ("education", "文化程度"),
    ("urban_rural", "城乡"),
]


def age_group_of(age: int | None, groups: list[str] | None = None) -> str:
    """'18-29岁' style group of an age, '' when outside every group."""
    if age is None:
        return ""
    for label in groups or AGE_GROUPS:
        low, high = label.rstrip("岁").split("-")
        if int(low) <= age <= int(high):
            return label
    return ""
