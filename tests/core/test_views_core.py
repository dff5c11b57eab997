import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kexie.activities.models import Activity, Status
from kexie.activities.services import activity_submit

HEADERS = ["活动名称", "活动类型", "开始日期", "结束日期", "所在区划", "主办单位", "参与人数", "状态"]


def workbook(rows) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("活动.xlsx", buffer.getvalue())


GOOD = ["科普进校园", "科普讲座", "2020-09-15", "2020-09-15", "任城区", "任城区科学技术协会", 60, "待审核"]


def test_import_checks_first_then_writes_on_confirm(client, personas):
    client.force_login(personas["county_staff"])
    url = reverse("core:import")
    preview = client.post(url, {"kind": "activities", "file": workbook([GOOD])})
    assert preview.status_code == 200 and not preview.context["committed"]
    assert preview.context["result"].created == 1 and not Activity.objects.exists()
    token = preview.context["pending"]["token"]
    done = client.post(url, {"kind": "activities", "action": "commit", "token": token})
    assert done.context["committed"] and 'id="import-done"' in done.content.decode()
    activity = Activity.objects.get(title="科普进校园")
    assert activity.status == Status.SUBMITTED and activity.reporting_unit == personas["county_staff"].unit


def test_import_error_table_names_row_column_value_reason(client, personas):
    client.force_login(personas["county_staff"])
    bad = [*GOOD[:2], "2020-13-45", *GOOD[3:]]
    response = client.post(reverse("core:import"), {"kind": "activities", "file": workbook([GOOD, bad])})
    errors = response.context["errors"]
    assert (
        errors
        and errors[0]["row"] == 3
        and errors[0]["column"] == "开始日期"
        and errors[0]["value"] == "2020-13-45"
    )
    page = response.content.decode()
    assert 'id="import-errors"' in page and "跳过错误行" in page
    assert not Activity.objects.exists()


def test_import_rejects_a_stale_confirmation(client, personas):
    client.force_login(personas["county_staff"])
    response = client.post(
        reverse("core:import"), {"kind": "activities", "action": "commit", "token": "nope"}
    )
    assert "已过期" in response.context["error"]


def test_import_template_and_export_are_workbooks(client, personas, make_activity):
    make_activity(title="可导出的活动")
    client.force_login(personas["county_staff"])
    template = client.get(reverse("core:import_template"), {"kind": "activities"})
    assert template.status_code == 200 and template.content.startswith(b"PK")
    export = client.get(reverse("core:export"), {"kind": "activities"})
    values = [c.value for row in load_workbook(io.BytesIO(export.content)).active.iter_rows() for c in row]
    assert "可导出的活动" in values


def test_audit_log_is_scoped_and_filterable(client, personas, make_activity):
    make_activity(title="任城区活动")
    client.force_login(personas["outsider"])
    assert "任城区活动" not in client.get(reverse("core:audit_log")).content.decode()
    client.force_login(personas["city_admin"])
    entries = client.get(reverse("core:audit_log"), {"action": "kexie.activity"}).context["page"].object_list
    assert [e.object_repr for e in entries] == ["任城区活动"]
    assert not client.get(reverse("core:audit_log"), {"action": "kexie.person"}).context["page"].object_list


def test_home_shows_drafts_and_pending_reviews(client, personas, make_activity):
    make_activity(title="我的草稿")
    submitted = make_activity(title="等审核")
    activity_submit(actor=personas["county_staff"], activity=submitted)
    client.force_login(personas["county_staff"])
    home = client.get(reverse("home"))
    assert [a.title for a in home.context["mine"]] == ["我的草稿"]
    client.force_login(personas["city_admin"])
    assert client.get(reverse("home")).context["pending"] == "1"


def test_anonymous_home_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_every_module_is_reachable_from_the_sidebar(client, personas):
    client.force_login(personas["county_staff"])
    page = client.get(reverse("home")).content.decode()
    sidebar = page.split('class="kx-sidebar"', 1)[1].split("</nav>", 1)[0]
    for name in ("activities:list", "innovation:demand_list", "innovation:patent_search",
                 "literacy:survey_list", "reports:dashboard", "directory:org_list", "core:audit_log"):  # fmt: skip
        assert f'href="{reverse(name)}"' in sidebar, name


def test_history_shows_chinese_actions_and_field_names(client, personas, make_activity):
    activity = make_activity(title="科普讲座")
    activity_submit(actor=personas["county_staff"], activity=activity)
    client.force_login(personas["county_staff"])
    page = client.get(reverse("activities:activity_detail", args=[activity.pk])).content.decode()
    history = page.split("kx-history", 1)[1]
    assert "上报" in history and "新建" in history and "活动名称" in history
    assert 'title="kexie.activity.submitted"' in history


def test_api_docs_page_loads_nothing_from_outside(client, personas):
    client.force_login(personas["county_staff"])
    page = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in page and "/static/ninja/" in page
    assert "cdn." not in page and "https://" not in page
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
