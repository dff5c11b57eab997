"""The literacy survey's sentence in the annual review (an editable template; see
kexie.core.indicators.ReviewSection for the placeholder syntax)."""

from kexie.core.indicators import ReviewSection, register_section

register_section(ReviewSection(
    code="literacy.survey", heading="outreach", order=31, module="literacy",
    template="\n".join([
        "全面推动《全民科学素质行动规划纲要》实施工作,组织开展公民科学素质抽样调查,对{area}"
        "{literacy.county_count}个县市区的{literacy.sample_size}个有效调查样本进行测评,"
        "经加权估计,公民具备科学素质的比例为{literacy.rate}%,平均得分{literacy.mean_score}分。",
        "[[chart:literacy.rate]]",
    ]),
))  # fmt: skip
