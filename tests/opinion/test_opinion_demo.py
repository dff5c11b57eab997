"""The demo's publicity and monitoring: stored sample items (no network), alerts, articles, the review."""

from kexie.core.indicators import Period, Scope, get


def test_demo_loads_items_alerts_and_articles(db):
    from kexie.demo.loader import load_demo
    from kexie.opinion import demo
    from kexie.opinion.models import Alert, Cluster, Item
    from kexie.reports.review import build_review

    context = load_demo()
    demo.load(context)
    assert Item.objects.unscoped(reason="test").count() >= len(demo.STORIES)
    assert Cluster.objects.unscoped(reason="test").filter(copies__gte=2).exists()
    assert Alert.objects.unscoped(reason="test").exists()
    scope = Scope(context.users["admin"])
    year = Period.year(2020)
    assert get("opinion.articles").compute(year, scope).value == demo.NEWSPAPER_PAGES + demo.WECHAT_POSTS
    text = build_review(year, scope).text
    assert f"发布宣传稿件{demo.NEWSPAPER_PAGES + demo.WECHAT_POSTS}篇" in text
