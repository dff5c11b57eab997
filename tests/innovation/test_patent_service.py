import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from kexie.core.models import AuditEntry
from kexie.innovation import patents
from kexie.innovation.models import Patent, PatentSearchEvent, PatentSelection, PatentServiceRegistration
from kexie.innovation.testing import build_innovation_world

HEADER = "申请号,公开号,题名,摘要,主权项,申请人,发明人,IPC分类号,申请日,公开日,法律状态\n"
ROWS = [
    "CN202010000001.1,CN111000001A,一种污水处理膜生物反应器,本发明公开了一种用于高浓度有机污水处理的膜生物反应器,"
    "一种膜生物反应器其特征在于,济宁智水环境科技有限公司;山东大学,王水清;张三,C02F3/12;C02F9/14,2020-01-05,2020-05-10,有效\n",
    "CN202010000002.2,CN111000002A,数控机床液压夹具,一种用于数控机床的液压夹具提高装夹精度,"
    "液压夹具包括底座,兖州重工机械有限公司,李机工,B23Q3/08,2020/2/1,2020/6/1,审中\n",
    "CN201910000003.3,CN110000003B,污泥脱水装置,一种污水处理厂污泥脱水装置,脱水装置包括,"
    "济宁智水环境科技有限公司,王水清,C02F11/12,2019年3月1日,2019年9月1日,失效\n",
]


def csv_bytes(rows=ROWS, header=HEADER) -> bytes:
    return (header + "".join(rows)).encode("utf-8-sig")


@pytest.fixture
def inno(world):
    patents.reset_index()
    yield build_innovation_world(world)
    patents.reset_index()


@pytest.fixture
def imported(inno, personas):
    return patents.patent_import(actor=personas["city_admin"], data=csv_bytes(), filename="export.csv")


def test_import_creates_patents_with_normalised_fields(imported):
    assert (imported.created, imported.updated, imported.errors) == (3, 0, [])
    p = Patent.objects.get(publication_no="CN111000001A")
    assert p.ipc_list == ["C02F3/12", "C02F9/14"] and p.main_ipc == "C02F3/12"
    assert p.applicants == "济宁智水环境科技有限公司; 山东大学"
    assert str(Patent.objects.get(publication_no="CN110000003B").application_date) == "2019-03-01"
    assert AuditEntry.objects.filter(action="kexie.patent.imported").count() == 1


def test_reimport_updates_by_publication_number(imported, personas):
    changed = ROWS[1].replace("审中", "有效").replace("数控机床液压夹具", "数控机床液压夹具(改进)")
    result = patents.patent_import(
        actor=personas["city_admin"], data=csv_bytes([changed]), filename="again.csv"
    )
    assert (result.created, result.updated) == (0, 1)
    p = Patent.objects.get(publication_no="CN111000002A")
    assert p.legal_status == "有效" and p.title.endswith("(改进)")
    assert Patent.objects.count() == 3


def test_bad_rows_report_every_cell_and_write_nothing(inno, personas):
    bad = [ROWS[0], ROWS[1].replace("CN111000002A", ""), ROWS[2].replace("2019年3月1日", "去年春天")]
    result = patents.patent_import(actor=personas["city_admin"], data=csv_bytes(bad), filename="bad.csv")
    assert result.created == 0 and Patent.objects.count() == 0
    assert "第3行“公开号”:不能为空" in result.errors
    assert "第4行“申请日”:无法识别的日期“去年春天”" in result.errors
    skipped = patents.patent_import(
        actor=personas["city_admin"], data=csv_bytes(bad), filename="bad.csv", skip_bad=True
    )
    assert skipped.created == 1 and Patent.objects.count() == 1


def test_column_mapping(inno, personas):
    header = "申请号,Pub,专利标题,摘要,主权项,申请人,发明人,IPC分类号,申请日,公开日,法律状态\n"
    mapping = patents.parse_mapping("Pub=publication_no,专利标题=title")
    result = patents.patent_import(
        actor=personas["city_admin"], data=csv_bytes(ROWS, header), filename="m.csv", mapping=mapping
    )
    assert result.created == 3
    with pytest.raises(ValidationError, match="未知的专利字段"):
        patents.parse_mapping("题名=titel")
    with pytest.raises(ValidationError, match="公开号"):
        patents.patent_import(actor=personas["city_admin"], data=csv_bytes(ROWS, header), filename="m.csv")


def test_enterprise_must_register_before_searching(imported, inno):
    user = inno["enterprise_user"]
    with pytest.raises(PermissionDenied, match="注册"):
        patents.patent_search(actor=user, query=patents.PatentQuery(q="污水处理"))
    patents.patent_registration_create(actor=user, interests="污水处理")
    assert PatentServiceRegistration.objects.filter(enterprise=inno["enterprise"]).count() == 1
    with pytest.raises(ValidationError, match="已注册"):
        patents.patent_registration_create(actor=user)


def test_search_filters_and_events_counted(imported, inno):
    user = inno["enterprise_user"]
    patents.patent_registration_create(actor=user)
    found = patents.patent_search(actor=user, query=patents.PatentQuery(q="污水处理"))
    assert {p.publication_no for p in found.patents} == {"CN111000001A", "CN110000003B"}
    valid = patents.patent_search(
        actor=user, query=patents.parse_patent_query({"q": "污水处理", "legal_status": "有效"})
    )
    assert [p.publication_no for p in valid.patents] == ["CN111000001A"]
    by_ipc = patents.patent_search(actor=user, query=patents.parse_patent_query({"ipc_prefix": "b23q"}))
    assert [p.publication_no for p in by_ipc.patents] == ["CN111000002A"]
    by_date = patents.patent_search(
        actor=user,
        query=patents.parse_patent_query({"date_from": "2020-01-01", "date_to": "2020-12-31", "q": "污水"}),
    )
    assert [p.publication_no for p in by_date.patents] == ["CN111000001A"]
    patents.patent_search(
        actor=user, query=patents.PatentQuery(q="污水处理"), offset=20
    )  # paging: not a new search
    assert PatentSearchEvent.objects.filter(unit=inno["enterprise"]).count() == 4
    with pytest.raises(ValidationError, match="无法识别"):
        patents.parse_patent_query({"date_from": "昨天"})


def test_search_sees_patents_imported_after_index_built(imported, inno, personas):
    user = inno["enterprise_user"]
    patents.patent_registration_create(actor=user)
    patents.patent_search(actor=user, query=patents.PatentQuery(q="脱水"))
    row = (
        ROWS[0]
        .replace("CN111000001A", "CN111000009A")
        .replace("一种污水处理膜生物反应器", "新型光伏清扫机器人")
    )
    patents.patent_import(actor=personas["city_admin"], data=csv_bytes([row]), filename="new.csv")
    hits = patents.patent_search(actor=user, query=patents.PatentQuery(q="光伏清扫机器人"))
    assert [p.publication_no for p in hits.patents] == ["CN111000009A"]


def test_selection_and_export(imported, inno, personas):
    user = inno["enterprise_user"]
    patents.patent_registration_create(actor=user)
    chosen = patents.selection_list_create(actor=user, name="污水处理备选")
    for pub in ("CN111000001A", "CN110000003B"):
        patents.patent_select(
            actor=user, selection_list=chosen, patent=Patent.objects.get(publication_no=pub)
        )
    with pytest.raises(ValidationError, match="已在清单"):
        patents.patent_select(
            actor=user, selection_list=chosen, patent=Patent.objects.get(publication_no="CN111000001A")
        )
    assert PatentSelection.objects.filter(selection_list__unit=inno["enterprise"]).count() == 2
    sheet = load_workbook(io.BytesIO(patents.selection_export(chosen))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("公开号", "申请号", "题名") and [r[0] for r in rows[1:]] == [
        "CN111000001A",
        "CN110000003B",
    ]
    # the export re-imports as is
    again = patents.patent_import(
        actor=personas["city_admin"], data=patents.selection_export(chosen), filename="x.xlsx"
    )
    assert (again.created, again.updated, again.errors) == (0, 2, [])
    from django.http import Http404

    with pytest.raises(Http404):
        patents.patent_select(
            actor=personas["outsider"], selection_list=chosen, patent=Patent.objects.first()
        )


def test_recommendations_from_enterprise_demands(imported, inno, personas):
    from kexie.innovation import services
    from kexie.innovation.testing import demand_data

    services.demand_create(actor=personas["city_admin"], data=demand_data(inno["enterprise"]))
    recommended = patents.recommend_patents(enterprise=inno["enterprise"], k=2)
    assert recommended and recommended[0].publication_no in {"CN111000001A", "CN110000003B"}


def test_patent_committed_after_a_sync_is_not_missed(imported, inno):
    """A patent saved before a sync started but committed after it has an earlier `updated_at`."""
    from django.utils import timezone

    user = inno["enterprise_user"]
    patents.patent_registration_create(actor=user)
    assert patents.patent_search(actor=user, query=patents.PatentQuery(q="光伏清扫机器人")).patents == []
    late = timezone.now() - patents.SYNC_OVERLAP / 2
    Patent.objects.filter(publication_no="CN111000002A").update(title="光伏板清扫机器人", updated_at=late)
    hits = patents.patent_search(actor=user, query=patents.PatentQuery(q="光伏清扫机器人"))
    assert [p.publication_no for p in hits.patents] == ["CN111000002A"]


def test_selection_list_names_are_unique_per_enterprise_and_fit(inno, personas):
    from kexie.innovation.models import PatentSelectionList

    user = inno["enterprise_user"]
    patents.patent_registration_create(actor=user)
    patents.selection_list_create(actor=user, name="污水处理备选")
    with pytest.raises(ValidationError, match="已有名为“污水处理备选”的遴选清单"):
        patents.selection_list_create(actor=user, name=" 污水处理备选 ")
    with pytest.raises(ValidationError, match="不能超过 100 个字"):
        patents.selection_list_create(actor=user, name="备" * 101)
    assert PatentSelectionList.objects.filter(unit=user.unit).count() == 1
