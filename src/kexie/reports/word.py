"""The annual review as a Word document in the official-document layout (GB/T 9704-2012; see
kexie.core.officialdoc, which the demand booklet uses too)."""

from django.utils.translation import gettext as _

from kexie.core import indicators
from kexie.core.indicators import Period, Scope
from kexie.core.officialdoc import OfficialDocument
from kexie.reports.charts import chart_png
from kexie.reports.review import Review, build_review


def review_document(
    period: Period, scope: Scope, *, title: str | None = None, progress=None
) -> tuple[Review, bytes]:
    """The review and its Word document, as `kexie review` and the review job make them.
    `progress(done, total, line)` counts one step per indicator computed, per chart drawn and
    one for the document: the terminal's bar (kexie.core.jobs.terminal) and a job's progress
    page hear the same steps."""
    report = progress or (lambda done, total, line="": None)
    count = len(indicators.all_indicators())
    review = build_review(
        period, scope, title=title, progress=lambda done, _t, line: report(done, count + 1, line)
    )
    total = count + sum(1 for b in review.blocks if b.kind == "chart") + 1
    data = write_docx(review, progress=lambda done, _t, line: report(count + done, total, line))
    report(total, total, _("已生成"))
    return review, data


def write_docx(review: Review, progress=None) -> bytes:
    """The document; `progress(done, total, line)` hears each chart before it is drawn, then
    the document's writing (charts + 1 steps)."""
    doc = OfficialDocument(title=review.title, subject=f"{review.period.label}工作综述")
    charts = sum(1 for b in review.blocks if b.kind == "chart")
    drawn = 0
    for block in review.blocks:
        text = block.text
        if block.kind == "title":
            doc.title(text)
        elif block.kind == "subtitle":
            doc.subtitle(text)
            doc.body("")
        elif block.kind == "heading1":
            doc.heading1(text)
        elif block.kind == "heading2":
            doc.heading2(text)
        elif block.kind == "chart":
            row = review.values.get(block.chart)
            if progress:
                name = row["name"] if row else block.chart
                progress(drawn, charts + 1, _("正在绘制图表:%(name)s") % {"name": name})
            drawn += 1
            png = chart_png(row) if row else None
            if png is not None:
                doc.picture(png)
        else:
            doc.body(text)
    if progress:
        progress(charts, charts + 1, _("正在生成 Word 文档"))
    return doc.to_bytes()
