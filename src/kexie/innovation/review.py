"""科技经济融合 in the annual review (editable templates; see kexie.core.indicators.ReviewSection)."""

from kexie.core.indicators import ReviewSection, register_section

register_section(ReviewSection(
    code="innovation.demands", heading="innovation", order=24, module="innovation",
    template="\n".join([
        "## 科技经济融合不断深化",
        "做好科技经济融合文章,深入{innovation.enterprises_visited}家企业实地调研,梳理{innovation.demands_collected}项技术需求,"
        "形成了《年会技术需求汇编》〔,与{innovation.society_intentions|level=provincial}家省级学会达成合作意向〕。",
        "组织召开院士恳谈会、产学研合作会等对接活动{innovation.forums}场〔,邀请院士专家{innovation.forum_academicians}位〕"
        "〔,确定了{innovation.agreements_signed}项签约项目〕。",
        "发动县区摸排产业需要〔,精准对接{innovation.societies_matched|level=national}家国家级学会〕"
        "〔,{innovation.intentions}项技术需求达成合作意向〕。",
    ]),
))  # fmt: skip

register_section(ReviewSection(
    code="innovation.patents", heading="innovation", order=26, module="innovation",
    template=(
        "依托专利信息推广应用工作,企业注册数量{innovation.patent_registrations}家,"
        "专利检索量为{innovation.patent_searches}条,专利遴选量为{innovation.patent_selections}条"
        "〔,节约研发投入{innovation.patent_savings}元〕〔,向{area}{innovation.patent_enterprises_reached}家企业推广发明专利信息〕。"
    ),
))  # fmt: skip
