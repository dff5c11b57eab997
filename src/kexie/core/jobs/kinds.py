"""The job kinds of the core: a large import (check or write) and a large export."""

from __future__ import annotations

import os
from pathlib import Path, PurePath

from kexie.core.jobs import JobFailed, job_dir, job_kind

IMPORT_INPUT = "input"
ERRORS_FILE = "errors.xlsx"
ERRORS_SHOWN = 500


@job_kind("import")
def import_job(
    job, progress, *, kind, filename, token="", dry_run=True, skip_invalid=False, allow_duplicates=False
):
    """Check (dry_run) or write one uploaded file through the import framework; the write is one
    transaction, so a job killed midway has written nothing."""
    from kexie.core.imports import import_file

    source = job_dir(job) / IMPORT_INPUT
    if not source.is_file():
        raise JobFailed("待导入文件已不存在(可能已被清理),请重新上传")
    with open(source, "rb") as fileobj:
        result = import_file(
            actor=job.owner, kind=kind, fileobj=fileobj, filename=filename, dry_run=dry_run,
            skip_invalid=skip_invalid, allow_duplicates=allow_duplicates, progress=progress,
        )  # fmt: skip
    stored = import_result_dict(result, token=token)
    if result.error_workbook:
        write_atomically(job_dir(job) / ERRORS_FILE, result.error_workbook)
        stored.update(file=ERRORS_FILE, download=f"{PurePath(result.filename).stem}.errors.xlsx")
    if result.written and token:
        from kexie.core.views import pending_dir

        (pending_dir() / token).unlink(missing_ok=True)
    source.unlink(missing_ok=True)
    return stored


def import_result_dict(result, *, token: str = "") -> dict:
    duplicates = [str(p) for p in result.duplicates]
    shown = set(duplicates)
    return {
        "kind": result.kind,
        "filename": result.filename,
        "token": token,
        "dry_run": result.dry_run,
        "summary": result.summary(),
        "written": result.written,
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": result.rejected,
        "changed": result.changed,
        "needs_confirmation": result.needs_confirmation,
        "duplicates": duplicates,
        "warnings": [str(p) for p in result.warnings if str(p) not in shown],
        "errors": [
            {"row": p.row, "column": p.header, "value": p.value, "reason": p.reason}
            for p in result.errors[:ERRORS_SHOWN]
        ],
        "errors_total": len(result.errors),
    }


@job_kind("export")
def export_job(job, progress, *, kind, year=None, fmt="xlsx"):
    from kexie.core.imports import export_rows

    data = export_rows(actor=job.owner, kind=kind, year=year, fmt=fmt, progress=progress)
    name = f"export.{fmt}"
    write_atomically(job_dir(job) / name, data)
    return {
        "file": name,
        "download": f"{kind}{'-' + str(year) if year else ''}.{fmt}",
        "rows": progress.total,
    }


def write_atomically(path: Path, data: bytes) -> None:
    """Whole or not at all: a job killed while writing leaves no truncated file behind."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


@job_kind("index_rebuild")
def index_rebuild_job(job, progress):
    return rebuild_indexes(progress)


def rebuild_indexes(progress=None) -> dict:
    """Rebuild what kexie builds from its records (kexie.core.derived): the full-text tables from
    their content, then each index an app registered. Each step in its own transaction: a run
    killed midway leaves every table whole (rebuilt or as it was)."""
    from kexie.core import derived

    tables = [name for name, kind in derived.database_index_tables().items() if kind == "virtual"]
    total = len(tables) + len(derived.registered())

    def step(offset):
        return (lambda done, _total, line: progress(offset + done, total, line)) if progress else None

    rebuilt = derived.rebuild_database_indexes(step(0))
    names = derived.rebuild_registered(step(len(tables)))
    if progress:
        progress(total, total, "")
    return {"rows": total, "tables": rebuilt, "registered": names}
