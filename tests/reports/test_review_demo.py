"""The demo's 2020 review states the seed's figures, and review, dashboard, API and CLI agree."""

import io
import json
import re

import pytest
from django.core.management import call_command

from kexie.core import indicators
from kexie.core.indicators import Period, Scope
from kexie.demo import runner
from kexie.reports.params import SystemActor
from kexie.reports.review import build_review


@pytest.fixture
def demo(db):
    return runner.load(migrate=False, modules=False)


def test_demo_review_states_the_seed_figures(demo):
    text = build_review(Period.year(2020), Scope(demo.users["admin"])).text
    assert "实现8家部门协作" in text and "全市上下开展活动132场次" in text
    assert "开展科普宣传活动75场次" in text
    assert "新增命名17家市级、16家省级科普教育基地" in text
    assert "学会党组织覆盖率从77%提升到100%" in text
    assert "学术交流活动23次" in text
    assert text.rstrip().endswith("(下一步打算:由工作人员填写2021年工作思路和重点任务。)")


def _cli(**options) -> dict:
    out = io.StringIO()
    call_command("indicators", json=True, stdout=out, **options)
    return json.loads(out.getvalue())


def test_review_dashboard_api_and_cli_agree(demo, client):
    admin = demo.users["admin"]
    client.force_login(admin)
    cli = {row["code"]: row for row in _cli(year=2020)["indicators"]}
    api = client.get("/api/v1/reports/indicators", {"year": 2020}).json()
    api_rows = {row["code"]: row for row in api["indicators"]}
    assert set(cli) == set(api_rows) == {i.code for i in indicators.all_indicators()}
    for code, row in cli.items():
        assert (row["value"], row["previous"], row["breakdown"]) == (
            api_rows[code]["value"], api_rows[code]["previous"], api_rows[code]["breakdown"]), code  # fmt: skip
    review = build_review(Period.year(2020), Scope(admin))
    for block in review.blocks:
        for figure in block.figures:
            row = cli[figure.code]
            expected = row["previous"] if figure.previous else row["value"]
            if figure.dimension:
                expected = None if figure.previous else row["breakdown"][figure.dimension].get(figure.key, 0)
            if expected is not None:
                assert figure.value == expected, figure
    page = client.get("/reports/", {"year": 2020}).content.decode()
    for code in ("activities.by_county", "activities.pending", "directory.new_outreach_bases"):
        assert re.search(rf'data-code="{re.escape(code)}">{cli[code]["value"]}<', page), code
    science_day = next(k for k, v in api_rows["activities.campaign_activities"]["labels"]["campaign"].items()
                       if v == "2020年全国科普日")  # fmt: skip
    assert cli["activities.campaign_activities"]["breakdown"]["campaign"][science_day] == 132
    assert cli["activities.campaign_departments"]["breakdown"]["campaign"][science_day] == 8


def test_drill_down_lists_exactly_the_counted_records(demo, client):
    client.force_login(demo.users["admin"])
    row = _cli(year=2020, code=["activities.by_county"])["indicators"][0]
    total, seen, url = (
        row["value"],
        0,
        "/api/v1/reports/indicators/activities.by_county/records?year=2020&limit=500",
    )
    while url:
        page = client.get(url).json()
        assert {item["get_status_display"] for item in page["items"]} <= {"已通过"}
        seen += len(page["items"])
        url = page["next"]
    assert seen == total
    county = client.get("/api/v1/reports/indicators/activities.by_county/records",
                        {"year": 2020, "dimension": "county", "key": "370811", "limit": 500}).json()  # fmt: skip
    assert len(county["items"]) == row["breakdown"]["county"]["370811"]
    html = client.get("/reports/records/directory.new_outreach_bases/",
                      {"year": 2020, "dimension": "level", "key": "city"}).content.decode()  # fmt: skip
    assert html.count("<tr>") - 1 == 17 and 'id="indicator-value">17<' in html


def test_county_scope_cli_and_region_filter(demo):
    rencheng = _cli(year=2020, region="370811")
    assert rencheng["scope"]["region"] == "370811"
    rows = {r["code"]: r for r in rencheng["indicators"]}
    city = {r["code"]: r for r in _cli(year=2020)["indicators"]}
    assert (
        rows["activities.by_county"]["value"] == city["activities.by_county"]["breakdown"]["county"]["370811"]
    )
    assert set(rows["activities.by_county"]["breakdown"]["county"]) == {"370811"}
    staff = Scope(demo.users["rencheng"])
    mine = indicators.get("activities.pending").compute(Period.year(2020), staff).value
    everyone = indicators.get("activities.pending").compute(Period.year(2020), Scope(SystemActor())).value
    assert 0 < mine < everyone
