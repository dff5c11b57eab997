"""《年会技术需求汇编》: the year's technology demands as a Word document, grouped by industry,
in the official-document layout of GB/T 9704-2012.

Layout (same figures as kexie.reports.word, which writes the annual review): A4; margins top 37 mm,
bottom 35 mm, left 28 mm, right 26 mm; title 小标宋 2号 (22 pt) with 宋体 as the fallback font
named in the run's font table; body 仿宋 3号 (16 pt) at a fixed 29 pt line pitch; "一、" headings
黑体, "(一)" headings 楷体; page numbers "— 1 —" in 宋体 4号, right on odd and left on even pages.

`OfficialDocument` below holds the layout only and has no innovation import, so it can move to a
shared module (e.g. kexie/core/docx_layout.py) once the annual review uses the same helpers.
"""

import io

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from kexie.core.masking import mask_phone

TITLE_FONT = "方正小标宋简体"
TITLE_FALLBACK_FONT = "宋体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
LINE_PITCH = Pt(29)
BODY_SIZE = Pt(16)
TITLE_SIZE = Pt(22)
PAGE_NUMBER_SIZE = Pt(14)

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五 (up to 99)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


class OfficialDocument:
    """A python-docx Document set up per GB/T 9704 with helpers for its paragraph kinds."""

    def __init__(self) -> None:
        self.document = Document()
        self._page_setup()
        self._footers()

    def _page_setup(self) -> None:
        section = self.document.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance, section.footer_distance = Mm(15), Mm(25)
        normal = self.document.styles["Normal"]
        normal.font.size = BODY_SIZE
        normal.font.name = LATIN_FONT
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    @staticmethod
    def fonts(run, east_asian: str, size, *, bold: bool = False) -> None:
        run.font.size = size
        run.font.bold = bold
        run.font.name = LATIN_FONT
        fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(attr), LATIN_FONT)
        fonts.set(qn("w:eastAsia"), east_asian)

    def paragraph(self, text: str, font: str = BODY_FONT, size=BODY_SIZE, *, align=None, indent: bool = True,
                  bold: bool = False):  # fmt: skip
        paragraph = self.document.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE_PITCH if size.pt <= BODY_SIZE.pt else Pt(size.pt * 1.5)
        fmt.space_before = fmt.space_after = Pt(0)
        if indent:
            fmt.first_line_indent = Pt(BODY_SIZE.pt * 2)
        if align is not None:
            paragraph.alignment = align
        self.fonts(paragraph.add_run(text), font, size, bold=bold)
        return paragraph

    def title(self, text: str):
        return self.paragraph(text, TITLE_FONT, TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)

    def subtitle(self, text: str):
        return self.paragraph(text, HEADING2_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)

    def heading1(self, text: str):
        return self.paragraph(text, HEADING1_FONT, BODY_SIZE)

    def heading2(self, text: str):
        return self.paragraph(text, HEADING2_FONT, BODY_SIZE)

    def body(self, text: str):
        return self.paragraph(text)

    def _page_number(self, paragraph, align) -> None:
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.left_indent = fmt.right_indent = Pt(PAGE_NUMBER_SIZE.pt)  # "空一字"
        self.fonts(paragraph.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        begin = paragraph.add_run()
        self.fonts(begin, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        for tag, kind in (("w:fldChar", "begin"), ("w:instrText", None), ("w:fldChar", "separate")):
            element = OxmlElement(tag)
            if kind:
                element.set(qn("w:fldCharType"), kind)
            else:
                element.set(qn("xml:space"), "preserve")
                element.text = " PAGE "
            begin._element.append(element)
        self.fonts(paragraph.add_run("1"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        end = paragraph.add_run()
        fld_end = OxmlElement("w:fldChar")
        fld_end.set(qn("w:fldCharType"), "end")
        end._element.append(fld_end)
        self.fonts(paragraph.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)

    def _footers(self) -> None:
        self.document.settings.odd_and_even_pages_header_footer = True
        section = self.document.sections[0]
        self._page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
        self._page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)

    def _declare_fallbacks(self) -> None:
        """Names 宋体 as the alternative of 小标宋 in the font table (w:altName), which Word uses
        when the title font is not installed."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.oxml import parse_xml

        part = next(
            (r.target_part for r in self.document.part.rels.values() if r.reltype == RT.FONT_TABLE), None
        )
        if part is None:
            return
        root = parse_xml(part.blob)
        font = OxmlElement("w:font")
        font.set(qn("w:name"), TITLE_FONT)
        alt = OxmlElement("w:altName")
        alt.set(qn("w:val"), TITLE_FALLBACK_FONT)
        font.append(alt)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")
        font.append(charset)
        root.append(font)
        from lxml import etree

        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def to_bytes(self) -> bytes:
        self._declare_fallbacks()
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


# ------------------------------------------------------------------------------ the booklet


def _grouped(demands) -> list[tuple[str, list]]:
    groups: dict[str, list] = {}
    for demand in demands:
        groups.setdefault(demand.industry or "其他", []).append(demand)
    return sorted(groups.items(), key=lambda item: (item[0] == "其他", item[0]))


def _demand_lines(demand, show_phones: bool) -> list[str]:
    lines = [f"需求单位:{demand.enterprise.name}", f"需求内容:{demand.description}"]
    field = "、".join(x for x in (demand.discipline_name, f"IPC {demand.ipc}" if demand.ipc else "") if x)
    if field:
        lines.append(f"技术领域:{field}")
    if demand.keywords:
        lines.append(f"关键词:{demand.keywords}")
    terms = []
    if demand.budget is not None:
        terms.append(f"预计投入{demand.budget.normalize():f}万元")
    if demand.deadline:
        terms.append(f"期望{demand.deadline:%Y年%-m月}前完成")
    if terms:
        lines.append("合作条件:" + ",".join(terms))
    if demand.contact_name or demand.contact_phone:
        phone = demand.contact_phone if show_phones else mask_phone(demand.contact_phone)
        lines.append(f"联系人:{demand.contact_name} {phone}".rstrip())
    return lines


def build_booklet(*, year: int, user=None, organiser: str = "济宁市科学技术协会") -> bytes:
    """The booklet of a year's demands (confidential ones only when the enterprise allowed it).
    With a user, only demands in their scope; phones masked unless they may see personal data."""
    from kexie.core.scoping import scoped
    from kexie.directory.models import personal_data_visible
    from kexie.innovation.selectors import booklet_demands

    demands = booklet_demands(year)
    if user is not None:
        demands = demands.filter(pk__in=scoped(demands.model, user).values("pk"))
    demands = list(demands)
    doc = OfficialDocument()
    doc.title(f"{year}年年会技术需求汇编")
    doc.subtitle(organiser)
    doc.body("")
    groups = _grouped(demands)
    doc.body(
        f"本汇编收录{year}年征集的企业技术需求{len(demands)}项,涉及{len(groups)}个行业,按行业分类编排,供专家、学会和科研单位对接参考。"
    )
    show_phones = personal_data_visible(user)
    for i, (industry, rows) in enumerate(groups, start=1):
        doc.heading1(f"{chinese_number(i)}、{industry}({len(rows)}项)")
        for j, demand in enumerate(rows, start=1):
            doc.heading2(f"({chinese_number(j)}){demand.title}")
            for line in _demand_lines(demand, show_phones):
                doc.body(line)
    return doc.to_bytes()
