"""The office in the annual review (editable templates; see kexie.core.indicators.ReviewSection)."""

from kexie.core.indicators import ReviewSection, register_section

register_section(ReviewSection(
    code="office.execution", heading="organisation", order=41, module="office",
    template=(
        "推动全面从严治党向纵深发展,落实任务清单,全年到期任务{office.tasks_due}项,按时完成{office.tasks_on_time}项"
        "〔,逾期完成{office.tasks_late}项〕〔,召开学习会、碰头会、党组会{office.meetings}次〕,建立干部执行力档案"
        "〔,选派{office.cadres_outside}名干部参加疫情防控党员突击队和“四进”攻坚行动〕"
        "〔,制定{office.rules_issued}项制度,形成全面制度汇编〕。"
    ),
))  # fmt: skip
