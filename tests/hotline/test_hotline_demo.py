"""The demo's hotline: the seed's 630 phone and WeChat consultations, entered through the services."""

from kexie.core.indicators import Period, Scope, get


def test_demo_reproduces_the_seed_consultations(db):
    from kexie.demo.loader import load_demo
    from kexie.hotline import demo
    from kexie.reports.review import build_review

    context = load_demo()
    demo.load(context)
    scope = Scope(context.users["admin"])
    year = Period.year(2020)
    assert get("hotline.farm_consultations").compute(year, scope).value == 630
    assert get("hotline.field_visits").compute(year, scope).value == demo.FIELD_VISITS
    sla = get("hotline.within_service_level").compute(year, scope).value
    assert 50 < sla < 100
    assert 3 < get("hotline.satisfaction").compute(year, scope).value <= 5
    text = build_review(year, scope).text
    assert "开展电话、手机微信咨询服务630人次,帮助农民解决农业生产中的技术难题" in text
