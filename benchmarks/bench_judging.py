"""Judging through the services (the path the web pages and the API take), on the seed's
医养健康创新创业大赛: registration import of 1,180 teams / 5,020 participants from 71
universities, judge assignment (3 per entry among 150 directory experts, 100 of them at those
universities, loads 15–30) by `judging.round_assign`, 3,540 scores recorded, and the round's
ranking (raw / z-score / calibrated side by side, prizes within quotas) by `judging.round_ranking`.

    python benchmarks/bench_judging.py [--repeat 3] [--old REF] [--profile]

`--old REF` also times the assignment service as it was at git REF (its `kexie/calls/judging.py`
loaded beside the current one), on the same round in the same run, alternating which goes first.

Each repeat runs in a fresh SQLite database copied from one migrated template. The engine alone
(no database) is benchmarked in bench_contest.py; the import engine's own speed in
bench_import.py. Prints figures on stderr and one JSON line at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
WORK = Path(tempfile.mkdtemp(prefix="kexie-bench-judging-"))
TEMPLATE_DB = WORK / "template.sqlite3"
os.environ["KEXIE_DATABASE_URL"] = f"sqlite:///{TEMPLATE_DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402

TEAMS, PARTICIPANTS, UNIVERSITIES, JUDGES, PER_ENTRY, MIN_LOAD, MAX_LOAD = 1180, 5020, 71, 150, 3, 15, 30
FIELDS = ["康复 护理 养老", "中医 针灸 草药", "影像 诊断 深度学习", "营养 膳食 肥胖", "心理 抑郁 干预",
          "药物 制剂 缓释", "器械 传感器 监测", "基因 测序 肿瘤", "疫苗 免疫 抗体", "公共卫生 流行病 筛查"]  # fmt: skip
RUBRIC = [{"code": "idea", "label": "创新性", "weight": 2, "max": 40},
          {"code": "market", "label": "可行性", "weight": 1, "max": 30},
          {"code": "team", "label": "团队", "weight": 1, "max": 30}]  # fmt: skip


def use_database(path: Path) -> None:
    for conn in connections.all():
        conn.close()
    connections["default"].settings_dict["NAME"] = str(path)


def make_template() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    from kexie.testing import build_world

    build_world()
    for conn in connections.all():
        conn.close()


def rows(rng: random.Random) -> tuple[list[str], list[tuple[int, list]]]:
    headers = [
        "名称",
        "学校/单位",
        "省份",
        "作品简介",
        "成员1",
        "成员2",
        "成员3",
        "成员4",
        "成员5",
        "指导教师1",
    ]
    extra = PARTICIPANTS - TEAMS * 4
    out = []
    for n in range(TEAMS):
        size = 5 if n < extra else 4
        members = [f"队员{n}-{k}/高校" for k in range(size)] + [None] * (5 - size)
        field = FIELDS[n % len(FIELDS)]
        out.append((n + 2, [f"项目{n + 1:04d}", f"大学{n % UNIVERSITIES:02d}", "山东",
                            f"{field} {rng.choice(FIELDS)}", *members, f"导师{n}"]))  # fmt: skip
    return headers, out


def old_judging(ref: str):
    """`kexie.calls.judging` as it was at git `ref`, as a separate module (same models)."""
    import types

    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{ref}:src/kexie/calls/judging.py"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    module = types.ModuleType("kexie_calls_judging_old")
    module.__file__ = f"{ref}:src/kexie/calls/judging.py"
    sys.modules[module.__name__] = module  # its dataclasses look their module up
    exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102 - our own code at a ref
    return module


def _timed_assign(service, admin, rnd) -> tuple[float, float, object]:
    """One assignment of a round made afresh (the previous one removed, untimed)."""
    from kexie.calls.models import JudgeAssignment, ReviewRound, RoundEntry

    JudgeAssignment.objects.unscoped(reason="bench").filter(round=rnd)._raw_delete("default")
    RoundEntry.objects.unscoped(reason="bench").filter(round=rnd)._raw_delete("default")
    ReviewRound.objects.unscoped(reason="bench").filter(pk=rnd.pk).update(assigned_at=None)
    rnd.refresh_from_db()
    started, cpu = time.perf_counter(), time.process_time()
    plan = service.round_assign(actor=admin, round=rnd)
    return time.perf_counter() - started, time.process_time() - cpu, plan


def one_run(path: Path, seed: int, profile: bool = False, old=None) -> dict[str, float]:
    from django.contrib.auth.hashers import make_password

    from kexie.accounts.models import User
    from kexie.calls import io, judging, services
    from kexie.calls.models import Entry
    from kexie.calls.testing import open_call
    from kexie.directory.models import Affiliation, Organisation, Person

    shutil.copy(TEMPLATE_DB, path)
    use_database(path)
    rng = random.Random(seed)
    admin = User.objects.get(username="city_admin")
    for n in range(UNIVERSITIES):
        services.institution_create(actor=admin, name=f"大学{n:02d}", kind="university")
    call = open_call(admin, title="首届山东省大学生医养健康创新创业大赛", kind="competition", entrant_kind="team",
                     eligibility=[], form_fields=[{"name": "abstract", "label": "作品简介", "type": "text"}],
                     prize_levels=[{"code": "gold", "label": "金奖", "max_share": 0.05}])  # fmt: skip
    headers, table = rows(rng)
    started = time.perf_counter()
    report = io.entries_import_table(actor=admin, call=call, headers=headers, rows=table)
    imported = time.perf_counter() - started
    assert report.created == TEAMS and report.members >= PARTICIPANTS, report
    Entry.objects.unscoped(reason="bench").filter(call=call).update(status="accepted")  # 形式审查 (untimed)
    services.call_close(actor=admin, call=call)
    universities = list(
        Organisation.objects.unscoped(reason="bench").filter(kind="university").order_by("id")
    )
    people = Person.objects.bulk_create(
        Person(name=f"专家{n:03d}", unit=admin.unit, is_expert=True, profile=FIELDS[n % len(FIELDS)])
        for n in range(JUDGES)
    )
    Affiliation.objects.bulk_create(
        Affiliation(person=p, organisation=universities[n % UNIVERSITIES], role="教授") for n, p in enumerate(people[:100])
    )  # fmt: skip
    hashed = make_password("Bench-judging-2020!")
    users = User.objects.bulk_create(
        User(username=f"bench_judge{n:03d}", unit=admin.unit, roles=["viewer"], password=hashed) for n in range(JUDGES)
    )  # fmt: skip
    rnd = judging.round_create(actor=admin, call=call, data={
        "name": "初赛", "per_entry": PER_ENTRY, "min_load": MIN_LOAD, "max_load": MAX_LOAD, "criteria": RUBRIC})  # fmt: skip
    for person, user in zip(people, users, strict=True):
        judging.round_judge_add(actor=admin, round=rnd, person=person, user=user)
    if profile:  # where the assignment's time goes (to stderr), outside the timed runs
        import cProfile
        import pstats

        from django.db import transaction

        profiler = cProfile.Profile()
        with transaction.atomic():
            profiler.runcall(judging.round_assign, actor=admin, round=rnd)
            transaction.set_rollback(True)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    figures = {}
    if old is not None:  # old and new on the same round; which goes first alternates by seed
        first_old = seed % 2 == 0
        if first_old:
            figures["old_assign_s"], figures["old_assign_cpu_s"], old_plan = _timed_assign(old, admin, rnd)
        assigned, assigned_cpu, plan = _timed_assign(judging, admin, rnd)
        if not first_old:
            figures["old_assign_s"], figures["old_assign_cpu_s"], old_plan = _timed_assign(old, admin, rnd)
            _timed_assign(judging, admin, rnd)  # the scores below go on the current one's rows
        assert old_plan.result.total_affinity == plan.result.total_affinity
    else:
        assigned, assigned_cpu, plan = _timed_assign(judging, admin, rnd)
    pairs = rnd.assignments.select_related("entry", "judge")
    sheets = [(a, {c["code"]: rng.uniform(0.3, 1.0) * c["max"] for c in RUBRIC}) for a in pairs]
    started = time.perf_counter()
    judging.scores_record(actor=admin, round=rnd, sheets=sheets)
    recorded = time.perf_counter() - started
    started = time.perf_counter()
    ranking = judging.round_ranking(rnd)
    ranked = time.perf_counter() - started
    assert len(sheets) == TEAMS * PER_ENTRY and len(ranking) == TEAMS
    return {
        "import_s": imported, "import_rows_per_s": TEAMS / imported, "participants_per_s": report.members / imported,
        "assign_s": assigned, "assign_cpu_s": assigned_cpu, "total_affinity": plan.result.total_affinity, "scores_record_s": recorded,
        "ranking_s": ranked, **figures,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile one assignment first (stderr)")
    parser.add_argument("--old", metavar="REF", help="also time the assignment service at this git ref")
    args = parser.parse_args()
    load_start = round(os.getloadavg()[0], 1)
    make_template()
    old = old_judging(args.old) if args.old else None
    runs = []
    for n in range(args.repeat):
        runs.append(one_run(WORK / f"run{n}.sqlite3", 2020 + n, profile=args.profile and n == 0, old=old))
        print(json.dumps(runs[-1], ensure_ascii=False), file=sys.stderr)
    figures = {"bench": "judging", "repeat": args.repeat, "load_average": [load_start, round(os.getloadavg()[0], 1)], "entries": TEAMS, "participants": PARTICIPANTS,
               "judges": JUDGES, "scores": TEAMS * PER_ENTRY, "old": args.old}  # fmt: skip
    for key in runs[0]:
        figures[f"{key}_median"] = round(statistics.median(r[key] for r in runs), 4)
    if old is not None:
        for key in ("assign_s", "assign_cpu_s"):
            figures[f"{key}_new_over_old"] = round(figures[f"{key}_median"] / figures[f"old_{key}_median"], 3)
    shutil.rmtree(WORK, ignore_errors=True)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
