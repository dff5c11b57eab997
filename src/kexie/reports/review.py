"""The annual review (工作综述): built from the modules' section templates and the
indicator registry, organised like the seed: title, opening paragraph, "一、" headings with
"(一)" sub-headings and the year's figures, and a closing part left for staff to write.

`build_review()` returns a `Review` (blocks of text segments and figures); `html` shows
it with each figure linked to its records; `word.write_docx` lays it out as GB/T 9704.
"""

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from kexie.core import indicators
from kexie.core.indicators import REVIEW_HEADINGS, Period, Scope
from kexie.core.officialdoc import chinese_number

PLACEHOLDER = re.compile(r"\{([a-z0-9_.]+?)(\.previous)?(?:\|([a-z_]+)=(@?[^}]+))?\}")
CHART = re.compile(r"^\[\[chart:([a-z0-9_.]+)\]\]$")
OPTIONAL = re.compile(r"〔([^〔〕]*)〕")

OPENING = (
    "{year}年,在市委、市政府坚强领导下,在省科协有力指导下,{unit}坚持以习近平新时代中国特色社会主义思想为指导,"
    "全面履行“四服务”职责,狠抓执行力提升,各项工作取得显著成效。全年经审核的各类活动"
    "{activities.by_county}场次(上年{activities.by_county.previous}场次),参与{activities.participants}人次。"
)
CLOSING_HEADING = "存在的问题和下一步打算"
CLOSING_PLACEHOLDERS = [
    "(存在的问题:由工作人员填写。)",
    "(下一步打算:由工作人员填写{next_year}年工作思路和重点任务。)",
]


@dataclass
class Figure:
    text: str
    code: str
    value: float | int | None
    dimension: str | None = None
    key: str | None = None
    previous: bool = False


@dataclass
class Block:
    kind: str  # title, subtitle, paragraph, heading1, heading2, chart, placeholder
    segments: list = field(default_factory=list)  # str | Figure
    chart: str | None = None  # indicator code of a chart block

    @property
    def text(self) -> str:
        return "".join(s.text if isinstance(s, Figure) else s for s in self.segments)

    @property
    def figures(self) -> list[Figure]:
        return [s for s in self.segments if isinstance(s, Figure)]


@dataclass
class Review:
    title: str
    period: Period
    scope: Scope
    blocks: list[Block]
    values: dict[str, dict]  # indicator code → row (indicators.as_row)

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks if b.kind != "chart")


def format_number(value, unit: str = "") -> str:
    """A figure as the review states it: percentages whole, money (元) from 10,000 on in 万
    (exact decimal arithmetic, two places at most: 600000 → "60万", the template adds "元")."""
    if value is None:
        return "—"
    if unit == "元" and abs(value) >= 10000:
        wan = (Decimal(value) / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return f"{wan.normalize():f}万"
    if unit == "%" or isinstance(value, float):
        return f"{value:.0f}"
    return str(value)


def _resolve(match: re.Match, values: dict[str, dict]) -> Figure:
    code, previous, dimension, key = match.group(1), bool(match.group(2)), match.group(3), match.group(4)
    row = values.get(code)
    if row is None:
        return Figure(text="—", code=code, value=None)
    if dimension is None:
        value = row["previous"] if previous else row["value"]
        return Figure(format_number(value, row["unit"]), code, value, previous=previous)
    if key.startswith("@"):
        labels = row["labels"].get(dimension, {})
        key = next((k for k, label in labels.items() if key[1:] in label), key[1:])
    source = row["previous_breakdown"] if previous else row["breakdown"]
    value = source.get(dimension, {}).get(key, 0)
    return Figure(format_number(value, row["unit"]), code, value, dimension, key, previous)


def area_word(scope: Scope) -> str:
    """ "全市", "全区" or "全县": the whole of the area the review speaks of."""
    region = scope.region
    if region is None:
        unit = scope.org or getattr(scope.user, "unit", None)
        region = getattr(unit, "region", None)
    name = getattr(region, "name", "") or "市"
    return "全" + (name[-1] if name[-1] in "市区县旗" else "市")


def render_line(line: str, values: dict[str, dict], extra: dict[str, str] | None = None) -> list:
    """Segments of one template line. A part in 〔…〕 is optional: it is left out when every
    figure in it is zero or missing (so a sentence never says "与0家省级学会达成合作意向")."""
    for name, text in (extra or {}).items():
        line = line.replace("{" + name + "}", text)
    segments, pos = [], 0
    for match in OPTIONAL.finditer(line):
        segments += _render_plain(line[pos : match.start()], values)
        inner = _render_plain(match.group(1), values)
        if any(isinstance(s, Figure) and s.value for s in inner):
            segments += inner
        pos = match.end()
    return segments + _render_plain(line[pos:], values)


def _render_plain(line: str, values: dict[str, dict]) -> list:
    segments, pos = [], 0
    for match in PLACEHOLDER.finditer(line):
        if match.start() > pos:
            segments.append(line[pos : match.start()])
        segments.append(_resolve(match, values))
        pos = match.end()
    if pos < len(line):
        segments.append(line[pos:])
    return segments


def _has_figures(segments: list) -> bool:
    figures = [s for s in segments if isinstance(s, Figure)]
    return not figures or any(f.value for f in figures)


def _section_blocks(template: str, values: dict[str, dict], extra: dict[str, str]) -> list[Block]:
    blocks = []
    for raw in template.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            blocks.append(Block("heading2", [line[3:].strip()]))
        elif chart := CHART.match(line):
            if chart.group(1) in values:
                blocks.append(Block("chart", chart=chart.group(1)))
        else:
            segments = render_line(line, values, extra)
            if _has_figures(segments):
                blocks.append(Block("paragraph", segments))
    return blocks


def build_review(period: Period, scope: Scope, *, title: str | None = None, progress=None) -> Review:
    """The review of a period and scope; `progress(done, total, line)` (a job's Progress, the
    terminal's bar) hears each indicator before it is computed (indicators.evaluate, one by one)."""
    items = indicators.all_indicators()
    rows = []
    for done, indicator in enumerate(items):
        if progress:
            progress(done, len(items), _("正在计算指标:%(name)s") % {"name": indicator.name})
        rows.append(indicators.as_row(indicator, indicator.compute(period, scope)))
    values = {row["code"]: row for row in rows}
    year = period.last.year
    unit = scope.label if scope.label != "全部" else "市科协"
    blocks = [
        Block("title", [title or "汇聚科技力量 谱写服务新篇"]),
        Block("subtitle", [f"——{period.label}{unit}工作综述"]),
        Block("paragraph", render_line(OPENING, values, {"year": str(year), "unit": unit})),
    ]
    by_heading: dict[str, list] = {}
    for section in indicators.review_sections():
        by_heading.setdefault(section.heading, []).append(section)
    ordered = sorted(
        by_heading, key=lambda h: REVIEW_HEADINGS.get(h, (min(s.order for s in by_heading[h]), h))[0]
    )
    number = 0
    for heading in ordered:
        content = []
        for section in by_heading[heading]:
            content += _section_blocks(section.template, values, {"area": area_word(scope)})
        if not any(b.kind == "paragraph" for b in content):
            continue
        text = REVIEW_HEADINGS.get(heading, (0, heading))[1]
        blocks.append(Block("heading1", [f"{chinese_number(number + 1)}、{text}"]))
        blocks += _drop_empty_subheadings(content)
        number += 1
    blocks.append(Block("heading1", [f"{chinese_number(number + 1)}、{CLOSING_HEADING}"]))
    blocks += [Block("placeholder", [p.replace("{next_year}", str(year + 1))]) for p in CLOSING_PLACEHOLDERS]
    return Review(title=blocks[0].text, period=period, scope=scope, blocks=blocks, values=values)


def _drop_empty_subheadings(blocks: list[Block]) -> list[Block]:
    """Leave out sub-headings with no paragraph under them, then number the rest (一)(二)…"""
    kept, number = [], 0
    for i, block in enumerate(blocks):
        if block.kind == "heading2":
            following = next((b for b in blocks[i + 1 :] if b.kind in ("heading2", "paragraph")), None)
            if following is None or following.kind == "heading2":
                continue
            block = Block("heading2", [f"({chinese_number(number + 1)}){block.text}"])
            number += 1
        kept.append(block)
    return kept
