"""The Word review follows GB/T 9704-2012: A4, margins, fonts, fixed line pitch, page numbers."""

import io

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Emu, Pt

from kexie.core import officialdoc
from kexie.core.indicators import Period, Scope
from kexie.demo import runner
from kexie.reports.params import SystemActor
from kexie.reports.review import build_review
from kexie.reports.word import write_docx


@pytest.fixture
def document(db):
    context = runner.load(migrate=False, modules=False)
    return Document(io.BytesIO(write_docx(build_review(Period.year(2020), Scope(context.users["admin"])))))


def _east_asian(paragraph) -> str:
    return paragraph.runs[0]._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_page_layout_is_gb_t_9704(document):
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    assert round(Emu(section.page_width - section.left_margin - section.right_margin).mm) == 156
    assert round(Emu(section.page_height - section.top_margin - section.bottom_margin).mm) == 225
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"


def test_fonts_and_headings(document):
    paragraphs = [p for p in document.paragraphs if p.text]
    title, body = paragraphs[0], paragraphs[2]
    assert title.runs[0].font.size == Pt(22) and _east_asian(title) == "方正小标宋简体"
    assert body.runs[0].font.size == Pt(16) and _east_asian(body) == "仿宋_GB2312"
    assert body.paragraph_format.line_spacing == Pt(28.95)
    heading1 = next(p for p in paragraphs if p.text.startswith("一、"))
    heading2 = next(p for p in paragraphs if p.text.startswith("(一)"))
    assert (_east_asian(heading1), _east_asian(heading2)) == ("黑体", "楷体_GB2312")
    assert any(p.text.startswith("六、存在的问题和下一步打算") for p in paragraphs)


def test_page_numbers_in_the_footer(document):
    section = document.sections[0]
    for footer in (section.footer, section.even_page_footer):
        xml = footer.paragraphs[0]._element.xml
        assert (
            "PAGE" in xml
            and footer.paragraphs[0].text.startswith("— ")
            and footer.paragraphs[0].text.endswith(" —")
        )
        assert footer.paragraphs[0].runs[0].font.size == Pt(14)
    assert round(section.right_margin.mm) == 26


def test_charts_are_embedded_as_pictures(document):
    assert len(document.inline_shapes) == 2


def _font_table(content: bytes) -> dict[str, str | None]:
    """Font name → its w:altName in the document's font table."""
    document = Document(io.BytesIO(content))
    part = next(p for p in document.part.package.iter_parts() if p.partname.endswith("/fontTable.xml"))
    fonts = parse_xml(part.blob)
    return {
        f.get(qn("w:name")): (alt.get(qn("w:val")) if (alt := f.find(qn("w:altName"))) is not None else None)
        for f in fonts.findall(qn("w:font"))
    }


@pytest.mark.parametrize("installed,substitute", [
    ({"方正小标宋简体", "Noto Serif CJK SC"}, None),
    ({"Noto Sans CJK SC", "Noto Serif CJK SC"}, "Noto Serif CJK SC"),  # a serif before a sans
    ({"Noto Sans CJK SC"}, "Noto Sans CJK SC"),
    (set(), "宋体"),
])  # fmt: skip
def test_title_font_falls_back_to_an_installed_cjk_font_and_says_which(
    db, monkeypatch, installed, substitute
):
    monkeypatch.setattr(officialdoc, "installed_cjk_fonts", lambda: frozenset(installed))
    review = build_review(Period.year(2020), Scope(SystemActor()))
    content = write_docx(review)
    table = _font_table(content)
    assert table["方正小标宋简体"] == substitute
    assert (table["仿宋_GB2312"], table["楷体_GB2312"]) == ("仿宋", "楷体")  # what Windows has
    note = officialdoc.title_font_note()
    assert Document(io.BytesIO(content)).core_properties.comments == note
    if substitute:
        assert f"本机未安装,替代字体为{substitute}" in note
    else:
        assert note == "标题字体:方正小标宋简体"


def test_review_page_says_which_title_font(client, monkeypatch, personas):
    monkeypatch.setattr(officialdoc, "installed_cjk_fonts", lambda: frozenset({"Noto Serif CJK SC"}))
    client.force_login(personas["city_admin"])
    page = client.get("/reports/review/", {"year": 2020}).content.decode()
    assert "替代字体为Noto Serif CJK SC" in page
