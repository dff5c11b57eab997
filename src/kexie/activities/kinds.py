"""The default activity kind tree, loaded by a data migration; staff may extend it."""

DEFAULT_KINDS: list[tuple[str, str]] = [
    ("outreach", "科普活动"),
    ("outreach.science_day", "科普日活动"),
    ("outreach.community", "科普进社区"),
    ("outreach.lecture", "科普讲座"),
    ("outreach.campus", "科普进校园"),
    ("outreach.rural", "科普惠农"),
    ("outreach.volunteer", "科普志愿服务"),
    ("outreach.emergency", "应急科普"),
    ("academic_exchange", "学术交流"),
    ("training", "培训"),
    ("performance", "文艺演出"),
    ("performance.anti_cult", "反邪教宣传演出"),
    ("meeting", "会议"),
    ("competition", "竞赛"),
    ("consultation", "咨询服务"),
    ("commendation", "表彰表扬"),
]


def load_default_kinds(ActivityKind) -> None:
    by_code = {}
    for sort, (code, name) in enumerate(DEFAULT_KINDS):
        parent = by_code.get(code.rsplit(".", 1)[0]) if "." in code else None
        kind, _ = ActivityKind.objects.get_or_create(
            code=code, defaults={"name": name, "parent": parent, "sort": sort}
        )
        by_code[code] = kind
