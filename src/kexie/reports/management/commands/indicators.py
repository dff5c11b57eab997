import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from kexie.core import indicators
from kexie.reports.params import SystemActor, period_from, scope_from


class Command(BaseCommand):
    help = "计算指标: kexie indicators --year 2020 [--region 370811 | --org 12] [--json]"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="年度(默认:有已审核记录的最近年度)")
        parser.add_argument("--start", help="开始日期 YYYY-MM-DD(与 --end 一起使用,代替 --year)")
        parser.add_argument("--end", help="结束日期 YYYY-MM-DD(含)")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--region", help="行政区划代码(含下级区划)")
        group.add_argument("--org", type=int, help="单位编号(含下级单位)")
        parser.add_argument("--code", action="append", help="只计算指定指标(可重复)")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, **o):
        try:
            scope = scope_from(SystemActor(), o["region"], o["org"])
            period = period_from(o["year"], o["start"], o["end"], scope=scope)
            rows = indicators.evaluate(period, scope, o["code"])
        except (ValidationError, Http404) as exc:
            raise CommandError(";".join(getattr(exc, "messages", [str(exc)]))) from exc
        if o["json"]:
            keys = ("code", "name", "value", "unit", "previous", "breakdown", "labels")
            payload = {"period": period.as_dict(), "scope": scope.as_dict(),
                       "indicators": [{k: r[k] for k in keys} for r in rows]}  # fmt: skip
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(f"{period.label} · {scope.label}")
        for r in rows:
            previous = "" if r["previous"] is None else f"(上年 {r['previous']})"
            self.stdout.write(f"{r['code']:<36} {r['name']:<20} {r['value']} {r['unit']} {previous}")
