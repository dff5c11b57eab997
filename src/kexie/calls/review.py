"""Competitions in the annual review (editable templates; see kexie.core.indicators.ReviewSection)."""

from kexie.core.indicators import ReviewSection, register_section

register_section(ReviewSection(
    code="calls.contests", heading="innovation", order=23, module="calls",
    template=(
        "举办创新创业等竞赛{calls.competitions}项〔,吸引来自{calls.provinces}个省份、{calls.institutions}所参赛高校的"
        "{calls.teams}支参赛队伍〕〔,{calls.participants}名参赛人员参与〕〔,形成{calls.case_studies}份典型案例〕。"
    ),
))  # fmt: skip

register_section(ReviewSection(
    code="calls.youth", heading="outreach", order=37, module="calls",
    template=(
        "青少年品牌科普活动精彩纷呈。〔推荐{calls.recommended_up}件获奖作品参加上级竞赛,〕优秀选手在上级竞赛中获得一等奖{calls.higher_awards|higher_prize=一等奖}项,"
        "二等奖{calls.higher_awards|higher_prize=二等奖}项,三等奖{calls.higher_awards|higher_prize=三等奖}项"
        "〔,斩获省科协主席奖{calls.higher_awards|higher_prize=主席奖}项〕"
        "〔;在国家级竞赛中获奖{calls.higher_results|level=national}项〕。"
    ),
))  # fmt: skip
