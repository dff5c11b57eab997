"""kexie's sample questionnaire: 24 original items written for kexie (not taken from the
national survey), six per dimension, and six background questions."""

from kexie.literacy.codes import (
    EDUCATIONS,
    OCCUPATIONS,
    SEXES,
    TRUE_FALSE_OPTIONS,
    URBAN_RURAL,
)

TF, SINGLE, MULTIPLE = "true_false", "single", "multiple"


def _opts(*labels: str) -> list[list[str]]:
    return [[chr(ord("A") + i), label] for i, label in enumerate(labels)]


# (code, dimension, kind, text, options, answer)
ITEMS = [
    ("K01", "knowledge", TF, "地球绕地轴自西向东自转。", TRUE_FALSE_OPTIONS, ["T"]),
    ("K02", "knowledge", TF, "抗生素能有效治疗由病毒引起的普通感冒。", TRUE_FALSE_OPTIONS, ["F"]),
    ("K03", "knowledge", SINGLE, "植物进行光合作用时,从空气中吸收的主要原料是哪种气体?",
     _opts("氧气", "二氧化碳", "氮气", "氢气"), ["B"]),
    ("K04", "knowledge", TF, "声音不能在真空中传播。", TRUE_FALSE_OPTIONS, ["T"]),
    ("K05", "knowledge", SINGLE, "血液中主要负责运输氧气的是哪种成分?",
     _opts("白细胞", "血小板", "红细胞", "血浆中的盐分"), ["C"]),
    ("K06", "knowledge", MULTIPLE, "下列哪些属于可再生能源?(多选)",
     _opts("太阳能", "风能", "煤炭", "生物质能"), ["A", "B", "D"]),
    ("M01", "method", SINGLE, "想知道一种新肥料能否让小麦增产,下面哪种做法最合理?",
     _opts("在一块地里施新肥料,看收成是否比去年多",
           "把条件相近的地分成两组,一组施新肥料一组不施,比较产量",
           "问问用过的邻居感觉如何",
           "看肥料包装上的宣传语"), ["B"]),
    ("M02", "method", TF, "只调查了10位居民,就能可靠地得出“全市居民都爱喝茶”的结论。", TRUE_FALSE_OPTIONS, ["F"]),
    ("M03", "method", SINGLE, "医生说某种药的有效率是80%,最恰当的理解是:",
     _opts("每位病人服药后病情都会减轻80%", "大约每10位服药的病人中有8位症状改善",
           "服药80天后一定痊愈", "这种药对80%的疾病都有效"), ["B"]),
    ("M04", "method", TF, "两件事总是一起出现,并不一定说明其中一件是另一件的原因。", TRUE_FALSE_OPTIONS, ["T"]),
    ("M05", "method", SINGLE, "天气预报说“明天降水概率70%”,意思是:",
     _opts("明天70%的地区会下雨", "明天有70%的时间在下雨",
           "在类似的天气条件下,大约10次中有7次会下雨", "预报员有七成把握自己报对了"), ["C"]),
    ("M06", "method", MULTIPLE, "一个好的对比实验通常需要做到哪些?(多选)",
     _opts("设置对照组", "控制其他可能影响结果的因素", "只记录符合预期的结果", "别人按同样方法能重复出来"),
     ["A", "B", "D"]),
    ("S01", "spirit", TF, "科学结论一旦提出,就永远不会被修改。", TRUE_FALSE_OPTIONS, ["F"]),
    ("S02", "spirit", SINGLE, "看到网上流传“某种食物能包治百病”,比较科学的态度是:",
     _opts("马上转发提醒亲友", "查一查权威机构的信息,看有没有可靠证据",
           "转发的人多,说明是真的", "先大量买来试试"), ["B"]),
    ("S03", "spirit", TF, "科学家对同一问题看法不同是正常的,可以靠证据和检验来判断谁更有道理。",
     TRUE_FALSE_OPTIONS, ["T"]),
    ("S04", "spirit", SINGLE, "关于“看手相能算出一个人的命运”,下面哪种说法正确?",
     _opts("有科学依据", "没有科学依据", "对一部分人灵验", "看相的人经验足就准"), ["B"]),
    ("S05", "spirit", MULTIPLE, "下列哪些做法体现了实事求是的科学精神?(多选)",
     _opts("实验结果和预想不一样时如实记录", "为了发表论文修改数据",
           "发现自己错了就公开更正", "面对别人的质疑,用证据来回应"), ["A", "C", "D"]),
    ("S06", "spirit", TF, "一种说法只要有很多名人推荐,就一定是正确的。", TRUE_FALSE_OPTIONS, ["F"]),
    ("A01", "application", SINGLE, "在家闻到燃气泄漏的气味,首先应该:",
     _opts("打开抽油烟机排气", "在屋里打电话报警",
           "关闭燃气阀门、开窗通风,不开关任何电器", "点火找泄漏的位置"), ["C"]),
    ("A02", "application", SINGLE, "阅读药品说明书时,最需要留意的是:",
     _opts("包装的颜色", "厂家的广告语", "禁忌和用法用量", "药片的形状"), ["C"]),
    ("A03", "application", TF, "收到“您的银行卡已冻结,点击链接输入验证码即可解冻”的短信,应照提示操作。",
     TRUE_FALSE_OPTIONS, ["F"]),
    ("A04", "application", MULTIPLE, "下列哪些做法能减少家庭用电?(多选)",
     _opts("出门时关掉电器电源", "夏天空调温度设在26℃左右", "冰箱门长时间敞开", "选购能效等级高的电器"),
     ["A", "B", "D"]),
    ("A05", "application", SINGLE, "在楼房里遇到地震,比较安全的做法是:",
     _opts("马上乘电梯下楼", "从窗户跳出去", "躲到坚固的桌子下或承重墙墙角,护住头部", "跑到阳台上"), ["C"]),
    ("A06", "application", TF, "食品包装上的“保质期”是指在标明的储存条件下食品保持品质的期限。",
     TRUE_FALSE_OPTIONS, ["T"]),
]  # fmt: skip


def background_questions(counties: list[str]) -> list[dict]:
    """The background questions, first in the form; the county list comes from the survey."""
    return [
        {"code": "B1", "background": "county", "kind": SINGLE, "text": "您常住在哪个县市区?", "options": _opts(*counties)},
        {"code": "B2", "background": "sex", "kind": SINGLE, "text": "您的性别", "options": _opts(*SEXES)},
        {"code": "B3", "background": "age", "kind": "number", "text": "您的年龄(周岁)", "options": []},
        {"code": "B4", "background": "education", "kind": SINGLE, "text": "您的文化程度", "options": _opts(*EDUCATIONS)},
        {"code": "B5", "background": "occupation", "kind": SINGLE, "text": "您的职业", "options": _opts(*OCCUPATIONS)},
        {"code": "B6", "background": "urban_rural", "kind": SINGLE, "text": "您常住在城镇还是农村?",
         "options": _opts(*URBAN_RURAL)},
    ]  # fmt: skip


def sample_questions(counties: list[str]) -> list[dict]:
    """Every question of the sample questionnaire as field dicts, in form order."""
    rows = background_questions(counties)
    for code, dimension, kind, text, options, answer in ITEMS:
        rows.append(
            {
                "code": code,
                "dimension": dimension,
                "kind": kind,
                "text": text,
                "options": options,
                "answer": answer,
            }
        )
    for order, row in enumerate(rows, start=1):
        row["order"] = order
    return rows
