"""A small innovation world on top of kexie.testing's personas, for tests and examples:
two enterprises (one under 任城区科协, one under 兖州区科协), experts, societies with levels,
and an enterprise user."""

import datetime as dt

from kexie.accounts.roles import Role
from kexie.core.validators import uscc_check_char


def uscc(seq: int, county: str = "370811") -> str:
    first17 = f"91{county}MA{seq:07d}"
    return first17 + uscc_check_char(first17)


def build_innovation_world(world) -> dict:
    from kexie.directory.models import Organisation, Person
    from kexie.directory.services import _refresh_path
    from kexie.innovation.models import ExpertProfile, SocietyProfile
    from kexie.testing import PASSWORD, _user

    def org(name, kind, parent, **extra):
        o = Organisation.objects.create(name=name, kind=kind, parent=parent, **extra)
        _refresh_path(o)
        return o

    orgs = world.orgs
    enterprise = org("济宁智水环境科技有限公司", "enterprise", orgs["rencheng"], uscc=uscc(1))
    other_enterprise = org("兖州重工机械有限公司", "enterprise", orgs["yanzhou"], uscc=uscc(2, "370812"))
    water = org("中国水利学会", "society", orgs["city"])
    SocietyProfile.objects.create(
        society=water,
        level="national",
        discipline="570",
        keywords="水资源、污水处理、节水灌溉、水环境治理",
        achievements="水利工程技术咨询,河湖治理,污水处理工艺",
    )
    machinery = org("山东省机械工程学会", "society", orgs["city"])
    SocietyProfile.objects.create(
        society=machinery,
        level="provincial",
        discipline="460",
        keywords="数控机床、液压传动、智能制造",
        achievements="机械装备设计制造、液压系统",
    )
    experts = {
        "water": Person.objects.create(
            name="王水清", unit=orgs["city"], is_expert=True, discipline="570", title="教授",
            profile="长期从事污水处理与水环境治理研究,膜生物反应器工艺",
        ),
        "machine": Person.objects.create(
            name="李机工", unit=orgs["city"], is_expert=True, discipline="460", title="研究员",
            profile="数控机床可靠性与液压传动系统设计",
        ),
        "yanzhou": Person.objects.create(
            name="赵兖州", unit=orgs["yanzhou"], is_expert=True, discipline="570", title="高级工程师",
            profile="污水处理厂运行优化",
        ),
    }  # fmt: skip
    ExpertProfile.objects.create(person=experts["water"], keywords="污水处理、膜生物反应器、脱氮除磷")
    ExpertProfile.objects.create(person=experts["machine"], keywords="数控机床、液压系统、故障诊断")
    enterprise_user = _user("zhishui_user", enterprise, [Role.EDITOR])
    return {
        "enterprise": enterprise,
        "other_enterprise": other_enterprise,
        "societies": {"water": water, "machinery": machinery},
        "experts": experts,
        "enterprise_user": enterprise_user,
        "password": PASSWORD,
    }


def demand_data(enterprise, **overrides) -> dict:
    data = {
        "enterprise": enterprise,
        "title": "高浓度有机污水处理工艺改进",
        "description": "企业生产废水COD高,现有污水处理工艺脱氮除磷效果差,需要膜生物反应器等新工艺",
        "industry": "节能环保",
        "discipline": "570",
        "keywords": "污水处理、脱氮除磷",
        "budget": 80,
        "deadline": dt.date(2021, 6, 30),
        "contact_name": "张经理",
        "contact_phone": "13905370001",
        "collected_on": dt.date(2020, 5, 12),
    }
    data.update(overrides)
    return data
