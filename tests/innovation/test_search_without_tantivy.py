"""tantivy is a dependency, but a platform without its wheel runs the patent service on SQLite FTS5
(and says so on the search page and in `kexie check`)."""

import io
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse

from kexie.engines.search import Fts5Backend, default_backend, default_backend_name
from kexie.innovation import patents
from kexie.innovation.testing import build_innovation_world

CSV = (
    "公开号,题名,摘要,申请人,IPC分类号,公开日,法律状态\n"
    "CN111000001A,一种污水处理膜生物反应器,用于高浓度有机污水处理,济宁智水环境科技有限公司,C02F3/12,2020-05-10,有效\n"
    "CN111000002A,数控机床液压夹具,提高装夹精度,兖州重工机械有限公司,B23Q3/08,2020-06-01,审中\n"
    "CN110000003B,污泥脱水装置,污水处理厂污泥脱水,济宁智水环境科技有限公司,C02F11/12,2019-09-01,失效\n"
)


@pytest.fixture
def no_tantivy(monkeypatch):
    """Makes `import tantivy` fail as on a machine where it was never installed."""
    monkeypatch.setitem(sys.modules, "tantivy", None)
    monkeypatch.delitem(sys.modules, "kexie.engines.search.tantivy_backend", raising=False)
    patents.reset_index()
    yield
    patents.reset_index()


def test_tantivy_really_unimportable(no_tantivy):
    with pytest.raises(ImportError):
        from kexie.engines.search.tantivy_backend import TantivyBackend  # noqa: F401


def test_default_backend_falls_back_to_fts5(no_tantivy, tmp_path):
    assert isinstance(default_backend(), Fts5Backend)
    assert isinstance(default_backend(str(tmp_path / "index.db")), Fts5Backend)
    assert default_backend_name() == "sqlite-fts5"


def test_the_engine_in_use_is_named_in_check_and_on_the_search_page(no_tantivy, world, personas, client):
    out = io.StringIO()
    call_command("check", stdout=out)
    assert "专利检索引擎:SQLite FTS5(备用引擎" in out.getvalue()
    client.force_login(personas["city_admin"])
    page = client.get(reverse("innovation:patent_search")).content.decode()
    assert "检索引擎:SQLite FTS5(备用引擎" in page


def test_check_names_tantivy_when_it_is_there(world):
    out = io.StringIO()
    call_command("check", stdout=out)
    assert "专利检索引擎:tantivy" in out.getvalue() and "列表标题检索:" in out.getvalue()


def test_patent_service_searches_with_filters_on_fts5(no_tantivy, world, personas):
    inno = build_innovation_world(world)
    patents.patent_import(actor=personas["city_admin"], data=CSV.encode("utf-8-sig"), filename="p.csv")
    assert isinstance(patents.search_backend(), Fts5Backend)
    user = inno["enterprise_user"]
    patents.patent_registration_create(actor=user, interests="污水处理")

    def found(**params):
        result = patents.patent_search(actor=user, query=patents.parse_patent_query(params))
        return [p.publication_no for p in result.patents]

    assert set(found(q="污水处理")) == {"CN111000001A", "CN110000003B"}
    assert found(q="污水处理", legal_status="有效") == ["CN111000001A"]
    assert found(ipc_prefix="c02f11") == ["CN110000003B"]
    assert found(applicant="兖州重工机械有限公司") == ["CN111000002A"]
    assert found(q="污水", date_from="2020-01-01", date_to="2020-12-31") == ["CN111000001A"]
    # a patent imported after the index was built is found too
    extra = (
        CSV.splitlines()[0] + "\nCN111000009A,光伏板清扫机器人,自动清扫,济宁学院,H02S40/10,2020-08-01,有效\n"
    )
    patents.patent_import(actor=personas["city_admin"], data=extra.encode(), filename="p2.csv")
    assert found(q="光伏清扫机器人") == ["CN111000009A"]
    assert [p.publication_no for p in patents.recommend_patents(enterprise=inno["enterprise"], k=1)] == [
        "CN111000001A"
    ]
