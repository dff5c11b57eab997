"""Import and export (kexie.core.imports) of the societies module:

- `party_records` (党组织年度情况): a society's party organisation in one year, written on the
  directory's yearly record through `services.party_record_set` — the one source of
  directory.party_coverage. Key: 单位 + 年度.
- `grassroots_heads` (“3+1”基层三长): the head of a hospital, school or agricultural station in the
  association, through `grassroots.grassroots_head_add`. Key: 单位 + 姓名; a head not yet in the
  directory is created, managed by the unit itself.

Every check runs before anything is written (a bad row names its row, column and reason in
Chinese and nothing changes); the writes go through the services, so scope, rules and audit
entries are those of the pages. An import needs an acting user (`--as`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from kexie.core.imports.columns import Column, Row, choice, integer, labels, parse_bool, text
from kexie.core.imports.engine import UNIT_NOT_FOUND, Context, KindSpec, check_duplicates
from kexie.directory.codes import PartyForm
from kexie.directory.models import Affiliation, Organisation, OrganisationYear, Person
from kexie.directory.services import person_create
from kexie.societies import grassroots, rules, services

PARTY_KINDS = services.MANAGED_KINDS
NEEDS_ACTOR = "该类数据的导入须指定导入人(命令行 --as)"


def _require_actor(rows: list[Row], ctx: Context) -> bool:
    if ctx.actor is None:
        for row in rows:
            row.error("", "", NEEDS_ACTOR)
        return False
    return True


def _orgs(ctx: Context, kinds) -> dict[str, Organisation]:
    if ctx.actor is None:
        return {}
    return {
        o.name: o for o in Organisation.objects.for_user(ctx.actor).filter(kind__in=kinds).order_by("path")
    }


def _first_name(kinds, fallback: str):
    def example(ctx) -> str:
        names = list(_orgs(ctx, kinds))
        return names[0] if names else fallback

    return example


def _year_qs(model, ctx: Context):
    return model.objects.for_user(ctx.actor) if ctx.actor is not None else model.objects.unscoped(
        reason="a system export, no user"
    )  # fmt: skip


# ---------------------------------------------------------------------- party records


class PartyRecordSpec(KindSpec):
    kind = "party_records"
    label = "党组织年度情况"
    model = OrganisationYear
    key_header = "单位"

    def columns(self) -> list[Column]:
        return [
            Column("单位", "org_name", text(200), required=True, example=_first_name(PARTY_KINDS, "济宁市心理学会"),
                   width=26, help="学会、科协或科研院所的名称"),
            Column("年度", "year", integer(1949, 2100), required=True, fmt="整数", example=2020),
            Column("党组织形式", "party_form", choice(PartyForm.choices), required=True,
                   choices=labels(PartyForm.choices), fmt="从下拉列表选择", example=str(PartyForm.JOINT.label),
                   help="联合党支部计入覆盖;仅选派党建指导员不计入"),
            Column("党员数", "party_members", integer(0, 100_000), fmt="整数", example=5,
                   help="单独建立党组织须至少3名党员"),
            Column("党组织书记", "secretary_name", text(50), fmt="人员姓名", help="须为本单位范围内的人员,且不重名"),
            Column("选派党建指导员", "has_party_instructor", parse_bool, fmt="是/否", choices=["是", "否"], example="否"),
            Column("会员数", "member_count", integer(0, 10_000_000), fmt="整数", example=120),
        ]  # fmt: skip

    def check_rows(self, rows: list[Row], ctx: Context, present: set[str]) -> None:
        if not _require_actor(rows, ctx):
            return
        orgs = _orgs(ctx, PARTY_KINDS)
        check_duplicates(rows, "年度", lambda r: (r.values.get("org_name"), r.values.get("year")),
                         shown=lambda key: str(key[1]))  # fmt: skip
        names = {r.values["secretary_name"] for r in rows if r.ok and r.values.get("secretary_name")}
        people: dict[str, list[Person]] = {}
        for person in Person.objects.for_user(ctx.actor).filter(name__in=names):
            people.setdefault(person.name, []).append(person)
        existing = {
            (y.organisation_id, y.year): y
            for y in OrganisationYear.objects.for_user(ctx.actor).filter(
                organisation__in=list(orgs.values()), year__in={r.values.get("year") for r in rows}
            )
        }
        for row in rows:
            if not row.ok:
                continue
            values = row.values
            org = orgs.get(values["org_name"])
            if org is None:
                row.error("单位", values["org_name"], UNIT_NOT_FOUND + "(须为学会、科协或科研院所)")
                continue
            problem = rules.party_form_problem(values["party_form"], values.get("party_members"))
            if problem:
                row.error("党员数", values.get("party_members"), problem.split(":", 1)[-1])
                continue
            secretary = None
            if values.get("secretary_name"):
                found = people.get(values["secretary_name"], [])
                if len(found) != 1:
                    reason = "人员不存在或不在管辖范围内" if not found else "有多名同名人员,请在页面上选择"
                    row.error("党组织书记", values["secretary_name"], reason)
                    continue
                secretary = found[0]
            data = {
                "party_form": values["party_form"],
                "party_members": values.get("party_members"),
                "party_secretary": secretary,
                "has_party_instructor": bool(values.get("has_party_instructor")),
                "member_count": values.get("member_count"),
            }
            row.instance, row.extra["data"] = org, data
            stored = existing.get((org.pk, values["year"]))
            if stored is None:
                row.action = "create"
            elif all(getattr(stored, f) == v for f, v in data.items()):
                row.action = "unchanged"
            else:
                row.action = "update"

    def write(self, rows: list[Row], ctx: Context) -> None:
        for row in rows:
            services.party_record_set(
                actor=ctx.actor, org=row.instance, year=row.values["year"], data=row.extra["data"]
            )

    def export_objects(self, ctx: Context, year):
        qs = _year_qs(OrganisationYear, ctx).filter(organisation__kind__in=PARTY_KINDS).exclude(party_form="")
        if year:
            qs = qs.filter(year=year)
        return qs.select_related("organisation", "party_secretary").order_by("organisation__name", "year")

    def export_values(self, objs, ctx) -> Iterator[Sequence[Any]]:
        forms = dict(PartyForm.choices)
        for y in objs:
            yield [y.organisation.name, y.year, str(forms[y.party_form]), y.party_members,
                   y.party_secretary.name if y.party_secretary_id else None,
                   "是" if y.has_party_instructor else "否", y.member_count]  # fmt: skip


# ---------------------------------------------------------------------- 3+1 heads


class GrassrootsHeadSpec(KindSpec):
    kind = "grassroots_heads"
    label = "“3+1”基层三长"
    model = Affiliation
    key_header = "单位"

    def columns(self) -> list[Column]:
        return [
            Column("单位", "unit_name", text(200), required=True, width=26, fmt="从下拉列表选择",
                   example=_first_name(grassroots.HEAD_UNIT_KINDS, "任城区人民医院"),
                   choices=lambda ctx: list(_orgs(ctx, grassroots.HEAD_UNIT_KINDS))[:200],
                   help="县级、乡镇医院、学校、农技站"),
            Column("姓名", "name", text(50), required=True, example="张明", help="院长、校长或站长;目录中没有的人员将新建"),
            Column("出生年份", "birth_year", integer(1900, 2030), fmt="整数", example=1975, help="仅在新建人员时使用"),
        ]  # fmt: skip

    def check_rows(self, rows: list[Row], ctx: Context, present: set[str]) -> None:
        if not _require_actor(rows, ctx):
            return
        units = _orgs(ctx, grassroots.HEAD_UNIT_KINDS)
        check_duplicates(rows, "姓名", lambda r: (r.values.get("unit_name"), r.values.get("name")),
                         shown=lambda key: key[1])  # fmt: skip
        wanted = [units[r.values["unit_name"]].pk for r in rows if r.ok and r.values["unit_name"] in units]
        heads = {
            (a.organisation_id, a.person.name): a
            for a in Affiliation.objects.unscoped(reason="positions at units in the importer's scope")
            .filter(organisation_id__in=wanted).select_related("person__unit")
        }  # fmt: skip
        managed: dict[tuple[int, str], list[Person]] = {}
        for person in Person.objects.for_user(ctx.actor).filter(unit_id__in=wanted):
            managed.setdefault((person.unit_id, person.name), []).append(person)
        for row in rows:
            if not row.ok:
                continue
            unit = units.get(row.values["unit_name"])
            if unit is None:
                row.error("单位", row.values["unit_name"], UNIT_NOT_FOUND + "(须为医院、学校或农技站)")
                continue
            key = (unit.pk, row.values["name"])
            position = heads.get(key)
            row.instance = unit
            if (
                position is not None
                and position.person.is_grassroots_head
                and position.role == grassroots.HEAD_ROLES[unit.kind]
            ):
                row.action = "unchanged"
                continue
            found = [position.person] if position is not None else managed.get(key, [])
            if found and not ctx.in_scope(found[0].unit):
                row.error("姓名", row.values["name"], "人员不在管辖范围内,请由其管理单位登记")
                continue
            if len(found) > 1:
                row.error("姓名", row.values["name"], "该单位有多名同名人员,请在页面上登记")
                continue
            row.extra["person"] = found[0] if found else None
            row.action = "create"

    def write(self, rows: list[Row], ctx: Context) -> None:
        for row in rows:
            person = row.extra["person"]
            if person is None:
                person = person_create(actor=ctx.actor, data={
                    "name": row.values["name"], "unit": row.instance, "birth_year": row.values.get("birth_year"),
                    "is_grassroots_head": True})  # fmt: skip
            grassroots.grassroots_head_add(actor=ctx.actor, unit=row.instance, person=person)

    def export_objects(self, ctx: Context, year):
        units = (
            grassroots.scoped_head_units(ctx.actor)
            if ctx.actor is not None
            else Organisation.objects.unscoped(reason="a system export, no user").filter(
                kind__in=grassroots.HEAD_UNIT_KINDS)
        )  # fmt: skip
        roles = set(grassroots.HEAD_ROLES.values())
        return (
            Affiliation.objects.unscoped(reason="heads of units in the exporter's scope")
            .filter(organisation__in=units, person__is_grassroots_head=True, role__in=roles)
            .select_related("organisation", "person").order_by("organisation__name", "person__name", "id")
        )  # fmt: skip

    def export_values(self, objs, ctx) -> Iterator[Sequence[Any]]:
        for a in objs:
            yield [a.organisation.name, a.person.name, a.person.birth_year]


SPECS = {"party_records": PartyRecordSpec(), "grassroots_heads": GrassrootsHeadSpec()}
