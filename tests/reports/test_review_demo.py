"""The demo's 2020 review states the seed's figures, and review, dashboard, API and CLI agree."""

import html
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
    from kexie.bases import demo as bases_demo

    context = runner.load(migrate=False, modules=False)
    bases_demo.load(context)  # the year's base namings go through the call engine
    return context


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
        assert re.search(rf'data-code="{re.escape(code)}">{cli[code]["value"]:,}<', page), code
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


FIGURE_LINK = re.compile(r'<a class="kx-figure" href="([^"]+)">([^<]+)</a>')
SHOWN_VALUE = re.compile(r'id="indicator-value">([^<]+)<')


def _shown(client, url: str) -> str:
    response = client.get(html.unescape(url))
    assert response.status_code == 200, url
    return SHOWN_VALUE.search(response.content.decode()).group(1)


def test_every_figure_of_the_review_page_opens_its_records(demo, client):
    client.force_login(demo.users["admin"])
    page = client.get("/reports/review/").content.decode()  # no ?year=: the demo's latest year, 2020
    assert "2020年济宁市科学技术协会工作综述" in page
    links = FIGURE_LINK.findall(page)
    assert len(links) >= 20 and {"132", "8", "75", "17", "16", "77", "100"} <= {text for _, text in links}
    for url, text in links:
        shown = _shown(client, url)
        # percentages are written without decimals; pages group digits by thousands
        assert f"{float(shown.replace(',', '')):,.0f}" == text, (url, text, shown)
    science_day = next(url for url, text in links if text == "132")
    records = client.get(html.unescape(science_day)).content.decode()
    assert "2020年全国科普日" in records and records.count("<tr>") - 1 == 50  # first page of 132
    assert "下一页" in records


def test_every_dashboard_number_is_a_link_to_the_same_value(demo, client):
    client.force_login(demo.users["admin"])
    page = client.get("/reports/").content.decode()
    assert '<option value="2020" selected>' in page
    cards = re.findall(r'href="([^"]+)" data-code="([^"]+)">([^<]+)<', page)
    assert len(cards) == 9
    for url, _code, text in cards:
        assert _shown(client, url) == text
    previous = re.findall(r'class="kx-previous" href="([^"]+)">([^<]+)<', page)
    assert len(previous) == 9 and all("year=2019" in url for url, _ in previous)
    for url, text in previous:
        assert _shown(client, url) == text
    for table in ("county-table", "campaign-table"):
        body = page.split(f'id="{table}"')[1].split("</table>")[0]
        cells = re.findall(r'<td class="text-end">(.*?)</td>', body, re.S)
        assert cells and all(cell.lstrip().startswith("<a href=") for cell in cells), table
        for url, text in re.findall(r'<td class="text-end"><a href="([^"]+)">([^<]+)</a>', body):
            assert _shown(client, url) == text, (table, url)
    coverage = indicators.get("directory.party_coverage").compute(
        Period.year(2020), Scope(demo.users["admin"])
    )
    assert coverage.previous < coverage.value  # a percentage changes by percentage points, not by per cent
    assert f"+{round(coverage.value - coverage.previous, 1)}个百分点" in page
    assert 'src="/static/vendor/echarts/echarts.min.js"' in page and "cdn" not in page.lower()


def test_cli_without_a_year_takes_the_latest_year_with_records(demo, tmp_path):
    assert _cli()["period"] == _cli(year=2020)["period"]
    out = io.StringIO()
    call_command("review", out=str(tmp_path / "综述.docx"), stdout=out)
    assert "2020年" in out.getvalue() and "标题字体" in out.getvalue()
    assert (tmp_path / "综述.docx").stat().st_size > 10_000
