"""core.textsearch.contains: the meaning of Django's icontains, answered from the title search index.

The meaning tests compare every answer with the plain filter (what contains() was before the
index), on whichever database runs the tests; the index tests show that the index answers."""

import pytest
from django.db import connection

from kexie.activities.models import Activity
from kexie.core import textsearch
from kexie.core.textsearch import contains

TITLES = [
    "科普讲座进社区",
    "青少年科技创新大赛",
    "Python 编程入门 ABC",
    "abc小学科学课",
    "100%满意的科普日",
    "名字_带下划线",
    "他说\"你好\"与'再见'",
    "AND OR NOT 活动",
    "title:冒号 (括号) 星号* 减号- 插入^",
    "科",
    "普及",
    "NEAR(a b) 测试",
    "反斜杠\\路径",
    "ÄÖÜ äöü Straße",
]

QUERIES = [
    # one and two characters (Chinese and Latin, either case)
    "科", "普", "技", "鲸", "a", "A", "科普", "普及", "社区", "ab", "AB", "Bc", "进社",
    # three and more
    "科普讲", "科普讲座进社区", "abc", "ABC", "python", "PYTHON 编", "没有这个标题", "大赛x",
    # LIKE's own wildcards and escapes
    "%", "_", "%满", "0%满", "字_带", "\\", "斜杠\\路",
    # quotes
    '"', "'", '"你好"', "'再见'", '说"你',
    # FTS5 query syntax
    "AND", "and or", "NOT 活", "title:", "title:冒号", "(括号)", "*", "星号*", "-", "^", "插入^",
    "NEAR(a", "NEAR(a b)", ":", "(", ")", "a b",
    # non-ASCII case (the plain filter decides what matches; contains must agree)
    "ä", "Ä", "äöü", "ÄÖÜ", "straße", "STRASSE",
]  # fmt: skip


@pytest.fixture
def titled(make_activity):
    return [make_activity(title=title).pk for title in TITLES]


def plain(qs, text):
    """contains() before the index: Django's icontains."""
    text = (text or "").strip()
    return (
        set(qs.filter(title__icontains=text).values_list("pk", flat=True))
        if text
        else set(qs.values_list("pk", flat=True))
    )


def found(qs, text):
    return set(contains(qs, "title", text).values_list("pk", flat=True))


@pytest.mark.parametrize("common", [10**9, 0], ids=["index", "plain-walk"])
def test_contains_means_icontains(titled, monkeypatch, common):
    monkeypatch.setattr(textsearch, "COMMON", common)
    qs = Activity.objects.all()
    for text in QUERIES:
        assert found(qs, text) == plain(qs, text), text
        assert found(qs, f"  {text} ") == plain(qs, text), text


def test_known_answers(titled):
    qs = Activity.objects.all()
    title = dict(zip(titled, TITLES, strict=True))

    def titles(text):
        return {title[pk] for pk in found(qs, text)}

    assert titles("科") == {t for t in TITLES if "科" in t}
    assert titles("普及") == {"普及"}
    assert titles("abc") == {"Python 编程入门 ABC", "abc小学科学课"}
    assert titles("%") == {"100%满意的科普日"}
    assert titles("_") == {"名字_带下划线"}
    assert titles('"你好"') == {"他说\"你好\"与'再见'"}
    assert titles("星号*") == {"title:冒号 (括号) 星号* 减号- 插入^"}
    assert titles("没有这个标题") == set()
    assert titles("") == set(TITLES) and titles(None) == set(TITLES)


def test_index_follows_inserts_updates_and_deletes(make_activity):
    a = make_activity(title="航天科普展")
    b = make_activity(title="海洋馆开放日")
    qs = Activity.objects.all()
    assert found(qs, "航天") == {a.pk} and found(qs, "航天科普") == {a.pk}
    Activity.objects.filter(pk=a.pk).update(title="深海探索展")
    assert found(qs, "航天") == set() and found(qs, "深海") == {a.pk} and found(qs, "探索展") == {a.pk}
    b.delete()
    assert found(qs, "海洋") == set() and found(qs, "海") == {a.pk}


def test_filters_and_other_lists_combine(titled, personas):
    from kexie.core.scoping import scoped

    qs = scoped(Activity, personas["city_admin"]).filter(participants__gte=100)
    assert found(qs.order_by("-start_date", "-id"), "科普") == plain(qs, "科普")
    either = contains(qs, "title", "科普") | contains(qs, "title", "abc")
    assert set(either.values_list("pk", flat=True)) == plain(qs, "科普") | plain(qs, "abc")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite FTS5 index; PostgreSQL's below")
@pytest.mark.parametrize("text", ["科普讲座", "abc", "科普", "科", "A"])
def test_sqlite_query_goes_through_the_fts_table(titled, text):
    sql = str(contains(Activity.objects.all(), "title", text).query)
    assert "activities_activity_title_fts" in sql and "MATCH" in sql


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite FTS5 index")
def test_sqlite_common_text_is_left_to_the_plain_filter(titled, monkeypatch):
    monkeypatch.setattr(textsearch, "COMMON", 2)
    assert "MATCH" not in str(contains(Activity.objects.all(), "title", "科").query)
    assert "MATCH" in str(contains(Activity.objects.all(), "title", "普及").query)
    assert "MATCH" in str(contains(Activity.objects.all(), "title", "科普讲座").query)


def _plan(qs) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: make the index's cost count
        sql, params = qs.order_by().query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
def test_postgres_uses_the_trigram_index_for_three_characters(titled):
    plan = _plan(contains(Activity.objects.all(), "title", "科普讲座"))
    assert "activities_activity_title_trgm" in plan, plan
    plan = _plan(contains(Activity.objects.all(), "title", "python"))
    assert "activities_activity_title_trgm" in plan, plan


@pytest.mark.postgres
@pytest.mark.parametrize("text", ["科普", "科", "ab"])
def test_postgres_uses_the_gram_index_for_one_and_two_characters(titled, text):
    plan = _plan(contains(Activity.objects.all(), "title", text))
    assert "activities_activity_title_grams" in plan, plan


@pytest.mark.postgres
def test_postgres_c_locale_falls_back_to_grams_for_chinese(titled, monkeypatch):
    """Under the C locale pg_trgm ignores CJK characters: the gram index answers instead."""
    monkeypatch.setattr(textsearch, "_pg_trgm_reads_cjk", lambda connection: False)
    qs = Activity.objects.all()
    assert "kexie_query_grams" in str(contains(qs, "title", "科普讲座").query)
    assert "kexie_query_grams" not in str(contains(qs, "title", "python").query)
    for text in QUERIES:
        assert found(qs, text) == plain(qs, text), text


def test_names_of_organisations_and_people(world):
    from kexie.directory.models import Organisation, Person

    unit = world.orgs["city"]
    for name in ("张三", "李四", "欧阳 Xiu", "王_五", "赵%六"):
        Person.objects.create(name=name, unit=unit)
    for model in (Organisation, Person):
        qs = model.objects.all()
        for text in ("科", "科学", "科学技术协会", "兖州", "张", "欧阳 x", "XIU", "_", "%", "没有"):
            expected = set(qs.filter(name__icontains=text).values_list("pk", flat=True))
            assert set(contains(qs, "name", text).values_list("pk", flat=True)) == expected, (model, text)
    if connection.vendor == "sqlite":
        assert "directory_person_name_fts" in str(contains(Person.objects.all(), "name", "张三").query)
        assert "directory_organisation_name_fts" in str(
            contains(Organisation.objects.all(), "name", "科").query
        )


def test_the_index_comes_back_with_a_restore(transactional_db, personas, settings, tmp_path):
    """The index tables are not in the backup: the restore's inserts fill them again."""
    from django.core.management import call_command

    from kexie.core.backup import create_backup, restore_backup
    from kexie.directory.models import Organisation

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    path = tmp_path / "kexie.zip"
    expected = set(Organisation.objects.filter(name__icontains="兖州").values_list("pk", flat=True))
    assert expected
    create_backup(path)
    call_command("flush", interactive=False, verbosity=0)
    assert not found_names("兖州") and not found_names("兖州区科")
    restore_backup(path)
    assert found_names("兖州") == expected and found_names("兖州区科") == expected


def found_names(text):
    from kexie.directory.models import Organisation

    return set(contains(Organisation.objects.all(), "name", text).values_list("pk", flat=True))


@pytest.mark.postgres
def test_postgres_common_text_is_left_to_the_plain_filter(make_activity, monkeypatch):
    """A word the gram index's statistics call common gets the plain filter (the gram condition
    would be computed row by row for nothing); a rare one keeps the index; rows stay the same."""
    for n in range(40):
        make_activity(title=f"科普讲座第{n}期")
    for title in ("鲸类保护宣传", "天文观测", "防溺水安全"):
        make_activity(title=title)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE activities_activity")
    monkeypatch.setattr(textsearch, "PG_COMMON", 10, raising=False)
    monkeypatch.setattr(textsearch, "USE_SUBSELECT", False)  # this test is of the gram condition
    qs = Activity.objects.all()
    assert "kexie_query_grams" not in str(contains(qs, "title", "科").query)
    assert "kexie_query_grams" not in str(contains(qs, "title", "科普").query)
    assert "kexie_query_grams" in str(contains(qs, "title", "鲸类").query)
    assert "kexie_query_grams" in str(contains(qs, "title", "火星").query)  # no such gram at all
    for text in ("科", "科普", "讲座", "鲸类", "鲸", "火星", "天文", "防溺水", "期"):
        assert found(qs, text) == plain(qs, text), text


def test_postgres_path_thresholds(monkeypatch):
    """The choice between the gram condition, the index sub-select and the keyset walk: rare words
    (or no statistics) the gram condition, up to sqrt(1,001 × rows) the sub-select, above the walk;
    with the sub-select switched off, everything above PG_COMMON walks (the path before it)."""
    monkeypatch.setattr(textsearch, "PG_COMMON", 5_000)
    monkeypatch.setattr(textsearch, "USE_SUBSELECT", True)
    million = 1_000_000
    assert round(textsearch.pg_index_limit(million)) == 31_639
    assert textsearch.pg_index_limit(100) == 5_000  # never below PG_COMMON
    assert textsearch.pg_path(None, None) == "grams"
    assert textsearch.pg_path(168, million) == "grams"  # 鲸类
    assert textsearch.pg_path(5_000, million) == "grams"
    assert textsearch.pg_path(8_156, million) == "subselect"  # 航天
    assert textsearch.pg_path(31_000, million) == "subselect"
    assert textsearch.pg_path(32_000, million) == "plain"
    assert textsearch.pg_path(226_236, million) == "plain"  # 科普
    monkeypatch.setattr(textsearch, "USE_SUBSELECT", False)
    assert textsearch.pg_path(8_156, million) == "plain"


@pytest.mark.postgres
def test_postgres_mid_frequency_word_reads_the_gram_index_common_word_walks(make_activity, monkeypatch):
    """On a real database's statistics: a mid-frequency word gets the gram index's bitmap as the
    only way to its rows (the gram condition, with the substring check as strpos, which pg_trgm
    does not claim), a common word the plain filter (the keyset walk), a rare word the gram
    condition beside the LIKE; the rows are exactly those of the plain filter, alone and with
    another filter, and with the ledger's code folded in."""
    for n in range(40):
        make_activity(title=f"科普讲座第{n}期")
    for n in range(10):
        make_activity(title=f"航天科技展第{n}站", participants=n * 30)
    for title in ("鲸类保护宣传", "天文观测", "防溺水安全", "ABC 航天 abc"):
        make_activity(title=title)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE activities_activity")
    monkeypatch.setattr(textsearch, "PG_COMMON", 5)
    monkeypatch.setattr(textsearch, "PG_INDEX_FACTOR", 0.1)  # limit: 0.1 × sqrt(1,001 × 54) ≈ 23
    qs = Activity.objects.all()
    estimate, rows = textsearch._pg_statistics(connection, Activity, "title", "航天")
    assert 5 < estimate <= textsearch.pg_index_limit(rows) < 40, (estimate, rows)
    mid = str(contains(qs, "title", "航天").query)
    assert "strpos(UPPER(" in mid and "kexie_query_grams" in mid and " LIKE " not in mid, mid
    common = str(contains(qs, "title", "科普").query)
    assert "kexie_query_grams" not in common and "strpos" not in common, common
    rare = str(contains(qs, "title", "鲸类").query)
    assert "kexie_query_grams" in rare and "strpos" not in rare, rare
    for text in ("科", "科普", "讲座", "鲸类", "鲸", "火星", "天文", "航天", "航", "展第", "abc", "ABC 航"):
        for subset in (qs, qs.filter(participants__gte=100)):
            assert found(subset, text) == plain(subset, text), text


@pytest.mark.postgres
def test_postgres_index_path_finds_exactly_the_plain_rows(titled, monkeypatch):
    """The index path's own substring check (strpos) and the folded-in OR give exactly the rows of
    icontains (| the code), for every awkward query."""
    monkeypatch.setattr(textsearch, "pg_path", lambda estimate, rows: "subselect")
    qs = Activity.objects.all()
    codes = dict(qs.values_list("pk", "code"))
    for text in QUERIES:
        assert found(qs, text) == plain(qs, text), text
        code = codes[titled[3]] if text == "a" else text  # one query that equals a code
        with_code = set(contains(qs, "title", code, or_equal="code").values_list("pk", flat=True))
        assert with_code == plain(qs, code) | set(qs.filter(code=code.strip()).values_list("pk", flat=True))


@pytest.mark.parametrize("common", [10**9, 0], ids=["index", "plain-walk"])
def test_a_word_that_is_no_code_leaves_the_code_out_of_the_query(titled, monkeypatch, common):
    """The ledger's "title contains it, or the code equals it": when no row has the word as its
    code, the equality is left out (with it, SQLite read every row of the filters through a
    MULTI-INDEX OR and sorted them: 2.9 s for 科 + year + status at 1,000,000 activities); a code
    typed whole still finds its activity."""
    monkeypatch.setattr(textsearch, "COMMON", common)
    monkeypatch.setattr(textsearch, "PG_COMMON", 0 if common == 0 else textsearch.PG_COMMON)
    qs = Activity.objects.all()
    code_column = '"code"'
    searched = contains(qs, "title", "科普", or_equal="code")
    assert set(searched.values_list("pk", flat=True)) == plain(qs, "科普")
    if connection.vendor == "sqlite":  # PostgreSQL's index path takes the code in itself
        assert code_column not in str(searched.query).split("WHERE", 1)[1]
    one = Activity.objects.get(pk=titled[0])
    by_code = contains(qs, "title", one.code, or_equal="code")
    assert one.pk in set(by_code.values_list("pk", flat=True))
    assert code_column in str(by_code.query).split("WHERE", 1)[1]
