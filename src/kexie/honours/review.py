"""Honours in the annual review (editable templates; see kexie.core.indicators.ReviewSection)."""

from kexie.core.indicators import ReviewSection, register_section

register_section(ReviewSection(
    code="honours.sci_workers", heading="sci_workers", order=13, module="honours",
    template=(
        "通过宣传、表彰、表扬等手段,切实增强科技工作者获得感〔,为表现突出的{honours.commended}名科技工作者颁奖〕。"
        "大力推荐各类科技人才〔,推荐{honours.recommended|title=@优秀科技工作者}名同志参与山东省优秀科技工作者评选〕"
        "〔,推选{honours.recommendations_successful|title=@淮海科技奖}个项目入选淮海科技奖〕"
        "〔,组织了{honours.recommended|title=@高级}名老科技工作者参评高级专业技术职称,"
        "获批{honours.recommendations_successful|title=@高级}名〕。"
    ),
))  # fmt: skip

register_section(ReviewSection(
    code="honours.from_above", heading="outreach", order=35, module="honours",
    template=(
        "〔{area}{honours.units_commended_from_above}家单位、〕〔{honours.activities_commended_from_above}个活动〕"
        "受到中国科协、省科协表扬。"
    ),
))  # fmt: skip

register_section(ReviewSection(
    code="honours.designations", heading="outreach", order=38, module="honours",
    template="成功推荐{honours.designations|title=@特色单位}家单位成为“全国青少年人工智能活动特色单位”等特色单位,为青少年提供多样的课外活动场地。",
))  # fmt: skip

register_section(ReviewSection(
    code="honours.anti_cult", heading="ideology", order=53, module="honours",
    template="推荐{honours.recommended|title=@反邪教}名反邪教志愿者参加省级评选。",
))  # fmt: skip
