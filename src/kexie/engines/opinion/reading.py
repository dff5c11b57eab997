"""Reading what sources hand over: RSS/Atom feeds (feedparser) and web pages (trafilatura).

Fetching is the app's business (it has the timeouts and the job); this module only reads bytes.
Chinese pages are often GB2312 or GBK, declared or not, and often declared GB2312 while holding
GBK-only characters: every GB name decodes as GB18030 (their superset), and an undeclared page is
tried as UTF-8 first, then guessed by charset-normalizer.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import UTC, datetime

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}


class ReadingError(ValueError):
    """What a source handed over cannot be read; the message (Chinese) says why."""


@dataclass(frozen=True)
class FeedEntry:
    link: str
    title: str
    text: str
    author: str
    published: datetime | None
    guid: str


@dataclass(frozen=True)
class Page:
    title: str
    text: str
    author: str
    published: str
    encoding: str


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    if name in _GB:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding used) of a page: BOM, the HTTP header's charset, the page's <meta>, UTF-8,
    then a guess."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name
    meta = _META_CHARSET.search(data[:4096])
    for candidate in (_codec(declared), _codec(meta[1].decode("ascii", "ignore") if meta else None)):
        if candidate:
            try:
                return data.decode(candidate), candidate
            except UnicodeDecodeError:
                continue
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    encoding = _codec(best.encoding) if best else "gb18030"
    return data.decode(encoding or "gb18030", errors="replace"), encoding or "gb18030"


def _entry_time(entry) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime(*parsed[:6], tzinfo=UTC)


def _plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html or "")).strip()


def parse_feed(data: bytes) -> list[FeedEntry]:
    """The entries of an RSS or Atom feed; ReadingError when the bytes are no feed."""
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        if parsed.get("bozo"):
            raise ReadingError(f"不是有效的 RSS/Atom 订阅源:{parsed.get('bozo_exception')}")
        if not parsed.get("version"):
            raise ReadingError("不是 RSS/Atom 订阅源(未找到 rss/feed 元素)")
    out = []
    for entry in parsed.entries:
        link = entry.get("link", "")
        text = _plain(entry.get("summary", "") or "")
        if entry.get("content"):
            text = _plain(entry.content[0].get("value", "")) or text
        out.append(
            FeedEntry(
                link=link,
                title=_plain(entry.get("title", "")),
                text=text,
                author=entry.get("author", "") or "",
                published=_entry_time(entry),
                guid=entry.get("id", "") or link,
            )
        )
    return out


def extract_page(data: bytes, url: str = "", declared: str | None = None) -> Page:
    """The main text of a web page (trafilatura), its title, author and date where the page says."""
    import trafilatura

    html, encoding = decode_html(data, declared)
    document = trafilatura.bare_extraction(html, url=url or None, with_metadata=True, favor_recall=True)
    if document is None or not (getattr(document, "text", None) or "").strip():
        raise ReadingError("网页中未找到正文")
    return Page(
        title=(document.title or "").strip(),
        text=document.text.strip(),
        author=(document.author or "").strip(),
        published=document.date or "",
        encoding=encoding,
    )
