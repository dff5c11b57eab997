"""《年会技术需求汇编》: the year's technology demands as a Word document, grouped by industry,
in the official-document layout of GB/T 9704-2012.

The layout is kexie.core.officialdoc's, the same as the annual review's.
"""

from kexie.core.masking import mask_phone
from kexie.core.officialdoc import OfficialDocument, chinese_number

__all__ = ["build_booklet", "chinese_number"]


# ------------------------------------------------------------------------------ the booklet


def _grouped(demands) -> list[tuple[str, list]]:
    groups: dict[str, list] = {}
    for demand in demands:
        groups.setdefault(demand.industry or "其他", []).append(demand)
    return sorted(groups.items(), key=lambda item: (item[0] == "其他", item[0]))


def _demand_lines(demand, show_phones: bool) -> list[str]:
    lines = [f"需求单位:{demand.enterprise.name}", f"需求内容:{demand.description}"]
    field = "、".join(x for x in (demand.discipline_name, f"IPC {demand.ipc}" if demand.ipc else "") if x)
    if field:
        lines.append(f"技术领域:{field}")
    if demand.keywords:
        lines.append(f"关键词:{demand.keywords}")
    terms = []
    if demand.budget is not None:
        terms.append(f"预计投入{demand.budget.normalize():f}万元")
    if demand.deadline:
        terms.append(f"期望{demand.deadline:%Y年%-m月}前完成")
    if terms:
        lines.append("合作条件:" + ",".join(terms))
    if demand.contact_name or demand.contact_phone:
        phone = demand.contact_phone if show_phones else mask_phone(demand.contact_phone)
        lines.append(f"联系人:{demand.contact_name} {phone}".rstrip())
    return lines


def build_booklet(*, year: int, user=None, organiser: str = "济宁市科学技术协会") -> bytes:
    """The booklet of a year's demands (confidential ones only when the enterprise allowed it).
    With a user, only demands in their scope; phones masked unless they may see personal data."""
    from kexie.core.scoping import scoped
    from kexie.directory.models import personal_data_visible
    from kexie.innovation.selectors import booklet_demands

    demands = booklet_demands(year)
    if user is not None:
        demands = demands.filter(pk__in=scoped(demands.model, user).values("pk"))
    demands = list(demands)
    doc = OfficialDocument(title=f"{year}年年会技术需求汇编", subject="技术需求汇编")
    doc.title(f"{year}年年会技术需求汇编")
    doc.subtitle(organiser)
    doc.body("")
    groups = _grouped(demands)
    doc.body(
        f"本汇编收录{year}年征集的企业技术需求{len(demands)}项,涉及{len(groups)}个行业,按行业分类编排,供专家、学会和科研单位对接参考。"
    )
    show_phones = personal_data_visible(user)
    for i, (industry, rows) in enumerate(groups, start=1):
        doc.heading1(f"{chinese_number(i)}、{industry}({len(rows)}项)")
        for j, demand in enumerate(rows, start=1):
            doc.heading2(f"({chinese_number(j)}){demand.title}")
            for line in _demand_lines(demand, show_phones):
                doc.body(line)
    return doc.to_bytes()
