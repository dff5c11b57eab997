import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kexie.innovation import patents, ranking, services
from kexie.innovation.models import Demand, Patent, PatentSearchEvent, PatentSelection
from kexie.innovation.testing import build_innovation_world, demand_data


@pytest.fixture
def inno(world):
    ranking.reset()
    patents.reset_index()
    yield build_innovation_world(world)
    patents.reset_index()


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


@pytest.fixture
def demand(inno, personas):
    return services.demand_create(actor=personas["county_staff"], data=demand_data(inno["enterprise"]))


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("innovation:demand_list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_enterprise_posts_demand_and_staff_moves_it_to_signed(inno, personas, login):
    client = login(inno["enterprise_user"])
    form = {
        "title": "膜生物反应器污水处理改造", "description": "高浓度有机污水处理,脱氮除磷", "industry": "节能环保",
        "discipline": "570", "keywords": "污水处理", "contact_name": "张经理", "contact_phone": "13905370001",
    }  # fmt: skip
    response = client.post(reverse("innovation:demand_create"), form)
    demand = Demand.objects.get(title="膜生物反应器污水处理改造")
    assert response.status_code == 302 and demand.enterprise == inno["enterprise"]

    client = login(personas["city_admin"])
    page = client.get(reverse("innovation:demand_detail", args=[demand.pk])).content.decode()
    assert "王水清" in page and "共同关键词" in page and "中国水利学会" in page
    water = inno["experts"]["water"]
    steps = [
        ("review", {}), ("publish", {}), ("matchmake", {"expert": water.pk, "on": "2020-06-01"}),
        ("intention", {"note": "有意向"}), ("sign", {"parties": "智水公司;王水清", "amount": "30", "on": "2020-07-01"}),
    ]  # fmt: skip
    for action, data in steps:
        response = client.post(reverse("innovation:demand_action", args=[demand.pk, action]), data)
        assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == "signed"
    assert demand.agreements.get().amount == 30
    # an invalid step shows a Chinese message and changes nothing
    response = client.post(reverse("innovation:demand_action", args=[demand.pk, "publish"]), follow=True)
    assert "不能转为" in response.content.decode()
    demand.refresh_from_db()
    assert demand.status == "signed"


def test_out_of_scope_demand_is_404(demand, personas, login):
    client = login(personas["outsider"])
    assert client.get(reverse("innovation:demand_detail", args=[demand.pk])).status_code == 404
    assert client.post(reverse("innovation:demand_action", args=[demand.pk, "review"])).status_code == 404
    assert client.get(reverse("innovation:demand_edit", args=[demand.pk])).status_code == 404
    assert demand.title not in client.get(reverse("innovation:demand_list")).content.decode()


def test_published_demand_readable_but_not_writable_outside_scope(demand, personas, login):
    admin = personas["city_admin"]
    services.demand_review(actor=admin, demand=demand)
    services.demand_publish(actor=admin, demand=demand)
    client = login(personas["outsider"])
    page = client.get(reverse("innovation:demand_detail", args=[demand.pk]))
    assert page.status_code == 200 and "action-matchmake" not in page.content.decode()
    assert (
        client.post(
            reverse("innovation:demand_action", args=[demand.pk, "close"]), {"reason": "x"}
        ).status_code
        == 404
    )


def test_booklet_download(demand, personas, login):
    response = login(personas["city_admin"]).get(reverse("innovation:booklet", args=[2020]))
    assert response.status_code == 200 and response["Content-Type"].endswith("wordprocessingml.document")


def test_enterprise_searches_selects_and_exports(inno, personas, login):
    Patent.objects.create(
        publication_no="CN1A", title="污水处理膜组件", abstract="一种污水处理用膜组件", legal_status="有效"
    )
    Patent.objects.create(
        publication_no="CN2A", title="液压夹具", abstract="数控机床液压夹具", legal_status="有效"
    )
    client = login(inno["enterprise_user"])
    page = client.get(reverse("innovation:patent_search")).content.decode()
    assert "注册专利信息服务" in page
    client.post(reverse("innovation:patent_register"), {"interests": "污水处理"})
    page = client.get(reverse("innovation:patent_search"), {"q": "污水处理"}).content.decode()
    assert "CN1A" in page and "CN2A" not in page
    assert "检索引擎:tantivy" in page
    assert PatentSearchEvent.objects.count() == 1
    patent = Patent.objects.get(publication_no="CN1A")
    response = client.post(
        reverse("innovation:patent_select"),
        {"selection_list": "new", "new_list_name": "污水备选", "patent": [patent.pk]},
    )
    assert response.status_code == 302
    selection = PatentSelection.objects.get()
    export = client.get(reverse("innovation:selection_export", args=[selection.selection_list_id]))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "CN1A"
    # another unit cannot open the list
    other = login(personas["outsider"])
    assert (
        other.get(reverse("innovation:selection_detail", args=[selection.selection_list_id])).status_code
        == 404
    )
    assert (
        other.get(reverse("innovation:selection_export", args=[selection.selection_list_id])).status_code
        == 404
    )


def test_patent_import_page_reports_errors(inno, personas, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = "公开号,题名,申请日\nCN9A,污水处理,2020-01-01\n,缺公开号,2020-01-01\n".encode()
    client = login(personas["city_admin"])
    response = client.post(
        reverse("innovation:patent_import"), {"file": SimpleUploadedFile("p.csv", data, "text/csv")}
    )
    assert "第3行“公开号”:不能为空" in response.content.decode()
    assert not Patent.objects.exists()


@pytest.mark.parametrize(
    "name,args",
    [
        ("demand_list", []), ("demand_create", []), ("visit_list", []), ("forum_list", []), ("forum_create", []),
        ("society_list", []), ("patent_search", []), ("selection_list", []), ("patent_import", []),
    ],
)  # fmt: skip
def test_pages_render_for_city_admin(inno, personas, login, name, args):
    assert login(personas["city_admin"]).get(reverse(f"innovation:{name}", args=args)).status_code == 200


def test_api_matches_and_search(demand, inno, personas, client):
    client.force_login(personas["city_admin"])
    body = client.get(f"/api/v1/innovation/demands/{demand.pk}/matches").json()
    assert body["experts"][0]["name"] == "王水清" and "污水处理" in body["experts"][0]["explanation"]
    assert body["societies"][0]["name"] == "中国水利学会"
    client.force_login(personas["outsider"])
    assert client.get(f"/api/v1/innovation/demands/{demand.pk}").status_code == 404


def test_ranked_expert_contacted_in_one_click(demand, inno, personas, login):
    admin = personas["city_admin"]
    services.demand_review(actor=admin, demand=demand)
    services.demand_publish(actor=admin, demand=demand)
    client = login(admin)
    page = client.get(reverse("innovation:demand_detail", args=[demand.pk])).content.decode()
    assert page.count('class="float-end quick-contact"') >= 2  # experts and societies
    water = inno["experts"]["water"]
    client.post(reverse("innovation:demand_action", args=[demand.pk, "matchmake"]), {"expert": water.pk})
    demand.refresh_from_db()
    assert demand.status == "matchmaking"
    assert list(demand.contacts.values_list("expert", flat=True)) == [water.pk]
    page = client.get(reverse("innovation:demand_detail", args=[demand.pk])).content.decode()
    assert "已对接" in page and f"<td>{admin}</td>" in page.split("对接记录")[1]  # who recorded it


def test_agreement_attachment_downloads_in_scope_only(demand, inno, personas, login, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    admin = personas["city_admin"]
    services.demand_review(actor=admin, demand=demand)
    services.demand_publish(actor=admin, demand=demand)
    services.demand_matchmake(actor=admin, demand=demand, expert=inno["experts"]["water"])
    services.demand_record_intention(actor=admin, demand=demand)
    pdf = SimpleUploadedFile("协议.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    agreement = services.demand_sign(
        actor=admin, demand=demand, data={"parties": "智水、王水清", "attachment": pdf}
    )
    url = reverse("innovation:agreement_attachment", args=[agreement.pk])
    page = login(admin).get(reverse("innovation:demand_detail", args=[demand.pk])).content.decode()
    assert url in page
    response = login(personas["county_staff"]).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert login(personas["outsider"]).get(url).status_code == 404


def test_enterprise_cannot_import_reference_patents(inno, personas, login):
    from kexie.accounts.roles import Role
    from kexie.testing import _user

    enterprise_admin = _user("zhishui_admin", inno["enterprise"], [Role.ADMIN])
    assert enterprise_admin.has_perm("core.import_records")
    client = login(enterprise_admin)
    assert client.get(reverse("innovation:patent_import")).status_code == 403
    assert "导入专利数据" not in client.get(reverse("innovation:patent_search")).content.decode()
    assert (
        "导入专利数据"
        in login(personas["city_admin"]).get(reverse("innovation:patent_search")).content.decode()
    )


def test_typed_list_name_makes_a_new_list_and_next_stays_on_site(inno, personas, login):
    from kexie.innovation.models import PatentSelectionList

    patent = Patent.objects.create(publication_no="CN1A", title="污水处理膜组件", legal_status="有效")
    staff = personas["county_staff"]
    client = login(staff)
    first = client.post(
        reverse("innovation:patent_select"),
        {"selection_list": "new", "new_list_name": "甲", "patent": [patent.pk]},
    )
    existing = PatentSelectionList.objects.get(name="甲")
    assert first["Location"] == reverse("innovation:selection_detail", args=[existing.pk])
    # the drop-down still shows list 甲, but a new name was typed: a new list
    client.post(
        reverse("innovation:patent_select"),
        {"selection_list": existing.pk, "new_list_name": "乙", "patent": [patent.pk]},
    )
    assert PatentSelectionList.objects.get(name="乙").selections.count() == 1
    # nothing ticked: no empty list is left behind, and `next` cannot leave the site
    response = client.post(
        reverse("innovation:patent_select"),
        {"selection_list": "new", "new_list_name": "丙", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("innovation:patent_search")
    assert not PatentSelectionList.objects.filter(name="丙").exists()


def test_booklet_button_offers_the_latest_year_with_demands(demand, personas, login):
    page = login(personas["city_admin"]).get(reverse("innovation:demand_list")).content.decode()
    assert reverse("innovation:booklet", args=[2020]) in page
    page = (
        login(personas["city_admin"]).get(reverse("innovation:demand_list"), {"year": 2019}).content.decode()
    )
    assert reverse("innovation:booklet", args=[2019]) in page


def test_unknown_pipeline_step_is_404(demand, personas, login):
    response = login(personas["city_admin"]).post(
        reverse("innovation:demand_action", args=[demand.pk, "frobnicate"])
    )
    assert response.status_code == 404
