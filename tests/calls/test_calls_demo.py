"""The demo's calls, honours and competitions reproduce the seed review's figures, through the
services, and the annual review states them."""

import time

import pytest

from kexie.core.indicators import Period, Scope, get


@pytest.fixture
def demo(db):
    from kexie.calls import demo as calls_demo
    from kexie.demo.loader import load_demo

    context = load_demo()
    started = time.perf_counter()
    calls_demo.load(context)
    return context, time.perf_counter() - started


def _values(admin):
    scope, year = Scope(admin), Period.year(2020)
    return lambda code: get(code).compute(year, scope)


def test_the_seed_figures_and_the_review_sentences(demo):
    context, elapsed = demo
    if True:
        value = _values(context.users["admin"])
        assert value("honours.commended").value == 30
        assert value("honours.recommended").breakdown["title"]["山东省优秀科技工作者"] == 2
        assert value("honours.recommendations_successful").breakdown["title"]["淮海科技奖"] == 4
        senior = "老科技工作者高级专业技术职称评审"
        assert value("honours.recommended").breakdown["title"][senior] == 12
        assert value("honours.recommendations_successful").breakdown["title"][senior] == 12
        assert value("honours.recommended").breakdown["title"]["山东省“十佳”反邪教志愿者评选"] == 5
        assert value("honours.units_commended_from_above").value == 5
        assert value("honours.activities_commended_from_above").value == 12
        assert value("honours.designations").value == 4
        assert value("calls.teams").value == 1180
        assert value("calls.institutions").value == 71
        assert value("calls.provinces").value == 14
        assert value("calls.participants").value >= 5000
        cases = value("calls.case_studies")  # "形成10余份创新人才典型案例、创新项目典型案例"
        assert 10 < cases.value < 20 and cases.breakdown["prize"] == {"talent": 6, "project": 6}
        higher = value("calls.higher_awards").breakdown["higher_prize"]
        assert higher == {"一等奖": 24, "二等奖": 41, "三等奖": 35, "主席奖": 1}
        assert value("calls.competitions").value == 6
    print(f"calls demo: {elapsed:.1f} s")
    _the_review_states_them(context)


def _the_review_states_them(context):
    from kexie.reports.review import build_review

    if True:
        text = build_review(Period.year(2020), Scope(context.users["admin"])).text
    for phrase in ("为表现突出的30名科技工作者颁奖", "推荐2名同志参与山东省优秀科技工作者评选", "推选4个项目入选淮海科技奖",
                   "组织了12名老科技工作者参评高级专业技术职称,获批12名", "14个省份、71所参赛高校的1180支参赛队伍", "形成12份典型案例",
                   "一等奖24项,二等奖41项,三等奖35项", "省科协主席奖1项", "5家单位", "12个活动", "推荐5名反邪教志愿者",
                   "4家单位成为“全国青少年人工智能活动特色单位”"):  # fmt: skip
        assert phrase in text, phrase
