"""`kexie literacy`: PPS selection from a frame file, and a survey's results on the terminal or as xlsx."""

import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kexie.literacy.sampling import stratified_pps
from kexie.literacy.tables import read_table, records

FRAME_COLUMNS = {
    "name": ("单位名称", "单位", "乡镇街道", "村居"),
    "county": ("县市区",),
    "population": ("人口数", "人口"),
}


class Command(BaseCommand):
    help = "公民科学素质调查:按规模成比例系统抽样(pps),或输出某次调查的结果(results)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        pps = sub.add_parser("pps", help="从抽样框文件(单位名称、县市区、人口数)中按县市区分层 PPS 抽样")
        pps.add_argument("frame", help="抽样框 .xlsx 或 .csv")
        pps.add_argument("--per-county", type=int, required=True, help="每个县市区抽取的单位数")
        pps.add_argument("--seed", type=int, default=None, help="随机种子(可重现)")
        results = sub.add_parser("results", help="输出调查结果(具备科学素质比例及 95%% 置信区间)")
        results.add_argument("survey_id", type=int)
        results.add_argument("--xlsx", help="同时把全部表格写入此 xlsx 文件")

    def handle(self, *args, **options):
        try:
            if options["action"] == "pps":
                self._pps(options)
            else:
                self._results(options)
        except ValidationError as exc:
            raise CommandError(";".join(exc.messages)) from exc

    def _pps(self, options):
        path = Path(options["frame"])
        if not path.exists():
            raise CommandError(f"文件不存在:{path}")
        header, rows = read_table(path.read_bytes(), path.name)
        frame = []
        for number, row in enumerate(records(header, rows, FRAME_COLUMNS), start=2):
            try:
                frame.append((row["county"], row["name"], float(row["population"])))
            except ValueError as exc:
                raise CommandError(f"第 {number} 行“人口数”不是数字:{row['population']}") from exc
        counties = sorted({county for county, _, _ in frame})
        try:
            chosen = stratified_pps(
                frame, dict.fromkeys(counties, options["per_county"]), seed=options["seed"]
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        from kexie.core.imports.guard import guard_csv

        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["县市区", "单位名称", "人口数", "入样概率", "基础权重", "必选"])
        for county, sel in chosen:
            writer.writerow(
                [guard_csv(county), guard_csv(sel.unit), f"{sel.size:g}", f"{sel.probability:.6f}", f"{1 / sel.probability:.3f}",
                 "是" if sel.certainty else ""]
            )  # fmt: skip

    def _results(self, options):
        from kexie.literacy.exports import results_workbook
        from kexie.literacy.models import Survey
        from kexie.literacy.selectors import survey_results

        survey = Survey.objects.filter(pk=options["survey_id"]).first()
        if survey is None:
            raise CommandError(f"调查 {options['survey_id']} 不存在")
        data = survey_results(survey)
        self.stdout.write(f"{survey.name}:有效答卷 {data['n_valid']} 份(共 {data['n_responses']} 份)")
        if data.get("error"):
            raise CommandError(data["error"])
        for note in data.get("notes", []):
            self.stdout.write(f"注:{note}")
        rows = [data["overall"]] + [r for rows in data["by_domain"].values() for r in rows]
        for r in rows:
            self.stdout.write(
                f"{r['domain_label']}\t{r['level']}\tn={r['n']}\t{_pct(r['share'])}%\t"
                f"95%CI {_pct(r['ci_low'])}–{_pct(r['ci_high'])}%"
            )
        if options.get("xlsx"):
            Path(options["xlsx"]).write_bytes(results_workbook(survey, data))
            self.stdout.write(f"已写入 {options['xlsx']}")


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.2f}"
