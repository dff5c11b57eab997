"""Files of an entry (the `file` fields of a call's entry form).

- Upload (`entry_file_upload`): through `kexie.core.uploads.check_upload` (extension and magic
  bytes), within the field's `extensions` and `max_mb`; stored under a random name (never the
  uploader's), the uploader's name kept only sanitised (no path, no control characters).
- Download (`file_for_download`): the entrant (the account that created the entry), the
  handlers (staff of the submitting unit's or the organiser's scope) and the judges the entry
  is assigned to; anyone else gets 404.
- Blind calls: a judge gets `<code>-<field>.<ext>` as the name and a copy without the author
  metadata (docx core/app properties and revision/comment authors; PDF /Author, /Creator and XMP
  creator; image EXIF). Content inside the document is the entrant's responsibility (the call's
  description tells them not to name themselves).
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from kexie.accounts.roles import EDIT, REVIEW
from kexie.calls.codes import EDITABLE_ENTRY
from kexie.calls.models import Entry, EntryFile, JudgeAssignment
from kexie.calls.services import _require_entry_writer, may_touch_entry
from kexie.core import audit

_UNSAFE = re.compile(r"[^\w.\-()()\u4e00-\u9fff]+")


def safe_name(name: str) -> str:
    """The uploader's file name without any directory, control or shell characters, ≤ 100."""
    base = Path((name or "").replace("\\", "/")).name
    stem, ext = Path(base).stem, Path(base).suffix.lower()
    stem = _UNSAFE.sub("_", stem).strip("._") or "file"
    return stem[: 100 - len(ext)] + ext


def file_fields(call) -> dict[str, dict]:
    return {f["name"]: f for f in call.form_fields if f.get("type") == "file"}


@transaction.atomic
def entry_file_upload(*, actor, entry: Entry, field: str, upload) -> EntryFile:
    """Attach (or replace) the file of a `file` field while the entry may be edited."""
    _require_entry_writer(actor, entry)
    spec = file_fields(entry.call).get(field)
    if spec is None:
        raise ValidationError({"field": f"申报表没有附件字段“{field}”"})
    if entry.status not in EDITABLE_ENTRY:
        raise ValidationError("已提交的申报不能更换附件;如需修改,请形式审查人员先退回")
    try:
        ext = check_file(spec, upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    old = EntryFile.objects.unscoped(reason="the entry's own file").filter(entry=entry, field=field).first()
    if old is not None:
        old.file.delete(save=False)
        old.delete()
    row = store_file(entry, field, upload, ext, actor)
    audit.log(actor=actor, action="kexie.entry.file_uploaded", obj=entry,
              after={"field": field, "size": row.size, "ext": ext, "replaced": old is not None})  # fmt: skip
    return row


def check_file(spec: dict, upload) -> str:
    """The upload's extension if it suits the `file` field `spec` (type by extension and magic
    bytes, the field's `extensions`, `max_mb` and the site's upload limit); else a ValidationError
    whose messages name the field."""
    from kexie.core.uploads import check_upload

    label = spec["label"]
    try:
        ext = check_upload(upload, list(spec.get("extensions") or ()) or None)
    except ValidationError as exc:
        raise ValidationError([f"{label}:{m}" for m in exc.messages]) from exc
    max_bytes = int(float(spec.get("max_mb") or 0) * 1024 * 1024)
    if max_bytes and upload.size > max_bytes:
        raise ValidationError(f"{label}:文件过大({upload.size // 1024} KB),上限为 {spec['max_mb']:g} MB")
    return ext


def store_file(entry: Entry, field: str, upload, ext: str, actor=None) -> EntryFile:
    """Stores a checked upload (`check_file`) under a random name; the uploader's name kept
    sanitised. No audit entry: the caller writes one."""
    row = EntryFile(
        entry=entry, field=field, stored_name=f"{uuid.uuid4().hex}{ext}", original_name=safe_name(upload.name),
        size=upload.size, uploaded_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    row.file.save(row.stored_name, upload, save=False)
    row.save()
    return row


def missing_files(entry: Entry) -> list[str]:
    """The required file fields without a file (checked at submission)."""
    required = [f for f in file_fields(entry.call).values() if f.get("required")]
    if not required:
        return []
    have = set(
        EntryFile.objects.unscoped(reason="the entry's own files")
        .filter(entry=entry)
        .values_list("field", flat=True)
    )
    return [f"请上传{f['label']}" for f in required if f["name"] not in have]


def _judge_of(user, entry: Entry) -> bool:
    return bool(
        user is not None and user.is_authenticated
        and JudgeAssignment.objects.unscoped(reason="is the user a judge of this entry")
        .filter(entry=entry, judge__user=user).exists()
    )  # fmt: skip


def may_handle(user, entry: Entry) -> bool:
    """The entrant (who created it) and the handlers (staff who edit or review) of the
    submitting unit's or the organiser's scope; a viewer of the scope is no handler."""
    if user is None or not user.is_authenticated:
        return False
    if entry.created_by_id == user.pk:
        return True
    return (user.has_perm(EDIT) or user.has_perm(REVIEW)) and may_touch_entry(user, entry)


def access(user, entry: Entry) -> str | None:
    """ "full" (entrant, handlers), "judge" (assigned judge), or None."""
    if may_handle(user, entry):
        return "full"
    if _judge_of(user, entry):
        return "judge"
    return None


def files_for(user, entry: Entry) -> list[dict]:
    """The entry's file fields as the user sees them: label, file (if any) and the shown name."""
    mode = access(user, entry)
    if mode is None:
        return []
    rows = {f.field: f for f in EntryFile.objects.unscoped(reason="access checked").filter(entry=entry)}
    blind = mode == "judge" and entry.call.is_blind
    out = []
    for name, spec in file_fields(entry.call).items():
        row = rows.get(name)
        out.append({
            "field": name, "label": spec["label"], "required": spec.get("required"), "file": row,
            "name": (row.blind_name if blind else row.original_name) if row else "",
            "may_upload": mode == "full" and entry.status in EDITABLE_ENTRY,
            "extensions": spec.get("extensions") or [],
        })  # fmt: skip
    return out


def file_for_download(user, pk: int) -> tuple[EntryFile, str, bytes]:
    """(file, name to show, bytes) for a permitted user; Http404 for anyone else."""
    row = (
        EntryFile.objects.unscoped(reason="access checked below")
        .select_related("entry__call")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise Http404
    mode = access(user, row.entry)
    if mode is None:
        raise Http404
    with row.file.open("rb") as fh:
        data = fh.read()
    if mode == "judge" and row.entry.call.is_blind:
        return row, row.blind_name, scrub(data, row.extension)
    return row, row.original_name, data


# ---------------------------------------------------------------------- metadata scrubbing

_DOCX_META = re.compile(
    rb"<(dc:creator|cp:lastModifiedBy|Company|Manager|dc:title|dc:subject|cp:keywords|dc:description)>"
    rb".*?</\1>",
    re.S,
)
_DOCX_AUTHOR = re.compile(rb'(w:author|w:initials)="[^"]*"')
_PDF_META = re.compile(rb"/(Author|Creator|Title|Subject|Keywords)\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)")
_XMP_META = re.compile(rb"<(dc:creator|pdf:Author|xmp:CreatorTool|dc:title)>.*?</\1>", re.S)


def _blank_same_length(match: re.Match) -> bytes:
    """Keep the length so a PDF's cross-reference offsets stay right."""
    text = match.group(0)
    if text.startswith(b"/"):
        key = b"/" + match.group(1)
        value = match.group(2)
        return (
            key + text[len(key) : len(text) - len(value)] + value[:1] + b" " * (len(value) - 2) + value[-1:]
        )
    tag = match.group(1)
    inner = len(text) - len(tag) * 2 - 5
    return b"<" + tag + b">" + b" " * inner + b"</" + tag + b">"


def _scrub_docx(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename in ("docProps/core.xml", "docProps/app.xml"):
                content = _DOCX_META.sub(lambda m: b"<" + m.group(1) + b"></" + m.group(1) + b">", content)
            elif info.filename.startswith("word/") and info.filename.endswith(".xml"):
                content = _DOCX_AUTHOR.sub(lambda m: m.group(1) + b'=""', content)
            dst.writestr(info, content)
    return out.getvalue()


def _scrub_image(data: bytes) -> bytes:
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    clean = Image.new(image.mode, image.size)
    clean.putdata(list(image.getdata()))
    out = io.BytesIO()
    clean.save(out, format=image.format or "PNG")
    return out.getvalue()


def scrub(data: bytes, ext: str) -> bytes:
    """The file without author metadata (see the module's docstring); unreadable files are
    refused rather than passed on unscrubbed."""
    try:
        if ext == ".docx":
            return _scrub_docx(data)
        if ext == ".pdf":
            return _XMP_META.sub(_blank_same_length, _PDF_META.sub(_blank_same_length, data))
        if ext in (".jpg", ".jpeg", ".png"):
            return _scrub_image(data)
    except Exception as exc:  # a damaged file: no unscrubbed copy goes to a blind judge
        raise Http404 from exc
    return data
