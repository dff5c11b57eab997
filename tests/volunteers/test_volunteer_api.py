"""The API's volunteer list: each volunteer's hours are the sum of the recorded service records
the caller may see, read from the records (not the hours summary), the same figure as the
volunteer's own page."""

from decimal import Decimal

from kexie.volunteers import selectors
from kexie.volunteers.models import HoursSummary
from kexie.volunteers.services import service_record_enter, service_record_report


def test_list_hours_are_the_records_the_caller_may_see(
    client, world, staff, make_volunteer, make_activity, service_activity, entry
):
    volunteer = make_volunteer(name="李志愿")
    idle = make_volunteer(name="王未服务")
    service_record_enter(actor=staff, volunteer=volunteer, activity=service_activity, data=entry)
    service_record_report(  # pending: never counts
        actor=staff, volunteer=idle, activity=service_activity, data={**entry, "hours": Decimal("6")}
    )
    city_admin = world.users["city_admin"]
    city_activity = make_activity(
        actor=city_admin, title="全市科普日", kind=world.kinds["outreach.volunteer"], venue="太白广场"
    )
    service_record_enter(  # organised by the city: outside the county staff's scope
        actor=city_admin, volunteer=volunteer, activity=city_activity, data={**entry, "hours": Decimal("4")}
    )
    HoursSummary.objects.unscoped(reason="test: the list must not read stored totals").update(hours=99)

    client.force_login(staff)
    items = {v["name"]: v for v in client.get("/api/v1/volunteers/volunteers").json()["items"]}
    assert items["李志愿"]["hours"] == "2.50"  # not 6.50 (the city's record) nor the spoiled summary
    assert items["王未服务"]["hours"] == "0.00"

    client.force_login(city_admin)
    items = {v["name"]: v for v in client.get("/api/v1/volunteers/volunteers").json()["items"]}
    assert items["李志愿"]["hours"] == "6.50"


def test_list_and_detail_agree(client, staff, make_volunteer, service_activity, entry):
    volunteer = make_volunteer()
    service_record_enter(actor=staff, volunteer=volunteer, activity=service_activity, data=entry)
    client.force_login(staff)
    listed = client.get("/api/v1/volunteers/volunteers").json()["items"][0]["hours"]
    detail = client.get(f"/api/v1/volunteers/volunteers/{volunteer.pk}").json()["hours"]
    assert listed == detail == str(selectors.person_hours(staff, volunteer))
