"""Import and export (kexie.core.imports) of the societies module:

- `party_records` (党组织年度情况): a society's party organisation in one year, written on the
  directory's yearly record through `services.party_record_set` — the one source of
  directory.party_coverage. Key: 单位 + 年度.
- `officers` (负责人任职): a society's or county association's officers (理事长、副理事长、秘书长、理事)
  as directory positions with dates, through `services.officer_appoint` / `officer_end` — the
  rules of the officers page (one office held once at a time, leaving after starting). Key:
  单位 + 姓名 + 职务 + 任职日期; a 离任日期 added to an open position ends it.
- `grassroots_heads` (“3+1”基层三长): the head of a hospital, school or agricultural station in the
  association, through `grassroots.grassroots_head_add`. Key: 单位 + 姓名; a head not yet in the
  directory is created, managed by the unit itself.

Every check runs before anything is written (a bad row names its row, column and reason in
Chinese and nothing changes); the writes go through the services, so scope, rules and audit
entries are those of the pages. An import needs an acting user (`--as`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from kexie.core.imports.columns import (
    CellError,
    Column,
    Row,
    choice,
    integer,
    labels,
    parse_bool,
    parse_date,
    text,
)
from kexie.core.imports.engine import UNIT_NOT_FOUND, Context, KindSpec, check_duplicates
from kexie.directory.codes import PartyForm, party_form_problem
from kexie.directory.models import Affiliation, Organisation, OrganisationYear, Person
from kexie.directory.services import person_create
from kexie.societies import grassroots, offices, services
from kexie.societies.models import OfficerRole

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
            problem = party_form_problem(values["party_form"], values.get("party_members"))
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


# ---------------------------------------------------------------------- officers


class OfficerContext(Context):
    """The units whose officers the importer records (societies, associations, institutes in
    scope) and the people the officers page offers (directory.Affiliation.person), by name."""

    def __init__(self, actor):
        super().__init__(actor)
        self.units = _orgs(self, PARTY_KINDS)
        self.people: dict[str, list[int]] = {}
        if actor is not None:
            from kexie.core import references

            people = references.choices_for_import("directory.Affiliation.person", actor)
            for pk, name in people.values_list("pk", "name"):
                self.people.setdefault(name, []).append(pk)


def parse_officer_unit(value: str, ctx: OfficerContext) -> Organisation:
    unit = ctx.units.get(value)
    if unit is None:
        raise CellError(UNIT_NOT_FOUND + "(须为学会、科协或科研院所)")
    return unit


def parse_officer_person(value: str, ctx: OfficerContext) -> int:
    found = ctx.people.get(value, [])
    if not found:
        raise CellError("人员不存在或不在管辖范围内(请先在人员名录中登记)")
    if len(found) > 1:
        raise CellError("有多名同名人员,请在负责人页面上选择登记")
    return found[0]


class OfficerSpec(KindSpec):
    kind = "officers"
    label = "负责人任职"
    model = Affiliation
    key_header = "单位"

    def columns(self) -> list[Column]:
        return [
            Column("单位", "organisation", parse_officer_unit, required=True, width=26, rule="directory.Affiliation.organisation",
                   example=_first_name(PARTY_KINDS, "济宁市心理学会"), help="学会、科协或科研院所的名称"),
            Column("姓名", "person", parse_officer_person, required=True, rule="directory.Affiliation.person",
                   example=lambda ctx: next(iter(ctx.people), "张明"), help="人员名录中的人员,且不重名"),
            Column("职务", "role", choice(OfficerRole.choices), required=True, choices=labels(OfficerRole.choices),
                   fmt="从下拉列表选择", example=str(OfficerRole.BOARD.label)),
            Column("任职日期", "starts_on", parse_date, required=True, fmt="日期,如2020-06-01", example="2020-06-01"),
            Column("离任日期", "ends_on", parse_date, fmt="日期,如2025-05-31", help="在任的最后一天;仍在任的留空"),
        ]  # fmt: skip

    def load_context(self, actor) -> OfficerContext:
        return OfficerContext(actor)

    def check_rows(self, rows: list[Row], ctx: OfficerContext, present: set[str]) -> None:
        if not _require_actor(rows, ctx):
            return
        key = lambda r: (getattr(r.values.get("organisation"), "pk", None), r.values.get("person"),  # noqa: E731
                         r.values.get("role"), r.values.get("starts_on"))  # fmt: skip
        check_duplicates(rows, "任职日期", key, shown=lambda k: str(k[3]))
        units = {r.values["organisation"].pk for r in rows if r.ok}
        held: dict[
            tuple[int, int, str], list
        ] = {}  # (unit, person, title) -> [(starts_on, ends_on, position)]
        for p in offices.positions(units):
            held.setdefault((p.organisation_id, p.person_id, p.role), []).append(
                [p.starts_on or dt.date.min, p.ends_on, p]
            )
        for row in sorted((r for r in rows if r.ok), key=lambda r: r.values["starts_on"]):
            v = row.values
            if v.get("ends_on") and v["ends_on"] < v["starts_on"]:
                row.error("离任日期", str(v["ends_on"]), "离任日期不能早于任职日期")
                continue
            title = offices.title_of(v["role"])
            periods = held.setdefault((v["organisation"].pk, v["person"], title), [])
            same = next((p for p in periods if p[2] is not None and p[0] == v["starts_on"]), None)
            row.instance = v["organisation"]
            if same is not None:  # the position is recorded: unchanged, or ended now
                if same[1] == v.get("ends_on"):
                    row.action = "unchanged"
                elif same[1] is None:
                    row.action, row.extra["position"] = "update", same[2]
                    same[1] = v["ends_on"]
                else:
                    row.error("离任日期", str(v.get("ends_on") or ""),
                              f"已登记于{same[1]}离任,导入不能修改离任日期,请在负责人页面上处理")  # fmt: skip
                continue
            clash = next((p for p in periods if p[1] is None or p[1] >= v["starts_on"]), None)
            if clash is not None:
                row.error(
                    "姓名", "", f"已任{title}({clash[0] if clash[0] != dt.date.min else '—'}起),请先登记离任"
                )
                continue
            periods.append([v["starts_on"], v.get("ends_on"), None])
            row.action = "create"

    def write(self, rows: list[Row], ctx: OfficerContext) -> None:
        people = {p.pk: p for p in Person.objects.unscoped(reason="people the rule offered").filter(
            pk__in={r.values["person"] for r in rows})}  # fmt: skip
        for row in sorted(rows, key=lambda r: r.values["starts_on"]):
            v, org = row.values, row.values["organisation"]
            position = row.extra.get("position")
            if position is None:
                position = services.officer_appoint(actor=ctx.actor, org=org, person=people[v["person"]],
                                                    role=v["role"], starts_on=v["starts_on"])  # fmt: skip
            if v.get("ends_on"):
                services.officer_end(actor=ctx.actor, org=org, position=position, ends_on=v["ends_on"])

    def export_objects(self, ctx: OfficerContext, year):
        found = offices.positions([o.pk for o in ctx.units.values()])
        if year:
            found = [p for p in found if p.held_during(dt.date(year, 1, 1), dt.date(year, 12, 31))]
        return sorted(found, key=lambda p: (p.organisation.name, p.starts_on or dt.date.min, p.pk))

    def export_values(self, objs, ctx) -> Iterator[Sequence[Any]]:
        for p in objs:
            yield [p.organisation.name, p.person.name, p.role, p.starts_on, p.ends_on]


SPECS = {
    "party_records": PartyRecordSpec(),
    "grassroots_heads": GrassrootsHeadSpec(),
    "officers": OfficerSpec(),
}
