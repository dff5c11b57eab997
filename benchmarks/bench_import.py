"""Import benchmark: N activity rows (xlsx and csv) through kexie's importer, and the same rows
through django-import-export (a ModelResource on the same Activity model, foreign keys resolved
by name with ForeignKeyWidget), each run into a fresh SQLite database copied from one migrated
template. Run by hand, not as a test:

    pip install -e '.[bench]'
    python benchmarks/bench_import.py [--rows 100000] [--peer-rows 10000] [--repeat 3]

Prints medians and ends with one JSON line of figures. The peer is measured on --peer-rows rows
(a subset of the same rows) when that is smaller than --rows: it is far slower, and the JSON says
so in "peer_rows".
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
WORK = Path(tempfile.mkdtemp(prefix="kexie-bench-import-"))
TEMPLATE_DB = WORK / "template.sqlite3"
os.environ["KEXIE_DATABASE_URL"] = f"sqlite:///{TEMPLATE_DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402

HEADERS = [
    "编号", "活动名称", "活动类型", "开始日期", "结束日期", "所在区划", "地点", "主办单位", "参与人数",
    "志愿者人数", "受益人数", "活动简介", "填报单位", "状态",
]  # fmt: skip
TOWNS = ["任城区", "兖州区"]
TITLES = [
    "科普讲座进社区",
    "青少年科技创新大赛",
    "科普惠农培训",
    "全国科普日主场活动",
    "应急科普演练",
    "学术年会",
]


def use_database(path: Path) -> None:
    for conn in connections.all():
        conn.close()
    connections["default"].settings_dict["NAME"] = str(path)


def make_template() -> dict:
    call_command("migrate", interactive=False, verbosity=0)
    from kexie.testing import build_world

    world = build_world()
    for conn in connections.all():
        conn.close()
    return {
        "orgs": [o.name for o in world["orgs"].values() if o.kind == "association"],
        "kinds": sorted({k.name for k in world["kinds"].values()}),
    }


def make_rows(n: int, names: dict, seed: int = 2020) -> list[list]:
    rnd = random.Random(seed)
    start = dt.date(2020, 1, 1)
    rows = []
    for i in range(n):
        day = start + dt.timedelta(days=rnd.randrange(365))
        unit = rnd.choice(names["orgs"])
        rows.append([
            f"BM{i:08d}", f"{rnd.choice(TITLES)}第{i}场", rnd.choice(names["kinds"]), day,
            day + dt.timedelta(days=rnd.randrange(3)), rnd.choice(TOWNS), f"活动地点{rnd.randrange(500)}号", unit,
            rnd.randrange(20, 2000), rnd.randrange(0, 50), rnd.randrange(50, 5000), "活动简介" * rnd.randrange(1, 20),
            unit, rnd.choice(["草稿", "待审核"]),
        ])  # fmt: skip
    return rows


def write_files(rows: list[list]) -> tuple[bytes, bytes]:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("数据")
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([v.isoformat() if isinstance(v, dt.date) else v for v in row])
    return buffer.getvalue(), ("\ufeff" + text.getvalue()).encode("utf-8")


def fresh_db(tag: str) -> Path:
    path = WORK / f"{tag}.sqlite3"
    shutil.copyfile(TEMPLATE_DB, path)
    use_database(path)
    return path


def run_kexie(data: bytes, filename: str, expected: int, tag: str) -> float:
    from kexie.accounts.models import User
    from kexie.activities.models import Activity
    from kexie.core.imports import import_file

    path = fresh_db(tag)
    actor = User.objects.select_related("unit").get(username="city_admin")
    started = time.perf_counter()
    result = import_file(actor=actor, kind="activities", fileobj=io.BytesIO(data), filename=filename)
    elapsed = time.perf_counter() - started
    assert result.ok and result.created == expected, (
        result.summary(),
        [p.message for p in result.errors[:5]],
    )
    assert Activity.objects.count() == expected
    use_database(TEMPLATE_DB)
    path.unlink()
    return elapsed


def peer_resource():
    from import_export import fields, resources, widgets

    from kexie.activities.models import Activity, ActivityKind
    from kexie.directory.models import Organisation, Region

    def fk(attribute, header, model, field):
        return fields.Field(
            attribute=attribute, column_name=header, widget=widgets.ForeignKeyWidget(model, field)
        )

    date = widgets.DateWidget(format="%Y-%m-%d")

    class ActivityResource(resources.ModelResource):
        code = fields.Field(attribute="code", column_name="编号")
        title = fields.Field(attribute="title", column_name="活动名称")
        kind = fk("kind", "活动类型", ActivityKind, "name")
        start_date = fields.Field(attribute="start_date", column_name="开始日期", widget=date)
        end_date = fields.Field(attribute="end_date", column_name="结束日期", widget=date)
        region = fk("region", "所在区划", Region, "name")
        venue = fields.Field(attribute="venue", column_name="地点")
        organiser = fk("organiser", "主办单位", Organisation, "name")
        participants = fields.Field(
            attribute="participants", column_name="参与人数", widget=widgets.IntegerWidget()
        )
        volunteers = fields.Field(
            attribute="volunteers", column_name="志愿者人数", widget=widgets.IntegerWidget()
        )
        beneficiaries = fields.Field(
            attribute="beneficiaries", column_name="受益人数", widget=widgets.IntegerWidget()
        )
        description = fields.Field(attribute="description", column_name="活动简介")
        reporting_unit = fk("reporting_unit", "填报单位", Organisation, "name")

        class Meta:
            model = Activity
            import_id_fields = ("code",)
            # Its documented fast path: bulk writes, no per-row diff.
            use_bulk = True
            batch_size = 1000
            skip_diff = True
            fields = (
                "code", "title", "kind", "start_date", "end_date", "region", "venue", "organiser", "participants",
                "volunteers", "beneficiaries", "description", "reporting_unit",
            )  # fmt: skip

    return ActivityResource()


def run_peer(data: bytes, fmt: str, expected: int, tag: str) -> float:
    import tablib

    from kexie.activities.models import Activity

    path = fresh_db(tag)
    started = time.perf_counter()
    if fmt == "csv":
        dataset = tablib.Dataset().load(data.decode("utf-8-sig"), format="csv")
    else:
        dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
    result = peer_resource().import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
    elapsed = time.perf_counter() - started
    assert not result.has_errors() and not result.has_validation_errors()
    assert Activity.objects.count() == expected, Activity.objects.count()
    use_database(TEMPLATE_DB)
    path.unlink()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--peer-rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peer-repeat", type=int, default=1)
    args = parser.parse_args()
    names = make_template()
    rows = make_rows(args.rows, names)
    xlsx, csv_bytes = write_files(rows)
    peer_n = min(args.peer_rows, args.rows)
    peer_xlsx, peer_csv = write_files(rows[:peer_n])
    print(
        f"{args.rows} rows: xlsx {len(xlsx) / 1e6:.1f} MB, csv {len(csv_bytes) / 1e6:.1f} MB; peer on {peer_n} rows"
    )

    figures = {}
    for fmt, data, peer_data in (("xlsx", xlsx, peer_xlsx), ("csv", csv_bytes, peer_csv)):
        ours = [run_kexie(data, f"bench.{fmt}", args.rows, f"kexie-{fmt}-{i}") for i in range(args.repeat)]
        theirs = [run_peer(peer_data, fmt, peer_n, f"peer-{fmt}-{i}") for i in range(args.peer_repeat)]
        figures[fmt] = (args.rows / statistics.median(ours), peer_n / statistics.median(theirs))
        print(
            f"{fmt}: kexie median {statistics.median(ours):.2f} s = {figures[fmt][0]:,.0f} rows/s "
            f"(runs {', '.join(f'{t:.2f}' for t in ours)}); django-import-export median "
            f"{statistics.median(theirs):.2f} s for {peer_n} rows = {figures[fmt][1]:,.0f} rows/s"
        )
    ours_rate, peer_rate = figures["xlsx"]
    shutil.rmtree(WORK, ignore_errors=True)
    print(
        json.dumps(
            {
                "bench": "import",
                "rows": args.rows,
                "rows_per_s": round(ours_rate),
                "peer": "django-import-export",
                "peer_rows": peer_n,
                "peer_rows_per_s": round(peer_rate),
                "ratio": round(ours_rate / peer_rate, 1),
                "format": "xlsx",
                "csv_rows_per_s": round(figures["csv"][0]),
                "csv_peer_rows_per_s": round(figures["csv"][1]),
                "csv_ratio": round(figures["csv"][0] / figures["csv"][1], 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
