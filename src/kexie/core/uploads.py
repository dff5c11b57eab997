"""Limits on uploaded files: size and type (extension and magic bytes)."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

_MAGIC = {
    ".xlsx": (b"PK\x03\x04",),
    ".docx": (b"PK\x03\x04",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".pdf": (b"%PDF",),
}


def check_upload(upload, allowed: list[str] | None = None) -> str:
    """Return the lower-case extension of an acceptable upload; raise ValidationError otherwise."""
    allowed = allowed or settings.UPLOAD_ALLOWED_EXTENSIONS
    ext = Path(upload.name or "").suffix.lower()
    if ext not in allowed:
        raise ValidationError(f"不支持的文件类型“{ext or '无扩展名'}”,允许:{'、'.join(allowed)}")
    if upload.size > settings.UPLOAD_MAX_BYTES:
        limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"文件过大({upload.size // 1024} KB),上限为 {limit} MB")
    head = upload.read(8)
    upload.seek(0)
    signatures = _MAGIC.get(ext)
    if signatures and not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(f"文件内容与扩展名“{ext}”不符")
    return ext
