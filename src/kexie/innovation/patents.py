"""The patent-information service: import (by publication number), search through the engine's
search backend, registrations, saved searches and selections (遴选) with their xlsx export.

Every registration, search and selection writes an event row, so the indicators count real events.
"""

import datetime as dt
import io
import threading
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.roles import EDIT, IMPORT
from kexie.core import audit
from kexie.core.imports.engine import WRITE_CLASH
from kexie.core.imports.reader import FileProblem, read_table
from kexie.core.scoping import scoped
from kexie.core.services import (
    full_clean_chinese,
    lock_for_update,
    require_obj_in_scope,
    require_perm,
    require_unit_in_scope,
    unique_or_refuse,
)
from kexie.directory.codes import OrgKind
from kexie.engines.search import (
    CANONICAL_FIELDS,
    PatentDoc,
    PatentSearchBackend,
    PatentSearchEngine,
    SearchFilters,
    default_backend_name,
    normalize_headers,
    normalize_row,
    parse_date,
    split_ipc,
    split_names,
)
from kexie.innovation.models import (
    Demand,
    Patent,
    PatentPromotion,
    PatentPromotionAttendance,
    PatentSearchEvent,
    PatentSelection,
    PatentSelectionList,
    PatentServiceRegistration,
    SavedSearch,
)

# canonical field of the normaliser → Patent field
MODEL_FIELDS = {
    "application_no": "application_no",
    "publication_no": "publication_no",
    "title": "title",
    "abstract": "abstract",
    "claims": "claims",
    "applicant": "applicants",
    "inventors": "inventors",
    "ipc": "ipc_codes",
    "application_date": "application_date",
    "publication_date": "publication_date",
    "legal_status": "legal_status",
}
FIELD_LABELS = {
    "application_no": "申请号", "publication_no": "公开号", "title": "题名", "abstract": "摘要", "claims": "主权项",
    "applicant": "申请人", "inventors": "发明人", "ipc": "IPC分类号", "application_date": "申请日",
    "publication_date": "公开日", "legal_status": "法律状态",
}  # fmt: skip
# Model field names are accepted in --map too (applicants=…, ipc_codes=…, main_claim=…).
_MAP_ALIASES = {"applicants": "applicant", "ipc_codes": "ipc", "main_claim": "claims"}


# ------------------------------------------------------------------------------ import


def parse_mapping(text: str | None) -> dict[str, str]:
    """``"题名=title,申请人=applicant"`` → {header: canonical field}; Chinese message on a bad part."""
    mapping: dict[str, str] = {}
    for part in (text or "").replace(",", ",").split(","):
        if not part.strip():
            continue
        header, sep, target = part.partition("=")
        target = _MAP_ALIASES.get(target.strip(), target.strip())
        if not sep or not header.strip():
            raise ValidationError(f"列映射“{part}”格式应为“表头=字段”,如“题名=title”")
        if target and target not in CANONICAL_FIELDS:
            raise ValidationError(f"列映射“{part}”:未知的专利字段“{target}”,可用:{'、'.join(MODEL_FIELDS)}")
        mapping[header.strip()] = target
    return mapping


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    rows: int = 0
    errors: list[str] = field(default_factory=list)
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors or self.skipped > 0


def _cell_date(value: Any, row: int, label: str, errors: list[str]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if value in (None, ""):
        return None
    parsed = parse_date(value)
    if parsed is None:
        errors.append(f"第{row}行“{label}”:无法识别的日期“{value}”")
    return parsed.date() if isinstance(parsed, dt.datetime) else parsed


def _record_to_fields(
    record: dict[str, Any], raw: dict[str, Any], row: int
) -> tuple[dict[str, Any], list[str]]:
    errors: list[str] = []
    values: dict[str, Any] = {}
    for canon, name in MODEL_FIELDS.items():
        if canon.endswith("_date"):
            values[name] = _cell_date(raw.get(canon), row, FIELD_LABELS[canon], errors)
        else:
            values[name] = (record.get(canon) or "").strip()
    for canon in ("publication_no", "title"):
        if not values[MODEL_FIELDS[canon]]:
            errors.append(f"第{row}行“{FIELD_LABELS[canon]}”:不能为空")
    codes = split_ipc(values["ipc_codes"])
    values["ipc_codes"] = f";{';'.join(codes)};" if codes else ""
    values["main_ipc"] = codes[0] if codes else ""
    values["applicants"] = "; ".join(split_names(values["applicants"]))[:500]
    values["inventors"] = "; ".join(split_names(values["inventors"]))[:500]
    for name, limit in (("publication_no", 40), ("application_no", 40), ("title", 300), ("legal_status", 30)):
        if len(values[name]) > limit:
            errors.append(f"第{row}行“{FIELD_LABELS.get(name, name)}”:超过{limit}个字符")
    return values, errors


def read_patent_file(data: bytes, filename: str, mapping: dict[str, str] | None = None):
    """Rows of a patent export as Patent field dicts, and every problem found (row, column, reason)."""
    try:
        headers, rows = read_table(data, filename)
    except FileProblem as exc:
        raise ValidationError(str(exc)) from None
    headers = [str(h).strip() for h in headers]
    try:
        hm = normalize_headers(headers, mapping)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    missing = hm.missing(("publication_no", "title"))
    if missing:
        names = "、".join(FIELD_LABELS[m] for m in missing)
        raise ValidationError(f"缺少必需的列:{names}(可用 --map 指定,如“专利名称=title”)")
    good, errors, seen, total = [], [], {}, 0
    for number, cells in rows:
        if not any(str(c).strip() for c in cells if c is not None):
            continue
        total += 1
        raw_row = {h: (cells[i] if i < len(cells) else None) for i, h in enumerate(headers)}
        record = normalize_row(raw_row, hm)
        raw = {canon: raw_row.get(header) for header, canon in hm.columns.items()}
        values, row_errors = _record_to_fields(record, raw, number)
        pub = values["publication_no"]
        if pub and pub in seen:
            row_errors.append(f"第{number}行“公开号”:“{pub}”与第{seen[pub]}行重复")
        seen.setdefault(pub, number)
        if row_errors:
            errors.extend(row_errors)
        else:
            good.append(values)
    return good, errors, total


def _require_patent_data_manager(actor) -> None:
    """Patents are shared reference data: the association's staff import them, not enterprises."""
    unit = getattr(actor, "unit", None)
    if not actor.is_superuser and (unit is None or unit.kind == OrgKind.ENTERPRISE):
        raise PermissionDenied("专利数据由科协统一导入,企业用户不能导入")


def can_import_patents(user) -> bool:
    try:
        require_perm(user, IMPORT)
        _require_patent_data_manager(user)
    except PermissionDenied:
        return False
    return True


@transaction.atomic
def patent_import(
    *,
    actor,
    data: bytes,
    filename: str,
    mapping: dict[str, str] | None = None,
    skip_bad: bool = False,
    progress=None,
) -> ImportResult:
    """Creates new patents and updates existing ones by publication number. With bad rows nothing is
    written unless ``skip_bad``. ``progress(done, total, line)``: a job's or the terminal's bar."""
    if actor is not None:
        require_perm(actor, IMPORT)
        _require_patent_data_manager(actor)
    if progress:
        progress(0, 0, _("正在读取专利文件"))
    good, errors, total = read_patent_file(data, filename, mapping)
    if progress:
        progress(0, total, _("正在写入数据库"))
    result = ImportResult(rows=total, errors=errors)
    if errors and not skip_bad:
        return result
    result.skipped = len(errors)
    now = timezone.now()
    existing = Patent.objects.in_bulk([v["publication_no"] for v in good], field_name="publication_no")
    new, changed = [], []
    for values in good:
        patent = existing.get(values["publication_no"])
        if patent is None:
            new.append(Patent(**values))
            continue
        for name, value in values.items():
            setattr(patent, name, value)
        patent.updated_at = now
        changed.append(patent)
    try:
        with transaction.atomic():
            Patent.objects.bulk_create(new, batch_size=500)
            update_fields = [*MODEL_FIELDS.values(), "main_ipc", "updated_at"]
            Patent.objects.bulk_update(
                changed, [f for f in update_fields if f != "publication_no"], batch_size=500
            )
    except IntegrityError:  # the same file imported at once: its publication numbers came in meanwhile
        result.errors.append(WRITE_CLASH)
        return result
    result.created, result.updated = len(new), len(changed)
    if progress:
        progress(total, total, _("已写入"))
    audit.log(
        actor=actor, action="kexie.patent.imported", unit=getattr(actor, "unit", None), system=True,
        object_type="innovation.patent", object_repr=filename,
        note=f"新增{result.created}条,更新{result.updated}条,跳过{result.skipped}处错误",
    )  # fmt: skip
    return result


# ------------------------------------------------------------------------------ search index

_lock = threading.RLock()
# `recent` holds {pk: updated_at} of the patents indexed within the last SYNC_OVERLAP, so that the
# overlapping window of the next sync skips them unless they changed again.
_state: dict = {"backend": None, "synced_at": None, "recent": {}}
# A patent saved just before a sync but committed just after it has an `updated_at` earlier than
# the sync's timestamp; looking back this far catches it.
SYNC_OVERLAP = dt.timedelta(seconds=30)


def patent_doc(patent: Patent) -> PatentDoc:
    return PatentDoc(
        id=str(patent.pk),
        title=patent.title,
        abstract=patent.abstract,
        claims=patent.claims,
        applicants=tuple(split_names(patent.applicants)),
        inventors=tuple(split_names(patent.inventors)),
        ipc=tuple(patent.ipc_list),
        application_date=patent.application_date,
        publication_date=patent.publication_date,
        legal_status=patent.legal_status,
        application_no=patent.application_no,
        publication_no=patent.publication_no,
    )


def search_engine_label() -> str:
    """The patent search engine in use, as the search page and `kexie check` name it."""
    if default_backend_name() == "tantivy":
        return "tantivy"
    return _("SQLite FTS5(备用引擎:本机未装上 tantivy,专利多时检索较慢)")


def _new_backend() -> PatentSearchBackend:
    try:
        from kexie.engines.search.tantivy_backend import TantivyBackend
    except ImportError:
        from kexie.engines.search import default_backend

        return default_backend()
    # A modest writer heap: this index lives inside every web process.
    return TantivyBackend(None, heap_bytes=32_000_000, threads=1)


def reset_index() -> None:
    with _lock:
        backend = _state["backend"]
        if backend is not None:
            backend.close()
        _state.update(backend=None, synced_at=None, recent={})


def search_backend() -> PatentSearchBackend:
    """The process's patent index: built on first use, then synced by `updated_at` on each call."""
    with _lock:
        now = timezone.now()
        backend = _state["backend"]
        if backend is None:
            backend = _new_backend()
            backend.index(patent_doc(p) for p in Patent.objects.iterator(chunk_size=2000))
            _state["backend"] = backend
            _state["recent"] = dict(
                Patent.objects.filter(updated_at__gte=now - SYNC_OVERLAP).values_list("pk", "updated_at")
            )
        else:
            since = _state["synced_at"] - SYNC_OVERLAP
            recent = {pk: at for pk, at in _state["recent"].items() if at >= since}
            changed = [
                p for p in Patent.objects.filter(updated_at__gte=since) if recent.get(p.pk) != p.updated_at
            ]
            if changed:
                backend.index(patent_doc(p) for p in changed)
                recent.update((p.pk, p.updated_at) for p in changed)
            _state["recent"] = recent
        _state["synced_at"] = now
        return backend


def search_engine() -> PatentSearchEngine:
    """kexie's ranking (the backend's BM25 re-ranked by IPC feedback) over the process's index."""
    return PatentSearchEngine(search_backend())


# ------------------------------------------------------------------------------ registrations


def registration_of(user) -> PatentServiceRegistration | None:
    if user is None or not getattr(user, "pk", None) or user.unit_id is None:
        return None
    return (
        PatentServiceRegistration.objects.for_user(user).filter(user=user, enterprise_id=user.unit_id).first()
    )


@transaction.atomic
def patent_registration_create(
    *, actor, enterprise=None, user=None, interests: str = ""
) -> PatentServiceRegistration:
    """An enterprise registers with the patent service: its own user, or staff on its behalf."""
    enterprise = enterprise or getattr(actor, "unit", None)
    user = user or actor
    if user is not actor:
        require_perm(actor, EDIT)
    require_unit_in_scope(actor, enterprise, "enterprise")
    if enterprise is None or enterprise.kind != OrgKind.ENTERPRISE:
        raise ValidationError({"enterprise": "只有企业可以注册专利信息服务"})
    if user.unit_id != enterprise.pk:
        raise ValidationError({"user": f"用户“{user}”不属于企业“{enterprise}”"})
    if PatentServiceRegistration.objects.within(enterprise).filter(enterprise=enterprise, user=user).exists():
        raise ValidationError("该企业用户已注册专利信息服务")
    registration = PatentServiceRegistration.objects.create(
        enterprise=enterprise, user=user, interests=interests[:300]
    )
    audit.log(
        actor=actor,
        action="kexie.patent_registration.created",
        obj=registration,
        after=audit.snapshot(registration),
    )
    return registration


def _require_service_user(actor) -> PatentServiceRegistration | None:
    """Enterprises search after registering; association staff may search for them."""
    if actor is None or not actor.is_authenticated or (actor.unit_id is None and not actor.is_superuser):
        raise PermissionDenied("请先登录")
    registration = registration_of(actor)
    if registration is None and actor.unit is not None and actor.unit.kind == OrgKind.ENTERPRISE:
        raise PermissionDenied("请先注册专利信息服务")
    return registration


# ------------------------------------------------------------------------------ search


@dataclass
class PatentQuery:
    q: str = ""
    ipc_prefix: str = ""
    applicant: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    date_field: str = "publication_date"
    legal_status: str = ""

    def filters(self) -> SearchFilters:
        return SearchFilters(
            ipc_prefix=self.ipc_prefix or None,
            applicant=self.applicant or None,
            date_from=self.date_from,
            date_to=self.date_to,
            date_field=self.date_field,
            legal_status=self.legal_status or None,
        )

    def as_json(self) -> dict[str, str]:
        data = {
            "ipc_prefix": self.ipc_prefix, "applicant": self.applicant, "legal_status": self.legal_status,
            "date_field": self.date_field if self.date_field != "publication_date" else "",
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }  # fmt: skip
        return {k: v for k, v in data.items() if v}

    @property
    def is_empty(self) -> bool:
        return not (self.q or self.as_json())


def parse_patent_query(params) -> PatentQuery:
    """From request parameters (or a saved search's JSON); bad dates → a Chinese message."""
    errors = {}
    dates = {}
    for name, label in (("date_from", "起始日期"), ("date_to", "截止日期")):
        text = (params.get(name) or "").strip()
        dates[name] = parse_date(text) if text else None
        if text and dates[name] is None:
            errors[name] = f"{label}“{text}”无法识别,请按 2020-01-31 格式填写"
    date_field = params.get("date_field") or "publication_date"
    if date_field not in ("publication_date", "application_date"):
        errors["date_field"] = "日期类型只能是公开日或申请日"
    if not errors and dates["date_from"] and dates["date_to"] and dates["date_from"] > dates["date_to"]:
        errors["date_to"] = "截止日期不能早于起始日期"
    if errors:
        raise ValidationError(errors)
    return PatentQuery(
        q=(params.get("q") or "").strip()[:300],
        ipc_prefix=(params.get("ipc_prefix") or "").strip().upper()[:20],
        applicant=(params.get("applicant") or "").strip()[:200],
        date_from=dates["date_from"],
        date_to=dates["date_to"],
        date_field=date_field,
        legal_status=(params.get("legal_status") or "").strip()[:30],
    )


@dataclass
class SearchResult:
    patents: list[Patent]
    total: int
    event: PatentSearchEvent | None


def _page(query: PatentQuery, limit: int, offset: int) -> tuple[list[Patent], int]:
    page = search_engine().search(query.q, query.filters(), limit=limit, offset=offset)
    ids = [int(i) for i in page.ids]
    found = Patent.objects.in_bulk(ids)
    return [found[i] for i in ids if i in found], page.total


@transaction.atomic
def patent_search(*, actor, query: PatentQuery, limit: int = 20, offset: int = 0) -> SearchResult:
    """Runs a search; the first page of each search writes one PatentSearchEvent (paging does not)."""
    registration = _require_service_user(actor)
    patents, total = _page(query, limit, offset)
    event = None
    if offset == 0 and actor.unit_id is not None:
        event = PatentSearchEvent.objects.create(
            unit_id=actor.unit_id, user=actor, registration=registration, query=query.q,
            filters=query.as_json(), result_count=total,
        )  # fmt: skip
    return SearchResult(patents, total, event)


@transaction.atomic
def saved_search_create(*, actor, name: str, query: PatentQuery) -> SavedSearch:
    _require_service_user(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写检索式名称"})
    saved = SavedSearch.objects.create(
        unit=actor.unit, user=actor, name=name[:100], query=query.q, filters=query.as_json()
    )
    audit.log(actor=actor, action="kexie.saved_search.created", obj=saved, after=audit.snapshot(saved))
    return saved


def saved_query(saved: SavedSearch) -> PatentQuery:
    return parse_patent_query({"q": saved.query, **saved.filters})


def recommend_patents(*, enterprise, k: int = 10) -> list[Patent]:
    """Patents for an enterprise, from its registered interests and its demands' text."""
    interests = PatentServiceRegistration.objects.within(enterprise).values_list("interests", flat=True)
    demands = Demand.objects.within(enterprise).exclude(status="closed").order_by("-collected_on")[:10]
    text = "。".join([*interests, *(f"{d.title}。{d.keywords}。{d.description}" for d in demands)])
    if not text.strip():
        return []
    ids = [int(hit.id) for hit in search_engine().similar(text[:2000], limit=k)]
    found = Patent.objects.in_bulk(ids)
    return [found[i] for i in ids if i in found]


# ------------------------------------------------------------------------------ selections


@transaction.atomic
def selection_list_create(*, actor, name: str) -> PatentSelectionList:
    _require_service_user(actor)
    if actor.unit_id is None:
        raise ValidationError("遴选清单属于单位,请以单位账号遴选")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写清单名称"})
    limit = PatentSelectionList._meta.get_field("name").max_length
    if len(name) > limit:
        raise ValidationError({"name": f"清单名称不能超过 {limit} 个字(现有 {len(name)} 个)"})
    taken = ValidationError({"name": f"已有名为“{name}”的遴选清单,请换一个名称(如加上主题或日期)"})
    if PatentSelectionList.objects.for_user(actor).filter(unit_id=actor.unit_id, name=name).exists():
        raise taken
    selection_list = unique_or_refuse(
        lambda: PatentSelectionList.objects.create(unit=actor.unit, name=name, created_by=actor), taken
    )
    audit.log(actor=actor, action="kexie.selection_list.created", obj=selection_list)
    return selection_list


def _saving(value) -> Decimal | None:
    """The research spending an enterprise reports it saved: exact yuan (Decimal, two places)."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"saving": f"节约研发投入“{value}”不是金额(元)"}) from None
    if amount < 0 or amount >= Decimal("1e10"):
        raise ValidationError({"saving": f"节约研发投入“{value}”须在 0 至 99.99 亿元之间"})
    return amount


@transaction.atomic
def patent_select(
    *, actor, selection_list: PatentSelectionList, patent: Patent, note: str = "", saving=None
) -> PatentSelection:
    _require_service_user(actor)
    require_obj_in_scope(actor, selection_list)
    if selection_list.selections.filter(patent=patent).exists():
        raise ValidationError(f"专利“{patent.publication_no}”已在清单“{selection_list}”中")
    selection = PatentSelection.objects.create(
        selection_list=selection_list,
        patent=patent,
        selected_by=actor,
        note=note[:200],
        saving=_saving(saving),
    )
    audit.log(actor=actor, action="kexie.patent.selected", obj=selection, unit=selection_list.unit)
    return selection


@transaction.atomic
def patents_select(
    *,
    actor,
    patents: list[Patent],
    selection_list: PatentSelectionList | None = None,
    new_list_name: str = "",
) -> tuple[PatentSelectionList, int]:
    """遴选: add the chosen patents to a list, the one given or the unit's list called
    `new_list_name` (created if it does not exist yet); patents already in it are skipped.
    Returns the list and how many were added."""
    if not patents:
        raise ValidationError("请勾选要遴选的专利")
    if selection_list is None:
        name = (new_list_name or "").strip()
        own = scoped(PatentSelectionList, actor).filter(unit_id=actor.unit_id, name=name).first()
        selection_list = own or selection_list_create(actor=actor, name=name)
    require_obj_in_scope(actor, selection_list)
    lock_for_update(selection_list)  # two selections into one list at once: one after the other
    already = set(selection_list.selections.values_list("patent_id", flat=True))
    added = 0
    for patent in patents:
        if patent.pk not in already:
            patent_select(actor=actor, selection_list=selection_list, patent=patent)
            already.add(patent.pk)
            added += 1
    return selection_list, added


@transaction.atomic
def patent_saving_report(*, actor, selection: PatentSelection, saving) -> PatentSelection:
    """The enterprise reports the research spending a selected patent saved it (元)."""
    require_obj_in_scope(actor, selection)
    before = audit.snapshot(selection, ["saving"])
    selection.saving = _saving(saving)
    selection.save(update_fields=["saving"])
    audit.log(
        actor=actor, action="kexie.patent.saving_reported", obj=selection, unit=selection.selection_list.unit,
        before=before, after=audit.snapshot(selection, ["saving"]),
    )  # fmt: skip
    return selection


@transaction.atomic
def patent_promotion_create(*, actor, data: dict[str, Any], enterprises) -> PatentPromotion:
    """A promotion meeting of the patent service and the enterprises that attended it."""
    require_perm(actor, EDIT)
    promotion = PatentPromotion(
        name=(data.get("name") or "").strip()[:200], held_on=data.get("held_on"),
        venue=(data.get("venue") or "")[:200], description=data.get("description") or "",
        host_unit=data.get("host_unit") or getattr(actor, "unit", None),
    )  # fmt: skip
    require_unit_in_scope(actor, promotion.host_unit, "host_unit")
    enterprises = list(dict.fromkeys(enterprises))
    for enterprise in enterprises:
        require_unit_in_scope(actor, enterprise, "enterprises")
        if enterprise.kind != OrgKind.ENTERPRISE:
            raise ValidationError({"enterprises": f"“{enterprise}”不是企业"})
    full_clean_chinese(promotion)
    promotion.save()
    PatentPromotionAttendance.objects.bulk_create(
        PatentPromotionAttendance(promotion=promotion, enterprise=e) for e in enterprises
    )
    audit.log(
        actor=actor, action="kexie.patent_promotion.created", obj=promotion, after=audit.snapshot(promotion),
        note=f"参会企业{len(enterprises)}家",
    )  # fmt: skip
    return promotion


# ------------------------------------------------------------------------------ platform usage


@dataclass
class PatentUsage:
    """One enterprise user's use of the service as the 专利信息推广应用 platform reports it:
    when it registered, its searches (time, query) and its selections (time, patent, saving 元)."""

    user: Any
    registered_at: dt.datetime
    searches: list[tuple[dt.datetime, str]] = field(default_factory=list)
    selections: list[tuple[dt.datetime, Patent, Any]] = field(default_factory=list)


def _check_usages(actor, usages: list[PatentUsage]) -> None:
    users = [u.user for u in usages]
    if len({u.pk for u in users}) != len(users):
        raise ValidationError("同一用户在报表中出现了多次")
    for row, usage in enumerate(usages, start=1):
        unit = usage.user.unit
        if unit is None or unit.kind != OrgKind.ENTERPRISE:
            raise ValidationError(f"第{row}条:用户“{usage.user}”不属于企业")
        require_unit_in_scope(actor, unit, "enterprise")
        if len({p.pk for _, p, _ in usage.selections}) != len(usage.selections):
            raise ValidationError(f"第{row}条:同一专利遴选了多次")
    units = [u.user.unit_id for u in usages if u.selections]
    if len(set(units)) != len(units):
        raise ValidationError("同一企业的多个用户都有遴选记录,请合并为一条")

    registered = (
        PatentServiceRegistration.objects.unscoped(reason="one registration per user")
        .filter(user__in=users)
        .values_list("user__username", flat=True)
    )
    if registered:
        raise ValidationError(f"已注册专利信息服务的用户:{'、'.join(sorted(registered)[:10])}")


def _check_lists(usages: list[PatentUsage], list_name: str) -> None:
    units = [u.user.unit_id for u in usages if u.selections]
    taken = PatentSelectionList.objects.unscoped(reason="the units are checked in scope above").filter(
        unit_id__in=units, name=list_name[:100]
    )
    if taken.exists():
        names = "、".join(str(lst.unit) for lst in taken.select_related("unit")[:10])
        raise ValidationError(f"这些企业已有名为“{list_name}”的遴选清单:{names}")


@transaction.atomic
def patent_usage_record(*, actor, usages: list[PatentUsage], list_name: str) -> dict[str, int]:
    """Records the platform's usage statement in one go: each enterprise user's registration, its
    searches and its selections (into a list named `list_name` of its unit, with the savings
    reported). Either everything is written or, on any problem, nothing."""
    require_perm(actor, EDIT)
    _check_usages(actor, usages)
    _check_lists(usages, list_name)
    registrations = PatentServiceRegistration.objects.bulk_create(
        PatentServiceRegistration(enterprise=u.user.unit, user=u.user, registered_at=u.registered_at)
        for u in usages
    )
    PatentSearchEvent.objects.bulk_create(
        (PatentSearchEvent(unit=u.user.unit, user=u.user, registration=r, query=q[:300], at=at)
         for u, r in zip(usages, registrations, strict=True) for at, q in u.searches),
        batch_size=2000,
    )  # fmt: skip
    with_selections = [u for u in usages if u.selections]
    lists = PatentSelectionList.objects.bulk_create(
        PatentSelectionList(unit=u.user.unit, name=list_name[:100], created_by=u.user)
        for u in with_selections
    )
    PatentSelection.objects.bulk_create(
        (PatentSelection(selection_list=lst, patent=p, selected_by=u.user, at=at, saving=_saving(saving))
         for u, lst in zip(with_selections, lists, strict=True) for at, p, saving in u.selections),
        batch_size=2000,
    )  # fmt: skip
    counts = {
        "registrations": len(registrations),
        "searches": sum(len(u.searches) for u in usages),
        "selections": sum(len(u.selections) for u in usages),
    }
    unit = getattr(actor, "unit", None)
    audit.log(
        actor=actor, action="kexie.patent_usage.recorded", unit=unit, system=unit is None,
        object_repr=f"专利信息推广应用平台报表({list_name})",
        note=f"注册企业{counts['registrations']}家,检索{counts['searches']}次,遴选{counts['selections']}件",
    )  # fmt: skip
    return counts


@transaction.atomic
def patent_unselect(*, actor, selection: PatentSelection) -> None:
    require_obj_in_scope(actor, selection)
    audit.log(
        actor=actor, action="kexie.patent.unselected", obj=selection, unit=selection.selection_list.unit
    )
    selection.delete()


EXPORT_HEADERS = ["公开号", "申请号", "题名", "申请人", "发明人", "IPC分类号", "申请日", "公开日", "法律状态", "摘要", "主权项", "遴选时间", "备注"]  # fmt: skip


def selection_export(selection_list: PatentSelectionList) -> bytes:
    """The list as an xlsx workbook (headers in the usual Chinese export form, so it re-imports)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from kexie.core.imports.guard import guard_workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "遴选专利"[:31]
    sheet.append(EXPORT_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    rows = selection_list.selections.select_related("patent").order_by("at", "id")
    for s in rows:
        p = s.patent
        sheet.append([
            p.publication_no, p.application_no, p.title, p.applicants, p.inventors, "; ".join(p.ipc_list),
            p.application_date, p.publication_date, p.legal_status, p.abstract, p.claims,
            timezone.localtime(s.at).replace(tzinfo=None), s.note,
        ])  # fmt: skip
    for col, width in zip("ABCDEFGHIJKLM", (18, 18, 40, 30, 20, 20, 12, 12, 10, 60, 60, 18, 20), strict=True):
        sheet.column_dimensions[col].width = width
    out = io.BytesIO()
    guard_workbook(workbook).save(out)
    return out.getvalue()
