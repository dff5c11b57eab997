"""`kexie opinion classify | dedup | poll | brief`: the opinion engine on a CSV file, source
polling, and the daily or weekly brief (舆情日报/周报) written as a Word file.

`kexie opinion sources | schemes | clusters | alerts | articles --as USERNAME [--json]` list what
the user may see (through kexie.opinion.selectors, so the web's and the API's scope rules apply);
`kexie opinion alert take|respond|resolve|note ID [--note TEXT] --as USERNAME` handles an alert's
ticket (resolve and note need the handling in words, 处置情况) through
`services.alert_handle`, the service behind the web page and the API (the tickets app audits each step).

Exit status: 0 done; 1 a bad file or value (the message names the file, row and column), an unknown
or out-of-scope id, or a step the ticket's state does not allow (nothing changes); 2 bad arguments.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kexie.engines.opinion import DEFAULT_THRESHOLD, clusters


def read_rows(path: str, id_col: str, text_col: str) -> list[tuple[str, str]]:
    """(id, text) of every row; CommandError naming the file, row and column."""
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"文件“{path}”不存在")
    try:
        with file.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            headers = [h.strip() for h in reader.fieldnames or []]
            reader.fieldnames = headers
            missing = [c for c in (id_col, text_col) if c not in headers]
            if missing:
                raise CommandError(
                    f"文件“{path}”缺少列“{'、'.join(missing)}”;现有列:{'、'.join(headers) or '(无)'}"
                )
            out, seen = [], {}
            for number, row in enumerate(reader, start=2):
                key = (row.get(id_col) or "").strip()
                if not key:
                    raise CommandError(f"文件“{path}”第 {number} 行“{id_col}”列为空")
                if key in seen:
                    raise CommandError(
                        f"文件“{path}”第 {number} 行“{id_col}”列的“{key}”与第 {seen[key]} 行重复"
                    )
                seen[key] = number
                out.append((key, row.get(text_col) or ""))
            return out
    except UnicodeDecodeError as exc:
        raise CommandError(f"文件“{path}”不是 UTF-8 编码的 CSV") from exc
    except csv.Error as exc:
        raise CommandError(f"文件“{path}”不是有效的 CSV:{exc}") from exc


def _whole(value: str, low: int, high: int, what: str) -> int:
    import argparse

    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(_("“%(v)s”不是整数") % {"v": value}) from None
    if not low <= number <= high:
        raise argparse.ArgumentTypeError(
            _("%(what)s“%(v)s”须在 %(low)s 与 %(high)s 之间")
            % {"what": what, "v": value, "low": low, "high": high}
        )
    return number


def _days(value: str) -> int:
    return _whole(value, 1, 3660, _("天数"))


def _year(value: str) -> int:
    return _whole(value, 1900, 2999, _("年份"))


def _positive(value: str) -> int:
    return _whole(value, 1, 2**31 - 1, _("编号"))


def _when(value) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _threshold(value: str) -> float:
    import argparse

    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}”不是数字") from None
    if not 0.0 < number <= 1.0:
        raise argparse.ArgumentTypeError(f"“{value}”须在 0 与 1 之间(不含 0)")
    return number


class Command(BaseCommand):
    # Reads, polls and ticket steps need no project-wide system checks (about 0.6 s a run); `kexie
    # check` and the server run them.
    requires_system_checks = []
    help = (
        "舆情监测:给 CSV 中的文本判断情感(classify)、找出近似重复(dedup)、抓取全部监测来源(poll),"
        "或生成舆情日报/周报 Word 文档(brief);按用户的管辖范围列出监测来源、监测方案、相似聚类、预警和宣传稿件"
        "(sources、schemes、clusters、alerts、articles),处置预警工单(alert)"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("classify", "判断每行文本的情感倾向(negative/neutral/positive)及其概率"),
            ("dedup", "找出近似重复的文本组(字符 3-gram 的 MinHash LSH,每组至少两条)"),
        ):
            cmd = sub.add_parser(name, help=text, description=text)
            cmd.add_argument("--input", required=True, help="UTF-8 编码的 CSV 文件(第一行为列名)")
            cmd.add_argument("--id-col", required=True, help="编号所在的列名")
            cmd.add_argument("--text-col", required=True, help="文本所在的列名")
            cmd.add_argument("--json", action="store_true", help="以 JSON 输出(否则每行一条)")
            if name == "dedup":
                cmd.add_argument(
                    "--threshold",
                    type=_threshold,
                    default=DEFAULT_THRESHOLD,
                    help=f"估计 Jaccard 相似度达到此值即视为近似重复(默认 {DEFAULT_THRESHOLD})",
                )
        poll = sub.add_parser(
            "poll", help="立即抓取全部启用的监测来源(订阅源、网页)", description="立即抓取全部启用的监测来源"
        )
        poll.add_argument("--json", action="store_true", help="以 JSON 输出每个来源的结果")
        brief = sub.add_parser(
            "brief",
            help="生成舆情日报(daily)或周报(weekly)Word 文档(公文格式)",
            description="生成舆情日报或周报 Word 文档:总体情况、热点聚类、负面信息、处置情况及图表",
        )
        brief.add_argument("kind", choices=["daily", "weekly"], help="daily:日报;weekly:周报(周一至周日)")
        brief.add_argument("--day", default="", help="日报的日期,或周报所在周的任一天(YYYY-MM-DD),默认今天")
        brief.add_argument(
            "--as", dest="as_user", metavar="USERNAME",
            help="按该用户的管辖范围生成(标题带其单位名称);不提供则以系统身份汇总全部单位",
        )  # fmt: skip
        brief.add_argument(
            "--output", default="", help="输出的 .docx 文件,默认为当前目录下的“舆情日报-YYYYMMDD.docx”"
        )
        self._add_listings(sub)

    def _add_listings(self, sub):
        def listing(name: str, text: str):
            cmd = sub.add_parser(name, help=text, description=text)
            cmd.add_argument("--json", action="store_true", help=_("以 JSON 输出(否则每行一条,制表符分隔)"))
            cmd.add_argument(
                "--as", dest="as_user", metavar="USERNAME",
                help=_("按该用户的管辖范围列出(必填:与网页、接口的范围规则相同)"),
            )  # fmt: skip
            return cmd

        listing("sources", _("列出监测来源:编号、名称、类型、状态、最近抓取时间"))
        listing("schemes", _("列出监测方案:编号、名称、状态、地域词、主体词、事件词、排除词"))
        cmd = listing("clusters", _("列出相似聚类(至少两条副本):编号、首条标题、副本数、首发来源、热度"))
        cmd.add_argument("--days", type=_days, default=None, help=_("只列出最近 N 天内仍有新条目的聚类"))
        cmd = listing("alerts", _("列出舆情预警:编号、预警时间、规则、原因、工单状态、处理人"))
        cmd.add_argument("--open", action="store_true", help=_("只列出尚未办结的预警"))
        cmd = listing("articles", _("列出宣传稿件:编号、发布日期、渠道、标题、阅读量、点赞数、转发数"))
        cmd.add_argument("--year", type=_year, default=None, help=_("只列出该年发布的稿件"))
        text = _("处置预警工单:接手(take)、答复(respond)、办结(resolve)、记录进展(note),每一步记入审计日志")
        alert = sub.add_parser("alert", help=text, description=text)
        alert.add_argument(
            "step", choices=["take", "respond", "resolve", "note"],
            help=_("take:接手(指派给自己);respond:首次答复;resolve:办结;note:只记录进展"),
        )  # fmt: skip
        alert.add_argument(
            "--note", default="", metavar="TEXT",
            help=_("处置情况(做了什么、结果如何;resolve 与 note 必填,最多 1000 字)"),
        )  # fmt: skip
        alert.add_argument("id", type=_positive, help=_("预警编号"))
        alert.add_argument(
            "--as", dest="as_user", metavar="USERNAME",
            help=_("以该用户的身份处置(必填;须为预警处理队列的成员)"),
        )  # fmt: skip

    def handle(self, *args, **options):
        getattr(self, f"_{options['action']}")(options)

    def _classify(self, options):
        from kexie.opinion.sentiment import current_model

        rows = read_rows(options["input"], options["id_col"], options["text_col"])
        predictions = current_model().predict([text for _, text in rows])
        result = [
            {"id": key, "sentiment": p.sentiment, "score": p.score}
            for (key, _), p in zip(rows, predictions, strict=True)
        ]
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            for row in result:
                self.stdout.write(f"{row['id']}\t{row['sentiment']}\t{row['score']:.4f}")

    def _dedup(self, options):
        rows = read_rows(options["input"], options["id_col"], options["text_col"])
        groups = clusters(rows, threshold=options["threshold"])
        if options["json"]:
            self.stdout.write(json.dumps([{"cluster": g} for g in groups], ensure_ascii=False))
        else:
            for group in groups:
                self.stdout.write("\t".join(group))

    def _poll(self, options):
        from kexie.opinion.polling import poll_sources

        results = poll_sources()
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False))
        else:
            for row in results:
                self.stdout.write(f"{row['source']}\t{row['status']}\t{row['new']}\t{row['message']}")

    def _brief(self, options):
        from django.utils import timezone
        from django.utils.dateparse import parse_date

        from kexie.core.imports.cli import actor_line, resolve_actor
        from kexie.opinion.briefs import brief_docx

        day = timezone.localdate()
        if options["day"]:
            try:
                day = parse_date(options["day"])
            except ValueError:
                day = None
            if day is None:
                raise CommandError(f"日期“{options['day']}”无效:应为 YYYY-MM-DD")
        user = resolve_actor(options["as_user"])
        self.stderr.write(actor_line(user))
        unit = getattr(user, "unit", None)
        name, data = brief_docx(user, options["kind"], day, unit_name=unit.name if unit else "")
        path = Path(options["output"] or name)
        if path.suffix.lower() != ".docx":
            raise CommandError(f"输出文件“{path}”须为 .docx 文件")
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入“{path}”:{exc.strerror or exc}") from exc
        self.stdout.write(f"已生成 {path}")

    # ------------------------------------------------------------------ listings and alert handling

    def _listed(self, options, rows: list[dict], columns: tuple[str, ...]) -> None:
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for row in rows:
            self.stdout.write("\t".join(str(row[c]) for c in columns))

    def _user(self, options):
        from kexie.core.imports.cli import actor_line, resolve_actor

        if not options["as_user"]:
            raise CommandError(_("请用 --as USERNAME 指定用户:按该用户的管辖范围和权限执行"))
        user = resolve_actor(options["as_user"])
        self.stderr.write(actor_line(user))
        return user

    def _sources(self, options):
        from kexie.opinion import selectors

        rows = []
        for source in selectors.sources(self._user(options)):
            if not source.is_active:
                state = _("停用")
            elif source.is_failing:
                state = _("抓取失败:%(e)s") % {"e": source.last_error}
            else:
                state = _("正常")
            rows.append({"id": source.pk, "name": source.name, "kind": source.kind,
                         "kind_name": str(source.get_kind_display()), "state": str(state),
                         "last_polled": _when(source.last_polled_at)})  # fmt: skip
        self._listed(options, rows, ("id", "name", "kind_name", "state", "last_polled"))

    def _schemes(self, options):
        from kexie.opinion import selectors

        rows = [
            {"id": s.pk, "name": s.name, "state": str(_("启用") if s.is_active else _("停用")),
             "region_words": s.region_words, "subject_words": s.subject_words,
             "event_words": s.event_words, "exclude_words": s.exclude_words, "expression": s.expression}
            for s in selectors.schemes(self._user(options))
        ]  # fmt: skip
        self._listed(
            options,
            rows,
            ("id", "name", "state", "region_words", "subject_words", "event_words", "exclude_words"),
        )

    def _clusters(self, options):
        import datetime as dt

        from django.db.models import OuterRef, Subquery
        from django.utils import timezone

        from kexie.opinion import selectors

        user = self._user(options)
        first = selectors.items(user).filter(cluster=OuterRef("pk")).order_by("published_at", "id")
        qs = selectors.clusters(user).annotate(
            first_title=Subquery(first.values("title")[:1]),
            first_source=Subquery(first.values("source__name")[:1]),
        )
        if options["days"]:
            qs = qs.filter(last_seen__gte=timezone.now() - dt.timedelta(days=options["days"]))
        rows = [
            {"id": c.pk, "title": c.first_title or c.title, "size": c.copies,
             "first_source": c.first_source or "", "heat": round(c.heat, 1), "last_seen": _when(c.last_seen)}
            for c in qs
        ]  # fmt: skip
        self._listed(options, rows, ("id", "title", "size", "first_source", "heat"))

    def _alerts(self, options):
        from kexie.opinion import selectors

        qs = selectors.alerts(self._user(options)).select_related("ticket__assignee")
        if options["open"]:
            qs = qs.filter(ticket__resolved_at__isnull=True)
        rows = [
            {"id": a.pk, "raised_at": _when(a.raised_at), "rule": a.rule.name, "reason": a.reason,
             "item": str(a.item), "status": a.ticket.status, "status_name": str(a.ticket.get_status_display()),
             "assignee": a.ticket.assignee.username if a.ticket.assignee_id else ""}
            for a in qs
        ]  # fmt: skip
        self._listed(options, rows, ("id", "raised_at", "rule", "reason", "status_name", "assignee"))

    def _articles(self, options):
        from kexie.opinion import selectors

        rows = [
            {"id": a.pk, "published_on": a.published_on.isoformat(), "channel": a.channel,
             "channel_name": str(a.get_channel_display()), "title": a.title, "reads": a.reads,
             "likes": a.likes, "shares": a.shares, "link": a.link}
            for a in selectors.articles(self._user(options), year=options["year"])
        ]  # fmt: skip
        self._listed(
            options, rows, ("id", "published_on", "channel_name", "title", "reads", "likes", "shares")
        )

    def _alert(self, options):
        from django.core.exceptions import PermissionDenied, ValidationError
        from django.http import Http404

        from kexie.opinion import selectors, services

        user = self._user(options)
        try:
            alert = selectors.get_or_404(selectors.alerts(user), options["id"])
        except Http404:
            raise CommandError(
                _("未找到编号为 %(id)s 的预警(不存在或不在您的管辖范围内)") % {"id": options["id"]}
            ) from None
        try:
            services.alert_handle(actor=user, alert=alert, action=options["step"], note=options["note"])
        except (ValidationError, PermissionDenied) as exc:
            text = "; ".join(getattr(exc, "messages", None) or [str(exc)])
            raise CommandError(_("预警 %(id)s 未处置:%(why)s") % {"id": alert.pk, "why": text}) from None
        ticket = alert.ticket
        self.stdout.write(
            _("预警 %(id)s:工单 %(t)s 现为“%(s)s”,处理人 %(u)s")
            % {"id": alert.pk, "t": ticket.pk, "s": ticket.get_status_display(),
               "u": ticket.assignee.username if ticket.assignee_id else _("(无)")}
        )  # fmt: skip
