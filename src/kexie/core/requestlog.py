"""One JSON line per request in the data directory's request log (docs/operations.md "Logs").

    {"time": "2026-12-02T09:30:01.123+08:00", "method": "GET", "path": "/activities/",
     "query": ["page", "year"], "status": 200, "duration_ms": 41.7, "user": 12, "unit": 3,
     "request_id": "5f0c…"}

Nothing in a line can carry personal data: the query string gives its parameter names only,
never a value; the body, cookies and headers are not read; a run of eleven or more digits in
the path (a phone or an ID number put there by mistake) is replaced by `*`; the user and unit are
ids. The request id is the client's `X-Request-ID` when it is a plain token (a proxy in front sets
it), else a new one; it is returned in the response's `X-Request-ID`, so a user's report and a
line of nginx's log find the line here.

Files: `requests-YYYY-MM-DD.log` in `REQUEST_LOG_DIR`, a new file each day and a new part
(`….1.log`) whenever a file passes `REQUEST_LOG_MAX_BYTES`; files older than
`REQUEST_LOG_RETENTION_DAYS` are deleted. No file is ever renamed, so several server processes
append to the same files safely (each line is one append) on Linux and Windows alike.
"""

import datetime as dt
import json
import logging
import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger("kexie.requests")

REQUEST_ID_HEADER = "X-Request-ID"
_PLAIN_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_LONG_NUMBER = re.compile(r"\d{11,}[\dXx]?")
FILE_PATTERN = re.compile(r"requests-(\d{4}-\d{2}-\d{2})(?:\.\d+)?\.log")


class RequestLogMiddleware:
    """Outermost middleware: times the whole request, static files included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = _request_id(request)
        request.request_id = request_id
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            if logger.isEnabledFor(logging.INFO):
                logger.info(json.dumps(line(request, status, started, request_id), ensure_ascii=False))


def _request_id(request) -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _PLAIN_ID.fullmatch(given) else uuid.uuid4().hex


def line(request, status: int, started: float, request_id: str) -> dict:
    user = getattr(request, "user", None)  # absent when a middleware answered before auth (static files)
    signed_in = user is not None and user.is_authenticated
    return {
        "time": timezone.localtime().isoformat(timespec="milliseconds"),
        "method": request.method,
        "path": _LONG_NUMBER.sub("*", request.path),
        "query": sorted(set(request.GET.keys())),
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        "user": user.pk if signed_in else None,
        "unit": getattr(user, "unit_id", None) if signed_in else None,
        "request_id": request_id,
    }


class DailyFileHandler(logging.Handler):
    """Appends each record to today's file in `settings.REQUEST_LOG_DIR` (read at each record, so
    that the folder follows the settings); see the module's docstring for the files."""

    def __init__(self):
        super().__init__()
        self._stream = None
        self._path: Path | None = None
        self._pruned_on: dt.date | None = None

    def emit(self, record):
        try:
            text = self.format(record) + "\n"
            stream = self._open(timezone.localdate())
            stream.write(text)
            stream.flush()
        except Exception:  # a log that cannot be written must not fail the request
            self.handleError(record)

    def _open(self, day: dt.date):
        directory = Path(settings.REQUEST_LOG_DIR)
        wanted = self._path
        if wanted is None or wanted.parent != directory or not wanted.name.startswith(f"requests-{day}"):
            wanted = _part(directory, day, 0)
        limit = settings.REQUEST_LOG_MAX_BYTES
        if limit:
            part = 0 if wanted.name == f"requests-{day}.log" else int(wanted.suffixes[-2][1:])
            while wanted.exists() and wanted.stat().st_size >= limit:
                part += 1
                wanted = _part(directory, day, part)
        if wanted != self._path or self._stream is None:
            self._close_stream()
            directory.mkdir(parents=True, exist_ok=True)
            self._stream = open(wanted, "a", encoding="utf-8")  # noqa: SIM115 - kept open between records
            self._path = wanted
        if self._pruned_on != day:
            self._pruned_on = day
            prune(directory, day)
        return self._stream

    def _close_stream(self):
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def close(self):
        self.acquire()
        try:
            self._close_stream()
        finally:
            self.release()
        super().close()


def _part(directory: Path, day: dt.date, part: int) -> Path:
    return directory / (f"requests-{day}.log" if part == 0 else f"requests-{day}.{part}.log")


def prune(directory: Path, today: dt.date) -> list[Path]:
    """Delete the request logs older than the retention; return them."""
    keep_from = today - dt.timedelta(days=settings.REQUEST_LOG_RETENTION_DAYS)
    removed = []
    for path in directory.glob("requests-*.log"):
        match = FILE_PATTERN.fullmatch(path.name)
        if match and dt.date.fromisoformat(match[1]) < keep_from:
            try:
                path.unlink()
                removed.append(path)
            except OSError:  # another process has it open (Windows) or removed it first
                pass
    return removed
