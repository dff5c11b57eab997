"""Funded projects in the annual review (editable templates; see kexie.core.indicators.ReviewSection)."""

from kexie.core.indicators import ReviewSection, register_section

register_section(ReviewSection(
    code="funds.money", heading="outreach", order=36, module="funds",
    template=(
        "大力争取科普资金〔,争取省级科普行动计划资金{funds.won|kind=provincial_action}万元,"
        "培养科普项目{funds.won_projects|kind=provincial_action}个〕〔。争取省级科普示范工程项目"
        "{funds.won_projects|kind=demonstration}个,资金{funds.won|kind=demonstration}万元〕〔。同时,配套"
        "{funds.given|kind=grassroots}万元基层科普行动计划资金,支持我市{funds.given_units|kind=grassroots}个农技协、基地建设〕。"
    ),
))  # fmt: skip
