"""Import/export specs of activities and campaigns.

Natural keys: activities by 编号 (Activity.code; left blank, a new code is generated),
campaigns by 名称. Status of imported activities (状态): users who may review the row's
reporting unit (the same rule as activity_approve) may set any status; others may import
草稿 or 待审核 only, and a blank 状态 means 草稿 for new activities and "unchanged" for existing
ones. An activity already 待审核/已通过 cannot be changed by an import of a user without the
review permission, as in activity_update. See docs/import-formats.md.
"""

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.utils import timezone

from kexie.accounts.roles import REVIEW
from kexie.activities import rules, selectors
from kexie.activities.models import Activity, ActivityKind, Campaign, Status
from kexie.core import references
from kexie.core.imports import bulk
from kexie.core.imports.columns import CellError, Column, Row, choice, integer, labels, parse_date, text
from kexie.core.imports.engine import KindSpec, check_duplicates
from kexie.directory.io import (
    DirectoryContext,
    diff,
    parse_region,
    parse_unit,
    parse_units,
    require_scoped_ref,
    system_rows,
    units_label,
)


class ActivityContext(DirectoryContext):
    def __init__(self, actor):
        super().__init__(actor)
        self.kinds: dict[str, ActivityKind] = {}
        kinds = list(ActivityKind.objects.select_related("parent").order_by("sort", "code"))
        names = [k.name for k in kinds]
        self.kind_labels: dict[int, str] = {}
        for kind in kinds:
            label = kind.name if names.count(kind.name) == 1 else kind.code
            self.kind_labels[kind.pk] = label
            self.kinds[kind.code] = kind
            self.kinds[str(kind)] = kind
            self.kinds.setdefault(label, kind)
        self.active_kind_labels = [self.kind_labels[k.pk] for k in kinds if k.is_active]
        self.campaigns = {
            c.name: c for c in references.choices_for_import("activities.Activity.campaign", actor)
        }
        self.campaign_names = {c.pk: c.name for c in self.campaigns.values()}
        self.current_co: dict[int, set[int]] = {}
        self.can_review = self.has_perm(REVIEW)
        self.top = self.system or self.superuser or (self.unit is not None and self.unit.parent_id is None)

    def may_review(self, reporting_unit_id: int) -> bool:
        """The rule of activity_approve (rules.reviews_unit); a system import (no actor) may."""
        return self.system or rules.reviews_unit(self.actor, reporting_unit_id)


def parse_kind(value: str, ctx: ActivityContext) -> ActivityKind:
    kind = ctx.kinds.get(value)
    if kind is None:
        raise CellError("活动类型不存在,请从下拉列表选择")
    return kind


def parse_campaign(value: str, ctx: ActivityContext) -> Campaign:
    campaign = ctx.campaigns.get(value)
    if campaign is None:
        raise CellError("专项活动不存在,请填写已有专项活动的名称")
    return campaign


def parse_code(value: str, ctx) -> str:
    if len(value) > 40:
        raise CellError("编号过长(最多40个字符)")
    return value


def _example_region(ctx: ActivityContext) -> str:
    region = ctx.unit.region if ctx.unit is not None and ctx.unit.region_id else None
    if region is not None:
        return ctx.region_label(region.pk)
    labels_ = ctx.region_labels()
    return labels_[-1] if labels_ else ""


def _example_year(ctx) -> int:
    return timezone.localdate().year


COUNT_FIELDS = ("participants", "volunteers", "beneficiaries")
INSERT_FIELDS = (
    "code", "title", "kind_id", "start_date", "end_date", "region_id", "venue", "organiser_id", "participants",
    "volunteers", "beneficiaries", "campaign_id", "description", "reporting_unit_id", "status", "return_reason",
    "submitted_at", "reviewed_at", "reviewed_by_id", "created_by_id", "created_at", "updated_at",
)  # fmt: skip
INSERT_DEFAULTS = {
    "venue": "", "participants": 0, "volunteers": 0, "beneficiaries": 0, "campaign_id": None, "description": "",
    "return_reason": "", "submitted_at": None, "reviewed_at": None, "reviewed_by_id": None,
}  # fmt: skip
PLAIN_FIELDS = ("title", "venue", "description", "return_reason")
SAME_KEY_TEXT = "填报单位、活动名称、开始日期、地点均相同;同一天的两场活动可以仍导入"


class ActivitySpec(KindSpec):
    kind = "activities"
    label = "活动"
    model = Activity
    key_header = "编号"

    def columns(self) -> list[Column]:
        year = timezone.localdate().year
        return [
            Column("编号", "code", parse_code, text=True, width=24, fmt="最多40个字符",
                   help="留空则自动生成;再次导入时按编号更新已有活动"),
            Column("活动名称", "title", text(200), required=True, width=30, example="科普讲座进社区"),
            Column("活动类型", "kind", parse_kind, required=True, choices=lambda ctx: ctx.active_kind_labels,
                   fmt="从下拉列表选择", example=lambda ctx: ctx.active_kind_labels[1]),
            Column("开始日期", "start_date", parse_date, required=True, fmt="日期 YYYY-MM-DD",
                   example=dt.date(year, 9, 19), width=12),
            Column("结束日期", "end_date", parse_date, required=True, fmt="日期 YYYY-MM-DD",
                   example=dt.date(year, 9, 19), width=12, help="不能早于开始日期"),
            Column("所在区划", "region", parse_region, required=True, fmt="区划名称或行政区划代码",
                   choices=lambda ctx: ctx.region_labels(), example=_example_region),
            Column("地点", "venue", text(200), example="社区文化广场"),
            Column("主办单位", "organiser", parse_unit, rule="activities.Activity.organiser", required=True, width=30,
                   choices=lambda ctx: ctx.scoped_unit_names(), example=lambda ctx: ctx.default_unit_name(),
                   help="单位名称,须在您的管辖范围内"),
            Column("协办单位", "co_organisers", parse_units, rule="activities.Activity.co_organisers", width=30, fmt="单位名称,多个用分号;分隔"),
            Column("参与人数", "participants", integer(0), fmt="非负整数", example=120, width=10),
            Column("志愿者人数", "volunteers", integer(0), fmt="非负整数", example=8, width=10),
            Column("受益人数", "beneficiaries", integer(0), fmt="非负整数", example=300, width=10),
            Column("所属专项活动", "campaign", parse_campaign, rule="activities.Activity.campaign", width=24, fmt="专项活动名称",
                   choices=lambda ctx: sorted(ctx.campaigns), help="活动日期须在专项活动的时间范围内"),
            Column("活动简介", "description", text(), width=30),
            Column("填报单位", "reporting_unit", parse_unit, rule="activities.Activity.reporting_unit", width=30, choices=lambda ctx: ctx.scoped_unit_names(),
                   example=lambda ctx: ctx.default_unit_name(), help="留空则为导入人所在单位;须在您的管辖范围内"),
            Column("状态", "status", choice(Status.choices), choices=labels(Status.choices), fmt="从下拉列表选择",
                   example=str(Status.DRAFT.label),
                   help="无审核权限时只能为草稿或待审核;留空:新活动为草稿,已有活动不变"),
            Column("退回原因", "return_reason", text(), help="状态为已退回时必填"),
        ]  # fmt: skip

    def load_context(self, actor) -> ActivityContext:
        return ActivityContext(actor)

    def check_rows(self, rows: list[Row], ctx: ActivityContext, present: set[str]) -> None:
        in_file = check_duplicates(rows, "编号", lambda r: r.values.get("code"))
        existing = {
            a.code: a
            for a in bulk.fetch_in(
                Activity.objects.unscoped(
                    reason="codes are unique in the city; rows out of scope are refused"
                ),
                "code",
                in_file,
            )
        }
        current_co: dict[int, set[int]] = {}
        if "co_organisers" in present and existing:
            current_co = bulk.current_m2m(Activity.co_organisers, [a.pk for a in existing.values()])
        ctx.current_co = current_co
        for row in rows:
            if row.ok:
                self._check_row(row, ctx, present, existing.get(row.values.get("code")), current_co)
        self._flag_duplicates([row for row in rows if row.ok], present)
        self._assign_codes(rows)

    def _flag_duplicates(self, rows: list[Row], present: set[str]) -> None:
        """Rows that repeat another row, or a new row that repeats a stored activity, in 填报单位,
        活动名称, 开始日期 and 地点. Two rows with different 编号 were numbered apart on purpose.
        Two sessions on one day can be real, so these are warnings the user confirms."""
        keys = {row.number: self._same_key(row, present) for row in rows}
        stored = self._stored_with_keys({keys[row.number] for row in rows if row.instance is None})
        first: dict[tuple, Row] = {}
        first_uncoded: dict[tuple, Row] = {}
        for row in rows:
            key, coded = keys[row.number], bool(row.values.get("code"))
            earlier = (first_uncoded if coded else first).get(key)
            first.setdefault(key, row)
            if not coded:
                first_uncoded.setdefault(key, row)
            if earlier is not None:
                row.duplicate("活动名称", row.values["title"], f"与第{earlier.number}行重复({SAME_KEY_TEXT})")
            if row.instance is None:
                for pk, code in stored.get(key, ()):
                    row.duplicate(
                        "活动名称",
                        row.values["title"],
                        f"与已有活动(ID {pk},编号{code})重复({SAME_KEY_TEXT})",
                    )

    @staticmethod
    def _same_key(row: Row, present: set[str]) -> tuple:
        target, instance = row.extra["target"], row.instance
        unit_id = target.get("reporting_unit_id") or instance.reporting_unit_id
        venue = target["venue"] if "venue" in present else (instance.venue if instance is not None else "")
        return (unit_id, target["title"], target["start_date"], venue)

    @staticmethod
    def _stored_with_keys(wanted: set[tuple]) -> dict[tuple, list[tuple[int, str]]]:
        """{(unit, title, start date, venue): [(id, code)]} of stored activities, read through the
        (reporting unit, start date) index; every unit here lies in the importer's scope."""
        found: dict[tuple, list[tuple[int, str]]] = {}
        units = sorted({key[0] for key in wanted})
        dates = sorted({key[2] for key in wanted})
        fields = ("reporting_unit_id", "title", "start_date", "venue", "pk", "code")
        for unit_batch in bulk.chunks(units, 400):
            for date_batch in bulk.chunks(dates, 400):
                in_scope = Activity.objects.unscoped(reason="every unit here lies in the importer's scope")
                qs = in_scope.filter(reporting_unit_id__in=unit_batch, start_date__in=date_batch)
                for unit_id, title, start, venue, pk, code in qs.values_list(*fields).order_by("pk"):
                    if (unit_id, title, start, venue) in wanted:
                        found.setdefault((unit_id, title, start, venue), []).append((pk, code))
        return found

    def _check_row(self, row: Row, ctx: ActivityContext, present, instance, current_co) -> None:
        v = row.values
        if instance is not None and not ctx.in_scope_id(instance.reporting_unit_id):
            row.error("编号", v["code"], "编号已被其他单位的活动使用")
            return
        row.instance = instance
        target: dict[str, Any] = {}
        for name in PLAIN_FIELDS:
            if name in present:
                target[name] = v.get(name) or ""
        for name in COUNT_FIELDS:
            if name in present:
                target[name] = v.get(name) or 0
        target["kind_id"] = v["kind"].pk
        target["start_date"] = v["start_date"]
        target["end_date"] = v["end_date"]
        target["region_id"] = v["region"].pk
        if require_scoped_ref(row, "主办单位", v["organiser"], instance.organiser_id if instance else None):
            target["organiser_id"] = v["organiser"].id
        self._reporting_unit(row, ctx, instance, target)
        if "campaign" in present:
            target["campaign_id"] = v["campaign"].pk if v.get("campaign") else None
        self._check_dates(row, v)
        if not row.ok:
            return
        self._status(row, ctx, instance, target)
        if not row.ok:
            return
        row.extra["target"] = target
        co = set(v.get("co_organisers") or ()) if "co_organisers" in present else None
        row.extra["co"] = co
        if instance is None:
            row.action = "create"
            return
        changed = diff(instance, target)
        if co is not None and current_co.get(instance.pk, set()) != co:
            changed.append("co_organisers")
        row.action = "update" if changed else "unchanged"
        if changed and not (instance.status in rules.EDITABLE or ctx.can_review):
            row.error("编号", v["code"], "已上报或已通过的活动不能修改;如需修改,请审核人员先退回")

    def _reporting_unit(self, row: Row, ctx: ActivityContext, instance, target) -> None:
        ref = row.values.get("reporting_unit")
        if ref is None:
            if instance is not None:
                return
            ref = ctx.home_ref()
            if ref is None:
                row.error("填报单位", "", ctx.blank_unit_reason())
                return
        if require_scoped_ref(row, "填报单位", ref):
            target["reporting_unit_id"] = ref.id

    def _check_dates(self, row: Row, v: dict) -> None:
        problems = rules.date_problems(v["start_date"], v["end_date"], v.get("campaign"))
        if "end_date" in problems:
            row.error("结束日期", v["end_date"].isoformat(), problems["end_date"])
        if "campaign" in problems:
            row.error("所属专项活动", v["campaign"].name, problems["campaign"])

    def _status(self, row: Row, ctx: ActivityContext, instance, target) -> None:
        wanted = row.values.get("status")
        current = instance.status if instance is not None else None
        if not wanted:
            if instance is None:
                target["status"] = Status.DRAFT
            return
        target["status"] = wanted
        if wanted == current or wanted in rules.IMPORTABLE_BY_EDITOR:
            return
        unit_id = target.get("reporting_unit_id") or instance.reporting_unit_id
        label = Status(wanted).label
        if not ctx.can_review:
            row.error("状态", label, "您没有审核权限,导入的活动状态只能为草稿或待审核")
        elif not ctx.may_review(unit_id):
            row.error("状态", label, "本单位上报的活动须由上级单位审核,不能导入为已通过或已退回")
        elif wanted == Status.RETURNED and not (
            row.values.get("return_reason") or getattr(instance, "return_reason", "")
        ):
            row.error("退回原因", "", "退回时必须填写原因")

    def _assign_codes(self, rows: list[Row]) -> None:
        stamp = timezone.localtime().strftime("%Y%m%d%H%M%S%f")
        for index, row in enumerate(
            r for r in rows if r.ok and r.action == "create" and not r.values.get("code")
        ):
            row.values["code"] = f"HD{stamp}{index:06d}"

    def write(self, rows: list[Row], ctx: ActivityContext) -> None:
        now = timezone.now()
        actor_id = ctx.actor.pk if ctx.actor is not None else None
        creates = [row for row in rows if row.action == "create"]
        bulk.insert_rows(
            Activity, INSERT_FIELDS, (self._insert_values(row, actor_id, now) for row in creates)
        )
        self._write_updates([row for row in rows if row.action == "update"], actor_id, now)
        wanted_co = {}
        new_ids = bulk.ids_by(Activity, "code", [r.values["code"] for r in creates if r.extra["co"]])
        for row in rows:
            if row.extra["co"] is not None:
                pk = row.instance.pk if row.instance is not None else new_ids.get(row.values["code"])
                if pk is not None:
                    wanted_co[pk] = row.extra["co"]
        if wanted_co:
            bulk.replace_m2m(Activity.co_organisers, wanted_co, ctx.current_co)

    @staticmethod
    def _insert_values(row: Row, actor_id, now) -> tuple:
        values = {**INSERT_DEFAULTS, **row.extra["target"], "code": row.values["code"], "created_by_id": actor_id,
                  "created_at": now, "updated_at": now}  # fmt: skip
        status = values["status"]
        if status == Status.SUBMITTED:
            values["submitted_at"] = now
        elif status in (Status.APPROVED, Status.RETURNED):
            values["reviewed_at"] = now
            values["reviewed_by_id"] = actor_id
        return tuple(values[name] for name in INSERT_FIELDS)

    def _write_updates(self, rows: list[Row], actor_id, now) -> None:
        fields: set[str] = {"updated_at"}
        objs = []
        for row in rows:
            activity = row.instance
            target = row.extra["target"]
            fields |= set(diff(activity, target))
            old_status = activity.status
            for name, value in target.items():
                setattr(activity, name, value)
            activity.updated_at = now
            self._stamp(activity, old_status, actor_id, now, fields)
            objs.append(activity)
        names = sorted(fields)
        bulk.update_rows(Activity, names, ([getattr(a, n) for n in names] + [a.pk] for a in objs))

    @staticmethod
    def _stamp(activity: Activity, old_status, actor_id, now, fields: set[str]) -> None:
        if activity.status == old_status:
            return
        if activity.status == Status.SUBMITTED:
            activity.submitted_at = now
            fields.add("submitted_at")
        elif activity.status in (Status.APPROVED, Status.RETURNED):
            activity.reviewed_at = now
            activity.reviewed_by_id = actor_id
            fields |= {"reviewed_at", "reviewed_by_id"}

    def export_objects(self, ctx: ActivityContext, year):
        return self.selected(ctx, {"year": year}).order_by("start_date", "id")

    def selected(self, ctx: ActivityContext, filters) -> Any:
        """The ledger's rows for these filters (its one selector)."""
        return selectors.ledger(ctx.actor, filters, rows=system_rows(Activity, ctx))

    def export_values(self, objs, ctx: ActivityContext) -> Iterator[Sequence[Any]]:
        co: dict[int, list[int]] = {}
        through = Activity.co_organisers.through
        for activity_id, org_id in through.objects.filter(activity__in=objs.values("pk")).values_list(
            "activity_id", "organisation_id"
        ):
            co.setdefault(activity_id, []).append(org_id)
        fields = (
            "pk", "code", "title", "kind_id", "start_date", "end_date", "region_id", "venue", "organiser_id",
            "participants", "volunteers", "beneficiaries", "campaign_id", "description", "reporting_unit_id",
            "status", "return_reason",
        )  # fmt: skip
        statuses = dict(Status.choices)
        for (pk, code, title, kind_id, start, end, region_id, venue, organiser_id, participants, volunteers,
             beneficiaries, campaign_id, description, unit_id, status, reason) in objs.values_list(*fields).iterator(
            chunk_size=5000
        ):  # fmt: skip
            yield [
                code, title, ctx.kind_labels[kind_id], start, end, ctx.region_label(region_id), venue,
                ctx.org_names[organiser_id], units_label(co.get(pk, ()), ctx), participants, volunteers,
                beneficiaries, ctx.campaign_names.get(campaign_id, ""), description, ctx.org_names[unit_id],
                str(statuses[status]), reason,
            ]  # fmt: skip


# ---- campaigns --------------------------------------------------------------------------------


class CampaignSpec(KindSpec):
    kind = "campaigns"
    label = "专项活动"
    model = Campaign
    key_header = "名称"

    def columns(self) -> list[Column]:
        year = timezone.localdate().year
        return [
            Column("名称", "name", text(120), required=True, width=30, example=f"{year}年全国科普日",
                   help="唯一;再次导入时按名称更新已有专项活动"),
            Column("年度", "year", integer(1949, 2100), required=True, fmt="4位年份", example=year, width=8),
            Column("开始日期", "start_date", parse_date, required=True, fmt="日期 YYYY-MM-DD",
                   example=dt.date(year, 9, 1), width=12),
            Column("结束日期", "end_date", parse_date, required=True, fmt="日期 YYYY-MM-DD",
                   example=dt.date(year, 9, 30), width=12, help="不能早于开始日期"),
            Column("主办单位", "host_unit", parse_unit, rule="activities.Campaign.host_unit", width=30, choices=lambda ctx: ctx.scoped_unit_names(),
                   example=lambda ctx: ctx.default_unit_name(), help="留空则为导入人所在单位;须在您的管辖范围内"),
            Column("参与单位", "participating_units", parse_units, rule="activities.Campaign.participating_units", width=40, fmt="单位名称,多个用分号;分隔"),
            Column("说明", "description", text(), width=30),
        ]  # fmt: skip

    def load_context(self, actor) -> DirectoryContext:
        return DirectoryContext(actor)

    def check_rows(self, rows: list[Row], ctx: DirectoryContext, present: set[str]) -> None:
        in_file = check_duplicates(rows, "名称", lambda r: r.values.get("name"))
        existing = {
            c.name: c
            for c in bulk.fetch_in(
                Campaign.objects.unscoped(
                    reason="names are unique in the city; rows out of scope are refused"
                ),
                "name",
                in_file,
            )
        }
        current: dict[int, set[int]] = {}
        if "participating_units" in present and existing:
            current = bulk.current_m2m(Campaign.participating_units, [c.pk for c in existing.values()])
        ctx.current_units = current
        for row in rows:
            if row.ok:
                self._check_row(row, ctx, present, existing.get(row.values["name"]), current)

    def _check_row(self, row: Row, ctx: DirectoryContext, present, instance, current) -> None:
        v = row.values
        if instance is not None and not ctx.in_scope_id(instance.host_unit_id):
            row.error("名称", v["name"], "名称已被其他单位的专项活动使用")
            return
        row.instance = instance
        if v["end_date"] < v["start_date"]:
            row.error("结束日期", v["end_date"].isoformat(), "结束日期不能早于开始日期")
        target: dict[str, Any] = {"name": v["name"], "year": v["year"], "start_date": v["start_date"],
                                  "end_date": v["end_date"]}  # fmt: skip
        if "description" in present:
            target["description"] = v.get("description") or ""
        ref = v.get("host_unit")
        if ref is None and instance is None:
            ref = ctx.home_ref()
            if ref is None:
                row.error("主办单位", "", ctx.blank_unit_reason())
        if ref is not None and require_scoped_ref(row, "主办单位", ref):
            target["host_unit_id"] = ref.id
        if not row.ok:
            return
        units = set(v.get("participating_units") or ()) if "participating_units" in present else None
        row.extra.update(target=target, units=units)
        if instance is None:
            row.action = "create"
            return
        changed = diff(instance, target) or (units is not None and current.get(instance.pk, set()) != units)
        row.action = "update" if changed else "unchanged"

    def write(self, rows: list[Row], ctx: DirectoryContext) -> None:
        now = timezone.now()
        creates, updates, fields = [], [], {"updated_at"}
        for row in rows:
            campaign = row.instance
            if campaign is None:
                campaign = Campaign(**row.extra["target"])
                creates.append(campaign)
            else:
                fields |= set(diff(campaign, row.extra["target"]))
                for name, value in row.extra["target"].items():
                    setattr(campaign, name, value)
                campaign.updated_at = now
                updates.append(campaign)
            row.extra["obj"] = campaign
        bulk.bulk_create(Campaign, creates)
        bulk.bulk_update(Campaign, updates, sorted(f.removesuffix("_id") for f in fields))
        wanted = {row.extra["obj"].pk: row.extra["units"] for row in rows if row.extra["units"] is not None}
        if wanted:
            bulk.replace_m2m(Campaign.participating_units, wanted, ctx.current_units)

    def export_objects(self, ctx: DirectoryContext, year):
        qs = Campaign.objects.within_path(ctx.scope_path)
        if year:
            qs = qs.filter(year=year)
        return qs.order_by("year", "start_date", "name")

    def export_values(self, objs, ctx: DirectoryContext) -> Iterator[Sequence[Any]]:
        objs = list(objs)
        units = bulk.current_m2m(Campaign.participating_units, [c.pk for c in objs])
        for c in objs:
            yield [
                c.name, c.year, c.start_date, c.end_date, ctx.org_names[c.host_unit_id],
                units_label(units.get(c.pk, ()), ctx), c.description,
            ]  # fmt: skip


SPECS = {"activities": ActivitySpec(), "campaigns": CampaignSpec()}
