"""Imports and exports of 宣传与舆情 through the import framework (kexie.core.imports).

- opinion_items (舆情信息): exports of other monitoring tools (xlsx/csv). Each row names one of
  the importer's sources (an 导入 source, or any other it sees); a row whose 来源内编号 that source
  already stored is left unchanged; new rows go through services.items_ingest, so they get their
  sentiment, clusters, alerts and debunking links like polled items. An empty 来源内编号 becomes
  the link, or else the title and time.
- opinion_articles (宣传稿件): the association's own articles with their reach. An empty 编号 is a
  new article; an existing 编号 (in the importer's scope) is updated when a value differs.
Nothing is written unless every row is valid (the framework's rule); errors name row, column
and reason in Chinese. Imports need an acting user (`--as`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError

from kexie.core import references
from kexie.core.imports.columns import CellError, Column, Row, choice, integer, labels, text
from kexie.core.imports.engine import Context, KindSpec
from kexie.opinion import services
from kexie.opinion.models import Article, Channel, Item, Source

ZONE = ZoneInfo("Asia/Shanghai")
YES_NO = [("1", "是"), ("0", "否")]


def parse_time(value: str, ctx) -> dt.datetime:
    for fmt in (
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y-%m-%d",
        "%Y/%m/%d",
    ):
        try:
            return dt.datetime.strptime(value.strip()[:19], fmt).replace(tzinfo=ZONE)
        except ValueError:
            continue
    raise CellError("发布时间格式应为 YYYY-MM-DD HH:MM")


def parse_date(value: str, ctx) -> dt.date:
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(value.strip()[:19], fmt).date()
        except ValueError:
            continue
    raise CellError("日期格式应为 YYYY-MM-DD")


def parse_link(value: str, ctx) -> str:
    from django.core.validators import URLValidator

    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise CellError("不是有效的网址(须以 http:// 或 https:// 开头)") from None
    if len(value) > 500:
        raise CellError("网址过长(最多500个字符)")
    return value


SOURCE_RULE = "opinion.Item.source"


class OpinionContext(Context):
    def __init__(self, actor):
        super().__init__(actor)
        self.sources: dict[str, Source] = {}
        if actor is not None:
            for source in references.choices(SOURCE_RULE, actor).order_by("id"):
                self.sources.setdefault(source.name, source)

    def source_names(self, ctx=None) -> list[str]:
        return list(self.sources)[:200]


def parse_source(value: str, ctx: OpinionContext) -> Source:
    source = ctx.sources.get(value)
    if source is None:
        raise CellError("来源不存在或不在您的范围内(请先在“监测来源”中添加,类型选“导入”)")
    return source


def _require_actor(rows: list[Row], ctx: Context) -> bool:
    if ctx.actor is None:
        for row in rows:
            row.error("", "", "该类数据的导入须指定导入人(命令行 --as)")
        return False
    return True


def _first_source(ctx) -> str:
    names = ctx.source_names() if isinstance(ctx, OpinionContext) else []
    return names[0] if names else "舆情系统导出"


class ItemSpec(KindSpec):
    kind = "opinion_items"
    label = "舆情信息"
    model = Item
    key_header = "来源内编号"

    def columns(self) -> list[Column]:
        return [
            Column("来源", "source", parse_source, required=True, choices=lambda ctx: ctx.source_names(),
                   fmt="从下拉列表选择", example=_first_source, width=16, rule=SOURCE_RULE),
            Column("来源内编号", "key", text(500), text=True, help="同一来源已有该编号的行不更改;留空则用链接",
                   example="A-20240301-001"),
            Column("标题", "title", text(300), width=30, example="网传喝醋能软化血管"),
            Column("正文", "text", text(services.MAX_TEXT), width=50, example="近日网上流传喝醋能软化血管的说法。"),
            Column("链接", "url", parse_link, fmt="网址", example="https://example.com/a/1"),
            Column("作者", "author", text(100), example="某公众号"),
            Column("发布时间", "published_at", parse_time, required=True, fmt="YYYY-MM-DD HH:MM",
                   example="2024-03-01 09:30", width=18),
            Column("阅读量", "reach", integer(0), fmt="整数", example=0),
        ]  # fmt: skip

    def load_context(self, actor) -> OpinionContext:
        return OpinionContext(actor)

    def check_rows(self, rows: list[Row], ctx: OpinionContext, present: set[str]) -> None:
        if not _require_actor(rows, ctx):
            return
        from kexie.accounts.roles import EDIT

        keys: dict[int, set[str]] = {}
        for row in rows:
            if not row.ok:
                continue
            values = row.values
            if not (values.get("title") or values.get("text")):
                row.error("标题", "", "标题和正文至少填写一项")
                continue
            if not ctx.actor.has_perm(EDIT):
                row.error("", "", "您没有登记舆情信息的权限")
                continue
            key = (
                values.get("key")
                or values.get("url")
                or (f"{values.get('title') or values['text'][:60]}@{values['published_at'].isoformat()}")
            )
            values["key"] = key[:500]
            keys.setdefault(values["source"].pk, set()).add(values["key"])
        stored = set()
        for source_id, wanted in keys.items():
            stored |= {
                (source_id, k)
                for k in Item.objects.for_user(ctx.actor).filter(source_id=source_id, key__in=wanted)
                .values_list("key", flat=True)
            }  # fmt: skip
        seen = set()
        for row in rows:
            if not row.ok:
                continue
            pair = (row.values["source"].pk, row.values["key"])
            if pair in seen:
                row.error("来源内编号", row.values["key"], "与文件中前面的行重复")
                continue
            seen.add(pair)
            row.action = "unchanged" if pair in stored else "create"

    def write(self, rows: list[Row], ctx: OpinionContext) -> None:
        by_source: dict[int, list] = {}
        sources = {}
        for row in rows:
            v = row.values
            sources[v["source"].pk] = v["source"]
            by_source.setdefault(v["source"].pk, []).append(
                services.NewItem(
                    key=v["key"], title=v.get("title") or "", text=v.get("text") or "", url=v.get("url") or "",
                    author=v.get("author") or "", published_at=v["published_at"], reach=v.get("reach") or 0,
                )
            )  # fmt: skip
        for source_id, new in by_source.items():
            try:
                services.items_ingest(actor=ctx.actor, source=sources[source_id], rows=new)
            except (ValidationError, PermissionDenied) as exc:
                raise ValidationError(";".join(getattr(exc, "messages", [str(exc)]))) from exc

    def export_objects(self, ctx: Context, year):
        qs = (
            Item.objects.for_user(ctx.actor)
            if ctx.actor is not None
            else Item.objects.unscoped(reason="a system export, no user")
        )
        if year:
            qs = qs.filter(published_at__year=year)
        return qs.select_related("source").order_by("published_at", "id")

    def export_values(self, objs, ctx: Context) -> Iterator[Sequence[Any]]:
        for i in objs.iterator(chunk_size=2000):
            yield [
                i.source.name, i.key, i.title, i.text, i.url, i.author,
                i.published_at.astimezone(ZONE).strftime("%Y-%m-%d %H:%M"), i.reach,
            ]  # fmt: skip


def parse_number(value: str, ctx) -> int:
    if not value.isdigit():
        raise CellError("编号应为数字")
    return int(value)


ARTICLE_VALUES = (
    "channel",
    "published_on",
    "title",
    "link",
    "reads",
    "likes",
    "shares",
    "is_debunking",
    "summary",
)


class ArticleSpec(KindSpec):
    kind = "opinion_articles"
    label = "宣传稿件"
    model = Article
    key_header = "编号"

    def columns(self) -> list[Column]:
        return [
            Column("编号", "number", parse_number, text=True, fmt="数字", help="留空为新稿件;已有编号的行按表中内容更新"),
            Column("渠道", "channel", choice(Channel.choices), required=True, choices=labels(Channel.choices),
                   fmt="从下拉列表选择", example=str(Channel.WECHAT.label)),
            Column("发布日期", "published_on", parse_date, required=True, fmt="YYYY-MM-DD", example="2024-03-01"),
            Column("标题", "title", text(200), required=True, width=30, example="喝醋不能软化血管"),
            Column("链接", "link", parse_link, fmt="网址", example="https://example.com/kx/1"),
            Column("阅读量", "reads", integer(0), fmt="整数", example=1200),
            Column("点赞数", "likes", integer(0), fmt="整数", example=30),
            Column("转发数", "shares", integer(0), fmt="整数", example=12),
            Column("辟谣/科普材料", "is_debunking", choice(YES_NO), choices=labels(YES_NO), fmt="是或否",
                   example="是"),
            Column("摘要", "summary", text(5000), width=40, help="辟谣材料的要点,用于与疑似谣言匹配",
                   example="醋进入人体后被消化吸收,不能软化血管。"),
        ]  # fmt: skip

    def check_rows(self, rows: list[Row], ctx: Context, present: set[str]) -> None:
        if not _require_actor(rows, ctx):
            return
        from kexie.accounts.roles import EDIT

        numbers = [r.values.get("number") for r in rows if r.ok and r.values.get("number")]
        existing = {a.pk: a for a in Article.objects.for_user(ctx.actor).filter(pk__in=numbers)}
        seen = set()
        for row in rows:
            if not row.ok:
                continue
            if not ctx.actor.has_perm(EDIT):
                row.error("", "", "您没有登记宣传稿件的权限")
                continue
            if ctx.unit is None:
                row.error("", "", "导入人没有所属单位")
                continue
            values = row.values
            values["is_debunking"] = values.get("is_debunking") == "1"
            number = values.get("number")
            if not number:
                row.action = "create"
                continue
            if number in seen:
                row.error("编号", str(number), "与文件中前面的行重复")
                continue
            seen.add(number)
            article = existing.get(number)
            if article is None:
                row.error("编号", str(number), "稿件不存在或不在您的范围内")
                continue
            row.instance = article
            changed = any(_article_value(values, name) != getattr(article, name) for name in ARTICLE_VALUES)
            row.action = "update" if changed else "unchanged"

    def write(self, rows: list[Row], ctx: Context) -> None:
        for row in rows:
            data = {name: _article_value(row.values, name) for name in ARTICLE_VALUES}
            try:
                if row.action == "update":
                    services.article_update(actor=ctx.actor, article=row.instance, data=data)
                else:
                    services.article_create(actor=ctx.actor, data=data)
            except (ValidationError, PermissionDenied) as exc:
                messages = getattr(exc, "messages", [str(exc)])
                raise ValidationError(f"第{row.number}行:{';'.join(messages)}") from exc

    def export_objects(self, ctx: Context, year):
        qs = (
            Article.objects.for_user(ctx.actor)
            if ctx.actor is not None
            else Article.objects.unscoped(reason="a system export, no user")
        )
        if year:
            qs = qs.filter(published_on__year=year)
        return qs.order_by("published_on", "id")

    def export_values(self, objs, ctx: Context) -> Iterator[Sequence[Any]]:
        channels = dict(Channel.choices)
        for a in objs.iterator(chunk_size=2000):
            yield [
                a.pk, str(channels[a.channel]), a.published_on.isoformat(), a.title, a.link, a.reads, a.likes,
                a.shares, "是" if a.is_debunking else "否", a.summary,
            ]  # fmt: skip


def _article_value(values: dict, name: str):
    value = values.get(name)
    if name in ("reads", "likes", "shares"):
        return value or 0
    if name == "is_debunking":
        return bool(value)
    if name in ("link", "summary"):
        return value or ""
    return value


SPECS = {"opinion_items": ItemSpec(), "opinion_articles": ArticleSpec()}
