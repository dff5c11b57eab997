"""Coded values of the directory: kinds, levels, disciplines, tags."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县市区")
    TOWN = "town", _("乡镇街道")


class OrgKind(models.TextChoices):
    ASSOCIATION = "association", _("科协")
    SOCIETY = "society", _("学会")
    OUTREACH_BASE = "outreach_base", _("科普教育基地")
    ENTERPRISE = "enterprise", _("企业")
    UNIVERSITY = "university", _("高校")
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医院")
    RURAL_TECH_ASSOCIATION = "rural_tech_association", _("农技协")
    GOVERNMENT_DEPARTMENT = "government_department", _("政府部门")
    RESEARCH_INSTITUTE = "research_institute", _("科研院所")
    AGRI_STATION = "agri_station", _("农技站")
    MEDIA = "media", _("媒体")
    OTHER = "other", _("其他")


class PartyForm(models.TextChoices):
    """How a society's party organisation is set up in a year. A joint branch (联合党支部)
    covers the society; a 党建指导员 alone does not (has_party_instructor is recorded apart)."""

    INDEPENDENT = "independent", _("单独建立党组织")
    JOINT = "joint", _("联合党支部")
    NONE = "none", _("未建立党组织")


PARTY_COVERED = (PartyForm.INDEPENDENT, PartyForm.JOINT)
BRANCH_MIN_MEMBERS = 3  # 党章: a branch needs three full members; fewer join a joint branch


def party_form_problem(form: str, members: int | None) -> str | None:
    """A yearly record's party form against its member count (None when they agree)."""
    if form == PartyForm.INDEPENDENT and members is not None and members < BRANCH_MIN_MEMBERS:
        return _("党组织形式:党员不足%(n)d人不能单独建立党组织,应纳入联合党支部") % {"n": BRANCH_MIN_MEMBERS}
    return None


class AssociationLevel(models.TextChoices):
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWN = "town", _("乡镇/街道")
    ENTERPRISE = "enterprise", _("企业")
    UNIVERSITY = "university", _("高校")


class DesignationLevel(models.TextChoices):
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    NATIONAL = "national", _("国家级")


class DesignationType(models.TextChoices):
    """The controlled list of designations (命名/认定), for every module that counts them
    (科普教育基地, 科普特色单位, 协同创新基地…). Counts use the type, never the title."""

    OUTREACH_BASE = "outreach_base", _("科普教育基地")
    OUTREACH_SPECIAL_UNIT = "outreach_special_unit", _("科普特色单位")
    COLLABORATIVE_INNOVATION_BASE = "collaborative_innovation_base", _("协同创新基地")
    OTHER = "other", _("其他命名")


# The levels at which each type is given (a city does not designate 协同创新基地).
DESIGNATION_TYPE_LEVELS: dict[str, tuple[str, ...]] = {
    DesignationType.OUTREACH_BASE: tuple(DesignationLevel.values),
    DesignationType.OUTREACH_SPECIAL_UNIT: tuple(DesignationLevel.values),
    DesignationType.COLLABORATIVE_INNOVATION_BASE: (DesignationLevel.PROVINCE, DesignationLevel.NATIONAL),
    DesignationType.OTHER: tuple(DesignationLevel.values),
}


def designation_level_problem(designation_type: str, level: str) -> str | None:
    """A Chinese message when the type is not given at that level, else None."""
    allowed = DESIGNATION_TYPE_LEVELS.get(designation_type)
    if allowed is None or not level or level in allowed:
        return None
    names = "、".join(str(DesignationLevel(lv).label) for lv in allowed)
    return f"“{DesignationType(designation_type).label}”只有{names}命名,不能是{DesignationLevel(level).label}"


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class PersonTag(models.TextChoices):
    SCI_WORKER = "sci_worker", _("科技工作者")
    EXPERT = "expert", _("专家")
    VOLUNTEER = "volunteer", _("志愿者")
    CADRE = "cadre", _("干部")
    GRASSROOTS_HEAD = "grassroots_head", _("基层三长")


# GB/T 13745-2009 first-level disciplines (学科分类与代码, 一级学科).
DISCIPLINES = [
    ("110", "数学"), ("120", "信息科学与系统科学"), ("130", "力学"), ("140", "物理学"),
    ("150", "化学"), ("160", "天文学"), ("170", "地球科学"), ("180", "生物学"),
    ("190", "心理学"), ("210", "农学"), ("220", "林学"), ("230", "畜牧、兽医科学"),
    ("240", "水产学"), ("310", "基础医学"), ("320", "临床医学"), ("330", "预防医学与公共卫生学"),
    ("340", "军事医学与特种医学"), ("350", "药学"), ("360", "中医学与中药学"),
    ("410", "工程与技术科学基础学科"), ("413", "信息与系统科学相关工程与技术"),
    ("416", "自然科学相关工程与技术"), ("420", "测绘科学技术"), ("430", "材料科学"),
    ("440", "矿山工程技术"), ("450", "冶金工程技术"), ("460", "机械工程"),
    ("470", "动力与电气工程"), ("480", "能源科学技术"), ("490", "核科学技术"),
    ("510", "电子与通信技术"), ("520", "计算机科学技术"), ("530", "化学工程"),
    ("535", "产品应用相关工程与技术"), ("540", "纺织科学技术"), ("550", "食品科学技术"),
    ("560", "土木建筑工程"), ("570", "水利工程"), ("580", "交通运输工程"),
    ("590", "航空、航天科学技术"), ("610", "环境科学技术及资源科学技术"), ("620", "安全科学技术"),
    ("630", "管理学"), ("710", "马克思主义"), ("720", "哲学"), ("730", "宗教学"),
    ("740", "语言学"), ("750", "文学"), ("760", "艺术学"), ("770", "历史学"),
    ("780", "考古学"), ("790", "经济学"), ("810", "政治学"), ("820", "法学"),
    ("830", "军事学"), ("840", "社会学"), ("850", "民族学与文化学"), ("860", "新闻学与传播学"),
    ("870", "图书馆、情报与文献学"), ("880", "教育学"), ("890", "体育科学"), ("910", "统计学"),
]  # fmt: skip
DISCIPLINE_NAMES = dict(DISCIPLINES)
