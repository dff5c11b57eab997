"""Volunteers and training in the annual review (editable templates; see kexie.core.indicators.ReviewSection)."""

from kexie.core.indicators import ReviewSection, register_section

register_section(ReviewSection(
    code="volunteers.service", heading="outreach", order=35, module="volunteers",
    template=(
        "{volunteers.volunteers}名志愿者参与志愿服务〔,{volunteers.teams}支志愿服务队〕开展志愿服务活动{volunteers.sessions}场次,"
        "记录服务时长{volunteers.hours}小时〔,其中{volunteers.late_records}条记录超过10个工作日录入〕。"
    ),
))  # fmt: skip

register_section(ReviewSection(
    code="volunteers.training", heading="outreach", order=37, module="volunteers",
    template=(
        "举办科普惠农、专家讲座、党建等培训{volunteers.courses}期,结业学员{volunteers.people_trained}人次"
        "〔,培育了{volunteers.leaders_trained}名基层农技协科普带头人〕。"
    ),
))  # fmt: skip
