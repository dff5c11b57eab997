"""The opinion engine: near-duplicate clusters, sentiment, heat, keyword schemes, reading feeds and pages."""

import random
from pathlib import Path

import pytest

from kexie.engines.opinion import (
    DEFAULT_THRESHOLD,
    ReadingError,
    Scheme,
    SchemeError,
    SentimentModel,
    clusters,
    decode_html,
    exact_clusters,
    extract_page,
    heat,
    parse_feed,
    shingles,
)

FIXTURES = Path(__file__).parent / "fixtures"
NEWS = (
    "济宁市科协举办全国科普日主题活动,组织专家走进社区开展科普讲座,向居民普及防灾减灾和健康生活知识,"
    "现场发放科普资料两千余份,吸引了上千名群众参与。"
)
OTHER = (
    "兖州区气象局发布暴雨蓝色预警,提醒市民注意出行安全,相关部门做好防汛准备工作,确保人民群众生命财产安全。"
)


def test_reposts_and_light_edits_cluster_and_unrelated_news_does_not():
    repost = "【转发】" + NEWS.replace(",", ",")
    edited = NEWS.replace("两千余份", "2000多份").replace("上千名", "一千多名")
    items = [("a", NEWS), ("b", OTHER), ("c", repost), ("d", edited), ("e", "")]
    assert clusters(items) == [["a", "c", "d"]]
    assert exact_clusters(items) == [["a", "c", "d"]]


def test_threshold_is_checked_per_pair_and_connects_components():
    # a chain: x~y and y~z, x and z apart: one component
    rng = random.Random(3)
    base = "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(200))
    x, y, z = base[:140], base[30:170], base[60:200]  # x~y and y~z share 110 of 170, x~z 80 of 200
    assert clusters([(1, x), (2, y), (3, z)], threshold=0.6) == [[1, 2, 3]]
    assert clusters([(1, x), (2, y), (3, z)], threshold=0.7) == []
    with pytest.raises(ValueError):
        clusters([(1, x)], threshold=0)


def test_shingles_ignore_punctuation_spaces_and_width():
    assert shingles("科协,活动!") == shingles("科协 活动 ")
    assert shingles("ＡＢＣＤ") == shingles("abcd")
    assert 0 < DEFAULT_THRESHOLD < 1


def test_sentiment_labels_and_scores():
    model = SentimentModel.default()
    bad, good = model.predict(["服务态度恶劣,投诉无门,非常失望", "活动很精彩,专家讲得好,大家都很满意"])
    assert bad.sentiment == "negative" and good.sentiment == "positive"
    assert 0.5 < bad.score <= 1 and 0.5 < good.score <= 1
    assert model.predict([]) == []


def test_corrections_retrain_the_model():
    text = "这个科普馆的展品太旧了"
    before = SentimentModel.default().predict_one(text)
    after = SentimentModel.trained([(text, "negative"), ("展品太旧", "negative")]).predict_one(text)
    assert after.sentiment == "negative"
    assert before.sentiment != "negative" or after.score > before.score
    with pytest.raises(ValueError):
        SentimentModel.trained([("x", "angry")])


def test_heat_formula():
    assert heat(copies=1, sources=1) == pytest.approx(round(10 * 0.6931 + 15 * 0.6931, 1), abs=0.1)
    assert heat(copies=5, sources=3, reach=1000, recent=4, earlier=1) > heat(copies=5, sources=3, reach=1000)
    assert heat(copies=5, sources=3, recent=1000, earlier=0) == heat(copies=5, sources=3, recent=5, earlier=1)


def test_scheme_region_subject_event_minus_exclusions():
    scheme = Scheme.build(region="济宁 兖州", subject="科协、科技馆", event="投诉,事故", exclude="广告")
    assert scheme.match("济宁科技馆发生事故") == ("事故", "济宁", "科技馆")
    assert scheme.match("济宁科技馆开馆") is None  # no event word
    assert scheme.match("泰安科协投诉") is None  # no region word
    assert scheme.match("济宁科协投诉广告") is None  # excluded


def test_scheme_expression_and_or_not():
    scheme = Scheme.build(expression='(济宁 OR 兖州) AND 科协 NOT 广告 OR "科普 大篷车"')
    assert scheme.match("兖州科协开展活动") is not None
    assert scheme.match("兖州科协广告") is None
    assert scheme.match("科普 大篷车进校园") == ("科普 大篷车",)
    assert scheme.match("科协开展活动") is None
    for bad in ("(济宁 AND", "济宁 )", "AND", '"未闭合'):
        with pytest.raises(SchemeError):
            Scheme.build(expression=bad)
    with pytest.raises(SchemeError):
        Scheme.build(region="济宁")  # neither subject nor expression


def test_feed_rss_and_atom():
    rss = parse_feed((FIXTURES / "opinion-rss.xml").read_bytes())
    assert [e.title for e in rss] == ["市科协举办科普讲座", "科技馆设备故障引发游客不满"]
    assert rss[0].published.year == 2026 and rss[0].link.startswith("https://")
    atom = parse_feed((FIXTURES / "opinion-atom.xml").read_bytes())
    assert atom[0].title == "青少年科技创新大赛开幕" and atom[0].author == "济宁日报"
    with pytest.raises(ReadingError):
        parse_feed(b"<html><body>not a feed</body></html>")


def test_gb2312_page_with_gbk_characters_decodes():
    html = (FIXTURES / "opinion-page-gb2312.html").read_bytes()
    text, encoding = decode_html(html)
    assert encoding == "gb18030" and "镕" in text  # 镕 is GBK, not GB2312
    page = extract_page(html, "https://example.org/a.html")
    assert page.title == "市科协召开科普工作会议" and "科普工作" in page.text


def test_undeclared_gbk_page_is_guessed():
    body = (
        "<html><body><p>"
        + "济宁市科学技术协会组织开展科普进社区活动,群众反响热烈。" * 5
        + "</p></body></html>"
    )
    text, encoding = decode_html(body.encode("gbk"))
    assert "科学技术协会" in text and encoding in ("gb18030", "gbk", "gb2312")
    with pytest.raises(ReadingError):
        extract_page(b"<html><body></body></html>")


# ---------------------------------------------------------------------------- chunked dedup


def _copies_corpus():
    rng = random.Random(11)
    words = [chr(c) for c in range(0x4E00, 0x4E00 + 300)]
    items = []
    for n in range(300):
        if len(items) > 5 and rng.random() < 0.4:
            chars = list(rng.choice(items)[1]) or ["科"]
            for _ in range(rng.randrange(0, 4)):
                chars[rng.randrange(len(chars))] = rng.choice(words)
            text = "【转发】" + "".join(chars)
        else:
            text = "".join(rng.choice(words) for _ in range(rng.randrange(0, 80)))
        items.append((n, text))
    return items + [(300, ""), (301, "ab"), (302, "ＡＢ"), (303, "哈哈哈哈哈哈哈"), (304, "哈哈哈哈哈")]


@pytest.mark.parametrize("verify", ["exact", "estimate"])
def test_chunked_dedup_finds_the_same_pairs_as_the_whole_corpus_at_once(verify):
    from kexie.engines.opinion.dedup import similar_pairs

    texts = [t for _, t in _copies_corpus()]
    whole_left, whole_right, whole_stats = similar_pairs(texts, verify=verify, chunk=None)
    assert len(whole_left) > 50  # the corpus has near-duplicates to find
    for chunk in (16, 64, 10_000):  # uneven chunks (the last one short), one chunk for all
        left, right, stats = similar_pairs(texts, verify=verify, chunk=chunk)
        assert left.tolist() == whole_left.tolist() and right.tolist() == whole_right.tolist()
        assert stats == whole_stats
    items = _copies_corpus()
    assert clusters(items, chunk=50) == clusters(items, chunk=None)
    with pytest.raises(ValueError):
        similar_pairs(texts, chunk=0)


def test_chunked_exact_jaccard_is_the_true_shingle_jaccard():
    from kexie.engines.opinion import jaccard
    from kexie.engines.opinion.dedup import _set_jaccard, _shingle_sets

    items = _copies_corpus()
    texts = [t for _, t in items]
    ids, indptr = _shingle_sets(texts)
    assert [int(indptr[i + 1] - indptr[i]) for i in range(len(texts))] == [len(shingles(t)) for t in texts]
    rng = random.Random(2)
    left = [rng.randrange(len(texts)) for _ in range(200)]
    right = [rng.randrange(len(texts)) for _ in range(200)]
    import numpy as np

    got = _set_jaccard(ids, indptr, np.array(left), np.array(right), block=9)
    want = [jaccard(shingles(texts[a]), shingles(texts[b])) for a, b in zip(left, right, strict=True)]
    assert got.tolist() == pytest.approx(want)


def test_the_packed_sort_falls_back_to_the_exact_order_when_top_bits_collide():
    import numpy as np

    from kexie.engines.opinion.dedup import _packed_order

    # two different ids of one group that agree in all but their lowest bit: the packed key
    # cannot tell them apart, so the order must come from the two-key sort
    ids = np.array([0xFFFF_0000_0000_0003, 5, 0xFFFF_0000_0000_0002, 0xFFFF_0000_0000_0003], dtype=np.uint64)
    group = np.array([1, 0, 1, 1])
    order = _packed_order(ids, group, 2)
    assert ids[order].tolist() == [5, 0xFFFF_0000_0000_0002, 0xFFFF_0000_0000_0003, 0xFFFF_0000_0000_0003]
    assert group[order].tolist() == [0, 1, 1, 1]
