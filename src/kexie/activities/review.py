"""The activity ledger's sentences in the annual review (editable templates; see
kexie.core.indicators.ReviewSection for the placeholder syntax)."""

from kexie.core.indicators import ReviewSection, register_section

register_section(ReviewSection(
    code="activities.sci_worker_day", heading="sci_workers", order=12, module="activities",
    template=(
        "“全国科技工作者日”期间,精心策划系列活动,{area}开展庆祝和表扬活动"
        "{activities.campaign_activities|campaign=@全国科技工作者日}场次,"
        "〔{activities.campaign_counties|campaign=@全国科技工作者日}个县市区同频共振,〕"
        "营造了关心科技工作者和尊重科技工作者的良好社会氛围。"
    ),
))  # fmt: skip

register_section(ReviewSection(
    code="activities.academic", heading="innovation", order=22, module="activities",
    template="搭建高端学术交流平台,指导所属学会召开各类学术交流活动{activities.academic_exchange}次。",
))  # fmt: skip

register_section(ReviewSection(
    code="activities.outreach", heading="outreach", order=34, module="activities",
    template="\n".join([
        "## 群众性科普活动蓬勃开展",
        "持续开展“文明创城、科普先行”科普公益活动,科普志愿服务队在广场、社区等公共场所开展科普宣传活动"
        "{activities.volunteer_service}场次,助力全国文明城市创建工作。",
        "精心组织“全国科普日”系列活动,〔实现{activities.campaign_departments|campaign=@全国科普日}家部门协作、"
        "市县科协联动的局面,〕{area}上下开展活动{activities.campaign_activities|campaign=@全国科普日}场次,"
        "覆盖{activities.campaign_counties|campaign=@全国科普日}个县市区。",
        "全年经审核的科普活动{activities.outreach}场次(上年{activities.outreach.previous}场次),"
        "各类活动参与{activities.participants}人次,受益{activities.beneficiaries}人次,"
        "志愿者参与服务{activities.volunteers}人次。",
        "[[chart:activities.by_month]]",
        "[[chart:activities.by_county]]",
    ]),
))  # fmt: skip

register_section(ReviewSection(
    code="activities.training", heading="outreach", order=36, module="activities",
    template="\n".join([
        "## 科技助力乡村振兴取得新成效",
        "开展农业技术培训和咨询服务,全年举办各类培训{activities.training}场次,"
        "〔其中科普惠农活动{activities.by_kind|kind=outreach.rural}场次〕。",
    ]),
))  # fmt: skip

register_section(ReviewSection(
    code="activities.anti_cult", heading="ideology", order=52, module="activities",
    template="创新反邪教活动形式,编排群众喜闻乐见的文艺节目,在{area}巡回演出{activities.anti_cult}场次。",
))  # fmt: skip
