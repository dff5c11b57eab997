"""Import/export specs of the directory: regions, organisations, people.

Natural keys (re-import updates, never duplicates):
- regions: 行政区划代码;
- organisations: 名称 (unique);
- people: the ID number's blind index when a full ID number is given, otherwise 姓名 + 管理单位
  (an exported, masked ID number keeps the stored one). See docs/import-formats.md.
"""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from kexie.core import crypto
from kexie.core.imports import bulk, get_spec, writer
from kexie.core.imports.columns import (
    CellError,
    Column,
    Row,
    choice,
    integer,
    labels,
    parse_bool,
    split_list,
    text,
)
from kexie.core.imports.engine import UNIT_NOT_FOUND, Context, KindSpec, check_duplicates
from kexie.core.masking import mask_id_number, mask_phone
from kexie.core.validators import (
    id_number_check_char,
    id_number_problem,
    normalise_id_number,
    phone_problem,
    uscc_check_char,
    uscc_checksum_ok,
    uscc_problem,
)
from kexie.directory import selectors
from kexie.directory import services as rules
from kexie.directory.codes import DISCIPLINES, AssociationLevel, Gender, OrgKind, RegionLevel
from kexie.directory.models import Organisation, Person, Region, personal_data_visible

# ---- shared look-ups (also used by kexie.activities.io) ----------------------------------------


class OrgRef(NamedTuple):
    """An organisation named in a cell: its id and whether it lies in the actor's scope."""

    id: int
    name: str
    in_scope: bool


class DirectoryContext(Context):
    """Regions and organisations, loaded once per import."""

    def __init__(self, actor):
        super().__init__(actor)
        self.regions_by_code: dict[str, Region] = {}
        self.regions_by_name: dict[str, Region | None] = {}  # None: the name is ambiguous
        for region in Region.objects.all().order_by("code"):
            self.regions_by_code[region.code] = region
            self.regions_by_name[region.name] = None if region.name in self.regions_by_name else region
        self.orgs: dict[str, OrgRef] = {}
        self.org_names: dict[int, str] = {}
        self.org_paths: dict[int, str] = {}
        every_unit = Organisation.objects.unscoped(reason="names resolve across the city; scope is flagged")
        for pk, name, path in every_unit.values_list("id", "name", "path"):
            in_scope = self.scope_path is not None and path.startswith(self.scope_path)
            self.orgs[name] = OrgRef(pk, name, in_scope)
            self.org_names[pk] = name
            self.org_paths[pk] = path
        self.personal_visible = self.system or personal_data_visible(actor)

    def in_scope_id(self, org_id: int) -> bool:
        path = self.org_paths.get(org_id)
        return path is not None and self.scope_path is not None and path.startswith(self.scope_path)

    def region_label(self, region_id: int | None) -> str:
        if region_id is None:
            return ""
        region = self.region_by_id[region_id]
        return region.name if self.regions_by_name.get(region.name) is region else region.code

    @property
    def region_by_id(self) -> dict[int, Region]:
        if not hasattr(self, "_region_by_id"):
            self._region_by_id = {r.pk: r for r in self.regions_by_code.values()}
        return self._region_by_id

    def region_labels(self, ctx=None) -> list[str]:
        return [self.region_label(r.pk) for r in self.regions_by_code.values()]

    def scoped_unit_names(self, ctx=None) -> list[str]:
        names = [(self.org_paths[ref.id], ref.name) for ref in self.orgs.values() if ref.in_scope]
        return [name for _path, name in sorted(names)]

    def default_unit_name(self) -> str:
        home = self.home_ref()
        return home.name if home is not None else next(iter(self.scoped_unit_names()), "")

    def home_ref(self) -> OrgRef | None:
        """The unit a blank unit cell stands for ("导入人所在单位"): the importer's unit; for the
        command line without --as (or a superuser without a unit), the top unit if there is one."""
        if self.unit is not None:
            return self.orgs.get(self.unit.name)
        if not (self.system or self.superuser):
            return None
        tops = [pk for pk, path in self.org_paths.items() if path.count("/") == 2]
        return self.orgs[self.org_names[tops[0]]] if len(tops) == 1 else None

    def blank_unit_reason(self) -> str:
        if self.unit is None and (self.system or self.superuser):
            return "顶级单位不唯一,无法确定导入人所在单位:请填写本列,或在命令行加 --as 用户名"
        return "必填项不能为空"

    def describe(self) -> str:
        text = super().describe()
        if self.unit is not None:
            return text
        home = self.home_ref()
        if home is None:
            return text + ";顶级单位不唯一,填报单位、管理单位、主办单位不能留空"
        return text + f";留空的填报单位、管理单位、主办单位视为顶级单位“{home.name}”"


def parse_region(value: str, ctx: DirectoryContext) -> Region:
    region = ctx.regions_by_code.get(value)
    if region is not None:
        return region
    if value in ctx.regions_by_name:
        region = ctx.regions_by_name[value]
        if region is None:
            raise CellError("区划名称有重名,请填写行政区划代码")
        return region
    raise CellError("行政区划不存在(请填写区划名称或6位行政区划代码)")


def parse_unit(value: str, ctx: DirectoryContext) -> OrgRef:
    ref = ctx.orgs.get(value)
    if ref is None:
        raise CellError(UNIT_NOT_FOUND)
    return ref


def parse_parent(value: str, ctx: DirectoryContext) -> OrgRef:
    """Like parse_unit, but the name may also be a unit created by another row of the same file."""
    return ctx.orgs.get(value) or OrgRef(0, value, False)


def parse_units(value: str, ctx: DirectoryContext) -> frozenset[int]:
    ids = set()
    for name in split_list(value):
        ref = ctx.orgs.get(name)
        if ref is None:
            raise CellError(f"单位“{name}”不存在")
        ids.add(ref.id)
    return frozenset(ids)


def units_label(ids: Iterable[int], ctx: DirectoryContext) -> str:
    return ";".join(sorted(ctx.org_names[pk] for pk in ids))


def require_scoped_ref(row: Row, header: str, ref: OrgRef | None, current_id: int | None = None) -> bool:
    """A unit a row points at must be in scope, unless it is the one the record already has."""
    if ref is None or ref.in_scope or ref.id == current_id:
        return True
    row.error(header, ref.name, UNIT_NOT_FOUND)
    return False


def diff(instance, target: dict[str, Any]) -> list[str]:
    return [name for name, value in target.items() if getattr(instance, name) != value]


def yes_no(value: bool) -> str:
    return "是" if value else "否"


def choice_label(pairs, code: str) -> str:
    return str(dict(pairs).get(code, code)) if code else ""


def _example_id_number() -> str:
    first17 = "37081119900101123"
    return first17 + id_number_check_char(first17)


def _example_uscc() -> str:
    first17 = "52370800MJD123456"
    return first17 + uscc_check_char(first17)


# ---- regions ----------------------------------------------------------------------------------


def parse_region_code(value: str, ctx) -> str:
    if not value.isdigit() or len(value) not in (6, 9, 12):
        raise CellError("行政区划代码应为6位数字(乡镇街道为9或12位)")
    return value


class RegionSpec(KindSpec):
    kind = "regions"
    label = "行政区划"
    model = Region
    key_header = "行政区划代码"

    def columns(self) -> list[Column]:
        return [
            Column("行政区划代码", "code", parse_region_code, required=True, text=True, fmt="6位数字(GB/T 2260)",
                   example="370899", help="按此代码更新已有区划"),
            Column("名称", "name", text(60), required=True, example="示例区"),
            Column("级别", "level", choice(RegionLevel.choices), required=True, choices=labels(RegionLevel.choices),
                   example=str(RegionLevel.COUNTY.label), fmt="从下拉列表选择"),
            Column("上级区划", "parent", parse_region_code, text=True, fmt="上级区划的行政区划代码",
                   example="370800", help="省级区划可留空;上级可以是本文件中的其他行"),
        ]  # fmt: skip

    def load_context(self, actor) -> DirectoryContext:
        return DirectoryContext(actor)

    def check_permission(self, actor) -> None:
        super().check_permission(actor)
        if (
            actor is not None
            and not actor.is_superuser
            and (actor.unit is None or actor.unit.parent_id is not None)
        ):
            raise PermissionDenied("只有市科协可以维护行政区划")

    def check_rows(self, rows: list[Row], ctx: DirectoryContext, present: set[str]) -> None:
        in_file = check_duplicates(rows, "行政区划代码", lambda r: r.values.get("code"))
        order = {level: i for i, level in enumerate(RegionLevel.values)}
        for row in rows:
            if not row.ok:
                continue
            values = row.values
            row.instance = ctx.regions_by_code.get(values["code"])
            parent_code = values.get("parent")
            if parent_code:
                parent = ctx.regions_by_code.get(parent_code)
                parent_row = in_file.get(parent_code)
                if parent_code == values["code"]:
                    row.error("上级区划", parent_code, "上级区划不能是本区划")
                elif parent is None and parent_row is None:
                    row.error("上级区划", parent_code, "上级区划不存在")
                else:
                    parent_level = parent_row.values.get("level") if parent_row is not None else parent.level
                    if parent_level and order.get(parent_level, 0) >= order[values["level"]]:
                        row.error("上级区划", parent_code, "上级区划的级别应高于本区划")
            target = {"name": values["name"], "level": values["level"]}
            if row.instance is None:
                row.action = "create"
            elif "parent" in present:
                current = row.instance.parent.code if row.instance.parent_id else None
                row.action = "update" if diff(row.instance, target) or current != parent_code else "unchanged"
            else:
                row.action = "update" if diff(row.instance, target) else "unchanged"
            row.extra["target"] = target
        for row in rows:  # a row whose parent row was rejected cannot be written either
            parent_row = in_file.get(row.values.get("parent") or "")
            if row.ok and parent_row is not None and not parent_row.ok:
                row.error(
                    "上级区划", parent_row.values.get("code"), f"上级区划所在的第{parent_row.number}行有错误"
                )

    def write(self, rows: list[Row], ctx: DirectoryContext) -> None:
        codes = dict(ctx.regions_by_code)
        order = {level: i for i, level in enumerate(RegionLevel.values)}
        creates = sorted((r for r in rows if r.action == "create"), key=lambda r: order[r.values["level"]])
        for level in RegionLevel.values:
            batch = []
            for row in creates:
                if row.values["level"] != level:
                    continue
                region = Region(code=row.values["code"], **row.extra["target"])
                parent = codes.get(row.values.get("parent") or "")
                region.parent_id = parent.pk if parent else None
                batch.append(region)
            bulk.bulk_create(Region, batch)
            codes.update({r.code: r for r in batch})
        updates = []
        for row in rows:
            if row.action != "update":
                continue
            region = row.instance
            for name, value in row.extra["target"].items():
                setattr(region, name, value)
            if "parent" in row.values:
                parent = codes.get(row.values.get("parent") or "")
                region.parent_id = parent.pk if parent else None
            updates.append(region)
        bulk.bulk_update(Region, updates, ["name", "level", "parent"])

    def export_objects(self, ctx, year):
        return Region.objects.select_related("parent").order_by("code")

    def export_values(self, objs, ctx) -> Iterator[Sequence[Any]]:
        for r in objs:
            yield [
                r.code,
                r.name,
                choice_label(RegionLevel.choices, r.level),
                r.parent.code if r.parent_id else "",
            ]


# ---- organisations ----------------------------------------------------------------------------


def parse_uscc(value: str, ctx) -> str:
    value = value.strip().upper()
    problem = uscc_problem(value)
    if problem:
        raise CellError(problem)
    return value


def parse_phone(value: str, ctx) -> str:
    return value  # checked in check_rows: a masked value equal to the stored one means "unchanged"


def parse_email(value: str, ctx) -> str:
    try:
        validate_email(value)
    except ValidationError:
        raise CellError("电子邮箱格式不正确") from None
    if len(value) > 254:
        raise CellError("电子邮箱过长")
    return value


def check_phone(row: Row, header: str, value: str | None, stored: str | None) -> str | None:
    """A phone cell: blank clears it, the stored value's mask keeps it, else it must be valid."""
    if not value:
        return ""
    if stored and value == mask_phone(stored):
        return stored
    if len(value) > 30 or phone_problem(value):
        row.error(header, value, phone_problem(value) or "电话号码过长")
        return None
    return value


ORG_TEXT_FIELDS = ("short_name", "contact_name", "email", "address", "note")


class OrganisationSpec(KindSpec):
    kind = "organisations"
    label = "组织"
    model = Organisation
    key_header = "名称"

    def columns(self) -> list[Column]:
        return [
            Column("名称", "name", text(200), required=True, width=30, example="济宁市示例科普教育基地",
                   help="单位全称,唯一;再次导入时按名称更新已有单位"),
            Column("简称", "short_name", text(60), example="示例基地"),
            Column("类型", "kind", choice(OrgKind.choices), required=True, choices=labels(OrgKind.choices),
                   example=str(OrgKind.OUTREACH_BASE.label), fmt="从下拉列表选择",
                   help="新建学会、科研院所须经“新建学会(党建前置)”登记成立,不能在此新建"),
            Column("科协层级", "association_level", choice(AssociationLevel.choices),
                   choices=labels(AssociationLevel.choices), fmt="从下拉列表选择", help="仅科协填写,科协必填"),
            Column("上级单位", "parent", parse_parent, rule="directory.Organisation.parent", width=30, fmt="已有单位的名称,或本文件中其他行的名称",
                   choices=lambda ctx: ctx.scoped_unit_names(), example=lambda ctx: ctx.default_unit_name(),
                   help="留空则为导入人所在单位;须在您的管辖范围内"),
            Column("所在区划", "region", parse_region, fmt="区划名称或行政区划代码",
                   choices=lambda ctx: ctx.region_labels(), example=lambda ctx: ctx.region_labels()[-1:][0] if ctx.region_labels() else ""),
            Column("统一社会信用代码", "uscc", parse_uscc, text=True, width=22, fmt="18位(GB 32100)",
                   example=_example_uscc(), help="校验位不符时仍导入,但给出警告"),
            Column("联系人", "contact_name", text(50), example="张三"),
            Column("联系电话", "contact_phone", parse_phone, text=True, fmt="手机11位或固定电话如0537-1234567",
                   example="0537-2345678", help="导出时若已脱敏,原样导入不会修改已存的号码"),
            Column("电子邮箱", "email", parse_email, example="kexie@example.com"),
            Column("地址", "address", text(200), example="济宁市任城区示例路1号"),
            Column("有效", "is_active", parse_bool, choices=["是", "否"], example="是", fmt="是/否",
                   help="留空视为“是”"),
            Column("备注", "note", text(), example=""),
        ]  # fmt: skip

    def load_context(self, actor) -> DirectoryContext:
        return DirectoryContext(actor)

    def check_rows(self, rows: list[Row], ctx: DirectoryContext, present: set[str]) -> None:
        in_file = check_duplicates(rows, "名称", lambda r: r.values.get("name"))
        existing = {
            o.name: o
            for o in bulk.fetch_in(
                Organisation.objects.unscoped(
                    reason="names are unique in the city; rows out of scope are refused"
                ),
                "name",
                in_file,
            )
        }
        for row in rows:
            if row.ok:
                self._check_row(row, ctx, present, existing, in_file)
        self._check_parents(rows, ctx, in_file)

    def _check_row(self, row: Row, ctx, present, existing, in_file) -> None:
        v = row.values
        instance = row.instance = existing.get(v["name"])
        if instance is not None and not ctx.in_scope(instance):
            row.error("名称", v["name"], "名称已被其他单位使用(该单位不在您的管辖范围内)")
            return
        target: dict[str, Any] = {}
        for name in ("name", "kind", *ORG_TEXT_FIELDS):
            if name in present:
                target[name] = v.get(name) or ""
        if "association_level" in present:
            target["association_level"] = v.get("association_level") or ""
        if "is_active" in present:
            target["is_active"] = True if v.get("is_active") is None else v["is_active"]
        if "region" in present:
            target["region_id"] = v["region"].pk if v.get("region") else None
        if "uscc" in present:
            target["uscc"] = v.get("uscc") or ""
            target["uscc_checksum_ok"] = not target["uscc"] or uscc_checksum_ok(target["uscc"])
            if not target["uscc_checksum_ok"]:
                row.warn(
                    "统一社会信用代码",
                    target["uscc"],
                    "校验位不符合GB 32100(早期试点代码可能如此),已导入,请核对",
                )
        if "contact_phone" in present:
            phone = check_phone(
                row, "联系电话", v.get("contact_phone"), instance.contact_phone if instance else None
            )
            if phone is not None:
                target["contact_phone"] = phone
        kind = target.get("kind", instance.kind if instance else "")
        level = target.get("association_level", instance.association_level if instance else "")
        founding_problem = rules.founding_path_problem(kind, instance.kind if instance else None)
        if founding_problem:  # 党建前置: a society or research institute is set up through its founding
            row.error("类型", choice_label(OrgKind.choices, kind), founding_problem.removeprefix("类型:"))
        level_problem = rules.association_level_problem(kind, level)
        if level_problem:
            row.error("科协层级", choice_label(AssociationLevel.choices, level), level_problem)
        row.extra["target"] = target
        self._plan_parent(row, ctx, instance, in_file)
        if instance is None:
            row.action = "create"
        else:
            moved = row.extra.get("parent_ref") is not None and row.extra["parent_id"] != instance.parent_id
            row.action = "update" if diff(instance, target) or moved else "unchanged"

    def _plan_parent(self, row: Row, ctx: DirectoryContext, instance, in_file) -> None:
        ref: OrgRef | None = row.values.get("parent")
        if ref is None:
            if instance is None and not (ctx.system or ctx.superuser):
                ref = ctx.orgs[ctx.unit.name]  # a new unit goes under the actor's unit
            if ref is None:
                return
        if ref.id == 0:  # not an existing unit: it must be created by another row of this file
            parent_row = in_file.get(ref.name)
            if parent_row is None or parent_row is row:
                row.error("上级单位", ref.name, UNIT_NOT_FOUND)
            else:
                row.extra["parent_row"] = parent_row
            return
        current = instance.parent_id if instance is not None else None
        if not require_scoped_ref(row, "上级单位", ref, current):
            return
        if instance is not None and ref.id != current:
            problem = rules.parent_change_problem(instance, ctx.org_paths[ref.id], actor=ctx.actor)
            if problem:
                row.error("上级单位", ref.name, problem)
        row.extra["parent_ref"] = ref
        row.extra["parent_id"] = ref.id

    def _check_parents(self, rows: list[Row], ctx, in_file) -> None:
        """Rows whose parent is another new row: the chain must end at an existing unit, with no
        cycle and no rejected row on the way."""
        for row in rows:
            seen = {row.number}
            node = row
            while row.ok and "parent_row" in node.extra:
                parent_row = node.extra["parent_row"]
                if parent_row.number in seen:
                    row.error(
                        "上级单位",
                        row.values["parent"].name if row.values.get("parent") else "",
                        "上级单位关系成环",
                    )
                elif not parent_row.ok and parent_row is not row:
                    row.error(
                        "上级单位",
                        parent_row.values.get("name"),
                        f"上级单位所在的第{parent_row.number}行有错误",
                    )
                seen.add(parent_row.number)
                node = parent_row

    def _depth(self, row: Row) -> int:
        depth, node = 0, row
        while "parent_row" in node.extra:
            depth, node = depth + 1, node.extra["parent_row"]
        return depth

    def write(self, rows: list[Row], ctx: DirectoryContext) -> None:
        creates = sorted((r for r in rows if r.action == "create"), key=self._depth)
        paths = dict(ctx.org_paths)
        new_ids: dict[int, int] = {}  # row number -> created pk
        for depth in sorted({self._depth(r) for r in creates}):
            batch_rows = [r for r in creates if self._depth(r) == depth]
            objs = []
            for row in batch_rows:
                org = Organisation(**row.extra["target"])
                if "parent_row" in row.extra:
                    org.parent_id = new_ids[row.extra["parent_row"].number]
                else:
                    org.parent_id = row.extra.get("parent_id")
                objs.append(org)
            bulk.bulk_create(Organisation, objs)
            for row, org in zip(batch_rows, objs, strict=True):
                org.path = (paths[org.parent_id] if org.parent_id else "/") + f"{org.pk}/"
                paths[org.pk] = org.path
                new_ids[row.number] = org.pk
            bulk.bulk_update(Organisation, objs, ["path"])
        self._write_updates([r for r in rows if r.action == "update"])

    def _write_updates(self, rows: list[Row]) -> None:
        from kexie.directory.services import _refresh_path

        now = timezone.now()
        objs, moved, fields = [], [], {"updated_at"}
        for row in rows:
            org = row.instance
            for name, value in row.extra["target"].items():
                setattr(org, name, value)
                fields.add(name)
            if row.extra.get("parent_id") not in (None, org.parent_id):
                org.parent_id = row.extra["parent_id"]
                fields.add("parent_id")
                moved.append(org)
            org.updated_at = now
            objs.append(org)
        bulk.bulk_update(Organisation, objs, sorted(f.removesuffix("_id") for f in fields))
        for org in moved:  # rare: re-root the moved subtree's materialised paths
            org.refresh_from_db(fields=["parent"])
            _refresh_path(org)

    def export_objects(self, ctx: DirectoryContext, year):
        return self.selected(ctx, {})

    def selected(self, ctx: DirectoryContext, filters) -> Any:
        """The organisation list's rows for these filters (its one selector), in tree order."""
        return selectors.organisations(ctx.actor, filters, rows=system_rows(Organisation, ctx))

    def export_values(self, objs, ctx: DirectoryContext) -> Iterator[Sequence[Any]]:
        for o in objs:
            phone = o.contact_phone if ctx.personal_visible else mask_phone(o.contact_phone)
            yield [
                o.name, o.short_name, choice_label(OrgKind.choices, o.kind),
                choice_label(AssociationLevel.choices, o.association_level),
                ctx.org_names.get(o.parent_id, ""), ctx.region_label(o.region_id), o.uscc, o.contact_name,
                phone, o.email, o.address, yes_no(o.is_active), o.note,
            ]  # fmt: skip


# ---- people -----------------------------------------------------------------------------------

TAG_COLUMNS = (
    ("科技工作者", "is_sci_worker"), ("专家", "is_expert"), ("志愿者", "is_volunteer"),
    ("干部", "is_cadre"), ("基层三长", "is_grassroots_head"),
)  # fmt: skip
PERSON_TEXT_FIELDS = ("name", "title", "profile", "gender", "discipline")


def parse_id_number(value: str, ctx) -> str:
    return normalise_id_number(value)  # checked in check_rows (a masked value means "unchanged")


class PersonSpec(KindSpec):
    kind = "people"
    label = "人员"
    model = Person
    key_header = "身份证号码"

    def columns(self) -> list[Column]:
        cols = [
            Column("姓名", "name", text(50), required=True, example="李四"),
            Column("性别", "gender", choice(Gender.choices), choices=labels(Gender.choices), example="女"),
            Column("出生年份", "birth_year", integer(*rules.BIRTH_YEARS), fmt="4位年份", example=1980),
            Column("手机号码", "phone", parse_phone, text=True, fmt="11位手机号或固定电话", example="13912345678",
                   help="导出时若已脱敏,原样导入不会修改已存的号码"),
            Column("身份证号码", "id_number", parse_id_number, text=True, width=22, fmt="18位(GB 11643)",
                   example=_example_id_number(),
                   help="有完整号码时按号码匹配已有人员,否则按姓名+管理单位匹配;脱敏值表示不修改"),
            Column("职称", "title", text(50), example="高级工程师"),
            Column("学科", "discipline", choice(DISCIPLINES), choices=labels(DISCIPLINES), fmt="一级学科名称或代码",
                   example="心理学"),
            Column("管理单位", "unit", parse_unit, rule="directory.Person.unit", width=30, choices=lambda ctx: ctx.scoped_unit_names(),
                   example=lambda ctx: ctx.default_unit_name(), help="留空则为导入人所在单位;须在您的管辖范围内"),
        ]  # fmt: skip
        for header, name in TAG_COLUMNS:
            cols.append(Column(header, name, parse_bool, choices=["是", "否"], fmt="是/否", example="否",
                               width=10, help="留空视为“否”"))  # fmt: skip
        cols.append(Column("简介/研究方向", "profile", text(), example="认知心理学"))
        return cols

    def load_context(self, actor) -> DirectoryContext:
        return DirectoryContext(actor)

    def check_rows(self, rows: list[Row], ctx: DirectoryContext, present: set[str]) -> None:
        for row in rows:
            self._resolve_unit(row, ctx)
            self._hash_id(row)
        check_duplicates(
            rows,
            "身份证号码",
            lambda r: r.extra.get("id_hash") and r.values["id_number"],
            shown=mask_id_number,
        )
        check_duplicates(
            [r for r in rows if not r.extra.get("id_hash")],
            "姓名",
            lambda r: (r.values["name"], r.extra["unit_id"]) if r.ok else None,
        )
        by_hash = {p.id_number_hash: p for p in bulk.fetch_in(Person.objects.unscoped(reason="an ID number is one person city-wide"), "id_number_hash",
                                                               [r.extra.get("id_hash") for r in rows])}  # fmt: skip
        by_name: dict[tuple[str, int], list[Person]] = {}
        same_names = Person.objects.unscoped(reason="matched by name within the row's unit below")
        for p in bulk.fetch_in(same_names, "name", [r.values.get("name") for r in rows]):
            by_name.setdefault((p.name, p.unit_id), []).append(p)
        for row in rows:
            if row.ok:
                self._match(row, ctx, by_hash, by_name)
            if row.ok:
                self._plan(row, present)

    def _resolve_unit(self, row: Row, ctx: DirectoryContext) -> None:
        ref = row.values.get("unit") or ctx.home_ref()
        if ref is None:
            row.error("管理单位", "", ctx.blank_unit_reason())
            return
        if require_scoped_ref(row, "管理单位", ref):
            row.extra["unit_id"] = ref.id

    def _hash_id(self, row: Row) -> None:
        value = row.values.get("id_number")
        if value and "*" not in value:
            problem = id_number_problem(value)
            if problem:  # personal data: shown masked, even in error lists
                row.error("身份证号码", mask_id_number(value), problem)
            else:
                row.extra["id_hash"] = crypto.blind_index(value)

    def _match(self, row: Row, ctx: DirectoryContext, by_hash, by_name) -> None:
        v = row.values
        id_hash = row.extra.get("id_hash")
        person = by_hash.get(id_hash) if id_hash else None
        if person is not None and not ctx.in_scope_id(person.unit_id):
            row.error("身份证号码", mask_id_number(v["id_number"]), rules.ID_NUMBER_TAKEN)
            return
        if person is None:
            candidates = by_name.get((v["name"], row.extra["unit_id"]), [])
            if id_hash:  # a full ID number only matches by name someone who has none yet
                candidates = [p for p in candidates if not p.id_number_hash]
            if len(candidates) > 1:
                row.error("姓名", v["name"], "该单位有多名同名人员,请填写身份证号码以区分")
                return
            person = candidates[0] if candidates else None
        masked = v.get("id_number") and "*" in v["id_number"]
        if masked and (person is None or v["id_number"] != person.id_number_masked):
            row.error("身份证号码", v["id_number"], "身份证号码为脱敏值,与已存号码不符,请填写完整号码")
            return
        row.instance = person

    def _plan(self, row: Row, present: set[str]) -> None:
        v, person = row.values, row.instance
        target: dict[str, Any] = {"unit_id": row.extra["unit_id"]}
        for name in PERSON_TEXT_FIELDS:
            if name in present:
                target[name] = v.get(name) or ""
        if "birth_year" in present:
            target["birth_year"] = v.get("birth_year")
        for _header, name in TAG_COLUMNS:
            if name in present:
                target[name] = bool(v.get(name))
        if "phone" in present:
            phone = check_phone(row, "手机号码", v.get("phone"), person.phone if person else None)
            if phone is None:
                return
            target["phone"] = phone
        new_id = None
        if "id_number" in present and "*" not in (v.get("id_number") or "*"):
            new_id = v["id_number"]
        elif "id_number" in present and not v.get("id_number"):
            new_id = ""
        if new_id is not None and (person is None or row.extra.get("id_hash", "") != person.id_number_hash):
            row.extra["id_number"] = new_id
        row.extra["target"] = target
        if person is None:
            row.action = "create"
        else:
            row.action = "update" if diff(person, target) or "id_number" in row.extra else "unchanged"

    def write(self, rows: list[Row], ctx: DirectoryContext) -> None:
        now = timezone.now()
        creates, updates, fields = [], [], {"updated_at"}
        for row in rows:
            person = row.instance or Person()
            for name, value in row.extra["target"].items():
                setattr(person, name, value)
            if "id_number" in row.extra:
                person.set_id_number(row.extra["id_number"])
                fields |= {"id_number_encrypted", "id_number_hash", "id_number_masked"}
            if row.action == "create":
                creates.append(person)
            else:
                person.updated_at = now
                fields |= set(row.extra["target"])
                updates.append(person)
        bulk.bulk_create(Person, creates)
        bulk.bulk_update(Person, updates, sorted(f.removesuffix("_id") for f in fields))

    def export_objects(self, ctx: DirectoryContext, year):
        return self.selected(ctx, {}).order_by("unit__path", "name", "id")

    def selected(self, ctx: DirectoryContext, filters) -> Any:
        """The people list's rows for these filters (its one selector), by name."""
        return selectors.people(ctx.actor, filters, rows=system_rows(Person, ctx))

    def export_values(self, objs, ctx: DirectoryContext) -> Iterator[Sequence[Any]]:
        for p in objs.iterator(chunk_size=2000):
            if ctx.personal_visible:
                phone, id_number = p.phone, p.id_number
            else:
                phone, id_number = mask_phone(p.phone), p.id_number_masked
            yield [
                p.name, choice_label(Gender.choices, p.gender), p.birth_year or "", phone, id_number, p.title,
                choice_label(DISCIPLINES, p.discipline), ctx.org_names.get(p.unit_id, ""),
                *(yes_no(getattr(p, name)) for _h, name in TAG_COLUMNS), p.profile,
            ]  # fmt: skip


SPECS = {"regions": RegionSpec(), "organisations": OrganisationSpec(), "people": PersonSpec()}


# ---- exports of a filtered list ----------------------------------------------------------------


def system_rows(model, ctx: Context):
    """The rows an export run by the system (the command line without --as) starts from; None
    for a user, whose scope the list's selector applies exactly as on the page."""
    return model.objects.within_path(ctx.scope_path) if ctx.system else None


def export_list(*, actor, kind: str, filters, fmt: str = "xlsx") -> bytes:
    """The rows a list page shows for `filters` (its selector: spec.selected), as the export
    file of its kind: the same columns as the whole export, and it imports back the same way."""
    spec = get_spec(kind)
    ctx = spec.load_context(actor)
    values = spec.export_values(spec.selected(ctx, filters), ctx)
    if fmt == "csv":
        return writer.export_csv(spec.columns(), values)
    return writer.export_workbook(spec.columns(), values, ctx, spec.label)


__all__ = [
    "SPECS", "DirectoryContext", "OrgRef", "export_list", "parse_region", "parse_unit", "parse_units",
    "system_rows",
]  # fmt: skip
