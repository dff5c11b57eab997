import pytest

from kexie.core.indicators import Period, Scope, get
from kexie.innovation import patents, ranking


@pytest.fixture
def demo(db):
    from kexie.demo.loader import load_demo
    from kexie.innovation import demo

    ranking.reset()
    patents.reset_index()
    context = load_demo()
    demo.load(context)
    yield context
    ranking.reset()
    patents.reset_index()


def test_demo_figures_match_the_seed_review_and_work(demo):
    from kexie.accounts.models import User

    admin = User.objects.get(username="admin")
    scope = Scope(admin)
    year = Period.year(2020)

    def value(code):
        return get(code).compute(year, scope)

    assert value("innovation.enterprises_visited").value == 10
    assert value("innovation.demands_collected").value == 17
    assert value("innovation.society_intentions").breakdown["level"]["provincial"] == 7
    assert value("innovation.societies_matched").breakdown["level"]["national"] == 11
    assert value("innovation.forums").value == 1
    assert value("innovation.forum_academicians").value == 6
    assert value("innovation.agreements_signed").value == 20
    assert value("innovation.patent_registrations").value >= 20
    assert value("innovation.patent_searches").value > 0
    assert value("innovation.patent_selections").value > 0
    _enterprise_user_searches_and_selects()


def _enterprise_user_searches_and_selects():
    from kexie.accounts.models import User
    from kexie.innovation.demo import ENTERPRISE_USERNAME
    from kexie.innovation.models import Demand, Patent

    assert 150 <= Patent.objects.count() <= 250
    user = User.objects.get(username=ENTERPRISE_USERNAME)
    result = patents.patent_search(actor=user, query=patents.PatentQuery(q="造纸废水"))
    assert result.total > 0
    chosen = patents.selection_list_create(actor=user, name="测试清单")
    patents.patent_select(actor=user, selection_list=chosen, patent=result.patents[0])
    admin = User.objects.get(username="admin")
    demand = Demand.objects.get(title="造纸废水深度处理与回用")
    societies = ranking.societies_for_demand(demand, admin, k=3)
    assert (
        societies[0].obj.name in {"中国环境科学学会", "中国造纸学会", "中国水利学会"}
        and societies[0].explanation
    )
    experts = [r.obj.name for r in ranking.experts_for_demand(demand, admin, k=3)]
    assert experts and experts[0] in {"王水清", "孙立新", "刘纸", "黄环"}


def test_demo_patent_service_reproduces_the_seed_year_and_the_review_states_it(demo):
    from kexie.accounts.models import User
    from kexie.reports.review import build_review

    admin = User.objects.get(username="admin")
    figures = {
        code: get(code).compute(Period.year(2020), Scope(admin)).value
        for code in ("innovation.patent_registrations", "innovation.patent_searches",
                     "innovation.patent_selections", "innovation.patent_savings",
                     "innovation.patent_enterprises_reached")
    }  # fmt: skip
    assert list(figures.values()) == [1241, 2178, 6618, 600000, 150]
    text = build_review(Period.year(2020), Scope(admin)).text
    assert (
        "企业注册数量1241家,专利检索量为2178条,专利遴选量为6618条,节约研发投入60万元,向全市150家企业推广发明专利信息。"
        in text
    )


def test_demo_selection_lists_have_distinct_names_that_say_whose_and_what(demo):
    from kexie.innovation.models import PatentSelectionList

    # The lists the demo enterprises' users made themselves (the platform's usage statement records
    # one list per platform enterprise under the statement's name, see innovation.patent_usage_record).
    made = PatentSelectionList.objects.exclude(created_by__username__startswith="pt")
    lists = list(made.select_related("unit"))
    names = [chosen.name for chosen in lists]
    assert len(lists) == 21 and len(set(names)) == len(names)
    for chosen in lists:
        assert (chosen.unit.short_name or chosen.unit.name) in chosen.name and "2020年" in chosen.name
