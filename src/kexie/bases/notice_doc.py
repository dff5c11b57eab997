"""Word documents of bases (kexie.core.officialdoc): the year's assessment result notice
(考核结果通报: the decided assessments the user sees, grouped by outcome, with each base's score)
and a naming round's naming notice (命名通知: the bases it named, by county)."""

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


def build_naming_notice(*, naming_round, user) -> bytes:
    """关于命名…科普教育基地的通知: the bases the round named (those the user sees)."""
    from kexie.bases.models import BaseDesignation

    call = naming_round.call
    rows = list(
        BaseDesignation.objects.for_user(user)
        .filter(naming_round=naming_round)
        .select_related("designation__organisation__region")
        .order_by("designation__organisation__region__code", "designation__organisation__name")
    )
    level = call.get_honour_level_display()
    issuer = call.higher_body or call.organiser.name
    title = f"关于命名{naming_round.batch}{level}科普教育基地的通知"
    doc = OfficialDocument(title=title, subject="科普教育基地命名")
    doc.title(title)
    doc.body("")
    doc.body("各县市区科协,各有关单位:")
    doc.body(
        f"根据科普教育基地认定管理办法,经单位申报、推荐,形式审查、评审委员会评审和公示,"
        f"{issuer}决定命名以下{len(rows)}家单位为{naming_round.batch}{level}科普教育基地"
        f"{'(' + naming_round.theme + ')' if naming_round.theme else ''},"
        f"有效期自{_day(naming_round.valid_from)}至{_day(naming_round.valid_to)}。"
    )
    doc.heading1(f"{chinese_number(1)}、命名名单")
    region = None
    for n, r in enumerate(rows, start=1):
        org = r.designation.organisation
        if org.region_id and org.region != region:
            region = org.region
            doc.heading2(f"{region.name}")
        doc.body(f"{n}. {org.name}")
    doc.heading1(f"{chinese_number(2)}、有关要求")
    doc.body(
        "被命名单位要充分发挥科普教育基地作用,坚持常年向公众开放,对学生免费或优惠开放,每年报送年度工作情况,接受年度考核。"
    )
    doc.body("考核不合格的,限期整改;整改后仍不合格或有违规行为的,撤销其科普教育基地命名。")
    doc.body("")
    doc.body(issuer)
    if naming_round.document_no:
        doc.body(naming_round.document_no)
    return doc.to_bytes()


def _day(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"
