"""The web pages: a county fills and submits, the city accepts; scope; exports."""

from tests.stats.conftest import fill_hand_cells

from kexie.stats import compute, services
from kexie.stats.models import StatsReport


def _login(client, user):
    client.force_login(user)
    return client


def test_county_fills_submits_and_city_accepts_through_the_pages(client, world, academic):
    academic(1)
    staff, city = world.users["county_staff"], world.users["city_admin"]
    _login(client, staff)
    r = client.post("/stats/prepare/", {"unit": world.orgs["rencheng"].pk, "year": 2020})
    report = StatsReport.objects.unscoped(reason="test").get()
    assert r.status_code == 302 and r["Location"].endswith(f"/stats/{report.pk}/")
    page = client.get(f"/stats/{report.pk}/").content.decode()
    assert "CKX表3 学术交流活动" in page and "/reports/records/activities.academic_exchange/" in page
    data = {
        f"c:{t}:{c}": "0" for (t, c), cell in compute.report_cells(report).items() if not cell.is_computed
    }
    data.update({"c:CKX表3:04-1": "1", "c:CKX表3:04-2": "120", "explanation": "无"})
    client.post(f"/stats/{report.pk}/save/", data)
    client.post(f"/stats/{report.pk}/submit/", {"seen": "draft"})
    report.refresh_from_db()
    assert report.is_reviewable
    _login(client, city)
    client.post(f"/stats/{report.pk}/accept/", {"seen": "submitted"})
    report.refresh_from_db()
    assert report.is_accepted


def test_scope_county_sees_its_own_city_sees_all(client, world):
    county = services.report_prepare(actor=world.users["city_admin"], unit=world.orgs["yanzhou"], year=2020)
    assert _login(client, world.users["county_staff"]).get(f"/stats/{county.pk}/").status_code == 404
    assert _login(client, world.users["city_admin"]).get(f"/stats/{county.pk}/").status_code == 200
    assert client.get(f"/stats/{county.pk}/export.xlsx").status_code == 200


def test_named_query_cell_lists_its_records(client, world):
    report = services.report_prepare(actor=world.users["city_admin"], unit=world.orgs["city"], year=2020)
    page = _login(client, world.users["city_admin"]).get(f"/stats/{report.pk}/cells/AK表1-1/04-1/")
    assert page.status_code == 200 and "济宁市心理学会" in page.content.decode()
    fill_hand_cells(report, world.users["city_admin"])
