"""Writes of 宣传与舆情: publicity articles, sources, items (from polling, imports and informants),
sentiment corrections, keyword schemes, clusters with their heat, alert rules and alerts (each
opens a ticket of kexie.tickets and notifies). Keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.roles import EDIT
from kexie.core import audit
from kexie.core.services import (
    apply_fields,
    full_clean_chinese,
    require_obj_in_scope,
    require_perm,
    require_unit_in_scope,
)
from kexie.engines.opinion import Scheme as SchemeRule
from kexie.engines.opinion import SchemeError, clusters, heat, rumour_cues
from kexie.opinion.models import (
    Alert,
    AlertRule,
    Article,
    Cluster,
    Correction,
    DebunkLink,
    Item,
    RuleKind,
    Scheme,
    Sentiment,
    Source,
    SourceKind,
)
from kexie.opinion.sentiment import current_model

ARTICLE_FIELDS = (
    "unit", "channel", "published_on", "title", "link", "reads", "likes", "shares", "is_debunking", "summary",
)  # fmt: skip
SOURCE_FIELDS = ("unit", "name", "kind", "url", "is_active", "is_watched")
SCHEME_FIELDS = (
    "unit",
    "name",
    "region_words",
    "subject_words",
    "event_words",
    "exclude_words",
    "expression",
    "is_active",
)
RULE_FIELDS = (
    "unit", "name", "kind", "heat_threshold", "words", "source", "author", "quiet_start", "quiet_end", "queue",
    "is_active",
)  # fmt: skip
DEDUP_WINDOW = dt.timedelta(days=30)  # clusters are rebuilt over the items of the last 30 days
MAX_TEXT = 20000
INFORMANT_SOURCE = "信息员报送"


def _default_unit(obj, actor) -> None:
    if not obj.unit_id and getattr(actor, "unit", None) is not None:
        obj.unit = actor.unit


def _create(actor, model, fields, data, action: str):
    require_perm(actor, EDIT)
    obj = model()
    apply_fields(obj, data, fields)
    _default_unit(obj, actor)
    require_unit_in_scope(actor, obj.unit if obj.unit_id else None, "unit")
    full_clean_chinese(obj)
    obj.save()
    audit.log(actor=actor, action=action, obj=obj, after=audit.snapshot(obj))
    return obj


def _update(actor, obj, fields, data, action: str):
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, obj)
    before = audit.snapshot(obj)
    apply_fields(obj, data, fields)
    require_unit_in_scope(actor, obj.unit, "unit")
    full_clean_chinese(obj)
    obj.save()
    old, new = audit.changed(before, audit.snapshot(obj))
    audit.log(actor=actor, action=action, obj=obj, before=old, after=new)
    return obj


# ---------------------------------------------------------------------------- publicity


@transaction.atomic
def article_create(*, actor, data: dict, activities: Iterable = ()) -> Article:
    article = _create(actor, Article, ARTICLE_FIELDS, data, "kexie.article.created")
    article.activities.set(list(activities))
    if article.is_debunking:
        debunks_link(items=_recent_rumours())
    return article


@transaction.atomic
def article_update(*, actor, article: Article, data: dict, activities: Iterable | None = None) -> Article:
    article = _update(actor, article, ARTICLE_FIELDS, data, "kexie.article.changed")
    if activities is not None:
        article.activities.set(list(activities))
    if article.is_debunking:
        debunks_link(items=_recent_rumours())
    return article


# ---------------------------------------------------------------------------- sources and schemes


def _check_source(source: Source) -> None:
    if source.kind in (SourceKind.FEED, SourceKind.PAGE) and not source.url:
        raise ValidationError({"url": _("地址:订阅源和网页来源须填写地址")})


@transaction.atomic
def source_create(*, actor, data: dict) -> Source:
    source = Source()
    apply_fields(source, data, SOURCE_FIELDS)
    _check_source(source)
    return _create(actor, Source, SOURCE_FIELDS, data, "kexie.opinion_source.created")


@transaction.atomic
def source_update(*, actor, source: Source, data: dict) -> Source:
    merged = Source(kind=data.get("kind", source.kind), url=data.get("url", source.url))
    _check_source(merged)
    return _update(actor, source, SOURCE_FIELDS, data, "kexie.opinion_source.changed")


def scheme_rule(data) -> SchemeRule:
    """The engine's scheme for a Scheme or a dict of its fields; ValidationError in Chinese."""
    get = (
        (lambda name: getattr(data, name)) if isinstance(data, Scheme) else (lambda name: data.get(name, ""))
    )
    try:
        return SchemeRule.build(
            region=get("region_words"),
            subject=get("subject_words"),
            event=get("event_words"),
            exclude=get("exclude_words"),
            expression=get("expression"),
        )
    except SchemeError as exc:
        raise ValidationError({"expression": str(exc)}) from exc


@transaction.atomic
def scheme_create(*, actor, data: dict) -> Scheme:
    scheme_rule(data)
    return _create(actor, Scheme, SCHEME_FIELDS, data, "kexie.opinion_scheme.created")


@transaction.atomic
def scheme_update(*, actor, scheme: Scheme, data: dict) -> Scheme:
    merged = {name: data.get(name, getattr(scheme, name)) for name in SCHEME_FIELDS if name != "unit"}
    scheme_rule(merged)
    return _update(actor, scheme, SCHEME_FIELDS, data, "kexie.opinion_scheme.changed")


@dataclass(frozen=True)
class SchemeHit:
    item: Item
    words: tuple[str, ...]


def scheme_matches(items: Iterable[Item], rule: SchemeRule, limit: int | None = None) -> list[SchemeHit]:
    """The items a scheme matches (a preview before saving reads these too), newest first."""
    out = []
    for item in items:
        words = rule.match(item.content)
        if words is not None:
            out.append(SchemeHit(item, words))
            if limit is not None and len(out) >= limit:
                break
    return out


# ---------------------------------------------------------------------------- items


@dataclass(frozen=True)
class NewItem:
    key: str
    title: str
    text: str
    url: str = ""
    author: str = ""
    published_at: dt.datetime | None = None
    reach: int = 0


def _store_items(source: Source, rows: Sequence[NewItem], *, submitted_by=None) -> list[Item]:
    """Create the items a source has not stored yet (by key), with their sentiment."""
    known = set(
        Item.objects.unscoped(reason="which keys the source already stored")
        .filter(source=source, key__in=[r.key[:500] for r in rows])
        .values_list("key", flat=True)
    )
    fresh, seen = [], set()
    for row in rows:
        key = row.key[:500]
        if key in known or key in seen:
            continue
        seen.add(key)
        fresh.append(row)
    if not fresh:
        return []
    predictions = current_model().predict([f"{r.title}\n{r.text}" for r in fresh])
    now = timezone.now()
    items = [
        Item(
            unit=source.unit, source=source, key=row.key[:500], url=row.url[:500], title=row.title[:300],
            text=row.text[:MAX_TEXT], author=row.author[:100], published_at=row.published_at or now,
            collected_at=now, reach=max(0, int(row.reach or 0)), sentiment=p.sentiment,
            sentiment_score=p.score, submitted_by=submitted_by,
            rumour_cues="、".join(rumour_cues(f"{row.title}\n{row.text}"))[:200],
        )
        for row, p in zip(fresh, predictions, strict=True)
    ]  # fmt: skip
    return Item.objects.bulk_create(items)


@transaction.atomic
def items_ingest(*, actor, source: Source, rows: Sequence[NewItem], ok: bool = True) -> list[Item]:
    """Store a poll's or an import's new items, rebuild the unit's clusters, raise alerts."""
    items = _store_items(source, rows)
    now = timezone.now()
    Source.objects.of(source).update(
        last_polled_at=now, last_ok_at=now, last_error="", items_seen=source.items_seen + len(items)
    )
    source.last_polled_at = source.last_ok_at = now
    source.last_error = ""
    source.items_seen += len(items)
    if items:
        clusters_rebuild(unit=source.unit)
        alerts_raise(items=items)
        debunks_link(items=items)
        audit.log(actor=actor, action="kexie.opinion_source.polled", obj=source, after={"new": len(items)})
    return items


@transaction.atomic
def source_failed(*, source: Source, reason: str) -> Source:
    """A poll failed: say why, keep the items and the last good poll time."""
    now = timezone.now()
    reason = (reason or _("未知错误"))[:500]
    Source.objects.of(source).update(last_polled_at=now, last_error=reason)
    source.last_polled_at, source.last_error = now, reason
    audit.log(actor=None, action="kexie.opinion_source.failed", obj=source, after={"error": reason})
    return source


def informant_source(unit) -> Source:
    source = Source.objects.within(unit).filter(unit=unit, kind=SourceKind.INFORMANT).first()
    if source is None:
        source = Source.objects.create(unit=unit, name=INFORMANT_SOURCE, kind=SourceKind.INFORMANT)
    return source


@transaction.atomic
def item_submit(*, actor, url: str = "", text: str = "", title: str = "", screenshot=None) -> Item:
    """An informant's submission from a phone: a link, a text and/or a screenshot."""
    if actor is None or not getattr(actor, "is_authenticated", False) or getattr(actor, "unit", None) is None:
        raise PermissionDenied(_("请先登录"))
    url, text, title = (url or "").strip(), (text or "").strip(), (title or "").strip()
    if not (url or text or screenshot):
        raise ValidationError({"text": _("请至少填写链接、文字或上传截图中的一项")})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("文字:不能超过%(n)s个字") % {"n": MAX_TEXT}})
    if url:
        from django.core.validators import URLValidator

        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationError({"url": _("链接:不是有效的网址(须以 http:// 或 https:// 开头)")}) from None
    source = informant_source(actor.unit)
    now = timezone.now()
    row = NewItem(
        key=f"{actor.pk}:{now.isoformat()}",
        title=title or text[:60] or url,
        text=text,
        url=url,
        published_at=now,
    )
    (item,) = _store_items(source, [row], submitted_by=actor)
    if screenshot is not None:
        item.screenshot.save(getattr(screenshot, "name", "screenshot.png"), screenshot, save=True)
    clusters_rebuild(unit=source.unit)
    alerts_raise(items=[item])
    debunks_link(items=[item])
    audit.log(actor=actor, action="kexie.opinion_item.submitted", obj=item, after={"source": source.name})
    return item


@transaction.atomic
def item_correct(*, actor, item: Item, label: str) -> Item:
    """A staff correction of the sentiment: the item takes it, and the model learns it."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, item)
    if label not in Sentiment.values:
        raise ValidationError({"label": _("情感:须为负面、中性或正面")})
    before = {"sentiment": item.sentiment}
    Correction.objects.create(item=item, label=label, text=item.content, by=actor)
    Item.objects.of(item).update(sentiment=label, sentiment_score=1.0, sentiment_corrected=True)
    item.sentiment, item.sentiment_score, item.sentiment_corrected = label, 1.0, True
    audit.log(
        actor=actor,
        action="kexie.opinion_item.corrected",
        obj=item,
        before=before,
        after={"sentiment": label},
    )
    return item


# ---------------------------------------------------------------------------- clusters and heat


def cluster_heat(items: Sequence[Item], now: dt.datetime) -> float:
    day = dt.timedelta(hours=24)
    return heat(
        copies=len(items),
        sources=len({i.source_id for i in items}),
        reach=sum(i.reach for i in items),
        recent=sum(1 for i in items if i.published_at > now - day),
        earlier=sum(1 for i in items if now - 2 * day < i.published_at <= now - day),
    )


@transaction.atomic
def clusters_rebuild(*, unit, now: dt.datetime | None = None) -> int:
    """Group the unit's items of the last DEDUP_WINDOW into clusters (every item has one; a
    cluster keeps the id of its oldest existing cluster), with heat; returns how many have copies."""
    now = now or timezone.now()
    items = list(
        Item.objects.within(unit)
        .filter(unit=unit, published_at__gte=now - DEDUP_WINDOW)
        .order_by("published_at", "id")
    )
    by_id = {i.pk: i for i in items}
    groups = clusters([(i.pk, i.content) for i in items])
    grouped = {pk for g in groups for pk in g}
    groups += [[i.pk] for i in items if i.pk not in grouped]
    used, changed = set(), []
    for group in groups:
        members = [by_id[pk] for pk in group]
        first = min(members, key=lambda i: (i.published_at, i.pk))
        existing = sorted({m.cluster_id for m in members if m.cluster_id} - used)
        cluster = Cluster(pk=existing[0]) if existing else Cluster(unit=unit)
        cluster.unit = unit
        cluster.title = (first.title or first.text)[:300] or "—"
        cluster.copies = len(members)
        cluster.sources = len({m.source_id for m in members})
        cluster.reach = sum(m.reach for m in members)
        cluster.heat = cluster_heat(members, now)
        cluster.first_seen = first.published_at
        cluster.last_seen = max(m.published_at for m in members)
        cluster.save()
        used.add(cluster.pk)
        for m in members:
            if m.cluster_id != cluster.pk:
                m.cluster_id = cluster.pk
                changed.append(m)
    Item.objects.within(unit).bulk_update(changed, ["cluster"], batch_size=500)
    Cluster.objects.within(unit).filter(unit=unit, last_seen__gte=now - DEDUP_WINDOW).exclude(
        pk__in=used
    ).filter(items__isnull=True).delete()
    return sum(1 for g in groups if len(g) > 1)


# ---------------------------------------------------------------------------- alerts


def _words(text: str) -> list[str]:
    import re

    return [w for w in re.split(r"[\s,，、;；]+", text or "") if w]


def rule_reason(rule: AlertRule, item: Item) -> str | None:
    """Why the rule fires on the item, or None."""
    if rule.kind == RuleKind.NEGATIVE_HEAT:
        value = item.cluster.heat if item.cluster_id else 0
        if item.sentiment == Sentiment.NEGATIVE and value >= rule.heat_threshold:
            return _("负面信息,热度 %(h).1f 达到阈值 %(t).1f") % {"h": value, "t": rule.heat_threshold}
    elif rule.kind == RuleKind.WORDS:
        found = [w for w in _words(rule.words) if w in item.content]
        if found:
            return _("出现敏感词:%(w)s") % {"w": "、".join(found)}
    elif rule.kind == RuleKind.SOURCE:
        if (rule.source_id and item.source_id == rule.source_id) or (
            not rule.source_id and item.source.is_watched
        ):
            return _("重点关注来源“%(s)s”有新信息") % {"s": item.source.name}
    elif rule.kind == RuleKind.AUTHOR:
        if rule.author and item.author.strip() == rule.author.strip():
            return _("重点关注作者“%(a)s”有新信息") % {"a": rule.author}
    return None


def alerts_raise(*, items: Sequence[Item]) -> list[Alert]:
    """Raise the alerts the active rules of the items' units call for: once per rule and cluster."""
    from kexie.core.notifications import notify
    from kexie.tickets import services as tickets

    out = []
    units = {i.unit_id for i in items}
    rules = list(
        AlertRule.objects.unscoped(reason="the rules of the units whose items just arrived")
        .filter(unit_id__in=units, is_active=True)
        .select_related("queue", "source")
    )
    if not rules:
        return out
    fresh = (
        Item.objects.unscoped(reason="the items just stored, with their clusters")
        .filter(pk__in=[i.pk for i in items])
        .select_related("cluster", "source", "unit")
    )
    for item in fresh:
        for rule in (r for r in rules if r.unit_id == item.unit_id):
            reason = rule_reason(rule, item)
            if reason is None:
                continue
            seen = Alert.objects.unscoped(reason="one alert per rule and cluster").filter(rule=rule)
            if seen.filter(Q(item=item) | Q(cluster_id=item.cluster_id, cluster__isnull=False)).exists():
                continue
            out.append(_raise(rule, item, reason, tickets, notify))
    return out


def _raise(rule: AlertRule, item: Item, reason: str, tickets, notify) -> Alert:
    subject = f"【舆情预警】{(item.title or item.text)[:60]}"
    ticket = tickets.ticket_open(actor=None, queue=rule.queue, subject=subject[:200], unit=rule.unit)
    alert = Alert.objects.create(
        rule=rule, item=item, cluster=item.cluster, ticket=ticket, reason=reason[:300]
    )
    audit.log(
        actor=None, action="kexie.opinion_alert.raised", obj=alert, unit=rule.unit, after={"reason": reason}
    )
    users = list(rule.recipients.all()) + list(rule.queue.members.all())
    notes = notify(
        users=users,
        text=f"{subject}:{reason}",
        link=f"/opinion/alerts/{alert.pk}/",
        kind="opinion",
        email=True,
    )
    _hold_emails(rule, notes)
    return alert


def _hold_emails(rule: AlertRule, notes) -> None:
    """The rule's quiet hours: in-app notes now, e-mails when the quiet hours end (a user's own
    quiet hours, applied by notify, may hold them longer)."""
    from kexie.core.models import Notification
    from kexie.core.notifications import quiet_until

    if not (rule.quiet_start and rule.quiet_end):
        return
    until = quiet_until(timezone.localtime(), rule.quiet_start, rule.quiet_end)
    if until is None:
        return
    Notification.objects.filter(
        pk__in=[n.pk for n in notes], email_due_at__isnull=False, email_due_at__lt=until
    ).update(email_due_at=until)


def _check_rule(data: dict) -> None:
    """What a rule needs besides its fields' own checks (the form and the API say the same)."""
    kind = data.get("kind")
    errors = {}
    if kind == RuleKind.WORDS and not _words(data.get("words", "")):
        errors["words"] = _("敏感词:敏感词规则须填写敏感词")
    if kind == RuleKind.AUTHOR and not (data.get("author") or "").strip():
        errors["author"] = _("作者:重点作者规则须填写作者")
    if bool(data.get("quiet_start")) != bool(data.get("quiet_end")):
        errors["quiet_end"] = _("免打扰结束:免打扰时段须同时填写开始和结束时间")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def rule_create(*, actor, data: dict, recipients: Iterable = ()) -> AlertRule:
    _check_rule(data)
    rule = _create(actor, AlertRule, RULE_FIELDS, data, "kexie.opinion_rule.created")
    rule.recipients.set(list(recipients))
    return rule


@transaction.atomic
def rule_update(*, actor, rule: AlertRule, data: dict, recipients: Iterable | None = None) -> AlertRule:
    _check_rule({name: data.get(name, getattr(rule, name)) for name in RULE_FIELDS})
    rule = _update(actor, rule, RULE_FIELDS, data, "kexie.opinion_rule.changed")
    if recipients is not None:
        rule.recipients.set(list(recipients))
    return rule


# ---------------------------------------------------------------------------- rumours and debunking

DEBUNK_MIN_TERMS = 2  # words an item must share with a debunking article (besides the ranking)
DEBUNK_MIN_SCORE = 0.3  # the matching engine's score, 1.0 for the best match
DEBUNK_PER_ITEM = 3


def _recent_rumours():
    return (
        Item.objects.unscoped(reason="rumour-like items to link to a new debunking article")
        .exclude(rumour_cues="")
        .filter(published_at__gte=timezone.now() - DEDUP_WINDOW)
    )


def debunks_link(*, items) -> list[DebunkLink]:
    """Link the items that look like science rumours to the association's own debunking articles
    (Article.is_debunking) that the matching engine finds for them: at most DEBUNK_PER_ITEM each,
    sharing at least DEBUNK_MIN_TERMS words. Published articles are public, so every unit's
    debunking material serves every item. Returns the links made (existing ones are kept)."""
    from kexie.engines.matching import MatchingEngine, Profile

    rumours = [i for i in items if i.rumour_cues]
    if not rumours:
        return []
    articles = list(
        Article.objects.unscoped(reason="published debunking material serves every unit")
        .filter(is_debunking=True)
        .only("pk", "title", "summary")
    )
    if not articles:
        return []
    engine = MatchingEngine()
    engine.add_many(Profile(id=str(a.pk), name=a.title, text=a.summary, kind="debunk") for a in articles)
    existing = set(
        DebunkLink.objects.unscoped(reason="links already made")
        .filter(item__in=rumours)
        .values_list("item_id", "article_id")
    )
    links = []
    for item in rumours:
        for match in engine.rank(item.content, k=DEBUNK_PER_ITEM):
            if match.score < DEBUNK_MIN_SCORE or len(match.shared_terms) < DEBUNK_MIN_TERMS:
                continue
            if (item.pk, int(match.id)) in existing:
                continue
            links.append(
                DebunkLink(
                    item=item, article_id=int(match.id), score=round(match.score, 4),
                    terms="、".join(match.shared_terms)[:200],
                )
            )  # fmt: skip
    DebunkLink.objects.bulk_create(links)
    return links


# ---------------------------------------------------------------------------- handling alerts

ALERT_ACTIONS = ("take", "respond", "resolve", "note")
NOTE_STEPS = {"respond": "答复", "resolve": "办结", "note": "进展"}


@transaction.atomic
def alert_handle(*, actor, alert: Alert, action: str, note: str = "") -> Alert:
    """Handle an alert through its ticket (kexie.tickets, which checks the queue and audits):
    take it (assigned to the actor), respond (the first response), resolve (closed), or only
    record progress (note). Resolving needs the handling in words (处置情况), kept with the
    ticket; a response or a take may carry one. A refusal changes nothing."""
    from kexie.tickets import services as tickets

    if action not in ALERT_ACTIONS:
        raise ValidationError(
            {"action": _("操作:“%(a)s”不是可用的操作(接手、答复、办结、记录进展)") % {"a": action}}
        )
    note = (note or "").strip()
    if action in ("resolve", "note") and not note:
        raise ValidationError({"note": _("处置情况:%(step)s须填写处置情况(做了什么、结果如何)") % {
            "step": _("办结预警") if action == "resolve" else _("记录进展")}})  # fmt: skip
    if action == "take":
        tickets.ticket_assign(actor=actor, ticket=alert.ticket, assignee=actor)
    elif action == "respond":
        tickets.ticket_respond(actor=actor, ticket=alert.ticket)
    elif action == "resolve":
        tickets.ticket_resolve(actor=actor, ticket=alert.ticket)
    if note:
        tickets.ticket_note(actor=actor, ticket=alert.ticket, text=note, step=NOTE_STEPS.get(action, "接手"))
    alert.ticket.refresh_from_db()
    return alert
