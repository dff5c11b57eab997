import datetime as dt
import io

import pytest
from django.core.management import call_command
from docx import Document
from docx.shared import Mm, Pt

from kexie.core.officialdoc import LINE_PITCH
from kexie.innovation import ranking, services
from kexie.innovation.booklet import build_booklet, chinese_number
from kexie.innovation.testing import build_innovation_world, demand_data


@pytest.fixture
def demands(world, personas):
    ranking.reset()
    inno = build_innovation_world(world)
    admin = personas["city_admin"]
    ent = inno["enterprise"]
    made = [
        services.demand_create(actor=admin, data=demand_data(ent)),
        services.demand_create(
            actor=admin, data=demand_data(ent, title="数控机床精度提升", industry="装备制造")
        ),
        services.demand_create(actor=admin, data=demand_data(ent, title="保密的工艺", is_confidential=True)),
        services.demand_create(
            actor=admin,
            data=demand_data(ent, title="允许汇编的保密需求", is_confidential=True, allow_in_booklet=True),
        ),
        services.demand_create(
            actor=admin, data=demand_data(ent, title="去年的需求", collected_on=dt.date(2019, 3, 1))
        ),
    ]
    return made


def _texts(doc):
    return [p.text for p in doc.paragraphs]


def test_booklet_structure_and_layout(demands):
    doc = Document(io.BytesIO(build_booklet(year=2020)))
    texts = _texts(doc)
    assert texts[0] == "2020年年会技术需求汇编"
    # grouped by industry, in order, with counts; confidential only when allowed
    assert "一、节能环保(2项)" in texts and "二、装备制造(1项)" in texts
    assert "(一)高浓度有机污水处理工艺改进" in texts and "(二)允许汇编的保密需求" in texts
    assert not any("保密的工艺" in t or "去年的需求" in t for t in texts)
    assert any(t.startswith("联系人:张经理 139****0001") for t in texts)  # phone masked
    section = doc.sections[0]
    for actual, expected in [
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.left_margin, 28),
    ]:
        assert abs(actual - Mm(expected)) < Mm(0.1)
    title_run = doc.paragraphs[0].runs[0]
    assert title_run.font.size == Pt(22)
    body = next(p for p in doc.paragraphs if p.text.startswith("需求单位"))
    assert body.runs[0].font.size == Pt(16) and body.paragraph_format.line_spacing == LINE_PITCH
    qn = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert body.runs[0]._element.rPr.rFonts.get(f"{qn}eastAsia") == "仿宋_GB2312"
    heading = next(p for p in doc.paragraphs if p.text.startswith("一、"))
    assert heading.runs[0]._element.rPr.rFonts.get(f"{qn}eastAsia") == "黑体"
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —") and "PAGE" in footer._element.xml


def test_booklet_command_writes_file(demands, tmp_path):
    out = tmp_path / "汇编.docx"
    call_command("demands", "booklet", "--year", "2020", "--out", str(out))
    assert "一、节能环保(2项)" in _texts(Document(str(out)))


def test_chinese_numbers():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 25)] == ["一", "九", "十", "十一", "二十", "二十五"]
