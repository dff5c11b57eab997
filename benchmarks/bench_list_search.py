"""List pages with a title search at 1,000,000 activities: kexie's title search index beside the
plain substring filter (the same pages with the index switched off).

    python benchmarks/bench_list_search.py [--database-url URL] [--activities 1000000]
        [--units 100000] [--repeat 5] [--keep]

Builds the database of bench_indicators.py (demo city, --units organisations and people,
--activities activities over 2016–2020) but with realistic activity titles (place + topic + form,
topics from common to rare), then times the activity ledger page (server time through Django's
test client: the keyset page of 50 rows and the capped count, rendered) for one-, two- and
three-or-more-character queries, common, rare and absent, alone and with the year + status
filters; then the same pages with the index switched off (`core.textsearch.INDEXED` emptied: the
plain case-insensitive LIKE the pages used before), and checks that both find exactly the same
rows for every query. Ends with one JSON line. On PostgreSQL:
`scripts/with-postgres bash -c 'python benchmarks/bench_list_search.py --database-url "$KEXIE_DATABASE_URL"'`.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_indicators as base  # noqa: E402  (the shared database builder)

AIM_MS = 150

PLACES = [
    "济宁市", "任城区", "兖州区", "曲阜市", "邹城市", "微山县", "鱼台县", "金乡县", "嘉祥县", "汶上县", "泗水县",
    "梁山县", "古槐街道", "济阳街道", "仙营街道", "越河街道", "南张街道", "唐口街道", "喻屯镇", "长沟镇", "李营街道",
    "安居街道", "二十里铺街道", "接庄街道", "柳行街道", "观音阁街道", "金城街道", "洸河街道", "南苑街道", "济河街道",
    "唐村镇", "峄山镇", "尼山镇", "孔子故里", "太白湖新区", "高新区",
]  # fmt: skip
PLACES_OF = [
    "第一中学",
    "实验小学",
    "科技馆",
    "图书馆",
    "人民医院",
    "社区",
    "农业农村局",
    "老年大学",
    "职业学院",
    "文化广场",
]
TOPICS = [
    "科普", "科技创新", "青少年科技", "健康知识", "食品安全", "防震减灾", "垃圾分类", "人工智能", "应急救护",
    "节能减排", "农业实用技术", "中医药文化", "心理健康", "网络安全", "气象科普", "消防安全", "禁毒", "交通安全",
    "老年人智能手机", "科学育儿", "低碳生活", "科学健身", "电力安全", "数字经济", "新能源汽车", "碳达峰碳中和",
    "乡村振兴", "智慧农业", "无人机", "机器人编程", "天文观测", "地质科普", "湿地保护", "鸟类保护", "航天科技",
    "防溺水安全", "海洋知识", "反邪教",
]  # fmt: skip
TOPIC_WEIGHTS = [1 / (rank + 1) ** 0.9 for rank in range(len(TOPICS))]
RARE_TOPICS = [("鲸类保护", 0.0002), ("量子科技", 0.001)]
FORMS = [
    "讲座", "进社区活动", "培训班", "主题展览", "宣传活动", "知识竞赛", "夏令营", "研学活动", "义诊", "开放日",
    "宣传周", "报告会", "大讲堂", "体验活动", "志愿服务", "现场会",
]  # fmt: skip


def title(rng: random.Random) -> str:
    roll = rng.random()
    topic = next((t for t, p in RARE_TOPICS if rng.random() < p), None)
    topic = topic or rng.choices(TOPICS, TOPIC_WEIGHTS)[0]
    place, form = rng.choice(PLACES), rng.choice(FORMS)
    if roll < 0.6:
        return f"{place}{topic}{form}"
    if roll < 0.75:
        return f"{rng.choice(base.YEARS)}年{place}{topic}{form}"
    if roll < 0.9:
        return f"“{topic}”{form}走进{place}"
    return f"{place}{rng.choice(PLACES_OF)}{topic}{form}"


QUERIES = {
    "q1_common": "科",
    "q1_rare": "鲸",
    "q2_common": "科普",
    "q2_mid": "航天",
    "q2_rare": "鲸类",
    "q2_none": "火星",
    "q3_common": "进社区",
    "q3_mid": "防溺水",
    "q3_rare": "量子科技",
    "q3_none": "没有这个标题",
}
FILTERS = {"year": "2020", "status": "approved"}


def pages() -> dict[str, tuple[str, dict]]:
    out = {"no_query": ("/activities/", {}), "no_query_filtered": ("/activities/", FILTERS)}
    for name, text in QUERIES.items():
        out[name] = ("/activities/", {"q": text})
        out[f"{name}_filtered"] = ("/activities/", {**FILTERS, "q": text})
    return out


def build(args) -> tuple[object, float, float]:
    """The rows first, then the search indexes in one go, as on an installation that upgrades to
    them (row by row through the triggers is far slower at this size)."""
    from django.core.management import call_command

    # only the activities' title index waits for the rows (the directory's name indexes stay: its
    # later migrations add fields the builder fills, and 100,000 names index quickly as they come)
    call_command("migrate", "activities", "0004", interactive=False, verbosity=0)
    built = base.build(args.activities, args.units, random.Random(2020), title=title)
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    return built["admin"], built["build_s"], round(time.perf_counter() - started, 1)


def route_ledger_through_contains() -> bool:
    """Until the ledger's selector calls core.textsearch.contains itself (issue 9's one read
    path), the benchmark routes its title filter there, unchanged otherwise. True if it had to."""
    from kexie.activities import selectors, views
    from kexie.core.textsearch import contains

    if "contains(" in inspect.getsource(selectors.ledger):
        return False
    original = selectors.ledger

    def ledger(user, filters):
        filters = dict(filters)
        text = filters.pop("q", None)
        return contains(original(user, filters), "title", text).order_by("-start_date", "-id")

    selectors.ledger = views.ledger = ledger
    return True


def _backend_cpu_s() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend process (same machine), else 0."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0  # SQLite works inside this process: process_time() has it
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def page_times(admin, repeat: int) -> tuple[dict[str, float], dict[str, float]]:
    """Per page: the median wall time, and the mean CPU time of the work (this process, plus the
    PostgreSQL backend's): on a machine shared with other work the CPU figure is the steadier one.
    Every timed view is a search typed anew: its query string was never seen, so neither the page
    nor the ledger's part of it is in the cache (kexie.core.pagecache), while what depends only on
    the user's scope (navigation, the county list) is, as it is for someone searching."""
    import itertools

    from django.test import Client
    from django.test.utils import override_settings

    fresh = itertools.count()

    wall, cpu = {}, {}
    with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
        client = Client()
        client.force_login(admin)
        for name, (url, params) in pages().items():

            def get(url=url, params=params):
                response = client.get(url, {**params, "_n": next(fresh)})
                assert response.status_code == 200, (url, params, response.status_code)

            get()
            times, used = [], 0.0
            for _ in range(repeat):
                cpu_started = time.process_time() + _backend_cpu_s()
                started = time.perf_counter()
                get()
                times.append(time.perf_counter() - started)
                used += time.process_time() + _backend_cpu_s() - cpu_started
            wall[name] = round(statistics.median(times) * 1000, 1)
            cpu[name] = round(used / repeat * 1000, 1)
            print(f"  {name}: {wall[name]} ms wall, {cpu[name]} ms CPU", file=sys.stderr)
    return wall, cpu


def check_same_rows(admin) -> dict[str, int]:
    """Every query, alone and filtered: the index finds exactly the rows of the plain filter."""
    from kexie.activities.selectors import first_rows, ledger, ledger_first_page
    from kexie.core import textsearch

    counts = {}
    for name, text in QUERIES.items():
        for suffix, filters in (("", {}), ("_filtered", {"year": 2020, "status": "approved"})):
            qs = ledger(admin, filters)
            plain = set(qs.filter(title__icontains=text).values_list("pk", flat=True))
            for subselect in (True, False):  # PostgreSQL: with and without the index sub-select
                textsearch.USE_SUBSELECT = subselect
                indexed = set(textsearch.contains(qs, "title", text).values_list("pk", flat=True))
                if indexed != plain:
                    raise SystemExit(f"rows differ for {name}{suffix}: {len(indexed)} ≠ {len(plain)}")
            textsearch.USE_SUBSELECT = True
            with_q = ledger(admin, {**filters, "q": text})
            if [a.pk for a in first_rows(with_q, 51)] != [a.pk for a in with_q[:51]]:
                raise SystemExit(f"the two-step page differs for {name}{suffix}")
            with textsearch.page_planner():
                page, total = ledger_first_page(admin, {**filters, "q": text}, 51, 1000)
            if [a.pk for a in page] != [a.pk for a in with_q[:51]] or total != min(len(plain), 1001):
                raise SystemExit(f"the view's first page or its count differs for {name}{suffix}")
            counts[name + suffix] = len(plain)
    return counts


PLAN_QUERIES = ("q2_mid", "q3_mid", "q2_rare", "q2_common", "q1_common")


def _modes():
    """The ways of answering a title search compared in one run: kexie now (the view's first page:
    activities.selectors.ledger_first_page inside textsearch.page_planner), "fifth" (the fifth
    session's: the index path for mid-frequency words, the page's rows in two steps and a
    separate capped count, default planner settings), kexie before (main before the fifth
    session: the gram condition or the walk, the page in one query) and the peer (no index)."""
    from kexie.core import textsearch

    indexed = dict(textsearch.INDEXED)

    def use(subselect: bool, index: bool, two_step: bool):
        def apply():
            textsearch.USE_SUBSELECT = subselect
            textsearch.INDEXED = indexed if index else {}
            return two_step

        return apply

    return {
        "now": use(True, True, "page"),
        "fifth": use(True, True, True),
        "before": use(False, True, False),
        "peer": use(False, False, False),
    }


def database_times(admin, repeat: int, plans_path: str | None) -> dict[str, dict[str, float]]:
    """Per mode and query (alone and with year + status): the median time of what the ledger page
    asks the database (the statistics look-up, the page of 51 rows, in one query or two, and the
    capped count of 1,001), through the ORM as the view asks it, without rendering; the modes
    interleaved query by query so that the machine's load falls on all of them alike; the EXPLAIN
    ANALYZE of each statement of PLAN_QUERIES written to ``plans_path``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kexie.activities.models import Activity
    from kexie.activities.selectors import first_rows, ledger, ledger_first_page
    from kexie.core import textsearch
    from kexie.core.views import capped_count

    modes, out, paths = _modes(), {}, {}
    plans = open(plans_path, "w", encoding="utf-8") if plans_path else None  # noqa: SIM115
    only = [q for q in os.environ.get("ONLY", "").split(",") if q]
    for name, text in QUERIES.items():
        if only and name not in only:
            continue
        for suffix, filters in (("", {}), ("_filtered", {"year": 2020, "status": "approved"})):
            for mode, apply in modes.items():
                two_step = apply()

                def ask(filters=filters, text=text, two_step=two_step):
                    if two_step == "page":  # now: the view's first page (ledger_first_page)
                        with textsearch.page_planner():
                            return ledger_first_page(admin, {**filters, "q": text}, 51, 1000)
                    qs = ledger(admin, {**filters, "q": text})
                    rows = first_rows(qs, 51) if two_step else list(qs[:51])
                    return rows, capped_count(qs)

                times = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    ask()
                    times.append(time.perf_counter() - started)
                out.setdefault(mode, {})[name + suffix] = round(statistics.median(times) * 1000, 1)
                if mode == "now":
                    paths[name + suffix] = textsearch.pg_path_of(connection, Activity, "title", text)
                if plans and name in PLAN_QUERIES:
                    with CaptureQueriesContext(connection) as queries:
                        ask()
                    planner = textsearch.page_planner() if mode == "now" else contextlib.nullcontext()
                    with planner, connection.cursor() as cursor:
                        for query in queries.captured_queries:
                            sql = query["sql"]
                            if "pg_stats" in sql or "set_config" in sql or not sql.startswith("SELECT"):
                                continue
                            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                            plan = "\n".join(row[0] for row in cursor.fetchall())
                            plans.write(
                                f"=== {mode} {name}{suffix} «{text}»\n{query['sql'][:600]}\n{plan}\n\n"
                            )
            print(f"  {name}{suffix}: " + ", ".join(f"{m} {out[m][name + suffix]} ms" for m in modes),
                  file=sys.stderr)  # fmt: skip
    modes["now"]()
    if plans:
        plans.close()
    out["path_now"] = paths
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url")
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--peer-repeat", type=int, help="timings per page for the peer (default: --repeat)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    parser.add_argument(
        "--database-only", action="store_true",
        help="PostgreSQL: only the database's time per query, now / before / peer interleaved (no pages)",
    )  # fmt: skip
    parser.add_argument(
        "--plans", help="write EXPLAIN ANALYZE of the chosen queries here (with --database-only)"
    )
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="kexie-bench-")
    url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    base.setup(url)
    from django.db import connection

    from kexie.accounts.models import User
    from kexie.core import textsearch

    if User.objects.filter(username="admin").exists():
        admin, build_s, index_s = User.objects.get(username="admin"), 0.0, 0.0
    else:
        admin, build_s, index_s = build(args)
    print(f"built in {build_s} s, indexed in {index_s} s on {connection.vendor}", file=sys.stderr)
    routed = route_ledger_through_contains()
    counts = check_same_rows(admin)
    print(f"rows found (all agree): {counts}", file=sys.stderr)
    if args.database_only:
        load = [round(x, 1) for x in os.getloadavg()]
        times = database_times(admin, args.repeat, args.plans)
        print(json.dumps({
            "bench": "list_search_database", "database": connection.vendor, "activities": args.activities, "repeat": args.repeat, "ms": times, "load_average_before": load,
            "load_average_after": [round(x, 1) for x in os.getloadavg()], "rows_found": counts,
            "pg_common": textsearch.PG_COMMON, "pg_index_factor": textsearch.PG_INDEX_FACTOR,
        }, ensure_ascii=False))  # fmt: skip
        return
    print("kexie (title search index):", file=sys.stderr)
    ours, ours_cpu = page_times(admin, args.repeat)
    indexed = textsearch.INDEXED
    textsearch.INDEXED = {}
    print("peer (plain LIKE, no index):", file=sys.stderr)
    peer, peer_cpu = page_times(admin, args.peer_repeat or args.repeat)
    textsearch.INDEXED = indexed
    worst = max(ours_cpu, key=ours_cpu.get)
    print(json.dumps({
        "bench": "list_search", "database": connection.vendor, "activities": args.activities,
        "build_s": build_s, "index_s": index_s, "pages_ms": ours, "pages_cpu_ms": ours_cpu, "peer": "plain LIKE (no index)",
        "peer_pages_ms": peer, "peer_pages_cpu_ms": peer_cpu, "slowest_cpu": worst,
        "slowest_cpu_ms": ours_cpu[worst], "slowest_wall_ms": max(ours.values()), "aim_ms": AIM_MS,
        "load_average_1min": round(os.getloadavg()[0], 1),
        "rows_found": counts, "rows_agree": True, "ledger_routed_by_benchmark": routed,
    }, ensure_ascii=False))  # fmt: skip
    if args.database_url is None:
        if args.keep:
            print(f"kept {url}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
