"""The year's assessment result notice (考核结果通报) as a Word document (kexie.core.officialdoc):
the decided assessments the user sees, grouped by outcome, with each base's score."""

from kexie.bases.codes import AssessmentOutcome, AssessmentStatus
from kexie.bases.models import Assessment
from kexie.core.officialdoc import OfficialDocument, chinese_number


def build_assessment_notice(*, year: int, user) -> bytes:
    rows = list(
        Assessment.objects.for_user(user)
        .filter(year=year, status=AssessmentStatus.DECIDED)
        .select_related("base_designation__designation__organisation")
        .order_by("-score", "base_designation__designation__organisation__name")
    )
    unit = getattr(getattr(user, "unit", None), "name", "")
    title = f"关于{year}年度科普教育基地考核结果的通报"
    doc = OfficialDocument(title=title, subject="科普教育基地年度考核")
    doc.title(title)
    doc.body("")
    doc.body(
        f"根据科普教育基地年度考核办法,{unit}对{year}年度在册科普教育基地进行了考核,"
        f"共考核{len(rows)}家。现将考核结果通报如下:"
    )
    n = 0
    for outcome in AssessmentOutcome:
        group = [a for a in rows if a.outcome == outcome]
        if not group:
            continue
        n += 1
        doc.heading1(f"{chinese_number(n)}、{outcome.label}({len(group)}家)")
        for a in group:
            d = a.base_designation.designation
            line = f"{d.organisation.name}({d.get_level_display()},得分{a.score})"
            if a.note:
                line += f":{a.note}"
            doc.body(line)
    doc.body(
        "考核结果为“整改”的基地,应于三个月内完成整改并报送整改情况;考核结果为“撤销”的,撤销其科普教育基地命名。"
    )
    doc.body(unit)
    return doc.to_bytes()
