"""Indicators of honours: people commended, recommended up and successful, units and activities
commended from above, special designations (docs/indicators.md). An honour falls in the period
of its award date (an honour recorded without one: the 31 December of its year)."""

from django.db.models import Q

from kexie.calls.indicators import Counter, add
from kexie.honours.models import Honour, HonourKind, RecommendationOutcome

MODULE = "honours"
HONOUR = {"model": Honour, "date_field": "awarded_on", "unit": "unit", "region": "unit__region"}
PEOPLE = Q(organisation__isnull=True)

add("honours.commended", "表彰表扬科技工作者", "人", "期间内本级表彰表扬的科技工作者人次(表彰表扬类荣誉中对象为个人的)", Counter(
    **HONOUR, where=Q(kind=HonourKind.COMMENDATION) & PEOPLE,
), MODULE)  # fmt: skip
add("honours.recommended", "向上推荐", "人(项)", "期间内向上级推荐参评的人员和项目数,按荣誉名称分列", Counter(
    **HONOUR, where=Q(kind=HonourKind.RECOMMENDATION), group_by="title", dimension="title",
), MODULE)  # fmt: skip
add("honours.recommendations_successful", "推荐入选/获批", "人(项)", "期间内向上推荐并已入选或获批的人员和项目数,按荣誉名称分列", Counter(
    **HONOUR, where=Q(kind=HonourKind.RECOMMENDATION, outcome=RecommendationOutcome.SUCCESSFUL), group_by="title",
    dimension="title",
), MODULE)  # fmt: skip
add("honours.units_commended_from_above", "受上级表彰的单位", "家", "期间内受中国科协、省科协等上级表彰表扬的单位数(同一单位计一家)", Counter(
    **HONOUR, where=Q(kind=HonourKind.RECEIVED, organisation__isnull=False), distinct="organisation",
), MODULE)  # fmt: skip
add("honours.activities_commended_from_above", "受上级表彰的活动", "个", "期间内受上级表彰表扬的活动和项目数(对象既非人员也非单位的上级表彰)", Counter(
    **HONOUR, where=Q(kind=HonourKind.RECEIVED, organisation__isnull=True, person__isnull=True),
), MODULE)  # fmt: skip
add("honours.designations", "特色单位命名", "家", "期间内获得特色单位等命名的单位数(同一单位计一家),按荣誉名称分列", Counter(
    **HONOUR, where=Q(kind=HonourKind.DESIGNATION, organisation__isnull=False), distinct="organisation", group_by="title", dimension="title",
), MODULE)  # fmt: skip
