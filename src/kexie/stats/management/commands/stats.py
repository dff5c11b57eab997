"""`kexie stats export|check [--form kx|kp]`: a unit's 科协综合统计 (or 科普统计) tables as xlsx or
JSON, and the failed rules."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kexie.stats.definitions import FORMS

FORM_CHOICES = tuple(FORMS)
FORM_HELP = "报表制度:kx 科协综合统计(默认),kp 科普统计"


class Command(BaseCommand):
    help = "统计报表:导出某单位的科协综合统计或科普统计报表(xlsx/json),或列出未通过的审核规则"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="子命令")
        export = sub.add_parser("export", help="导出报表(每表一个工作表;.json 为机读格式)")
        export.add_argument("--year", type=int, required=True, help="年度")
        export.add_argument("--org", type=int, help="单位编号(默认:市科协)")
        export.add_argument("--out", required=True, help="输出文件(.xlsx 或 .json)")
        export.add_argument("--form", choices=FORM_CHOICES, default="kx", help=FORM_HELP)
        check = sub.add_parser("check", help="列出未通过的审核规则(表、单元格、原因);有则以非零状态退出")
        check.add_argument("--year", type=int, required=True, help="年度")
        check.add_argument("--org", type=int, help="单位编号(默认:该年度全部已建报表)")
        check.add_argument("--form", choices=FORM_CHOICES, default="kx", help=FORM_HELP)

    def handle(self, *args, action, year, org=None, out=None, form="kx", **options):
        from kexie.stats import checks, compute, definitions, exports
        from kexie.stats.models import StatsReport

        reports = StatsReport.objects.unscoped(reason="the command runs as the system").filter(
            year=year, form=form
        )
        if org is not None or action == "export":
            unit = self._unit(org)
            report = reports.filter(unit=unit).select_related("unit").first()
            if report is None:
                raise CommandError(
                    f"{unit.name} 尚无 {year} 年{definitions.FORMS[form]}报表(请先在网页上取数填报)"
                )
            chosen = [report]
        else:
            chosen = list(reports.select_related("unit").order_by("unit__path"))
            if not chosen:
                raise CommandError(f"{year} 年尚无{definitions.FORMS[form]}报表")
        if action == "export":
            path = Path(out)
            if path.suffix.lower() == ".json":
                path.write_text(
                    json.dumps(exports.json_data(chosen[0]), ensure_ascii=False, indent=1), "utf-8"
                )
            else:
                path.write_bytes(exports.workbook_bytes(chosen[0]))
            tables = compute.report_tables(chosen[0])
            self.stdout.write(f"已导出 {chosen[0].unit.name} {year} 年 {len(tables)} 张表:{path}")
            return
        failed = 0
        for report in chosen:
            for problem in checks.check_report(report, fresh=True):
                failed += 1
                self.stdout.write(
                    f"{report.unit.name}\t{problem.table or '-'}\t{problem.cell or '-'}\t{problem.reason}"
                )
        if failed:
            raise CommandError(f"{failed} 条审核规则未通过")
        self.stdout.write(f"{len(chosen)} 份报表全部通过审核规则")

    def _unit(self, org):
        from kexie.directory.models import Organisation

        everyone = Organisation.objects.unscoped(reason="the command runs as the system")
        unit = everyone.filter(pk=org).first() if org is not None else (
            everyone.filter(kind="association", association_level="city").order_by("path").first()
        )  # fmt: skip
        if unit is None:
            raise CommandError(
                f"单位 {org} 不存在" if org is not None else "名录中没有市科协,请用 --org 指定单位"
            )
        return unit
