"""The 公示, the final results and the certificates through the API, as on the call's page."""

import pytest

from kexie.calls import services
from kexie.calls.testing import open_call
from kexie.core.models import AuditEntry


@pytest.fixture
def decided(world):
    admin = world.users["city_admin"]
    call = open_call(admin, title="2020年济宁市科普创作大赛", kind="competition", entrant_kind="project",
                     series="", eligibility=[], form_fields=[],
                     prize_levels=[{"code": "first", "label": "一等奖"}])  # fmt: skip
    entry = services.entry_create(
        actor=admin, call=call, data={"title": "星空科普绘本", "entrant_name": "王芳"}
    )
    services.entry_submit(actor=admin, entry=entry)
    services.entry_accept(actor=admin, entry=entry)
    services.entry_decide(actor=admin, entry=entry, outcome="award", prize="first", votes_for=7)
    return call, entry


def test_notice_finalise_and_certificates_through_the_api(client, world, decided):
    call, entry = decided
    client.force_login(world.users["city_admin"])
    base = f"/api/v1/calls/{call.pk}"
    early = client.post(f"{base}/finalise", {}, content_type="application/json")
    assert early.status_code == 422  # not on notice yet
    started = client.post(f"{base}/notice", {"starts_on": "2020-09-29"}, content_type="application/json")
    assert started.status_code == 200 and started.json()["status"] == "notice"
    assert client.post(f"{base}/certificates").status_code == 422  # results not final yet
    final = client.post(f"{base}/finalise")
    assert final.status_code == 200 and final.json()["status"] == "final"
    issued = client.post(f"{base}/certificates").json()
    (cert,) = issued["certificates"]
    assert issued["issued"] == 1 and cert["entry"] == entry.code and not cert["revoked"]
    assert cert["verify_url"].endswith(f"/verify/{cert['code']}/")
    again = client.post(f"{base}/certificates").json()
    assert again["issued"] == 0 and again["certificates"] == [cert]  # issuing twice adds nothing
    assert "证书真实有效" in client.get(f"/verify/{cert['code']}/").content.decode()
    assert AuditEntry.objects.filter(action="kexie.call.finalised", object_id=str(call.pk)).exists()


def test_other_units_get_404(client, world, decided):
    call, _ = decided
    client.force_login(world.users["county_staff"])
    for step in ("notice", "finalise", "certificates"):
        response = client.post(f"/api/v1/calls/{call.pk}/{step}", {}, content_type="application/json")
        assert response.status_code == 404, step


def test_objections_listed_and_decided_through_the_api(client, world, decided):
    import datetime as dt

    from kexie.calls import notice

    call, entry = decided
    admin = world.users["city_admin"]
    notice.call_notice_start(actor=admin, call=call, starts_on=dt.date(2020, 9, 29))
    notice.objection_file(call=call, entry=entry, text="作品与去年获奖作品雷同", objector_kind="person",
                          objector_name="周实名", phone="13912345678", today=dt.date(2020, 10, 12))  # fmt: skip
    client.force_login(admin)
    (row,) = client.get(f"/api/v1/calls/{call.pk}/objections").json()
    assert row["entry"] == entry.code and row["status"] == "pending" and "周实名" in row["objector"]
    assert "13912345678" not in row["objector"]  # the phone masked even for the handlers' list
    empty = client.post(f"/api/v1/calls/objections/{row['id']}/decide", {"upheld": True, "decision": ""},
                        content_type="application/json")  # fmt: skip
    assert empty.status_code == 422
    upheld = client.post(f"/api/v1/calls/objections/{row['id']}/decide",
                         {"upheld": True, "decision": "经核实确系雷同,撤销授奖"}, content_type="application/json")  # fmt: skip
    assert upheld.status_code == 200 and upheld.json()["status"] == "upheld"
    entry.refresh_from_db()
    assert entry.status == "not_awarded"  # the upheld objection withdrew the award
    client.force_login(world.users["outsider"])
    seen = client.get(f"/api/v1/calls/{call.pk}/objections").json()  # a county sees the city's call
    assert all(r["objector"] is None for r in seen)  # but not who objected
    decide = client.post(f"/api/v1/calls/objections/{row['id']}/decide", {"upheld": False, "decision": "x"},
                         content_type="application/json")  # fmt: skip
    assert decide.status_code == 404
