"""The hotline in the demo city, through the services: the city's farm line (电话、手机微信咨询
服务630人次 in 2020, the seed's figure) with its expert pools, answers, waits for the caller,
call-backs, ratings, field visits and the knowledge base, and the 24-hour psychological-aid
line opened during the epidemic (answered by the psychology society)."""

import datetime as dt
import random

from kexie.activities.services import activity_approve, activity_submit
from kexie.core.workdays import OFFICE_HOURS, current_calendar, deadline
from kexie.directory.services import person_create
from kexie.hotline import services
from kexie.hotline.codes import Channel, Topic
from kexie.tickets.models import Clock
from kexie.tickets.services import queue_create

YEAR = 2020
SEED = 20201231 + 14
FARM_CONSULTATIONS = 630  # "开展电话、手机微信咨询服务630人次"
PSYCHOLOGY_CALLS = 48  # the 24-hour line's calls in the demo (the seed gives no number)
FIELD_VISITS = 8
KNOWLEDGE_BASE = 150

EXPERTS = [
    ("孔庆田", "农业技术推广研究员", Topic.CROP, "小麦 玉米 大豆 栽培 病虫害 防治 施肥"),
    ("颜丰收", "高级农艺师", Topic.CROP, "大棚 蔬菜 番茄 黄瓜 土壤 改良 病害"),
    ("孟牧原", "高级畜牧师", Topic.LIVESTOCK, "生猪 肉牛 养殖 饲料 疫病 防控"),
    ("曾禽安", "兽医师", Topic.LIVESTOCK, "蛋鸡 肉鸭 禽流感 免疫 消毒"),
    ("仲渔湖", "水产高级工程师", Topic.AQUACULTURE, "微山湖 鱼 虾 蟹 水质 增氧 病害"),
    ("闵林果", "林业高级工程师", Topic.FORESTRY, "苹果 桃 葡萄 果树 修剪 流胶 病虫害"),
    ("冉农机", "农机推广研究员", Topic.MACHINERY, "收割机 播种机 植保无人机 维修 保养"),
]

QUESTIONS = {
    Topic.CROP: [("{c}叶片发黄,是缺肥还是病害?", "多为缺氮或根系受损:先查根,再追施尿素每亩5–8公斤,配合叶面喷施磷酸二氢钾。"),
                 ("{c}出现大面积倒伏怎么办?", "及时排水,扶正植株;后期控制氮肥,选用抗倒伏品种,适当化控。"),
                 ("{c}地里蚜虫多,用什么药?", "百株蚜量超过500头时防治,可选吡虫啉或啶虫脒,注意轮换用药,保护天敌。"),
                 ("大棚{c}夜里温度低,怎么保温?", "加盖草苫或保温被,棚内挂反光膜,阴天也要短时揭苫见光。")],
    Topic.LIVESTOCK: [("{a}拉稀不吃食,怎么处理?", "先隔离病畜,补充口服补液盐,查饲料是否霉变;持续不好请兽医现场诊断。"),
                      ("{a}冬季圈舍怎么通风又保暖?", "白天中午开窗换气,夜间关闭;垫料保持干燥,控制饲养密度。"),
                      ("{a}打完疫苗后发烧正常吗?", "一两天内轻微发热属正常反应,超过三天或精神差需复诊。")],
    Topic.AQUACULTURE: [("鱼塘{f}浮头,是缺氧吗?", "凌晨浮头多为缺氧,立即开增氧机,减少投喂,必要时换注新水。"),
                        ("{f}身上有白点,用什么药?", "疑为小瓜虫病,提高水温并按说明用药,病死鱼及时捞出深埋。")],
    Topic.FORESTRY: [("{t}树流胶严重,怎么治?", "刮除流胶部位后涂石硫合剂,增施有机肥,避免机械损伤。"),
                     ("{t}什么时候修剪最好?", "落叶后至萌芽前冬剪为主,生长季辅以抹芽摘心。")],
    Topic.MACHINERY: [("{m}启动困难是什么原因?", "多为蓄电池亏电或油路进气,先充电,再排空油路空气,检查滤清器。"),
                      ("{m}作业前要做哪些保养?", "检查各部位螺栓,加注润滑油,试运转无异响后再下地。")],
}  # fmt: skip
FILL = {"c": ["小麦", "玉米", "大豆", "番茄", "黄瓜", "大蒜"], "a": ["生猪", "肉牛", "蛋鸡", "山羊"],
        "f": ["草鱼", "鲤鱼", "鲫鱼"], "t": ["桃", "苹果", "葡萄", "梨"], "m": ["收割机", "播种机", "植保无人机"]}  # fmt: skip
TOPIC_WEIGHTS = [(Topic.CROP, 45), (Topic.LIVESTOCK, 25), (Topic.AQUACULTURE, 8), (Topic.FORESTRY, 12),
                 (Topic.MACHINERY, 10)]  # fmt: skip
PSY_QUESTION = (
    "疫情期间居家隔离,整夜睡不着,心里很慌",
    "先做几次缓慢深呼吸;保持规律作息,减少反复刷疫情消息;需要时随时再打热线。",
)


def load(context) -> None:
    rng = random.Random(SEED)
    admin = context.users["admin"]
    farm, psychology = _queues(context, admin)
    experts = _pools(context, admin, farm, psychology)
    cal = current_calendar()
    # the year's calls were answered before kexie: entered in one batch (the bulk service checks
    # and stores what receive → respond → wait → resume → answer → rate would, in a few queries)
    farm_done = services.consultations_record_bulk(
        actor=admin, entries=[_farm_call(rng, experts, cal) for _ in range(FARM_CONSULTATIONS)]
    )
    _psychology_calls(context, rng)
    answered = [c for c in farm_done if c.answer]
    for c in rng.sample(answered, KNOWLEDGE_BASE):
        services.consultation_publish(actor=admin, consultation=c)
    for c in rng.sample([c for c in answered if c.region_id], FIELD_VISITS):
        _field_visit(admin, c)


def _queues(context, admin):
    farm = queue_create(
        actor=admin,
        data={
            "unit": context.city,
            "code": "farm",
            "name": "农技咨询热线",
            "first_response_minutes": 240,
            "resolution_minutes": 900,
        },  # fmt: skip
        members=[admin],
    )
    psychology = queue_create(
        actor=admin,
        data={
            "unit": context.city,
            "code": "psychology",
            "name": "心理援助24小时热线",
            "clock": Clock.ROUND_THE_CLOCK,
            "first_response_minutes": 10,
            "resolution_minutes": 1440,
            "is_sensitive": True,
        },  # fmt: skip
        members=[context.users["xinlixuehui"]],
    )
    return farm, psychology


def _pools(context, admin, farm, psychology) -> dict:
    experts: dict = {}
    for name, title, topic, profile in EXPERTS:
        person = person_create(actor=admin, data={"name": name, "title": title, "is_expert": True, "profile": profile,
                                                  "unit": context.city})  # fmt: skip
        experts.setdefault(topic, []).append(person)
    for topic, _weight in TOPIC_WEIGHTS:
        services.pool_create(actor=admin, topic=topic, queue=farm, experts=experts.get(topic, []))
    services.pool_create(
        actor=admin, topic=Topic.OTHER, queue=farm, experts=[p for ps in experts.values() for p in ps]
    )
    services.pool_create(actor=admin, topic=Topic.PSYCHOLOGY, queue=psychology)
    return experts


def _received_at(rng, cal, channel) -> dt.datetime:
    tz = OFFICE_HOURS.zone
    from zoneinfo import ZoneInfo

    while True:
        day = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(366))
        if channel == Channel.WECHAT or cal.is_working_day(day):  # WeChat messages come on any day
            minute = (
                rng.randrange(8 * 60 + 30, 17 * 60 + 30)
                if channel == Channel.PHONE
                else rng.randrange(7 * 60, 22 * 60)
            )
            return dt.datetime.combine(day, dt.time(minute // 60, minute % 60), ZoneInfo(tz))


def _farm_call(rng, experts, cal) -> dict:
    """One past farm-line call as an entry of the bulk service."""
    channel = Channel.PHONE if rng.random() < 0.7 else Channel.WECHAT
    topic = rng.choices([t for t, _ in TOPIC_WEIGHTS], weights=[w for _, w in TOPIC_WEIGHTS])[0]
    question, answer = rng.choice(QUESTIONS[topic])
    question = question.format(**{k: rng.choice(v) for k, v in FILL.items()})
    received = _received_at(rng, cal, channel)
    region = rng.choice(_counties()) if rng.random() < 0.9 else None
    entry = {
        "channel": channel, "topic": topic, "question": question, "received_at": received, "region": region,
        "caller_name": rng.choice("张王李赵刘孔孟颜") + rng.choice(["先生", "女士", "大爷", "大姐"]),
        "answer": answer,
    }  # fmt: skip
    late = rng.random() < 0.1
    first = deadline(
        received,
        dt.timedelta(minutes=rng.randrange(5, 600 if late else 200)),
        hours=OFFICE_HOURS,
        calendar=cal,
    )
    if rng.random() < 0.12:  # needs photos from the caller: the clocks stand still meanwhile
        resumed = first + dt.timedelta(days=rng.randrange(1, 4))
        entry.update(first_response_at=first, waits=[(first, resumed)])
        first = resumed
    entry["expert"] = rng.choice(experts[topic])
    entry["answered_at"] = _later(first, rng, cal, late)
    if rng.random() < 0.6:
        entry["satisfaction"] = rng.choices([5, 4, 3, 2], weights=[60, 30, 8, 2])[0]
    return entry


def _later(first, rng, cal, late) -> dt.datetime:
    return deadline(
        first, dt.timedelta(minutes=rng.randrange(0, 1200 if late else 300)), hours=OFFICE_HOURS, calendar=cal
    )


_COUNTY_CACHE: list = []


def _counties():
    from kexie.directory.models import Region

    if not _COUNTY_CACHE:
        _COUNTY_CACHE.extend(Region.objects.filter(level="county").order_by("code"))
    return _COUNTY_CACHE


def _psychology_calls(context, rng) -> None:
    from zoneinfo import ZoneInfo

    entries = []
    for _ in range(PSYCHOLOGY_CALLS):
        day = dt.date(YEAR, 2, 1) + dt.timedelta(days=rng.randrange(60))
        received = dt.datetime.combine(
            day, dt.time(rng.randrange(24), rng.randrange(60)), ZoneInfo("Asia/Shanghai")
        )
        entries.append({
            "channel": Channel.PHONE, "topic": Topic.PSYCHOLOGY, "question": PSY_QUESTION[0], "received_at": received,
            "answer": PSY_QUESTION[1], "answered_at": received + dt.timedelta(minutes=rng.randrange(1, 15)),
        })  # fmt: skip
    services.consultations_record_bulk(actor=context.users["xinlixuehui"], entries=entries)


def _field_visit(admin, c) -> None:
    day = c.received_at.date() + dt.timedelta(days=3)
    services.consultation_escalate(
        actor=admin, consultation=c, data={"start_date": min(day, dt.date(YEAR, 12, 31))}
    )
    activity_submit(actor=admin, activity=c.field_visit)
    activity_approve(actor=admin, activity=c.field_visit)
