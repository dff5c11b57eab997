"""The patent service's figures as the seed reports them: savings reported per selection
(money as Decimal yuan) and the enterprises reached by a promotion meeting."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kexie.core.indicators import Period, Scope, evaluate
from kexie.innovation import patents
from kexie.innovation.models import Patent, PatentSelection
from kexie.innovation.testing import build_innovation_world
from kexie.reports.review import format_number

Y2020 = Period.year(2020)
CODES = ["innovation.patent_registrations", "innovation.patent_searches", "innovation.patent_selections",
         "innovation.patent_savings", "innovation.patent_enterprises_reached"]  # fmt: skip


@pytest.fixture
def inno(world):
    patents.reset_index()
    yield build_innovation_world(world)
    patents.reset_index()


def _at(month, day):
    return timezone.make_aware(dt.datetime(2020, month, day, 10))


def _figures(user, **scope):
    return [r["value"] for r in evaluate(Y2020, Scope(user, **scope), CODES)]


def test_savings_and_enterprises_reached_are_counted(inno, personas, world):
    admin, user = personas["city_admin"], inno["enterprise_user"]
    enterprise, other = inno["enterprise"], inno["other_enterprise"]
    enterprise.region, other.region = world.regions["370811"], world.regions["370812"]
    enterprise.save(), other.save()
    first = Patent.objects.create(publication_no="CN1A", title="污水处理装置", ipc_codes=";C02F3/12;")
    second = Patent.objects.create(publication_no="CN2A", title="污泥脱水机", ipc_codes=";C02F11/12;")
    patents.patent_registration_create(actor=user)
    chosen = patents.selection_list_create(actor=user, name="备选")
    selection = patents.patent_select(
        actor=user, selection_list=chosen, patent=first, saving=Decimal("12000.50")
    )
    patents.patent_select(actor=user, selection_list=chosen, patent=second)
    patents.patent_saving_report(actor=user, selection=PatentSelection.objects.get(patent=second),
                                 saving=Decimal("7999.50"))  # fmt: skip
    PatentSelection.objects.update(at=_at(5, 1))
    from kexie.innovation.models import PatentServiceRegistration

    PatentServiceRegistration.objects.update(registered_at=_at(4, 1))
    patents.patent_promotion_create(
        actor=admin, data={"name": "知识产权助力科技经济融合宣讲会", "held_on": dt.date(2020, 6, 1)},
        enterprises=[enterprise, other],
    )  # fmt: skip
    assert _figures(admin) == [1, 0, 2, 20000, 2]
    assert _figures(admin, region_code="370812") == [0, 0, 0, 0, 1]
    assert selection.saving == Decimal("12000.50")
    with pytest.raises(ValidationError):
        patents.patent_saving_report(actor=user, selection=selection, saving=Decimal("-1"))
    with pytest.raises((PermissionDenied, ValidationError)):
        patents.patent_promotion_create(actor=personas["outsider"], data={"name": "x", "held_on": dt.date(2020, 6, 1)},
                                        enterprises=[enterprise])  # fmt: skip


def test_usage_reported_by_the_platform_is_recorded_in_one_go(inno, personas, world):
    from kexie.accounts.models import User

    admin = personas["city_admin"]
    patent = Patent.objects.create(publication_no="CN3A", title="污水处理装置", ipc_codes=";C02F3/12;")
    user = User.objects.create(username="yanzhou_ent", unit=inno["other_enterprise"])
    usage = patents.PatentUsage(
        user=user, registered_at=_at(3, 1), searches=[(_at(3, 2), "污水"), (_at(3, 3), "污泥")],
        selections=[(_at(3, 4), patent, Decimal("5000"))],
    )  # fmt: skip
    counts = patents.patent_usage_record(actor=admin, usages=[usage], list_name="2020年平台遴选")
    assert counts == {"registrations": 1, "searches": 2, "selections": 1}
    assert _figures(admin) == [1, 2, 1, 5000, 0]
    with pytest.raises(ValidationError):  # registered already: nothing is written twice
        patents.patent_usage_record(actor=admin, usages=[usage], list_name="2020年平台遴选")
    assert _figures(admin) == [1, 2, 1, 5000, 0]
    with pytest.raises((PermissionDenied, ValidationError)):
        patents.patent_usage_record(actor=personas["county_staff"], usages=[usage], list_name="x")


def test_money_is_stated_in_wan_yuan_without_floats():
    assert format_number(600000, "元") == "60万"
    assert format_number(612345, "元") == "61.23万"
    assert format_number(9000, "元") == "9000"
