"""A small hotline for tests and the permission matrix: the city's farm line (crop, livestock,
other) answered by an expert of the psychology society and the county's staff, and the
24-hour psychological-aid line answered by the society's secretary only."""

from kexie.hotline.codes import Topic
from kexie.tickets.models import Clock


def build_hotline(users: dict, orgs: dict) -> dict:
    from kexie.directory.services import person_create
    from kexie.hotline.services import pool_create
    from kexie.testing import _user
    from kexie.tickets.services import queue_create

    admin = users["city_admin"]
    expert_user = _user("farm_expert", orgs["society"], ["viewer"])
    supervisor = _user("psy_supervisor", orgs["society"], ["viewer"])
    farm = queue_create(
        actor=admin,
        data={
            "code": "farm",
            "name": "农技咨询专家组",
            "first_response_minutes": 240,
            "resolution_minutes": 900,
        },
        members=[expert_user, users["county_staff"]],
    )
    psychology = queue_create(
        actor=admin,
        data={
            "code": "psychology",
            "name": "心理援助热线",
            "clock": Clock.ROUND_THE_CLOCK,
            "first_response_minutes": 10,
            "resolution_minutes": 1440,
            "is_sensitive": True,
        },  # fmt: skip
        members=[users["society_secretary"]],
        supervisors=[supervisor],
    )
    wheat = person_create(actor=admin, data={"name": "王麦田", "title": "农技推广研究员", "is_expert": True,
                                             "profile": "小麦 玉米 病虫害 防治 施肥", "unit": orgs["city"]})  # fmt: skip
    pigs = person_create(actor=admin, data={"name": "李养殖", "title": "高级兽医师", "is_expert": True,
                                            "profile": "生猪 养殖 疫病 防控 饲料", "unit": orgs["city"]})  # fmt: skip
    pools = {
        Topic.CROP: pool_create(actor=admin, topic=Topic.CROP, queue=farm, experts=[wheat, pigs]),
        Topic.LIVESTOCK: pool_create(actor=admin, topic=Topic.LIVESTOCK, queue=farm, experts=[pigs]),
        Topic.PSYCHOLOGY: pool_create(actor=admin, topic=Topic.PSYCHOLOGY, queue=psychology),
    }
    return {"farm": farm, "psychology": psychology, "expert_user": expert_user, "supervisor": supervisor,
            "wheat": wheat, "pigs": pigs, "pools": pools}  # fmt: skip
