"""Patent search backends (tantivy, SQLite FTS5), the IPC re-ranking and the header normaliser."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from kexie.engines.search import (
    Fts5Backend,
    PatentDoc,
    SearchFilters,
    canonical_field,
    default_backend,
    default_backend_name,
    ipc_subclass,
    looks_like_ipc,
    normalize_headers,
    normalize_row,
    parse_date,
    split_ipc,
)
from kexie.engines.search.engine import PatentSearchEngine

DOCS = [
    PatentDoc(
        "CN1A",
        "一种基于深度学习的图像识别方法",
        "利用卷积神经网络识别医学图像中的病灶",
        "1.一种图像识别方法",
        ("中山大学",),
        ("张三",),
        ("G06V10/82", "G06N3/04"),
        date(2020, 1, 5),
        date(2021, 3, 1),
        "有效",
    ),
    PatentDoc(
        "CN2A",
        "一种锂离子电池正极材料",
        "高镍正极材料及其制备方法，提高电池循环稳定性",
        "1.一种正极材料",
        ("某某电池有限公司",),
        (),
        ("H01M4/525",),
        date(2019, 6, 1),
        date(2020, 8, 9),
        "失效",
    ),
    PatentDoc(
        "CN3A",
        "桥梁健康监测系统",
        "基于传感器网络的混凝土桥梁裂缝监测",
        "1.一种监测系统",
        ("中山大学", "济宁市某研究院"),
        (),
        ("G01M5/00", "G06N3/08"),
        date(2022, 2, 2),
        date(2023, 5, 6),
        "有效",
    ),
    PatentDoc(
        "CN4A",
        "一种医学图像分割装置",
        "采用神经网络对CT图像进行分割与识别",
        "1.一种分割装置",
        ("某某医疗科技公司",),
        (),
        ("G06T7/11",),
        date(2023, 1, 1),
        date(2024, 2, 2),
        "审中",
    ),
]


def backends():
    out = [pytest.param("fts5", id="fts5")]
    try:
        import tantivy  # noqa: F401

        out.append(pytest.param("tantivy", id="tantivy"))
    except ImportError:  # pragma: no cover
        pass
    return out


def make(name: str, tmp_path: Path | None = None):
    if name == "fts5":
        return Fts5Backend(str(tmp_path / "p.db") if tmp_path else ":memory:")
    from kexie.engines.search.tantivy_backend import TantivyBackend

    return TantivyBackend(str(tmp_path) if tmp_path else None)


@pytest.fixture(params=backends())
def backend(request):
    b = make(request.param)
    b.index(DOCS)
    yield b
    b.close()


def test_relevant_patent_ranks_first(backend):
    assert backend.count() == 4
    page = backend.search("神经网络识别医学图像")
    assert page.ids[0] in {"CN1A", "CN4A"}
    assert set(page.ids[:2]) == {"CN1A", "CN4A"}
    assert "CN2A" not in page.ids
    assert backend.search("正极材料").ids == ["CN2A"]


def test_more_like_this_ranks_as_search_does(backend):
    text = "利用卷积神经网络识别医学图像中的病灶，神经网络对CT图像进行分割与识别"
    assert [h.id for h in backend.similar(text, limit=2)] == backend.search(text, limit=2).ids
    assert [h.id for h in backend.similar(text, SearchFilters(ipc_prefix="G06T"))] == ["CN4A"]
    engine = PatentSearchEngine(backend)
    assert [h.id for h in engine.similar(text, limit=2)] == engine.search(text, limit=2).ids
    assert engine.similar("   ") == []


def test_more_like_this_leaves_out_terms_most_patents_hold():
    """On tantivy, terms held by more than `common_ratio` of the patents are left out of a long
    query (they rank little and cost most: their postings cover nearly every patent)."""
    from kexie.engines.search.tantivy_backend import TantivyBackend

    backend = TantivyBackend(None, keep_terms=2, common_min_docs=0)
    common = [PatentDoc(f"X{i}", f"通用{i}", "传感器模块", ipc=("A01B1/00",)) for i in range(20)]
    backend.index([*DOCS, *common])
    text = "传感器模块 神经网络 医学图像 正极材料"
    kept = []
    original = backend._run
    backend._run = lambda terms, *a, **k: kept.extend(terms) or original(terms, *a, **k)
    hits = backend.similar(text, limit=2)
    assert "传感器" not in kept and "神经网络" in kept
    assert hits[0].id in {"CN1A", "CN4A"}
    kept.clear()
    backend.similar("传感器模块 神经网络 医学图像 正极材料", limit=5)  # too few hits without the common terms
    assert "传感器" in kept
    backend.common_ratio = None
    kept.clear()
    backend.similar(text, limit=2)
    assert "传感器" in kept


def test_filters(backend):
    q = "图像 识别 监测 材料"
    assert set(backend.search(q, SearchFilters(ipc_prefix="G06N")).ids) == {"CN1A", "CN3A"}
    assert set(backend.search(q, SearchFilters(ipc_prefix="g06 n3/0")).ids) == {"CN1A", "CN3A"}
    assert backend.search(q, SearchFilters(ipc_prefix="H01M4")).ids == ["CN2A"]
    assert set(backend.search(q, SearchFilters(applicant="中山大学")).ids) == {"CN1A", "CN3A"}
    assert backend.search(q, SearchFilters(applicant="中山")).ids == []
    assert backend.search(q, SearchFilters(legal_status="审中")).ids == ["CN4A"]
    window = SearchFilters(date_from=date(2021, 1, 1), date_to=date(2023, 12, 31))
    assert set(backend.search(q, window).ids) == {"CN1A", "CN3A"}
    by_application = SearchFilters(date_from=date(2022, 1, 1), date_field="application_date")
    assert set(backend.search(q, by_application).ids) == {"CN3A", "CN4A"}
    both = SearchFilters(ipc_prefix="G06", legal_status="有效", date_to=date(2022, 1, 1))
    assert backend.search(q, both).ids == ["CN1A"]


def test_empty_query_lists_filtered_newest_first(backend):
    page = backend.search("", SearchFilters(ipc_prefix="G06"))
    assert page.ids == ["CN4A", "CN3A", "CN1A"]
    assert page.total == 3


def test_paging(backend):
    full = backend.search("图像 识别 监测 材料 网络", limit=10)
    assert full.total == len(full.ids) >= 3
    second = backend.search("图像 识别 监测 材料 网络", limit=1, offset=1)
    assert second.ids == full.ids[1:2]
    assert second.total == full.total


def test_update_and_delete(backend):
    assert backend.search("硬碳").ids == []
    changed = PatentDoc("CN2A", "一种钠离子电池负极", "硬碳负极材料", ipc=("H01M4/587",), legal_status="有效")
    backend.update(changed)
    assert backend.count() == 4
    assert backend.search("硬碳").ids == ["CN2A"]
    assert backend.search("正极").ids == []
    assert backend.search("高镍").ids == []  # no indexable term
    backend.delete("CN2A")
    backend.delete("missing")
    assert backend.count() == 3
    assert backend.search("硬碳").ids == []


@pytest.mark.parametrize("name", backends())
def test_persistent_index_reopens(name, tmp_path):
    b = make(name, tmp_path)
    b.index(DOCS)
    b.close()
    again = make(name, tmp_path)
    assert again.count() == 4
    assert again.search("桥梁裂缝").ids[0] == "CN3A"
    again.close()


def test_hits_carry_ipc_and_rerank_by_ipc_feedback():
    b = Fts5Backend()
    b.index(DOCS)
    page = b.search("识别")
    assert all(h.ipc for h in page.hits)
    engine = PatentSearchEngine(b, ipc_feedback=1.0, feedback_docs=1)
    ranked = engine.search("图像 识别 监测")
    assert ranked.total == page.total or ranked.total >= 3
    top_subclasses = {ipc_subclass(c) for c in ranked.hits[0].ipc}
    # The runner-up shares a subclass with the top hit when one exists.
    assert top_subclasses & {ipc_subclass(c) for c in ranked.hits[1].ipc}


def test_default_backend_is_tantivy_a_declared_dependency():
    """tantivy is installed with kexie (pyproject's dependencies), so the default is the fast engine."""
    backend = default_backend()
    assert backend.name == "tantivy" == default_backend_name()
    backend.close()


# ------------------------------------------------------------------------------------------ normaliser
def test_cnki_headers():
    headers = [
        "SrcDatabase-来源库",
        "Author-作者",
        "Applicant-申请人",
        "Title-题名",
        "PubNo-公开号",
        "PubTime-公开日期",
        "Summary-摘要",
        "Claims-主权项",
        "CLC-中图分类号",
    ]
    mapping = normalize_headers(headers)
    assert mapping.columns["Title-题名"] == "title"
    assert mapping.columns["Applicant-申请人"] == "applicant"
    assert mapping.columns["Author-作者"] == "inventors"
    assert mapping.columns["PubTime-公开日期"] == "publication_date"
    assert mapping.columns["CLC-中图分类号"] == "clc"
    fixed = normalize_headers(headers, {"CLC-中图分类号": "ipc"})
    assert fixed.columns["CLC-中图分类号"] == "ipc"


def test_plain_chinese_headers_and_user_mapping():
    headers = [
        "申请号",
        "公开（公告）号",
        "名称",
        "摘要",
        "主权项",
        "申请（专利权）人",
        "发明人",
        "IPC分类号",
        "申请日",
        "公开日",
        "法律状态",
        "备注",
        "专利名称",
    ]
    mapping = normalize_headers(headers, {"备注": None})
    assert mapping.columns == {
        "申请号": "application_no",
        "公开（公告）号": "publication_no",
        "名称": "title",
        "摘要": "abstract",
        "主权项": "claims",
        "申请（专利权）人": "applicant",
        "发明人": "inventors",
        "IPC分类号": "ipc",
        "申请日": "application_date",
        "公开日": "publication_date",
        "法律状态": "legal_status",
    }
    # The second title column and the ignored one are reported, not mapped.
    assert mapping.unknown == ["备注", "专利名称"]
    assert mapping.missing(["title", "abstract"]) == []
    assert normalize_headers(["摘要"]).missing() == ["title"]
    custom = normalize_headers(["专利标题", "摘要"], {"专利标题": "title"})
    assert custom.columns["专利标题"] == "title"
    with pytest.raises(ValueError, match="未知的专利字段"):
        normalize_headers(["x"], {"x": "nonsense"})
    assert canonical_field(" 分类号 ") == "ipc"
    assert canonical_field("﻿Title") == "title"


def test_rows_dates_and_ipc():
    mapping = normalize_headers(["公开号", "题名", "申请人", "分类号", "公开日"])
    record = normalize_row(
        {
            "公开号": " CN1A ",
            "题名": "一种装置",
            "申请人": "甲公司; 乙大学",
            "分类号": "G06F 16/35;A61B5/00",
            "公开日": "2025/3/25",
            "其他": "x",
        },
        mapping,
    )
    doc = PatentDoc.from_record(record)
    assert doc.id == "CN1A"
    assert doc.applicants == ("甲公司", "乙大学")
    assert doc.ipc == ("G06F16/35", "A61B5/00")
    assert doc.publication_date == date(2025, 3, 25)
    assert parse_date("2024-1-2") == date(2024, 1, 2)
    assert parse_date("20240102") == date(2024, 1, 2)
    assert parse_date("2024年1月2日") == date(2024, 1, 2)
    assert parse_date("不详") is None
    assert split_ipc("B01J31/24；C07F9/50, c07c45/45") == ["B01J31/24", "C07F9/50", "C07C45/45"]
    assert looks_like_ipc(["B01J31/24;C07F9/50", "G06F16/35"])
    assert not looks_like_ipc(["TP391.4", "R73"])
    with pytest.raises(ValueError):
        PatentDoc.from_record({"title": "无编号"})


SAMPLE = (
    Path(__file__).resolve().parents[2].parent / "shared" / "data" / "patents" / "patents-cnki-sample.csv"
)


@pytest.mark.skipif(
    not SAMPLE.exists(), reason="patents-cnki-sample.csv is absent (../shared/data, evaluation only)"
)
def test_quality_on_cnki_sample():
    with SAMPLE.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        mapping = normalize_headers(reader.fieldnames or [], {"CLC-中图分类号": "ipc"})
        docs = [PatentDoc.from_record(normalize_row(r, mapping)) for r in reader]
    docs = docs[:400]
    engine = PatentSearchEngine(default_backend())
    engine.index(docs)
    subs = {d.id: {ipc_subclass(c) for c in d.ipc} for d in docs}
    hits = total = 0
    for doc in docs[:150]:
        ranked = [pid for pid in engine.search(doc.abstract, limit=11).ids if pid != doc.id][:10]
        hits += sum(bool(subs[pid] & subs[doc.id]) for pid in ranked)
        total += 10
    # Measured on the full sample: P@10 0.79 (benchmarks/bench_patent_search.py).
    assert hits / total >= 0.6


def test_tantivy_bulk_documents_from_segmented_text_keep_their_id():
    pytest.importorskip("tantivy", reason="tantivy is a dependency of kexie: pip install -e .")
    from kexie.engines.search.tantivy_backend import TantivyBackend

    backend = TantivyBackend()
    doc = PatentDoc(
        id="CN9X", title="锂电池正极材料", abstract="一种锂电池正极材料的制备方法", ipc=("H01M4/36",)
    )
    segmented = {"title": "锂电池 正极 材料", "abstract": "锂电池 正极 材料 制备", "claims": ""}
    backend.add_documents([backend.document_from_segmented(doc, segmented)])
    backend.wait_merging()
    assert backend.search("锂电池").ids == ["CN9X"]
