"""The hotline in the annual review (editable templates; see kexie.core.indicators.ReviewSection)."""

from kexie.core.indicators import ReviewSection, register_section

register_section(ReviewSection(
    code="hotline.consultations", heading="outreach", order=37, module="hotline",
    template=(
        "开展电话、手机微信咨询服务{hotline.farm_consultations}人次,帮助农民解决农业生产中的技术难题"
        "〔,{hotline.within_service_level}%的咨询在服务时限内解决〕〔,咨询满意度{hotline.satisfaction}分〕"
        "〔,{hotline.field_visits}次咨询转为专家现场服务〕。"
    ),
))  # fmt: skip
