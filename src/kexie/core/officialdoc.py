"""Word documents in the layout of Chinese official documents (GB/T 9704-2012, 党政机关公文格式).

One layout for every document kexie writes (the annual review, the demand booklet, …):
A4; top margin 37 mm, left 28 mm, type area 156 × 225 mm (right 26 mm, bottom 35 mm); 22 lines
of 28 characters: body 仿宋 3号 (16 pt, condensed 0.25 pt) at a fixed line pitch of 28.95 pt;
title 小标宋 2号 (22 pt); "一、" headings 黑体, "(一)" headings 楷体; page numbers "— 1 —" in
宋体 4号 (14 pt), right on odd pages and left on even pages, one character in.

East Asian font names are set through w:eastAsia (Word does not use the ascii name for CJK
text). Fonts are named, not embedded. 方正小标宋简体 is not on every computer: the document's
font table names a substitute for it — the first CJK serif (or bold) font installed where the
document is written — and 仿宋 / 楷体 for the GB2312 fonts Windows lacks; `title_font_note()`
says which, for the page and the document properties.
"""

import functools
import io
import shutil
import subprocess
from xml.sax.saxutils import quoteattr

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
# The title's substitute when TITLE_FONT is missing: the first of these CJK serif (or, failing
# those, bold) fonts installed on the machine that writes the document, else "宋体".
TITLE_FALLBACK_FONTS = (
    "方正小标宋_GBK", "华文中宋", "STZhongsong", "宋体", "SimSun", "Noto Serif CJK SC", "Noto Serif SC",
    "Source Han Serif SC", "Source Han Serif CN", "AR PL UMing CN", "黑体", "SimHei", "Noto Sans CJK SC",
    "Source Han Sans SC", "WenQuanYi Zen Hei",
)  # fmt: skip
DEFAULT_TITLE_FALLBACK = "宋体"
# w:altName of the fonts in the document's font table: what Word uses when a font is missing
# (Windows has 仿宋 and 楷体, not their GB2312 versions).
ALT_NAMES = {BODY_FONT: "仿宋", HEADING2_FONT: "楷体"}
LATIN_FONT = "Times New Roman"
LINE_PITCH = Pt(28.95)  # 22 lines in the 225 mm type area
BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
PAGE_NUMBER_SIZE = Pt(14)  # 4号
CHAR_CONDENSE_TWIPS = -5  # 1/20 pt: 16 pt − 0.25 pt ≈ 156 mm / 28

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五 (up to 99): the numbers of "一、" and "(一)" headings."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


@functools.cache
def installed_cjk_fonts() -> frozenset[str]:
    """Family names of the Chinese fonts installed here (fontconfig), empty if unknown."""
    if shutil.which("fc-list") is None:
        return frozenset()
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(",") if name.strip())


def title_font_substitute() -> str | None:
    """The font standing in for TITLE_FONT, None when TITLE_FONT is installed here."""
    installed = installed_cjk_fonts()
    if TITLE_FONT in installed:
        return None
    return next((f for f in TITLE_FALLBACK_FONTS if f in installed), DEFAULT_TITLE_FALLBACK)


def title_font_note() -> str:
    """Which font the title is in, said to the user (pages, command line, document properties)."""
    substitute, font = title_font_substitute(), TITLE_FONT
    if substitute is None:
        return f"标题字体:{font}"
    return f"标题字体:{font}(本机未安装,替代字体为{substitute};装有{font}的电脑仍用{font}显示)"


def set_fonts(run, east_asian: str, size, *, bold: bool = False) -> None:
    run.font.size = size
    run.font.bold = bold
    run.font.name = LATIN_FONT
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)
    if size == BODY_SIZE:  # 28 characters in 156 mm: each 16 pt character condensed by 0.25 pt
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(CHAR_CONDENSE_TWIPS))
        size_element = rpr.find(qn("w:sz"))
        if size_element is not None:
            size_element.addprevious(spacing)
        else:
            rpr.append(spacing)


class OfficialDocument:
    """A python-docx Document laid out per GB/T 9704, with one method per kind of paragraph."""

    def __init__(self, *, title: str = "", subject: str = "") -> None:
        self.document = Document()
        self._page_setup()
        self._footers()
        self._font_table()
        properties = self.document.core_properties
        properties.title, properties.subject, properties.comments = title, subject, title_font_note()

    # -- paragraphs

    def paragraph(self, text: str, font: str = BODY_FONT, size=BODY_SIZE, *, align=None, indent: bool = True):
        paragraph = self.document.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE_PITCH if size.pt <= BODY_SIZE.pt else Pt(size.pt * 1.5)
        fmt.space_before = fmt.space_after = Pt(0)
        if indent:
            fmt.first_line_indent = Pt(BODY_SIZE.pt * 2)
        if align is not None:
            paragraph.alignment = align
        set_fonts(paragraph.add_run(text), font, size)
        return paragraph

    def title(self, text: str):
        return self.paragraph(text, TITLE_FONT, TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)

    def subtitle(self, text: str):
        return self.paragraph(text, HEADING2_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)

    def heading1(self, text: str):
        paragraph = self.paragraph(text, HEADING1_FONT, BODY_SIZE)
        paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def heading2(self, text: str):
        paragraph = self.paragraph(text, HEADING2_FONT, BODY_SIZE)
        paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def body(self, text: str):
        return self.paragraph(text)

    def picture(self, png: bytes, *, width_mm: float = 150) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()

    # -- layout

    def _page_setup(self) -> None:
        section = self.document.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance, section.footer_distance = Mm(15), Mm(25)
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            section._sectPr.append(grid)
        grid.set(qn("w:type"), "lines")  # 22 lines a page; 28 characters a line come from the run spacing
        grid.set(qn("w:linePitch"), str(int(LINE_PITCH.pt * 20)))
        normal = self.document.styles["Normal"]
        normal.font.size = BODY_SIZE
        normal.font.name = LATIN_FONT
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    def _page_number(self, paragraph, align) -> None:
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.left_indent = fmt.right_indent = Pt(PAGE_NUMBER_SIZE.pt)  # "空一字"
        set_fonts(paragraph.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        begin = paragraph.add_run()
        set_fonts(begin, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        for tag, kind in (("w:fldChar", "begin"), ("w:instrText", None), ("w:fldChar", "separate")):
            element = OxmlElement(tag)
            if kind:
                element.set(qn("w:fldCharType"), kind)
            else:
                element.set(qn("xml:space"), "preserve")
                element.text = " PAGE "
            begin._element.append(element)
        set_fonts(paragraph.add_run("1"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        end = paragraph.add_run()
        fld_end = OxmlElement("w:fldChar")
        fld_end.set(qn("w:fldCharType"), "end")
        end._element.append(fld_end)
        set_fonts(paragraph.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)

    def _footers(self) -> None:
        self.document.settings.odd_and_even_pages_header_footer = True
        section = self.document.sections[0]
        self._page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
        self._page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)

    def _font_table(self) -> None:
        """Declare the CJK fonts (GB2312 character set) with their alternative names, so that a
        computer without one substitutes the named alternative."""
        package = self.document.part.package
        part = next(p for p in package.iter_parts() if p.partname.endswith("/fontTable.xml"))
        substitute = title_font_substitute()
        alternatives = {**ALT_NAMES, **({TITLE_FONT: substitute} if substitute else {})}
        entries = "".join(
            f"<w:font w:name={quoteattr(name)}>"
            + (f"<w:altName w:val={quoteattr(alternatives[name])}/>" if name in alternatives else "")
            + f'<w:charset w:val="86"/><w:family w:val="{"swiss" if name == HEADING1_FONT else "roman"}"/>'
            + '<w:pitch w:val="variable"/></w:font>'
            for name in dict.fromkeys((TITLE_FONT, BODY_FONT, HEADING1_FONT, HEADING2_FONT, PAGE_NUMBER_FONT))
        )  # fmt: skip
        part._blob = part.blob.replace(b"</w:fonts>", entries.encode() + b"</w:fonts>")
