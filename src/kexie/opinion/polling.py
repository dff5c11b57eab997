"""Polling the sources: fetch a feed or page over HTTP(S), read it with the opinion engine, store
the new items. A source that fails says why (Source.last_error) and keeps its items and its last
good poll time. `poll_sources()` polls every active feed and page source; it runs as the job kind
"opinion.poll" and from `kexie opinion poll` (the worker's periodic schedule calls it once
kexie.core.jobs has one)."""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from email.message import Message

from django.utils.translation import gettext as _

from kexie.core.jobs import job_kind
from kexie.engines.opinion import ReadingError, extract_page, parse_feed
from kexie.opinion import services
from kexie.opinion.models import Source, SourceKind

TIMEOUT_SECONDS = 20
MAX_BYTES = 5 * 1024 * 1024
USER_AGENT = "kexie-opinion/1.0 (+public-opinion monitoring of a science association)"


class FetchError(Exception):
    """A source could not be fetched; the message (Chinese) says why."""


def fetch(url: str) -> tuple[bytes, str | None]:
    """(body, declared charset) of a URL over HTTP(S), at most MAX_BYTES."""
    if not url.lower().startswith(("http://", "https://")):
        raise FetchError(_("地址须以 http:// 或 https:// 开头"))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (scheme checked)
            body = response.read(MAX_BYTES + 1)
            headers: Message = response.headers
    except urllib.error.HTTPError as exc:
        raise FetchError(_("服务器返回错误 %(code)s") % {"code": exc.code}) from exc
    except urllib.error.URLError as exc:
        raise FetchError(_("无法连接:%(reason)s") % {"reason": exc.reason}) from exc
    except TimeoutError as exc:
        raise FetchError(_("连接超时(%(s)s 秒)") % {"s": TIMEOUT_SECONDS}) from exc
    except OSError as exc:
        raise FetchError(_("读取失败:%(e)s") % {"e": exc}) from exc
    if len(body) > MAX_BYTES:
        raise FetchError(_("内容超过 %(mb)s MB") % {"mb": MAX_BYTES // (1024 * 1024)})
    return body, headers.get_content_charset()


def _rows(source: Source, body: bytes, charset: str | None) -> list[services.NewItem]:
    if source.kind == SourceKind.FEED:
        return [
            services.NewItem(
                key=e.guid or e.link or hashlib.sha1(e.title.encode()).hexdigest(), title=e.title,
                text=e.text, url=e.link if e.link.startswith(("http://", "https://")) else "",
                author=e.author, published_at=e.published,
            )
            for e in parse_feed(body)
        ]  # fmt: skip
    page = extract_page(body, source.url, charset)
    digest = hashlib.sha1(page.text.encode("utf-8")).hexdigest()
    return [
        services.NewItem(
            key=f"{source.url}#{digest}", title=page.title, text=page.text, url=source.url, author=page.author
        )
    ]


def poll_source(source: Source) -> dict:
    """Poll one source; a failure is recorded on the source, never raised."""
    try:
        body, charset = fetch(source.url)
        rows = _rows(source, body, charset)
    except (FetchError, ReadingError) as exc:
        services.source_failed(source=source, reason=str(exc))
        return {"source": source.name, "status": "failed", "new": 0, "message": str(exc)}
    items = services.items_ingest(actor=None, source=source, rows=rows)
    return {"source": source.name, "status": "ok", "new": len(items), "message": ""}


def poll_sources(sources=None) -> list[dict]:
    """Poll every active feed and page source (or the ones given)."""
    if sources is None:
        sources = (
            Source.objects.unscoped(reason="the poller reads every unit's sources")
            .filter(is_active=True, kind__in=[SourceKind.FEED, SourceKind.PAGE])
            .select_related("unit")
        )
    return [poll_source(source) for source in sources]


def poll_sources_scheduled() -> dict:
    """The scheduler's run: every active source; the job keeps how many were polled."""
    return {"rows": len(poll_sources())}


@job_kind("opinion.poll")
def poll_job(job, progress, *, source_ids=None):
    sources = Source.objects.unscoped(reason="the sources a poll job was started for").filter(
        is_active=True, kind__in=[SourceKind.FEED, SourceKind.PAGE]
    )
    if source_ids:
        sources = sources.filter(pk__in=source_ids)
    sources = list(sources)
    results = []
    for done, source in enumerate(sources):
        progress.update(done=done, total=len(sources), line=_("正在抓取“%(s)s”") % {"s": source.name})
        results.append(poll_source(source))
    return {"sources": results}
