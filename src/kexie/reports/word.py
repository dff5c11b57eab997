"""The annual review as a Word document in the official-document layout (GB/T 9704-2012; see
kexie.core.officialdoc, which the demand booklet uses too)."""

from kexie.core.officialdoc import OfficialDocument
from kexie.reports.charts import chart_png
from kexie.reports.review import Review


def write_docx(review: Review) -> bytes:
    doc = OfficialDocument(title=review.title, subject=f"{review.period.label}工作综述")
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
            png = chart_png(row) if row else None
            if png is not None:
                doc.picture(png)
        else:
            doc.body(text)
    return doc.to_bytes()
