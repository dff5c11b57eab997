"""The import/export engine: header matching, per-cell parsing, checks, one-transaction
writes with one audit entry, and the kind registry."""

import importlib
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from kexie.core import audit
from kexie.core.imports import writer
from kexie.core.imports.columns import FORMULA_TRIGGERS, CellError, Column, Row, cell_text
from kexie.core.imports.reader import FileProblem, read_upload

IMPORT_PERM = "core.import_records"
UNIT_NOT_FOUND = "单位不存在或不在管辖范围内"

KIND_MODULES = {
    "regions": "kexie.directory.io",
    "organisations": "kexie.directory.io",
    "people": "kexie.directory.io",
    "activities": "kexie.activities.io",
    "campaigns": "kexie.activities.io",
    "consultations": "kexie.hotline.io",
    "venue_visitors": "kexie.bases.io",
    "base_assessments": "kexie.bases.io",
    "office_tasks": "kexie.office.io",
    "cadres": "kexie.office.io",
    "party_records": "kexie.societies.io",
    "grassroots_heads": "kexie.societies.io",
    "officers": "kexie.societies.io",
    "service_records": "kexie.volunteers.io",
    "volunteer_evaluations": "kexie.volunteers.io",
    "opinion_items": "kexie.opinion.io",
    "opinion_articles": "kexie.opinion.io",
    "funds_projects": "kexie.funds.io",
}


@dataclass(frozen=True)
class Problem:
    row: int  # as Excel shows it; 1 is the header row, 0 the file as a whole
    header: str
    value: str
    reason: str

    @property
    def message(self) -> str:
        where = "文件" if self.row == 0 else f"第{self.row}行"
        column = f"「{self.header}」" if self.header else ""
        value = f"“{self.value}”" if self.value else ""
        return f"{where}{column}{value}:{self.reason}"

    def __str__(self) -> str:
        return self.message


@dataclass
class ImportResult:
    kind: str
    filename: str
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    duplicates: list[Problem] = field(default_factory=list)  # also in warnings; writing needs a confirmation
    allow_duplicates: bool = False
    example_row: int | None = None  # the template's example row, left out
    acting_as: str = ""  # whom the import acts as, in words
    error_workbook: bytes | None = None
    written: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def needs_confirmation(self) -> bool:
        """Rows that look like duplicates hold the import until the user confirms them."""
        return bool(self.duplicates) and not self.allow_duplicates

    @property
    def changed(self) -> int:
        """Records written (created or updated); 0 when nothing was written."""
        return self.created + self.updated if self.written else 0

    def summary(self) -> str:
        verb = "检查" if self.dry_run else "导入"
        if self.dry_run:
            state = "(试运行,未写入)"
        elif self.written:
            state = ""
        elif self.needs_confirmation:
            state = f"(有{len(self.duplicates)}处疑似重复,待确认,未写入)"
        else:
            state = "(未写入)"
        skipped = f";已跳过第{self.example_row}行(模板示例)" if self.example_row else ""
        return (
            f"{verb}{self.rows}行:新增{self.created},更新{self.updated},未变{self.unchanged},"
            f"有误{self.rejected}{skipped}{state}"
        )


class Context:
    """What the checks of one import need, loaded once: the actor and look-up dicts."""

    def __init__(self, actor):
        self.actor = actor
        self.system = actor is None
        self.superuser = bool(actor is not None and actor.is_superuser)
        self.unit = getattr(actor, "unit", None) if actor is not None else None
        self.scope_path = "" if (self.system or self.superuser) else (self.unit.path if self.unit else None)

    def in_scope(self, org) -> bool:
        return org is not None and self.scope_path is not None and org.path.startswith(self.scope_path)

    def rule_ids(self, key: str) -> set:
        """Ids the field's reference rule offers the importing user (once per import)."""
        cache = self.__dict__.setdefault("_rule_ids", {})
        if key not in cache:
            from kexie.core import references

            cache[key] = set(references.choices_for_import(key, self.actor).values_list("pk", flat=True))
        return cache[key]

    def has_perm(self, perm: str) -> bool:
        return self.system or self.actor.has_perm(perm)

    def describe(self) -> str:
        """Whom an import acts as, in words (the command line prints it first)."""
        if self.system:
            return "未指定 --as:以系统身份导入,不限管辖范围"
        unit = self.unit.name if self.unit is not None else "无所属单位"
        reach = "不限管辖范围" if self.superuser else f"范围为{unit}及其下级单位"
        return f"以用户“{self.actor.get_username()}”({unit})的身份导入,{reach}"


class KindSpec:
    """One importable kind. Subclasses give columns and the checks/writes of their model."""

    kind = ""
    label = ""
    model: Any = None
    key_header = ""

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def load_context(self, actor) -> Context:
        return Context(actor)

    def check_permission(self, actor) -> None:
        if actor is not None and not actor.has_perm(IMPORT_PERM):
            raise PermissionDenied("您没有导入数据的权限")

    def check_rows(self, rows: list[Row], ctx: Context, present: set[str]) -> None:
        """Cross-cell checks after parsing: references, scope, natural keys, existing records.
        Sets row.instance and row.action on the rows that pass."""
        raise NotImplementedError

    def write(self, rows: list[Row], ctx: Context) -> None:
        raise NotImplementedError

    def export_objects(self, ctx: Context, year: int | None) -> Iterable[Any]:
        raise NotImplementedError

    def export_values(self, objs: Iterable[Any], ctx: Context) -> Iterator[Sequence[Any]]:
        raise NotImplementedError

    def template_context(self, actor) -> Context:
        return self.load_context(actor)


def get_spec(kind: str) -> KindSpec:
    module = KIND_MODULES.get(kind)
    if module is None:
        raise ValueError(f"未知的数据类型“{kind}”,可选:{'、'.join(KIND_MODULES)}")
    return importlib.import_module(module).SPECS[kind]


# ---- import --------------------------------------------------------------------------------


def _normal_header(value: Any) -> str:
    header = cell_text(value).replace("\n", "").replace(" ", "")
    for suffix in ("*", "*", "(必填)", "(必填)"):
        header = header.removesuffix(suffix)
    return header


def match_headers(
    columns: Sequence[Column], headers: Sequence[Any]
) -> tuple[list[tuple[Column, int]], list[Problem]]:
    by_header = {col.header: col for col in columns}
    mapping: list[tuple[Column, int]] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(headers):
        header = _normal_header(raw)
        if not header:
            continue
        if header in seen:
            problems.append(Problem(1, header, str(raw), f"表头重复(与第{seen[header] + 1}列相同)"))
            continue
        seen[header] = index
        col = by_header.get(header)
        if col is None:
            allowed = "、".join(by_header)
            problems.append(Problem(1, str(raw), str(raw), f"未知的表头,可用的表头:{allowed}"))
            continue
        mapping.append((col, index))
    for col in columns:
        if col.required and col.header not in seen:
            problems.append(Problem(1, col.header, "", "缺少必填列"))
    return mapping, problems


def parse_rows(mapping: list[tuple[Column, int]], rows: Iterator[tuple[int, list[Any]]], ctx) -> list[Row]:
    parsed: list[Row] = []
    for number, cells in rows:
        width = len(cells)
        texts = []
        for _col, index in mapping:
            raw = cells[index] if index < width else None
            texts.append(raw.strip() if type(raw) is str else cell_text(raw))
        if not any(texts):
            continue
        row = Row(number=number, raw=cells)
        values = row.values
        for (col, _index), value in zip(mapping, texts, strict=True):
            if not value:
                if col.required:
                    row.error(col.header, "", "必填项不能为空")
                else:
                    values[col.field] = None
                continue
            try:
                values[col.field] = parsed_value = col.parse(value, ctx)
            except CellError as exc:
                row.error(col.header, value, str(exc))
                continue
            if (
                type(parsed_value) is str and parsed_value[:1] in FORMULA_TRIGGERS
            ):  # looks_like_formula, inlined
                row.warn(col.header, value, formula_warning(parsed_value))
        parsed.append(row)
    return parsed


def _ids(value) -> set:
    if value is None:
        return set()
    if isinstance(value, int):
        return {value} if value else set()  # 0: a unit created by another row of the same file
    if hasattr(value, "pk") or hasattr(value, "id"):  # a record, or an OrgRef (a named tuple)
        return _ids(getattr(value, "pk", None) or getattr(value, "id", None) or 0)
    return {v for item in value for v in _ids(item)}


def _current_ids(instance, field: str) -> set:
    if instance is None or not getattr(instance, "pk", None):
        return set()
    model_field = instance._meta.get_field(field)
    if model_field.many_to_many:
        return set(getattr(instance, field).values_list("pk", flat=True))
    return {getattr(instance, model_field.attname)}


def check_rules(rows: list[Row], columns: list[Column], ctx) -> None:
    """Every record a row names through a column with a reference rule must be offered by the
    rule, unless the record already points at it (kexie.core.references)."""
    for col in columns:
        if not col.rule:
            continue
        allowed = ctx.rule_ids(col.rule)
        for row in rows:
            if not row.ok:
                continue
            refused = _ids(row.values.get(col.field)) - allowed
            if refused:
                refused -= _current_ids(getattr(row, "instance", None), col.field)
            if refused:
                row.error(col.header, "", UNIT_NOT_FOUND)


def formula_warning(text: str) -> str:
    return f"以“{text[0]}”开头,电子表格可能把它当作公式;已按文本保存,导出时也写为文本"


def check_duplicates(rows: list[Row], header: str, key, shown=None) -> dict[Any, Row]:
    """Reject rows whose natural key repeats an earlier row of the file."""
    seen: dict[Any, Row] = {}
    for row in rows:
        value = key(row)
        if value in (None, ""):
            continue
        first = seen.get(value)
        if first is not None:
            display = shown(value) if shown else (value if isinstance(value, str) else "")
            row.error(header, display, f"与第{first.number}行重复")
        else:
            seen[value] = row
    return seen


def _problems(rows: list[Row], attr: str) -> list[Problem]:
    return [Problem(row.number, h, v, r) for row in rows for h, v, r in getattr(row, attr)]


def import_file(
    *,
    actor,
    kind: str,
    fileobj,
    filename: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    allow_duplicates: bool = False,
    progress=None,
) -> ImportResult:
    """Import one file; see docs/import-formats.md. Nothing is written unless every row is
    valid, or `skip_invalid` is set, in which case the valid rows are written and the rejected
    ones come back as an error workbook. Rows that look like duplicates (of another row or of
    an existing record) are warnings that hold the whole import until `allow_duplicates` confirms
    them. Writes happen in one transaction with one audit entry. `progress(done, total, line)`,
    if given, hears how far the import is (a background job's progress bar, the CLI's)."""
    started = time.perf_counter()
    progress = progress or _silent
    progress(0, 0, "正在读取文件")
    spec = get_spec(kind)
    spec.check_permission(actor)
    data = fileobj.read() if hasattr(fileobj, "read") else bytes(fileobj)
    result = ImportResult(
        kind=kind, filename=PurePath(filename).name, dry_run=dry_run, allow_duplicates=allow_duplicates
    )
    try:
        headers, row_iter, result.example_row = read_upload(data, filename)
    except FileProblem as exc:
        result.errors.append(Problem(0, "", "", str(exc)))
        return result
    columns = spec.columns()
    mapping, header_problems = match_headers(columns, headers)
    if header_problems:
        result.errors = header_problems
        return result
    ctx = spec.load_context(actor)
    result.acting_as = ctx.describe()
    rows = parse_rows(mapping, _reporting(row_iter, progress), ctx)
    progress(len(rows), len(rows), "正在核对重复和引用")
    spec.check_rows(rows, ctx, {col.field for col, _ in mapping})
    check_rules(rows, [col for col, _ in mapping], ctx)
    _tally(result, rows)
    rejected = [row for row in rows if not row.ok]
    valid = [row for row in rows if row.ok]
    if rejected:
        result.error_workbook = writer.error_workbook(
            headers,
            ((row.raw, ";".join(f"{h}:{r}" if h else r for h, _v, r in row.errors)) for row in rejected),
        )
        if not skip_invalid:
            result.seconds = time.perf_counter() - started
            return result
    if not dry_run and not result.needs_confirmation:
        progress(len(rows), len(rows), "正在写入数据库")
        _write(spec, valid, ctx, result)
    result.seconds = time.perf_counter() - started
    return result


PROGRESS_EVERY = 500  # rows between two progress reports


def _silent(done: int, total: int, line: str = "") -> None:
    pass


def _reporting(rows, progress):
    """The rows, telling `progress` every PROGRESS_EVERY rows how many of how many are checked."""
    if progress is _silent:
        yield from rows
        return
    rows = list(rows)
    total = len(rows)
    for done, row in enumerate(rows):
        if done % PROGRESS_EVERY == 0:
            progress(done, total, f"正在检查第 {done + 1} 行(共 {total} 行)")
        yield row


def _tally(result: ImportResult, rows: list[Row]) -> None:
    result.rows = len(rows)
    result.errors = _problems(rows, "errors")
    result.warnings = _problems(rows, "warnings")
    result.duplicates = [Problem(row.number, h, v, r) for row in rows if row.ok for h, v, r in row.duplicates]
    result.rejected = sum(1 for row in rows if not row.ok)
    for row in rows:
        if row.ok:
            if row.action == "create":
                result.created += 1
            elif row.action == "update":
                result.updated += 1
            else:
                result.unchanged += 1


WRITE_CLASH = (
    "导入未写入:写入时与数据库中的记录冲突(编号等唯一项已存在),多半是同一文件正被另一次导入写入,"
    "或刚刚已由他人写入。本次没有写入任何数据;请刷新后重新上传文件核对,已存在的记录会显示为更新或未变更。"
)


def _write(spec: KindSpec, valid: list[Row], ctx: Context, result: ImportResult) -> None:
    """The rows were checked before this transaction, so a concurrent import of the same file
    can have written them since: the database refuses the second (unique keys), and the user
    is told so in Chinese; the all-or-nothing transaction leaves nothing half-written."""
    try:
        _write_rows(spec, valid, ctx, result)
    except IntegrityError:
        result.errors.append(Problem(0, "", "", WRITE_CLASH))
        return
    result.written = True


def _write_rows(spec: KindSpec, valid: list[Row], ctx: Context, result: ImportResult) -> None:
    with transaction.atomic():
        spec.write([row for row in valid if row.action in ("create", "update")], ctx)
        audit.log(
            actor=ctx.actor,
            action=f"kexie.import.{spec.kind}",
            unit=ctx.unit,
            system=ctx.unit is None,
            object_type=spec.model._meta.label_lower,
            object_repr=result.filename,
            after={
                "file": result.filename,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "rejected": result.rejected,
            },
            note=f"导入{spec.label}:{result.filename}",
        )


# ---- export and template -------------------------------------------------------------------


def export_rows(*, actor, kind: str, year: int | None = None, fmt: str = "xlsx", progress=None) -> bytes:
    """The records of `kind` the actor may see, as a file that imports back unchanged.
    `progress(done, total, line)`, if given, hears how many records are written."""
    spec = get_spec(kind)
    ctx = spec.load_context(actor)
    columns = spec.columns()
    objs = spec.export_objects(ctx, year)
    values = spec.export_values(objs, ctx)
    if progress is not None:
        values = _counting(values, export_count(objs), progress)
    if fmt == "csv":
        return writer.export_csv(columns, values)
    return writer.export_workbook(columns, values, ctx, spec.label)


def export_count(objs) -> int:
    """How many records an export of `objs` (a queryset or a list) writes."""
    return objs.count() if hasattr(objs, "query") else len(objs)


def export_size(*, actor, kind: str, year: int | None = None) -> int:
    spec = get_spec(kind)
    return export_count(spec.export_objects(spec.load_context(actor), year))


def _counting(values, total: int, progress):
    for done, row in enumerate(values):
        if done % PROGRESS_EVERY == 0:
            progress(done, total, f"正在导出第 {done + 1} 条(共 {total} 条)")
        yield row
    progress(total, total, "正在生成文件")


def template_bytes(*, actor, kind: str) -> bytes:
    spec = get_spec(kind)
    ctx = spec.template_context(actor)
    return writer.template_workbook(spec.columns(), ctx, spec.label)
