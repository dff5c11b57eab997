"""科技经济融合 in the demo city (2020, as in the seed review): 10 enterprise visits, 17 technology
demands along the pipeline, 7 provincial societies with cooperation intentions, 11 national
societies matched (and the strategic agreement with 中国水利学会), the 2020 产学研合作暨院士恳谈会
with 6 academicians and 20 signed projects, an expert pool with profiles, ~200 synthetic patents,
and enterprise users registered with the patent service who searched and selected patents.
The patent service's year reproduces the seed (1,241 enterprises registered, 2,178 searches,
6,618 selections, 60万元 of research spending saved, 150 enterprises reached by the promotion
meeting): the demo enterprises use kexie's own search; the rest of the city's use is the
platform's usage statement, recorded in one go by `patents.patent_usage_record`.

Everything is written through the services (so the audit log, pipeline events and indicators come
out as in real use); only the timestamps of service events are moved back into 2020 afterwards.
"""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from kexie.accounts.models import User
from kexie.accounts.roles import Role
from kexie.directory.models import Organisation, Person
from kexie.innovation import patents, ranking, services
from kexie.innovation.codes import EngagementKind, ForumKind, SocietyLevel
from kexie.innovation.models import (
    Demand,
    ExpertProfile,
    Patent,
    PatentSearchEvent,
    PatentSelection,
    PatentServiceRegistration,
    SocietyProfile,
)

SEED = 20201231 + 5
YEAR = 2020
ENTERPRISE_USERNAME = "taiyang"  # 济宁太阳纸业有限公司, registered with the patent service

VISITED = ["鲁抗医药", "如意纺织", "辰欣药业", "太阳纸业", "鲁南机床", "山推机械", "兖州煤业", "菱花生物", "天宇环保", "泰丰液压"]  # fmt: skip

# (enterprise stem, title, industry, discipline, keywords, description, budget 万元, stage)
DEMANDS = [
    ("鲁抗医药", "抗生素发酵过程智能控制", "生物医药", "350", "发酵控制、过程建模、在线检测",
     "抗生素发酵批次间差异大,需建立基于在线检测与过程建模的发酵智能控制系统,提高效价和收率。", 120, "signed"),
    ("鲁抗医药", "原料药绿色合成工艺开发", "生物医药", "530", "绿色合成、酶催化、溶剂回收",
     "现有原料药合成路线步骤多、溶剂用量大,需开发酶催化等绿色合成工艺,降低三废排放。", 200, "intention"),
    ("如意纺织", "高支纱纺纱断头率降低", "纺织服装", "540", "细纱机、断头率、纺纱工艺",
     "高支精梳纱纺纱断头率偏高,需优化细纱机工艺参数并开发断头在线检测装置。", 60, "matchmaking"),
    ("辰欣药业", "大输液包装材料相容性研究", "生物医药", "350", "药包材、相容性、迁移物",
     "需开展多层共挤输液袋与药品相容性研究,建立可提取物和浸出物检测方法。", 80, "published"),
    ("太阳纸业", "造纸废水深度处理与回用", "造纸及轻工", "610", "造纸废水、深度处理、中水回用、高级氧化",
     "造纸废水经二级处理后COD仍偏高,需高级氧化与膜处理组合的深度处理回用技术。", 300, "signed"),
    ("太阳纸业", "生物质精炼溶解浆制备", "造纸及轻工", "530", "溶解浆、生物质精炼、半纤维素",
     "需开发溶解浆生产中半纤维素高值化利用的生物质精炼技术。", 150, "completed"),
    ("鲁南机床", "数控机床热误差补偿", "高端装备", "460", "数控机床、热误差、补偿、主轴",
     "数控机床主轴热变形影响加工精度,需热误差建模与实时补偿技术。", 90, "signed"),
    ("山推机械", "推土机液压系统节能", "高端装备", "460", "液压系统、节能、负载敏感",
     "推土机液压系统能耗高,需负载敏感与能量回收等节能技术。", 150, "matchmaking"),
    ("山推机械", "工程机械远程故障诊断平台", "高端装备", "520", "远程诊断、故障预测、物联网",
     "需建设基于物联网的工程机械远程监测与故障预测平台。", 100, "reviewed"),
    ("金威电子", "高频电感磁芯材料研发", "电子信息", "430", "磁芯、铁氧体、高频损耗",
     "需开发低损耗高频铁氧体磁芯材料,满足新能源汽车电感需求。", 70, "collected"),
    ("兖州煤业", "煤矿井下智能巡检机器人", "能源化工", "440", "巡检机器人、煤矿、瓦斯监测",
     "需研制适应井下防爆要求的带式输送机智能巡检机器人。", 250, "signed"),
    ("兖州煤业", "煤矸石综合利用", "能源化工", "440", "煤矸石、综合利用、建材",
     "需煤矸石制备新型建材和充填材料的综合利用技术。", 180, "intention"),
    ("菱花生物", "谷氨酸发酵废液资源化", "食品加工", "550", "谷氨酸、发酵废液、有机肥",
     "需将谷氨酸发酵废液资源化制备有机肥的工艺和装备。", 90, "matchmaking"),
    ("恒信电气", "变压器局部放电在线监测", "电气设备", "470", "局部放电、变压器、在线监测",
     "需变压器局部放电超高频在线监测与定位技术。", 60, "published"),
    ("天宇环保", "垃圾焚烧飞灰无害化处理", "节能环保", "610", "飞灰、重金属、固化稳定化",
     "需垃圾焚烧飞灰重金属稳定化与资源化处理技术。", 120, "published"),
    ("圣阳电源", "储能铅炭电池循环寿命提升", "新能源", "480", "铅炭电池、储能、循环寿命",
     "需提升储能用铅炭电池深循环寿命的负极添加剂和板栅技术。", 160, "reviewed"),
    ("泰丰液压", "液压缸密封件寿命提升", "高端装备", "460", "液压缸、密封件、磨损",
     "液压缸密封件在高压工况下寿命短,需新型密封材料与结构设计。", 50, "collected"),
]  # fmt: skip

NATIONAL_SOCIETIES = [
    ("中国水利学会", "570", "水资源、水环境治理、污水处理、节水"),
    ("中国机械工程学会", "460", "数控机床、液压系统、智能制造、机械装备"),
    ("中国化工学会", "530", "化工工艺、绿色合成、催化、溶剂回收"),
    ("中国煤炭学会", "440", "煤矿安全、智能开采、巡检机器人、煤矸石"),
    ("中国纺织工程学会", "540", "纺纱、织造、纺织工艺、断头"),
    ("中国造纸学会", "530", "制浆造纸、溶解浆、造纸废水、生物质精炼"),
    ("中国药学会", "350", "药物制剂、药包材、原料药、发酵"),
    ("中国电机工程学会", "470", "变压器、局部放电、电力设备监测"),
    ("中国环境科学学会", "610", "固废处理、飞灰、重金属、环境治理"),
    ("中国食品科学技术学会", "550", "发酵工程、食品加工、副产物利用"),
    ("中国电子学会", "510", "电子材料、磁芯、电子元器件"),
]  # fmt: skip
PROVINCIAL_SOCIETIES = [
    ("山东省机械工程学会", "460", "机械装备、液压传动"), ("山东省化工学会", "530", "化工、新材料"),
    ("山东省纺织工程学会", "540", "纺织工艺、纺纱"), ("山东省煤炭学会", "440", "煤矿安全、智能开采"),
    ("山东省电机工程学会", "470", "电气设备、电力监测"), ("山东省环境科学学会", "610", "环境治理、固废"),
    ("山东省药学会", "350", "药学、制药工艺"),
]  # fmt: skip
# demand title → national society it was matched with
MATCHED = {
    "造纸废水深度处理与回用": ["中国水利学会", "中国造纸学会"], "数控机床热误差补偿": ["中国机械工程学会"],
    "原料药绿色合成工艺开发": ["中国化工学会"], "煤矿井下智能巡检机器人": ["中国煤炭学会"],
    "高支纱纺纱断头率降低": ["中国纺织工程学会"], "抗生素发酵过程智能控制": ["中国药学会"],
    "推土机液压系统节能": ["中国机械工程学会"], "谷氨酸发酵废液资源化": ["中国食品科学技术学会"],
    "煤矸石综合利用": ["中国煤炭学会"], "生物质精炼溶解浆制备": ["中国造纸学会"],
}  # fmt: skip
# Societies matched outside a demand's own pipeline (by the county associations' industry survey).
EXTRA_MATCHED = {"中国电机工程学会": "变压器局部放电在线监测", "中国环境科学学会": "垃圾焚烧飞灰无害化处理",
                 "中国电子学会": "高频电感磁芯材料研发"}  # fmt: skip

# (name, title, discipline, affiliation, keywords, profile)
EXPERTS = [
    ("孙立新", "中国工程院院士", "570", "河海大学", "水环境、污水处理、水资源", "长期从事水环境治理与污水资源化研究"),
    ("周海涛", "中国工程院院士", "460", "山东大学", "数控机床、精密加工、误差补偿", "从事高档数控机床与精密制造研究"),
    ("钱永明", "中国科学院院士", "530", "中国科学院过程工程研究所", "绿色化工、催化、过程强化", "从事绿色化工过程与催化研究"),
    ("吴建华", "中国工程院院士", "440", "中国矿业大学", "智能开采、煤矿安全、机器人", "从事煤矿智能化开采与安全研究"),
    ("郑国平", "中国工程院院士", "350", "中国药科大学", "药物制剂、发酵工程", "从事抗生素与生物制药研究"),
    ("何志远", "中国科学院院士", "480", "清华大学", "储能、电池材料、电化学", "从事储能电池材料研究"),
    ("王水清", "教授", "570", "山东大学", "污水处理、膜生物反应器、脱氮除磷", "从事高浓度有机废水处理工艺研究"),
    ("李机工", "研究员", "460", "山东省机械设计研究院", "液压系统、节能、负载敏感", "从事工程机械液压系统节能研究"),
    ("张纺", "教授", "540", "青岛大学", "纺纱工艺、细纱机、断头检测", "从事新型纺纱技术研究"),
    ("刘纸", "研究员", "530", "齐鲁工业大学", "制浆造纸、溶解浆、生物质精炼", "从事制浆造纸与生物质精炼研究"),
    ("陈药", "教授", "350", "济宁医学院", "药包材、相容性、药物分析", "从事药物分析与药包材相容性研究"),
    ("杨煤", "教授", "440", "山东科技大学", "煤矸石、充填开采、建材", "从事煤矸石资源化利用研究"),
    ("赵电", "高级工程师", "470", "国网山东电力科学研究院", "局部放电、变压器、在线监测", "从事电力设备状态监测研究"),
    ("黄环", "教授", "610", "山东建筑大学", "飞灰、重金属、固废处理", "从事固体废物处理与资源化研究"),
    ("周食", "教授", "550", "江南大学", "发酵工程、谷氨酸、副产物利用", "从事氨基酸发酵与副产物利用研究"),
    ("吴磁", "研究员", "430", "中国电子科技集团第九研究所", "铁氧体、磁芯、高频损耗", "从事软磁铁氧体材料研究"),
    ("徐智", "教授", "520", "曲阜师范大学", "物联网、故障诊断、机器学习", "从事工业物联网与故障预测研究"),
    ("孙液", "高级工程师", "460", "济宁学院", "液压缸、密封、摩擦磨损", "从事液压密封与摩擦学研究"),
]  # fmt: skip

FORUM_PROJECTS = [
    "高效节能电机产业化", "智能矿山综合管控平台", "大蒜深加工关键技术", "新能源汽车电池回收利用",
    "生物降解地膜研发", "工业机器人减速器研制", "智慧农业物联网示范", "中药材规范化种植",
    "光伏组件清洗机器人", "高性能复合材料管道", "精密铸造工艺升级", "食用菌工厂化栽培",
    "污水处理药剂国产化", "输变电设备智能运维", "煤化工废水零排放", "新型建材生产线",
]  # fmt: skip


def load(context) -> None:
    rng = random.Random(SEED)
    admin = context.users["admin"]
    enterprises = {
        o.name.removeprefix("济宁").removesuffix("有限公司"): o for o in context.orgs["enterprises"]
    }
    experts = _experts(context)
    societies = _societies(context)
    visits = _visits(admin, enterprises, rng)
    demands = _demands(admin, enterprises, visits, experts, societies, rng)
    _society_work(admin, societies, demands)
    _forum(admin, context, experts, demands, enterprises, rng)
    _patents(rng, list(enterprises.values()))
    _patent_service(context, enterprises, rng)
    _platform_usage(context, rng)
    _promotion(context, rng)
    ranking.reset()
    patents.reset_index()


def _day(month: int, day: int) -> dt.date:
    return dt.date(YEAR, month, day)


def _experts(context) -> dict[str, Person]:
    city = context.city
    people = {}
    for name, title, discipline, affiliation, keywords, profile in EXPERTS:
        person = Person.objects.create(
            name=name, title=title, discipline=discipline, unit=city, is_expert=True, is_sci_worker=True,
            profile=f"{affiliation}。{profile}",
        )  # fmt: skip
        ExpertProfile.objects.create(
            person=person, keywords=keywords, affiliation=affiliation, achievements=profile
        )
        people[name] = person
    return people


def _societies(context) -> dict[str, Organisation]:
    from kexie.demo import data as D
    from kexie.directory.services import _refresh_path

    found = {}
    for (name, discipline, keywords), level in [
        *((s, SocietyLevel.NATIONAL) for s in NATIONAL_SOCIETIES),
        *((s, SocietyLevel.PROVINCIAL) for s in PROVINCIAL_SOCIETIES),
    ]:
        org = Organisation.objects.create(
            name=name, kind="society", parent=context.city, note=f"业务领域:{keywords}"
        )
        _refresh_path(org)
        SocietyProfile.objects.create(society=org, level=level, discipline=discipline, keywords=keywords)
        found[name] = org
    codes = dict(D.SOCIETIES)
    SocietyProfile.objects.bulk_create(
        SocietyProfile(society=s, level=SocietyLevel.CITY, discipline=codes.get(s.name, ""))
        for s in context.orgs["societies"]
    )
    return found


def _visits(admin, enterprises, rng) -> dict:
    visits = {}
    for i, stem in enumerate(VISITED):
        visits[stem] = services.enterprise_visit_create(actor=admin, data={
            "enterprise": enterprises[stem], "visited_on": _day(3 + i // 3, 5 + (i * 7) % 20),
            "staff": "市科协企业工作部 " + rng.choice(["王强、李静", "张伟、刘洋", "陈晨、赵磊"]),
            "notes": "借力中国科协年会,实地调研企业技术创新情况,梳理技术需求",
        })  # fmt: skip
    return visits


STAGES = ["collected", "reviewed", "published", "matchmaking", "intention", "signed", "completed"]


def _demands(admin, enterprises, visits, experts, societies, rng) -> dict[str, Demand]:
    made = {}
    by_discipline = {}
    for person in experts.values():
        by_discipline.setdefault(person.discipline, person)
    for i, (stem, title, industry, discipline, keywords, description, budget, stage) in enumerate(DEMANDS):
        visit = visits.get(stem)
        collected = visit.visited_on if visit else _day(4, 10 + i)
        demand = services.demand_create(actor=admin, data={
            "enterprise": enterprises[stem], "title": title, "industry": industry, "discipline": discipline,
            "keywords": keywords, "description": description, "budget": budget, "deadline": dt.date(YEAR + 1, 12, 31),
            "contact_name": rng.choice("王李张刘陈") + "经理", "contact_phone": f"1390537{rng.randrange(1000, 9999)}",
            "collected_on": collected, "visit": visit, "is_confidential": stem == "金威电子",
        })  # fmt: skip
        made[title] = demand
        _advance(admin, demand, STAGES.index(stage), collected, by_discipline.get(discipline), societies)
    return made


def _advance(admin, demand, target: int, start: dt.date, expert, societies) -> None:
    on = start
    steps = [
        lambda d: services.demand_review(actor=admin, demand=demand, on=d),
        lambda d: services.demand_publish(actor=admin, demand=demand, on=d),
        lambda d: _matchmake(admin, demand, d, expert, societies),
        lambda d: services.demand_record_intention(actor=admin, demand=demand, on=d, note="双方达成合作意向"),
    ]
    for step in steps[: min(target, 4)]:
        on += dt.timedelta(days=7)
        step(on)


def _matchmake(admin, demand, on, expert, societies) -> None:
    if expert is not None:
        services.demand_matchmake(
            actor=admin, demand=demand, expert=expert, contacted_on=on, meeting_on=on + dt.timedelta(days=3)
        )
    for name in MATCHED.get(demand.title, []):
        services.demand_matchmake(
            actor=admin, demand=demand, society=societies[name], contacted_on=on, note="精准对接"
        )


def _society_work(admin, societies, demands) -> None:
    for name, title in EXTRA_MATCHED.items():
        services.society_engagement_create(actor=admin, data={
            "society": societies[name], "kind": EngagementKind.MATCHMAKING, "on": _day(8, 20), "title": title,
            "demand": demands[title], "note": "县区摸排产业需要后对接",
        })  # fmt: skip
    for name, _, _ in PROVINCIAL_SOCIETIES:
        services.society_engagement_create(actor=admin, data={
            "society": societies[name], "kind": EngagementKind.INTENTION, "on": _day(8, 16),
            "title": "借力中国科协年会开展科技经济融合合作", "note": "中国科协年会期间达成合作意向",
        })  # fmt: skip
    services.society_engagement_create(actor=admin, data={
        "society": societies["中国水利学会"], "kind": EngagementKind.COOPERATION_AGREEMENT, "on": _day(8, 15),
        "title": "《战略合作协议》", "note": "中国科协服务山东省创新发展现场交流会上签订",
    })  # fmt: skip


def _forum(admin, context, experts, demands, enterprises, rng) -> None:
    academicians = [p for p in experts.values() if p.title.endswith("院士")]
    forum = services.forum_create(actor=admin, academicians=academicians, data={
        "name": "2020年济宁市产学研合作暨院士恳谈会", "kind": ForumKind.ACADEMICIAN, "held_on": _day(10, 23),
        "venue": "济宁市会展中心", "host_unit": context.city, "guests": "市科技局、各县市区科协、重点企业代表",
        "description": "联合市科技局组织召开,确定重大签约项目",
    })  # fmt: skip
    universities = ["山东大学", "中国矿业大学", "齐鲁工业大学", "曲阜师范大学", "济宁学院", "山东科技大学"]
    signed = [d for d in demands.values() if d.status == "intention" and d.title in _SIGNED_AT_FORUM]
    for demand in signed:
        services.demand_sign(actor=admin, demand=demand, data={
            "parties": f"{demand.enterprise.name};{rng.choice(universities)}", "amount": demand.budget,
            "signed_on": forum.held_on, "forum": forum,
        })  # fmt: skip
        if demand.title == "生物质精炼溶解浆制备":
            services.demand_complete(actor=admin, demand=demand, on=_day(12, 20), note="项目通过验收")
    stems = list(enterprises)
    for i, title in enumerate(FORUM_PROJECTS[: 20 - len(signed)]):
        enterprise = enterprises[stems[i % len(stems)]]
        services.agreement_create(actor=admin, data={
            "title": title, "unit": enterprise, "forum": forum, "signed_on": forum.held_on,
            "parties": f"{enterprise.name};{universities[i % len(universities)]}", "amount": 50 + 10 * rng.randrange(1, 30),
        })  # fmt: skip


_SIGNED_AT_FORUM = {d[1] for d in DEMANDS if d[7] in ("signed", "completed")}


# ------------------------------------------------------------------------------ patents

TOPICS = [
    ("C02F3/12", "污水处理", ["膜生物反应器", "曝气装置", "厌氧反应器", "脱氮除磷工艺"], "提高污水处理效率,降低运行能耗"),
    ("C02F11/12", "污泥处理", ["污泥脱水装置", "污泥干化设备", "板框压滤机"], "降低污泥含水率"),
    ("C02F1/72", "高级氧化", ["芬顿氧化装置", "臭氧催化氧化反应器", "造纸废水深度处理系统"], "去除难降解有机物"),
    ("B23Q15/18", "数控机床", ["主轴热误差补偿装置", "机床热变形测量系统", "数控机床导轨"], "提高加工精度"),
    ("B23Q3/08", "夹具", ["液压夹具", "快换夹具", "薄壁件装夹装置"], "提高装夹精度和效率"),
    ("F15B11/16", "液压系统", ["负载敏感液压系统", "液压能量回收装置", "电液比例阀"], "降低液压系统能耗"),
    ("F16J15/32", "密封", ["液压缸密封件", "组合密封结构", "耐磨密封圈"], "延长密封件寿命"),
    ("E21F17/18", "煤矿安全", ["井下巡检机器人", "瓦斯浓度监测装置", "带式输送机巡检系统"], "保障煤矿安全生产"),
    ("C04B18/12", "固废建材", ["煤矸石烧结砖", "煤矸石充填材料", "粉煤灰砌块"], "实现固废资源化利用"),
    ("D01H13/14", "纺纱", ["细纱断头检测装置", "紧密纺装置", "高支纱纺纱方法"], "降低纺纱断头率"),
    ("D21C3/02", "制浆", ["溶解浆制备方法", "半纤维素提取工艺", "生物质预水解装置"], "提高纤维素纯度"),
    ("C12P13/14", "发酵", ["谷氨酸发酵工艺", "发酵废液浓缩装置", "菌种培养方法"], "提高发酵产率"),
    ("A61K9/08", "制剂", ["输液袋", "抗生素注射剂", "药品包装材料"], "提高药品稳定性"),
    ("C07D501/04", "原料药", ["头孢类抗生素合成方法", "酶法合成工艺", "结晶纯化方法"], "减少溶剂用量"),
    ("H01M4/14", "电池", ["铅炭电池负极", "储能电池板栅", "电池负极添加剂"], "延长电池循环寿命"),
    ("G01R31/12", "电力监测", ["局部放电检测装置", "变压器在线监测系统", "超高频传感器"], "及时发现设备缺陷"),
    ("B09B3/00", "飞灰处理", ["飞灰稳定化处理方法", "重金属螯合剂", "飞灰水洗装置"], "实现飞灰无害化"),
    ("H01F1/34", "磁性材料", ["低损耗铁氧体磁芯", "高频电感", "软磁材料制备方法"], "降低高频损耗"),
    ("A01D13/00", "农业机械", ["大蒜收获机", "大蒜播种机", "蒜头切根装置"], "提高大蒜收获效率"),
]  # fmt: skip
INSTITUTIONS = [
    "山东大学",
    "曲阜师范大学",
    "济宁学院",
    "济宁医学院",
    "中国矿业大学",
    "齐鲁工业大学",
    "山东科技大学",
]
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华"
STATUSES = ["有效"] * 6 + ["审中"] * 3 + ["失效"] * 2


def synthetic_patents(rng: random.Random, applicants: list[str], n: int = 200) -> list[Patent]:
    """Realistic but invented patents (titles, abstracts, claims, IPC, dates, legal status)."""
    rows = []
    for i in range(n):
        ipc, field, objects, benefit = TOPICS[i % len(TOPICS)]
        obj = rng.choice(objects)
        title = rng.choice([f"一种{obj}", f"{obj}及其使用方法", f"一种用于{field}的{obj}"])
        applied = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 5 + 200))
        published = applied + dt.timedelta(days=rng.randrange(90, 540))
        kind = rng.choice(["A", "A", "U", "B"])
        who = [rng.choice(applicants)] + ([rng.choice(INSTITUTIONS)] if rng.random() < 0.4 else [])
        inventors = "; ".join(
            rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(GIVEN) + rng.choice(GIVEN)
            for _ in range(rng.randrange(1, 4))
        )
        rows.append(Patent(
            application_no=f"CN{applied.year}{10000000 + i * 7919 % 9000000:08d}.{i % 10}",
            publication_no=f"CN{110000000 + i * 104729 % 9000000}{kind}",
            title=title,
            abstract=f"本发明公开了{title},属于{field}技术领域。该{obj}结构简单、运行可靠,能够{benefit},适用于工业化应用。",
            claims=f"1.{title},其特征在于:包括主体、控制单元和检测单元,所述控制单元根据检测单元的信号调节{obj}的运行参数。",
            applicants="; ".join(dict.fromkeys(who)), inventors=inventors,
            ipc_codes=f";{ipc};", main_ipc=ipc, application_date=applied, publication_date=published,
            legal_status=rng.choice(STATUSES) if kind != "A" else rng.choice(["审中", "有效", "失效"]),
        ))  # fmt: skip
    return rows


def _patents(rng, enterprises) -> None:
    rows = synthetic_patents(rng, [e.name for e in enterprises] + INSTITUTIONS)
    Patent.objects.bulk_create(rows, ignore_conflicts=True)


SEARCHES = ["污水处理", "造纸废水深度处理", "溶解浆", "数控机床热误差", "液压系统节能", "煤矸石", "局部放电",
            "铅炭电池", "飞灰", "发酵废液", "大蒜收获机", "密封件"]  # fmt: skip


def selection_list_name(enterprise, topic: str) -> str:
    """A list named as its enterprise's staff would name it: who, what, which year."""
    return f"{enterprise.short_name or enterprise.name}·{topic}专利遴选({YEAR}年)"


def _patent_service(context, enterprises, rng) -> None:
    """Every demo enterprise registers one user; each searches a few times and selects patents."""
    hashed = make_password(context.password)
    users = User.objects.bulk_create(
        User(username=ENTERPRISE_USERNAME if stem == "太阳纸业" else f"qiye{i + 1:02d}", unit=org,
             roles=[str(Role.EDITOR)], display_name=f"{org.short_name or org.name}专利联络员", password=hashed)
        for i, (stem, org) in enumerate(enterprises.items())
    )  # fmt: skip
    for user in users:
        interest = rng.choice(SEARCHES)
        patents.patent_registration_create(actor=user, interests=interest)
        chosen = patents.selection_list_create(actor=user, name=selection_list_name(user.unit, interest))
        for query in rng.sample(SEARCHES, 3):
            result = patents.patent_search(actor=user, query=patents.PatentQuery(q=query), limit=10)
            for patent in result.patents[: rng.randrange(1, 4)]:
                if not PatentSelection.objects.filter(selection_list=chosen, patent=patent).exists():
                    patents.patent_select(actor=user, selection_list=chosen, patent=patent)
    _backdate(rng)


def _backdate(rng) -> None:
    """Service events are stamped now; the demo tells the story of 2020."""
    tz = timezone.get_current_timezone()

    def moment():
        day = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(60, 330))
        return dt.datetime.combine(day, dt.time(9 + rng.randrange(0, 8), rng.randrange(0, 60)), tz)

    for model, field in (
        (PatentServiceRegistration, "registered_at"),
        (PatentSearchEvent, "at"),
        (PatentSelection, "at"),
    ):
        for pk in model.objects.values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(**{field: moment()})


# ------------------------------------------------------------------------------ the seed's patent figures

# The seed review's year of the patent service (中国科协专利信息推广应用工作, 2020).
SEED_REGISTRATIONS, SEED_SEARCHES, SEED_SELECTIONS = 1241, 2178, 6618
SEED_SAVING = Decimal(600000)  # 元: "节约研发投入60余万元"
SEED_REACHED = 150  # "向全市150家企业推广发明专利信息"
SAVING_EACH = Decimal(5000)  # 元, reported by 120 selections
NAME_WORDS = "恒达 鑫源 宏图 金泰 瑞丰 华鲁 圣源 联创 东方 远大 天成 博文 汇通 嘉禾 众成 隆盛 新元 泰和 正大 华信 永安 鼎盛 昊天 佳和 德润 利民 海纳 聚力 祥云 锦程 中孚 齐鲁 运河 孔孟 泗水 微湖 梁祝 荷都 儒商 九州".split()
NAME_TRADES = "机械 化工 纺织 食品 建材 电子 医药 环保 能源 物流 包装 塑料 农业 农机 汽配 家具 印务 照明 陶瓷 钢构 液压 电气 新材料 生物 光电 软件 煤机 轮胎 服饰 造纸 酿造".split()


def _platform_enterprises(context, count: int) -> list:
    """Enterprises of the city that use the platform but are not among the demo's 21: directory
    data like the rest of the demo's organisations, under their county association."""
    from kexie.demo import data as D
    from kexie.innovation.testing import uscc

    counties = {o.region.code: o for o in context.orgs["counties"]}
    names = [(w, t) for t in NAME_TRADES for w in NAME_WORDS]
    rows = []
    for i, (word, trade) in enumerate(names[:count]):
        code, county_name, _pinyin, _towns = D.COUNTIES[i % len(D.COUNTIES)]
        rows.append(Organisation(
            name=f"{county_name}{word}{trade}有限公司", kind="enterprise", parent=counties[code],
            region=counties[code].region, uscc=uscc(500000 + i, code),
        ))  # fmt: skip
    created = Organisation.objects.bulk_create(rows)
    for org in created:
        org.path = org.compute_path()
    Organisation.objects.bulk_update(created, ["path"], batch_size=500)
    return created


def _moment(rng, tz) -> dt.datetime:
    day = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(15, 350))
    return dt.datetime.combine(day, dt.time(8 + rng.randrange(0, 10), rng.randrange(0, 60)), tz)


def _spread(total: int, parts: int, rng) -> list[int]:
    """`total` split as evenly as possible over `parts` (deterministic for a seeded rng)."""
    counts = [total // parts] * parts
    for i in rng.sample(range(parts), total % parts):
        counts[i] += 1
    return counts


def _platform_usage(context, rng) -> None:
    """The rest of the city's year on the platform, recorded as its usage statement."""
    registered = PatentServiceRegistration.objects.values("enterprise").distinct().count()
    enterprises = _platform_enterprises(context, SEED_REGISTRATIONS - registered)
    users = User.objects.bulk_create(
        User(username=f"pt{i + 1:04d}", unit=org, roles=[str(Role.EDITOR)], password=make_password(None),
             display_name=f"{org.name}专利联络员")
        for i, org in enumerate(enterprises)
    )  # fmt: skip
    tz = timezone.get_current_timezone()
    pool = list(Patent.objects.order_by("pk"))
    searches = _spread(SEED_SEARCHES - PatentSearchEvent.objects.count(), len(users), rng)
    selections = _spread(SEED_SELECTIONS - PatentSelection.objects.count(), len(users), rng)
    savers = SEED_SAVING / SAVING_EACH
    usages = []
    for user, n_search, n_select in zip(users, searches, selections, strict=True):
        chosen = []
        for patent in rng.sample(pool, n_select):
            saving = SAVING_EACH if savers > 0 else None
            savers -= 1 if saving else 0
            chosen.append((_moment(rng, tz), patent, saving))
        usages.append(patents.PatentUsage(
            user=user, registered_at=_moment(rng, tz),
            searches=[(_moment(rng, tz), rng.choice(SEARCHES)) for _ in range(n_search)], selections=chosen,
        ))  # fmt: skip
    patents.patent_usage_record(
        actor=context.users["admin"], usages=usages, list_name=f"{YEAR}年平台遴选专利"
    )


def _promotion(context, rng) -> None:
    enterprises = list(Organisation.objects.filter(kind="enterprise").order_by("pk"))
    patents.patent_promotion_create(
        actor=context.users["admin"],
        data={"name": "山东省知识产权助力科技经济融合宣讲会", "held_on": dt.date(YEAR, 7, 16), "venue": "济宁市科技馆",
              "host_unit": context.city,
              "description": "中国科协学会服务中心原主任盛小列宣讲,向全市企业推广发明专利信息"},
        enterprises=rng.sample(enterprises, SEED_REACHED),
    )  # fmt: skip
