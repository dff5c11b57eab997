"""宣传与舆情 in the annual review (editable templates; see kexie.core.indicators.ReviewSection)."""

from kexie.core.indicators import ReviewSection, register_section

register_section(ReviewSection(
    code="opinion.publicity", heading="ideology", order=54, module="opinion",
    template=(
        "加强宣传阵地建设,全年在报纸、微信公众号、网站等渠道发布宣传稿件{opinion.articles}篇〔,阅读量{opinion.article_reads}次〕。"
        "加强舆情监测,监测相关信息{opinion.items_monitored}条〔,舆情信息员报送{opinion.informant_items}条〕"
        "〔,触发预警{opinion.alerts}条,按时处置{opinion.handled_on_time}条〕。"
    ),
))  # fmt: skip
