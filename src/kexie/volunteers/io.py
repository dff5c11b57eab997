"""Import of service records (志愿服务记录) through the import framework (kexie.core.imports):
a team's sign-in sheet or a unit's ledger of hours, one row per volunteer, activity and day.

Every row is checked before anything is written: the volunteer (by name, and by ID number when
two volunteers share the name), the ledger activity (by its 编号), the date within the activity
and not to come, the hours (0.01–24), the units and people the importer may name (their
reference rules), and the once-a-day rule against the file and the records. One bad row and
nothing is written; every problem names its row, column and reason in Chinese. The rows are
written through `services.service_records_enter_bulk` (recorded at once, as a team entry; the
hours summary kept in the same transaction), one batch per activity. A row equal to a record
already there (an exported file imported back) is left unchanged. An import needs an acting
user (`--as`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from kexie.accounts.roles import EDIT
from kexie.core import crypto
from kexie.core.imports.columns import CellError, Column, Row, parse_date, text
from kexie.core.imports.engine import Context, KindSpec
from kexie.core.validators import normalise_id_number
from kexie.directory.models import personal_data_visible
from kexie.volunteers import services
from kexie.volunteers.models import RecordStatus, ServiceRecord, VolunteerEvaluation, VolunteerProfile

MAX_HOURS = Decimal("24")


def parse_hours(value: str, ctx) -> Decimal:
    try:
        hours = Decimal(value.replace("小时", "").strip())
    except InvalidOperation:
        raise CellError("应为数字(小时),如 2.5") from None
    if not hours.is_finite() or hours <= 0:
        raise CellError("应大于0")
    if hours > MAX_HOURS:
        raise CellError("一天的服务时长不能超过24小时")
    if hours != hours.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP):
        raise CellError("最多两位小数")
    return hours.quantize(Decimal("0.01"))


def _example_volunteer(ctx) -> str:
    if ctx.actor is not None:
        profile = VolunteerProfile.objects.for_user(ctx.actor).select_related("person").first()
        if profile is not None:
            return profile.person.name
    return "李志愿"


def _example_activity(ctx) -> str:
    from kexie.activities.models import Activity

    if ctx.actor is not None:
        activity = Activity.objects.for_user(ctx.actor).order_by("-start_date", "-id").first()
        if activity is not None:
            return activity.code
    return "HD2020000001"


def _example_unit(ctx) -> str:
    unit = getattr(ctx.actor, "unit", None)
    return unit.name if unit is not None else "济宁市科学技术协会"


def _offered(rule: str, name_field: str):
    """The drop-down of a column: the names of the records its reference rule offers."""

    def names(ctx) -> list[str]:
        from kexie.core import references

        if ctx.actor is None:
            return []
        qs = references.choices(rule, ctx.actor).order_by(name_field).values_list(name_field, flat=True)
        return list(dict.fromkeys(qs))

    return names


class ServiceRecordSpec(KindSpec):
    kind = "service_records"
    label = "志愿服务记录"
    model = ServiceRecord
    key_header = "志愿者"

    def columns(self) -> list[Column]:
        return [
            Column("志愿者", "volunteer_name", text(100), required=True, example=_example_volunteer,
                   help="已注册志愿者的姓名"),
            Column("身份证件号码", "id_number", text(24), fmt="文本", text=True, width=22,
                   help="同名志愿者须填写,用于区分"),
            Column("活动编号", "activity_code", text(40), required=True, example=_example_activity, text=True,
                   width=18, help="活动台账中的活动编号"),
            Column("服务日期", "served_on", parse_date, fmt="YYYY-MM-DD", example="2020-09-19", text=True,
                   help="省略时为活动开始日期"),
            Column("服务地点", "place", text(200), help="省略时为活动地点"),
            Column("服务内容", "content", text(300), required=True, example="科普宣传", width=24),
            Column("服务时长(小时)", "hours", parse_hours, required=True, fmt="数字,最多两位小数",
                   example="2.5"),
            Column("组织单位", "organising_unit", text(200), help="省略时为活动主办单位", width=24,
                   rule="volunteers.ServiceRecord.organising_unit",
                   choices=_offered("volunteers.ServiceRecord.organising_unit", "name")),
            Column("负责人", "responsible_person", text(100), rule="volunteers.ServiceRecord.responsible_person"),
            Column("志愿服务队", "team", text(200), width=24, rule="volunteers.ServiceRecord.team",
                   choices=_offered("volunteers.ServiceRecord.team", "organisation__name")),
        ]  # fmt: skip

    # ---- checks

    def check_rows(self, rows: list[Row], ctx: Context, present: set[str]) -> None:
        if ctx.actor is None:
            for row in rows:
                row.error("", "", "该类数据的导入须指定导入人(命令行 --as)")
            return
        if not ctx.has_perm(EDIT):
            raise PermissionDenied("您没有录入志愿服务记录的权限")
        wanted = [row for row in rows if row.ok]
        volunteers = self._volunteers(ctx, {row.values["volunteer_name"] for row in wanted})
        activities = self._activities(ctx, {row.values["activity_code"] for row in wanted})
        units = self._named(ctx, "volunteers.ServiceRecord.organising_unit", "name")
        people = self._named(ctx, "volunteers.ServiceRecord.responsible_person", "name")
        teams = self._named(ctx, "volunteers.ServiceRecord.team", "organisation__name")
        for row in wanted:
            self._resolve(row, volunteers, activities, units, people, teams)
        self._once_a_day(rows)

    def _volunteers(self, ctx, names) -> dict[str, list[VolunteerProfile]]:
        allowed = ctx.rule_ids("volunteers.ServiceRecord.volunteer")
        found: dict[str, list[VolunteerProfile]] = defaultdict(list)
        qs = (
            VolunteerProfile.objects.for_user(ctx.actor)
            .filter(person__name__in=names)
            .select_related("person")
        )
        for profile in qs:
            if profile.pk in allowed:
                found[profile.person.name].append(profile)
        return found

    def _activities(self, ctx, codes) -> dict:
        from kexie.activities.models import Activity

        allowed = ctx.rule_ids("volunteers.ServiceRecord.activity")
        qs = Activity.objects.for_user(ctx.actor).filter(code__in=codes).select_related("organiser", "region")
        return {a.code: a for a in qs if a.pk in allowed}

    def _named(self, ctx, rule: str, name_field: str) -> dict[str, list]:
        """The records the rule offers, by name (a name may be shared: then it is refused)."""
        from kexie.core import references

        found: dict[str, list] = defaultdict(list)
        qs = references.choices(rule, ctx.actor)
        if name_field.startswith("organisation__"):
            qs = qs.select_related("organisation")
        for obj in qs.order_by("pk"):
            name = obj.organisation.name if name_field.startswith("organisation__") else obj.name
            found[name].append(obj)
        return found

    def _resolve(self, row: Row, volunteers, activities, units, people, teams) -> None:
        values = row.values
        name = values["volunteer_name"]
        candidates = volunteers.get(name, [])
        id_number = normalise_id_number(values.get("id_number") or "")
        if id_number and "*" not in id_number:  # a masked number (an export) names no one
            digest = crypto.blind_index(id_number)
            candidates = [p for p in candidates if p.id_number_hash == digest]
            if not candidates:
                row.error("身份证件号码", "", f"与志愿者“{name}”的证件号码不符,或该志愿者不在您的范围内")
                return
        if not candidates:
            row.error("志愿者", name, "不是已注册的志愿者,或不在您的管辖范围内")
            return
        if len(candidates) > 1:
            row.error("志愿者", name, f"有{len(candidates)}名同名志愿者,请填写身份证件号码以区分")
            return
        values["volunteer"] = candidates[0]
        activity = activities.get(values["activity_code"])
        if activity is None:
            row.error("活动编号", values["activity_code"], "活动不存在或不在您的管辖范围内")
            return
        values["activity"] = activity
        served_on = values.get("served_on") or activity.start_date
        values["served_on"] = served_on
        if not (activity.start_date <= served_on <= activity.end_date):
            row.error("服务日期", served_on.isoformat(),
                      f"应在活动“{activity.title}”的日期({activity.start_date}至{activity.end_date})之内")  # fmt: skip
        elif served_on > services._today():
            row.error("服务日期", served_on.isoformat(), "不能晚于今天")
        if not (values.get("place") or activity.venue):
            row.error("服务地点", "", f"活动“{activity.title}”没有登记地点,请填写服务地点")
        for header, field, named in (("组织单位", "organising_unit", units), ("负责人", "responsible_person", people),
                                     ("志愿服务队", "team", teams)):  # fmt: skip
            label = values.get(field)
            if not label:
                values.pop(field, None)
                continue
            matches = named.get(label, [])
            if not matches:
                row.error(header, label, "不存在或不在您的管辖范围内")
            elif len(matches) > 1:
                row.error(header, label, f"有{len(matches)}个同名记录,无法确定")
            else:
                values[field] = matches[0]

    def _once_a_day(self, rows: list[Row]) -> None:
        """One record per volunteer, activity and day: within the file and against the records
        (a row equal to the record already there is left unchanged)."""
        ready = [row for row in rows if row.ok]
        existing = {}
        activity_ids = {row.values["activity"].pk for row in ready}
        if activity_ids:
            qs = (
                ServiceRecord.objects.unscoped(reason="the once-a-day rule holds city-wide")
                .filter(activity_id__in=activity_ids,
                        volunteer_id__in={row.values["volunteer"].pk for row in ready})
                .exclude(status=RecordStatus.DECLINED)
            )  # fmt: skip
            existing = {(r.volunteer_id, r.activity_id, r.served_on): r for r in qs}
        first: dict[tuple, Row] = {}
        for row in ready:
            values = row.values
            key = (values["volunteer"].pk, values["activity"].pk, values["served_on"])
            if key in first:
                row.error("服务日期", values["served_on"].isoformat(),
                          f"与第{first[key].number}行重复(同一志愿者、活动和日期只能有一条记录)")  # fmt: skip
                continue
            first[key] = row
            stored = existing.get(key)
            if stored is None:
                row.action = "create"
            elif stored.hours == values["hours"] and stored.content == values["content"]:
                row.action, row.instance = "unchanged", stored
            else:
                row.error("服务日期", values["served_on"].isoformat(),
                          f"该志愿者当天在此活动已有服务记录(ID {stored.pk});如需更正请在服务记录页面修改")  # fmt: skip

    # ---- write

    def write(self, rows: list[Row], ctx: Context) -> None:
        by_activity: dict[int, list[Row]] = defaultdict(list)
        for row in rows:
            if row.action == "create":
                by_activity[row.values["activity"].pk].append(row)
        for batch in by_activity.values():
            activity = batch[0].values["activity"]
            entries = [(row.values["volunteer"], self._data(row)) for row in batch]
            try:
                services.service_records_enter_bulk(actor=ctx.actor, activity=activity, entries=entries)
            except (ValidationError, PermissionDenied) as exc:
                messages = getattr(exc, "messages", [str(exc)])
                raise ValidationError(f"第{batch[0].number}行起:{';'.join(messages)}") from exc

    @staticmethod
    def _data(row: Row) -> dict[str, Any]:
        values = row.values
        data = {"served_on": values["served_on"], "content": values["content"], "hours": values["hours"]}
        for name in ("place", "organising_unit", "responsible_person", "team"):
            if values.get(name):
                data[name] = values[name]
        return data

    # ---- export (imports back unchanged)

    def export_objects(self, ctx: Context, year):
        qs = (
            ServiceRecord.objects.for_user(ctx.actor)
            if ctx.actor is not None
            else ServiceRecord.objects.unscoped(reason="a system export, no user")
        )
        qs = qs.filter(status=RecordStatus.RECORDED)
        if year:
            qs = qs.filter(served_on__year=year)
        return qs.select_related(
            "volunteer__person", "activity", "organising_unit", "responsible_person", "team__organisation"
        ).order_by("served_on", "id")

    def export_values(self, objs, ctx) -> Iterator[Sequence[Any]]:
        full = ctx.actor is None or personal_data_visible(ctx.actor)
        for r in objs:
            profile = r.volunteer
            yield [
                profile.person.name,
                (profile.id_number if full else profile.id_number_masked) or "",
                r.activity.code,
                r.served_on.isoformat(),
                r.place,
                r.content,
                f"{r.hours:.2f}",
                r.organising_unit.name,
                r.responsible_person.name if r.responsible_person_id else "",
                r.team.organisation.name if r.team_id else "",
            ]


# ---- evaluations on the volunteer's record -------------------------------------------------------


class VolunteerEvaluationSpec(KindSpec):
    """A unit's evaluations of volunteers (优秀/良好/合格/不合格 for a year, with comments), one row
    per volunteer, evaluating unit and year (the key). Every row is checked before anything is
    written: the volunteer as in `service_records` (by name, by ID number for namesakes), the unit
    one the importer may name, the year and date, and one evaluation per unit, volunteer and year
    against the file and the stored ones (a row equal to the stored one, an exported file imported
    back, is left unchanged; a different one is refused: withdraw it first). Rows are written
    through `services.volunteer_evaluation_add` (audited each)."""

    kind = "volunteer_evaluations"
    label = "志愿者评价"
    key_header = "志愿者"

    model = VolunteerEvaluation

    def columns(self) -> list[Column]:
        from kexie.core.imports.columns import choice, integer, labels
        from kexie.volunteers.models import EvaluationRating

        return [
            Column("志愿者", "volunteer_name", text(100), required=True, example=_example_volunteer,
                   help="已注册志愿者的姓名"),
            Column("身份证件号码", "id_number", text(24), fmt="文本", text=True, width=22,
                   help="同名志愿者须填写,用于区分"),
            Column("评价单位", "unit", text(200), required=True, width=24, rule="volunteers.VolunteerEvaluation.unit",
                   choices=_offered("volunteers.VolunteerEvaluation.unit", "name"), example=_example_unit),
            Column("评价年度", "year", integer(2000, 2100), required=True, fmt="整数", example=2020),
            Column("评价等次", "rating", choice(EvaluationRating.choices), required=True, fmt="从下拉列表选择",
                   choices=labels(EvaluationRating.choices), example="优秀"),
            Column("评语", "comment", text(500), width=30),
            Column("评价日期", "evaluated_on", parse_date, fmt="YYYY-MM-DD", example="2020-12-01", text=True,
                   help="省略时为导入当天"),
        ]  # fmt: skip

    def check_rows(self, rows: list[Row], ctx: Context, present: set[str]) -> None:
        if ctx.actor is None:
            for row in rows:
                row.error("", "", "该类数据的导入须指定导入人(命令行 --as)")
            return
        if not ctx.has_perm(EDIT):
            raise PermissionDenied("您没有评价志愿者的权限")
        wanted = [row for row in rows if row.ok]
        volunteers = _volunteers_by_name(ctx, {row.values["volunteer_name"] for row in wanted},
                                         "volunteers.VolunteerEvaluation.volunteer")  # fmt: skip
        units = _named_records(ctx, "volunteers.VolunteerEvaluation.unit", "name")
        today = services._today()
        for row in wanted:
            values = row.values
            values["volunteer"] = _resolve_volunteer(row, volunteers)
            if values["volunteer"] is None:
                continue
            matches = units.get(values["unit"], [])
            if not matches:
                row.error("评价单位", values["unit"], "不存在或不在您的管辖范围内")
                continue
            if len(matches) > 1:
                row.error("评价单位", values["unit"], f"有{len(matches)}个同名单位,无法确定")
                continue
            values["unit"] = matches[0]
            on = values.get("evaluated_on") or today
            if on > today:
                row.error("评价日期", on.isoformat(), "不能晚于今天")
            elif values["year"] > on.year:
                row.error("评价年度", str(values["year"]), "不能晚于评价日期所在年度")
        ready = [row for row in wanted if row.ok]
        stored = {}
        if ready:
            qs = VolunteerEvaluation.objects.unscoped(
                reason="one evaluation per unit, volunteer and year"
            ).filter(
                volunteer__in={row.values["volunteer"].pk for row in ready},
                unit__in={row.values["unit"].pk for row in ready},
            )
            stored = {(e.volunteer_id, e.unit_id, e.year): e for e in qs}
        first: dict[tuple, Row] = {}
        for row in ready:
            values = row.values
            key = (values["volunteer"].pk, values["unit"].pk, values["year"])
            if key in first:
                row.error("评价年度", str(values["year"]),
                          f"与第{first[key].number}行重复(同一单位对同一志愿者每年只能评价一次)")  # fmt: skip
                continue
            first[key] = row
            found = stored.get(key)
            if found is None:
                row.action = "create"
            elif found.rating == values["rating"] and found.comment == (values.get("comment") or "").strip():
                row.action, row.instance = "unchanged", found
            else:
                row.error("评价年度", str(values["year"]),
                          f"{values['unit'].name}已评价过该志愿者{values['year']}年度的服务;如需更正请先撤回原评价")  # fmt: skip

    def write(self, rows: list[Row], ctx: Context) -> None:
        for row in rows:
            values = row.values
            data = {
                "year": values["year"],
                "rating": values["rating"],
                "comment": values.get("comment") or "",
            }
            if values.get("evaluated_on"):
                data["evaluated_on"] = values["evaluated_on"]
            try:
                services.volunteer_evaluation_add(
                    actor=ctx.actor, volunteer=values["volunteer"], unit=values["unit"], data=data
                )
            except (ValidationError, PermissionDenied) as exc:
                messages = getattr(exc, "messages", [str(exc)])
                raise ValidationError(f"第{row.number}行:{';'.join(messages)}") from exc

    def export_objects(self, ctx: Context, year):
        qs = (
            VolunteerEvaluation.objects.for_user(ctx.actor)
            if ctx.actor is not None
            else VolunteerEvaluation.objects.unscoped(reason="a system export, no user")
        )
        if year:
            qs = qs.filter(year=year)
        return qs.select_related("volunteer__person", "unit").order_by("year", "unit__name", "id")

    def export_values(self, objs, ctx) -> Iterator[Sequence[Any]]:
        full = ctx.actor is None or personal_data_visible(ctx.actor)
        for e in objs:
            profile = e.volunteer
            yield [
                profile.person.name,
                (profile.id_number if full else profile.id_number_masked) or "",
                e.unit.name,
                e.year,
                e.get_rating_display(),
                e.comment,
                e.evaluated_on.isoformat(),
            ]


def _volunteers_by_name(ctx, names, rule: str) -> dict[str, list[VolunteerProfile]]:
    allowed = ctx.rule_ids(rule)
    found: dict[str, list[VolunteerProfile]] = defaultdict(list)
    qs = VolunteerProfile.objects.for_user(ctx.actor).filter(person__name__in=names).select_related("person")
    for profile in qs:
        if profile.pk in allowed:
            found[profile.person.name].append(profile)
    return found


def _named_records(ctx, rule: str, name_field: str) -> dict[str, list]:
    return ServiceRecordSpec()._named(ctx, rule, name_field)


def _resolve_volunteer(row: Row, volunteers) -> VolunteerProfile | None:
    """The one volunteer a row names (by name; by ID number among namesakes), or None (the row
    has the error)."""
    name = row.values["volunteer_name"]
    candidates = volunteers.get(name, [])
    id_number = normalise_id_number(row.values.get("id_number") or "")
    if id_number and "*" not in id_number:  # a masked number (an export) names no one
        digest = crypto.blind_index(id_number)
        candidates = [p for p in candidates if p.id_number_hash == digest]
        if not candidates:
            row.error("身份证件号码", "", f"与志愿者“{name}”的证件号码不符,或该志愿者不在您的范围内")
            return None
    if not candidates:
        row.error("志愿者", name, "不是已注册的志愿者,或不在您的管辖范围内")
        return None
    if len(candidates) > 1:
        row.error("志愿者", name, f"有{len(candidates)}名同名志愿者,请填写身份证件号码以区分")
        return None
    return candidates[0]


SPECS = {"service_records": ServiceRecordSpec(), "volunteer_evaluations": VolunteerEvaluationSpec()}
