"""Bases and venues in the annual review (editable templates; see kexie.core.indicators.ReviewSection)."""

from kexie.core.indicators import ReviewSection, register_section

register_section(ReviewSection(
    code="bases.venues", heading="outreach", order=33, module="bases",
    template=(
        "现代化科技馆体系初具规模,全市共有科普场馆{bases.venues}个〔,其中特色科普场馆{bases.venues|kind=special}个〕"
        "〔,全年接待观众{bases.visitors}人次〕。"
        "〔在册科普教育基地{bases.held}家〕〔,年度考核{bases.assessed}家,其中优秀{bases.assessed|outcome=excellent}家〕"
        "〔,撤销命名{bases.revoked}家〕。"
    ),
))  # fmt: skip
