"""Import and export of consultations (热线咨询) through the import framework.

An import records consultations kept elsewhere (a notebook, a spreadsheet of WeChat messages):
each new row goes through the same services as the desk (receive, answer, rate), so its ticket,
clocks and audit entries are those of a consultation taken at the desk. Rows whose 受理编号
names an existing consultation are left unchanged (the desk edits them). An import needs an
acting user (`--as` on the command line): the services check the pool's membership.
Exports list what the user sees; the caller's phone is masked unless they may see personal data."""

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError

from kexie.core.imports.columns import CellError, Column, Row, choice, labels, text
from kexie.core.imports.engine import Context, KindSpec
from kexie.core.validators import phone_problem
from kexie.directory.models import Region
from kexie.hotline import services
from kexie.hotline.codes import Channel, Topic
from kexie.hotline.models import Consultation

ZONE = ZoneInfo("Asia/Shanghai")


class HotlineContext(Context):
    def __init__(self, actor):
        super().__init__(actor)
        self.regions = {}
        for region in Region.objects.order_by("code"):
            self.regions[region.code] = region
            self.regions.setdefault(region.name, region)
        from kexie.accounts.roles import PERSONAL_DATA

        self.personal_visible = self.system or actor.has_perm(PERSONAL_DATA)

    def region_names(self, ctx=None) -> list[str]:
        return [r.name for r in Region.objects.filter(level__in=["city", "county"]).order_by("code")]


def parse_received(value: str, ctx) -> dt.datetime:
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value[:19], fmt).replace(tzinfo=ZONE)
        except ValueError:
            continue
    raise CellError("受理时间格式应为 YYYY-MM-DD HH:MM")


def parse_phone(value: str, ctx) -> str:
    if "*" in value:  # a masked number from an export: fine on rows left unchanged
        return value
    problem = phone_problem(value)
    if problem:
        raise CellError(problem)
    return value


def parse_region(value: str, ctx: HotlineContext) -> Region:
    region = ctx.regions.get(value)
    if region is None:
        raise CellError("行政区划不存在(请填写区划名称或6位行政区划代码)")
    return region


def parse_satisfaction(value: str, ctx) -> int:
    if value not in {"1", "2", "3", "4", "5"}:
        raise CellError("满意度应为1至5的整数")
    return int(value)


def parse_number(value: str, ctx) -> int:
    if not value.isdigit():
        raise CellError("受理编号应为数字")
    return int(value)


class ConsultationSpec(KindSpec):
    kind = "consultations"
    label = "热线咨询"
    model = Consultation
    key_header = "受理编号"

    def columns(self) -> list[Column]:
        return [
            Column("受理编号", "number", parse_number, text=True, fmt="数字", help="留空为新咨询;已有编号的行不更改"),
            Column("受理时间", "received_at", parse_received, required=True, fmt="YYYY-MM-DD HH:MM",
                   example="2020-06-03 09:30", width=18),
            Column("渠道", "channel", choice(Channel.choices), required=True, choices=labels(Channel.choices),
                   fmt="从下拉列表选择", example=str(Channel.PHONE.label)),
            Column("咨询类别", "topic", choice(Topic.choices), required=True, choices=labels(Topic.choices),
                   fmt="从下拉列表选择", example=str(Topic.CROP.label)),
            Column("来电人", "caller_name", text(50), example="张先生"),
            Column("联系电话", "caller_phone", parse_phone, text=True, fmt="手机11位或固定电话", example="13812345678"),
            Column("所在区划", "region", parse_region, fmt="区划名称或行政区划代码", choices=lambda ctx: ctx.region_names(),
                   example="任城区"),
            Column("问题", "question", text(2000), required=True, width=40, example="小麦叶片发黄怎么办"),
            Column("解答", "answer", text(5000), width=40, help="填写则按已解答、已解决导入", example="追施尿素"),
            Column("满意度", "satisfaction", parse_satisfaction, fmt="1至5的整数", help="有解答时才可填写"),
        ]  # fmt: skip

    def load_context(self, actor) -> HotlineContext:
        return HotlineContext(actor)

    def check_rows(self, rows: list[Row], ctx: HotlineContext, present: set[str]) -> None:
        numbers = [r.values.get("number") for r in rows if r.values.get("number")]
        existing = set(
            Consultation.objects.for_user(ctx.actor)
            .filter(ticket_id__in=numbers)
            .values_list("ticket_id", flat=True)
            if ctx.actor is not None
            else []
        )
        for row in rows:
            if not row.ok:
                continue
            if ctx.actor is None:
                row.error("", "", "热线咨询的导入须指定导入人(命令行 --as)")
                continue
            number = row.values.get("number")
            if number:
                if number not in existing:
                    row.error("受理编号", str(number), "咨询不存在或不在您的范围内")
                    continue
                row.action = "unchanged"
                continue
            if "*" in (row.values.get("caller_phone") or ""):
                row.error("联系电话", row.values["caller_phone"], "是脱敏号码;新咨询请填写完整号码或留空")
                continue
            if row.values.get("satisfaction") and not row.values.get("answer"):
                row.error("满意度", str(row.values["satisfaction"]), "没有解答的咨询不能填写满意度")
                continue
            if self._refused(row, ctx):
                continue
            row.action = "create"

    @staticmethod
    def _refused(row: Row, ctx: HotlineContext) -> bool:
        """What the services would refuse, found before anything is written."""
        from kexie.accounts.roles import EDIT
        from kexie.tickets.models import Ticket
        from kexie.tickets.services import may_work

        topic = row.values["topic"]
        if not ctx.actor.has_perm(EDIT):
            row.error("", "", "您没有登记咨询的权限")
            return True
        try:
            pool = services.pool_for(topic)
        except ValidationError:
            row.error("咨询类别", str(Topic(topic).label), "没有处理该类别的专家组")
            return True
        if row.values.get("answer") and not may_work(
            ctx.actor, Ticket(queue=pool.queue, unit=pool.queue.unit)
        ):
            row.error("解答", "", "您不是该类别专家组的成员,不能导入解答")
            return True
        return False

    def write(self, rows: list[Row], ctx: HotlineContext) -> None:
        for row in rows:
            self._write_row(row, ctx.actor)

    @staticmethod
    def _write_row(row: Row, actor) -> None:
        values = row.values
        data = {
            k: values.get(k) or "" for k in ("channel", "topic", "caller_name", "caller_phone", "question")
        }
        data.update(received_at=values["received_at"], region=values.get("region"))
        try:
            consultation = services.consultation_receive(actor=actor, data=data)
            if values.get("answer"):
                services.consultation_answer(
                    actor=actor, consultation=consultation, answer=values["answer"], at=values["received_at"]
                )
                if values.get("satisfaction"):
                    services.consultation_rate(
                        actor=actor, consultation=consultation, satisfaction=values["satisfaction"]
                    )
        except (ValidationError, PermissionDenied) as exc:
            # checked row by row above; a service refusing now (a pool without the importer) aborts the whole import
            messages = getattr(exc, "messages", [str(exc)])
            raise ValidationError(f"第{row.number}行:{';'.join(messages)}") from exc

    def export_objects(self, ctx: HotlineContext, year):
        qs = (
            Consultation.objects.for_user(ctx.actor)
            if ctx.actor is not None
            else Consultation.objects.unscoped(reason="a system export, no user")
        )
        if year:
            qs = qs.filter(received_on__year=year)
        return qs.select_related("ticket", "region").order_by("received_at", "id")

    def export_values(self, objs, ctx: HotlineContext) -> Iterator[Sequence[Any]]:
        channels, topics = dict(Channel.choices), dict(Topic.choices)
        for c in objs.iterator(chunk_size=2000):
            phone = c.caller_phone if ctx.personal_visible else c.caller_phone_masked
            yield [
                c.ticket_id, c.received_at.astimezone(ZONE).strftime("%Y-%m-%d %H:%M"), str(channels[c.channel]),
                str(topics[c.topic]), c.caller_name, phone, c.region.name if c.region else "", c.question, c.answer,
                c.ticket.satisfaction or "",
            ]  # fmt: skip


SPECS = {"consultations": ConsultationSpec()}
