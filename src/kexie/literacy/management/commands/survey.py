"""`kexie survey estimate FILE.csv ...`: design-based estimates from a CSV file.

A thin shell over :mod:`kexie.literacy.survey`; all statistics are computed by the engine.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kexie.literacy import survey as sv

CI_CHOICES = ("logit", "beta", "mean", "normal", "t")


def _split(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


def _stat(kind: str):
    return lambda value: (kind, value)


def _population(path: str) -> list[tuple[str, dict[str, float]]]:
    """Margins from a CSV with columns variable,level,total, in file order."""
    try:
        table = sv.read_csv(path)
    except FileNotFoundError as exc:
        raise CommandError(f"找不到总体总量文件 “{path}”") from exc
    missing = [c for c in ("variable", "level", "total") if c not in table]
    if missing:
        raise CommandError(f"总体总量文件 “{path}” 缺少列 “{missing[0]}”（需要 variable,level,total）")
    margins: dict[str, dict[str, float]] = {}
    for var, level, total in zip(table["variable"], table["level"], table["total"], strict=True):
        margins.setdefault(str(var), {})[str(level)] = float(total)
    return list(margins.items())


def _replicate(design: sv.SurveyDesign, spec: str, seed: int = 0) -> sv.ReplicateDesign:
    name, _, arg = spec.partition("=")
    name = name.strip().lower()
    try:
        if name in ("jk1", "jkn", "brr"):
            return sv.as_replicate(design, {"jk1": "JK1", "jkn": "JKn", "brr": "BRR"}[name])
        if name == "fay":
            return sv.as_replicate(design, "Fay", rho=float(arg or 0.5))
        if name == "bootstrap":
            return sv.as_replicate(design, "bootstrap", replicates=int(arg or 50), seed=seed)
    except ValueError as exc:
        if isinstance(exc, sv.SurveyError):
            raise
        raise CommandError(f"复制权重参数无效：“{spec}”") from exc
    raise CommandError(f"未知的复制权重方法 “{spec}”（可选 jk1、jkn、brr、fay=RHO、bootstrap=N）")


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def _row(est: sv.Estimate) -> dict:
    keys = ("stat", "variable", "level", "domain", "estimate", "se", "ci_low", "ci_high", "deff", "n")
    row = {key: _clean(getattr(est, key)) for key in keys}
    if row["domain"] is not None:
        row["domain"] = {k: _clean(v) for k, v in row["domain"].items()}
    return row


class Command(BaseCommand):
    help = "复杂抽样调查的设计估计（均值、总量、比例、比率，按域，含设计效应与置信区间）"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        est = sub.add_parser("estimate", help="从 CSV 文件计算设计估计")
        est.add_argument("file", help="CSV 文件（首行为列名）")
        est.add_argument("--weights", required=True, help="抽样权重列")
        est.add_argument("--strata", help="分层列")
        est.add_argument("--psu", help="PSU 列，两阶段时为 PSU,SSU")
        est.add_argument("--fpc", help="有限总体校正列（总体规模 >1 或抽样比 <=1），两阶段时两列")
        est.add_argument(
            "--mean", dest="stats", action="append", type=_stat("mean"), metavar="VAR", help="均值（可重复）"
        )
        est.add_argument(
            "--total", dest="stats", action="append", type=_stat("total"), metavar="VAR", help="总量"
        )
        est.add_argument(
            "--prop", dest="stats", action="append", type=_stat("prop"), metavar="VAR", help="各类别比例"
        )
        est.add_argument(
            "--ratio", dest="stats", action="append", type=_stat("ratio"), metavar="NUM/DEN", help="比率"
        )
        est.add_argument("--by", help="分域变量，逗号分隔")
        est.add_argument("--rake", help="总体边际 CSV：variable,level,total（一个变量即事后分层）")
        est.add_argument(
            "--rake-epsilon",
            type=float,
            default=1.0,
            help="迭代加权的收敛容差（R rake 的 epsilon：≥1 为绝对量，<1 为总权重的比例；默认 1）",
        )
        est.add_argument("--rake-maxit", type=int, default=10, help="迭代加权的最多轮数（默认 10）")
        est.add_argument("--replicate", help="jk1 | jkn | brr | fay=RHO | bootstrap=N")
        est.add_argument("--seed", type=int, default=0, help="bootstrap 复制权重的随机数种子（默认 0）")
        est.add_argument("--ci", choices=CI_CHOICES, default=None, help="置信区间方法")
        est.add_argument(
            "--lonely-psu", choices=sv.LONELY_PSU_OPTIONS, default="fail", help="单 PSU 层的处理"
        )
        est.add_argument("--na-rm", action="store_true", help="忽略分析变量的缺失值")
        est.add_argument("--json", action="store_true", help="输出 JSON")
        est.add_argument("--quiet", action="store_true", help="不显示进度条")

    def handle(self, *args, **options) -> None:
        from kexie.core.jobs.terminal import TerminalProgress

        try:
            with TerminalProgress(self.stderr, quiet=options.get("quiet", False)) as progress:
                rows = self.estimate(options, progress=progress)
        except sv.SurveyError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for row in rows:
            domain = ",".join(f"{k}={v}" for k, v in (row["domain"] or {}).items())
            level = "" if row["level"] is None else f"[{row['level']}]"
            self.stdout.write(
                f"{row['stat']:6s} {row['variable']}{level} {domain}  {row['estimate']:.6g}  "
                f"SE {row['se']:.4g}  CI ({row['ci_low']:.6g}, {row['ci_high']:.6g})  n={row['n']}"
            )

    def estimate(self, options: dict, progress=None) -> list[dict]:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到数据文件 “{path}”")
        if not options.get("stats"):
            raise CommandError("请至少指定一个统计量：--mean、--total、--prop 或 --ratio")
        steps = 1 + len(options["stats"])  # read the file and set the design up, then each statistic
        if progress:
            progress(0, steps, "读取数据")
        data = sv.read_csv(path)
        design = sv.SurveyDesign(
            data,
            weights=options["weights"],
            strata=options.get("strata"),
            ids=_split(options.get("psu")),
            fpc=_split(options.get("fpc")),
            lonely_psu=options["lonely_psu"],
        )
        if options.get("replicate"):
            design = _replicate(design, options["replicate"], seed=options.get("seed", 0))
        if options.get("rake"):
            margins = _population(options["rake"])
            if len(margins) == 1:
                design = sv.post_stratify(design, margins[0][0], margins[0][1])
            else:
                design = sv.rake(
                    design,
                    margins,
                    epsilon=options.get("rake_epsilon", 1.0),
                    maxit=options.get("rake_maxit", 10),
                )
        by = _split(options.get("by"))
        rows: list[dict] = []
        for done, (kind, variable) in enumerate(options["stats"], start=1):
            if progress:
                progress(done, steps, f"{kind} {variable}")
            rows.extend(_row(e) for e in self._run(design, kind, variable, by, options))
        if progress:
            progress(steps, steps, "")
        return rows

    @staticmethod
    def _run(design, kind: str, variable: str, by, options: dict) -> list[sv.Estimate]:
        ci = options.get("ci")
        na_rm = options.get("na_rm", False)
        if kind == "prop":
            return sv.svyprop(design, variable, by=by, ci=ci or "logit", deff=True, na_rm=na_rm)
        plain_ci = "t" if ci in ("t", "mean") else "normal"
        if kind == "mean":
            return sv.svymean(design, variable, by=by, ci=plain_ci, deff=True, na_rm=na_rm)
        if kind == "total":
            return sv.svytotal(design, variable, by=by, ci=plain_ci, deff=True, na_rm=na_rm)
        num, sep, den = variable.partition("/")
        if not sep or not num or not den:
            raise CommandError(f"--ratio 需要 NUM/DEN 形式，收到 “{variable}”")
        return sv.svyratio(design, num.strip(), den.strip(), by=by, ci=plain_ci, deff=True, na_rm=na_rm)
