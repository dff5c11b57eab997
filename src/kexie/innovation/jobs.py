"""Innovation's background jobs (kexie.core.jobs): a large patent file is imported by a worker."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from kexie.core.jobs import JobFailed, job_dir, job_kind

PATENT_INPUT = "input"
ERRORS_SHOWN = 500


@job_kind("patent_import")
def patent_import_job(job, progress, *, filename, mapping=None, skip_bad=False):
    from kexie.innovation import patents

    source = job_dir(job) / PATENT_INPUT
    if not source.is_file():
        raise JobFailed(_("待导入文件已不存在(可能已被清理),请重新上传"))
    try:
        result = patents.patent_import(
            actor=job.owner, data=source.read_bytes(), filename=filename, mapping=mapping, skip_bad=skip_bad,
            progress=progress,
        )  # fmt: skip
    except ValidationError as exc:
        raise JobFailed(";".join(exc.messages)) from None
    except PermissionDenied as exc:
        raise JobFailed(str(exc) or _("没有导入专利数据的权限")) from None
    finally:
        source.unlink(missing_ok=True)
    written = bool(result.created or result.updated) or not result.errors
    summary = _("共 %(rows)d 行:新增 %(c)d 条,更新 %(u)d 条,跳过 %(s)d 处错误") % {
        "rows": result.rows, "c": result.created, "u": result.updated, "s": result.skipped,
    }  # fmt: skip
    if not written:
        summary = _("发现 %(n)d 处错误,未导入任何数据(可勾选“跳过有错误的行”后重新上传)") % {
            "n": len(result.errors)
        }
    return {
        "summary": summary,
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "problems": [str(e) for e in result.errors[:ERRORS_SHOWN]],
        "back": "innovation:patent_import",
    }
