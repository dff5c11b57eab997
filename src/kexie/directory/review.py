"""The directory's sentences in the annual review (editable templates; see
kexie.core.indicators.ReviewSection for the placeholder syntax)."""

from kexie.core.indicators import ReviewSection, register_section

register_section(ReviewSection(
    code="directory.party", heading="sci_workers", order=10, module="directory",
    template=(
        "以党建促会建,全面加强所属学会党建工作,对新建学会实行“党建前置”程序,学会党组织覆盖率从"
        "{directory.party_coverage.previous}%提升到{directory.party_coverage}%,推动学会党组织更好发挥政治引领作用。"
    ),
))  # fmt: skip

register_section(ReviewSection(
    code="directory.bases", heading="outreach", order=32, module="directory",
    template="\n".join([
        "## 科普阵地建设持续加强",
        "加大科普教育基地建设力度,新增命名{directory.new_outreach_bases|level=city}家市级、"
        "{directory.new_outreach_bases|level=province}家省级科普教育基地,为群众提供更丰富的科普资源。",
    ]),
))  # fmt: skip

register_section(ReviewSection(
    code="directory.organisations", heading="organisation", order=42, module="directory",
    template=(
        "组织体系不断健全,名录在册各类组织{directory.organisations}家,其中科协{directory.organisations|kind=association}家"
        "〔、学会{directory.organisations|kind=society}家〕〔、科普教育基地{directory.organisations|kind=outreach_base}家〕"
        "〔、农技协{directory.organisations|kind=rural_tech_association}家〕;登记科技工作者{directory.people|tag=sci_worker}人"
        "〔、专家{directory.people|tag=expert}人〕〔、志愿者{directory.people|tag=volunteer}人〕。"
    ),
))  # fmt: skip
