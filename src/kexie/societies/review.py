"""Societies and county associations in the annual review (editable templates; see
kexie.core.indicators.ReviewSection). Party coverage has its sentence in the directory's."""

from kexie.core.indicators import ReviewSection, register_section

register_section(ReviewSection(
    code="societies.grassroots", heading="organisation", order=43, module="societies",
    template=(
        "扎实做好提升基层科协组织力“3+1”工作,以团结吸纳“基层三长”(医院院长、学校校长、农技站站长)为突破口"
        "〔,“基层三长”覆盖率达到{societies.grassroots_coverage}%〕〔,指导{societies.term_renewals}家县级科协和学会成功换届〕。"
    ),
))  # fmt: skip

register_section(ReviewSection(
    code="societies.governance", heading="organisation", order=44, module="societies",
    template=(
        "规范学会管理,建立“优进劣出、能上能下”的学会管理机制〔,{societies.annual_reports}家学会按时报送年度报告〕"
        "〔,{societies.evaluated}家学会完成等级评估〕〔,对{societies.rectifications}家不履行职责的学会组织进行了限期整改〕。"
    ),
))  # fmt: skip
