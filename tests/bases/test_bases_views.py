"""The staff pages of bases: a naming round opened on the web, a base applying through it,
reviewed in the call engine, named, renewed; the naming notice (Word); venues created and
changed; the home panel of assessments due."""

import datetime as dt
import io

from django.urls import reverse
from django.utils import timezone
from docx import Document

from kexie.bases import selectors, services
from kexie.bases.models import BaseDesignation, NamingRound, Venue
from kexie.calls.models import Entry
from kexie.core.audit import AuditEntry

from .conftest import FULL, through_review

ROUND = {
    "title": "2021年济宁市科普教育基地命名", "year": "2021", "honour_level": "city", "opens_on": "2021-03-01",
    "closes_on": "2021-04-30", "batch": "第六批", "theme": "青少年科技教育", "valid_from": "2021-07-01",
    "valid_to": "2025-12-31", "document_no": "济科协字〔2021〕18号", "open_now": "on",
}  # fmt: skip


def test_round_application_naming_renewal_and_notice_on_the_web(client, world, city_admin):
    client.force_login(city_admin)
    assert client.get(reverse("bases:round_create")).status_code == 200
    r = client.post(reverse("bases:round_create"), {**ROUND, "valid_to": "2021-01-01"})
    assert r.status_code == 200 and "有效期至不能早于有效期起" in r.content.decode()
    assert not NamingRound.objects.exists()
    r = client.post(reverse("bases:round_create"), ROUND)
    naming_round = NamingRound.objects.get()
    assert r.status_code == 302
    assert (naming_round.batch, naming_round.call.kind, naming_round.call.status) == (
        "第六批",
        "designation",
        "open",
    )
    assert f'id="apply-{naming_round.pk}"' in client.get(reverse("bases:designation_list")).content.decode()

    r = client.post(
        reverse("bases:round_apply", args=[naming_round.pk]), {"base": world.orgs["base"].pk, "submit": "on"}
    )
    entry = Entry.objects.get()
    assert r.status_code == 302 and r.url == reverse("calls:entry_detail", args=[entry.pk])
    assert (entry.organisation, entry.status) == (world.orgs["base"], "submitted")
    r = client.post(reverse("bases:round_apply", args=[naming_round.pk]), {"base": world.orgs["school"].pk})
    assert r.status_code == 200 and Entry.objects.count() == 1  # not an outreach base: not offered

    through_review(city_admin, naming_round, [entry], final_on=dt.date(2021, 6, 30))
    client.post(reverse("bases:round_land", args=[naming_round.pk]))
    record = BaseDesignation.objects.get()
    assert (record.batch, record.theme, record.valid_to) == (
        "第六批",
        "青少年科技教育",
        dt.date(2025, 12, 31),
    )

    r = client.get(reverse("bases:round_notice", args=[naming_round.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "关于命名第六批市级科普教育基地的通知" in text
    assert (
        "决定命名以下1家单位为第六批市级科普教育基地(青少年科技教育),有效期自2021年7月1日至2025年12月31日"
        in text
    )
    assert "1. 兖州区科技馆" in text and "济科协字〔2021〕18号" in text

    r = client.post(reverse("bases:designation_renew", args=[record.pk]), {"valid_to": "2025-06-30"})
    record.refresh_from_db()
    assert record.valid_to == dt.date(2025, 12, 31)  # a renewal must reach beyond the validity
    client.post(
        reverse("bases:designation_renew", args=[record.pk]), {"valid_to": "2029-12-31", "reason": "复核合格"}
    )
    record.refresh_from_db()
    assert record.valid_to == dt.date(2029, 12, 31) and record.designation.valid_until == dt.date(
        2029, 12, 31
    )
    assert [c.kind for c in record.changes.all()] == ["named", "renewed"]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "kexie.naming_round.created",
        "kexie.naming_round.landed",
        "kexie.base_designation.renewed",
    } <= actions


def test_other_units_do_not_reach_a_round_or_its_notice(client, world, naming_round):
    client.force_login(world.users["society_secretary"])
    assert client.get(reverse("bases:round_apply", args=[naming_round.pk])).status_code == 404
    assert client.get(reverse("bases:round_notice", args=[naming_round.pk])).status_code == 404


def test_venues_created_and_changed_on_the_web(client, world, city_admin):
    client.force_login(city_admin)
    data = {"name": "微山县科技馆", "kind": "special", "region": world.regions["370811"].pk, "exhibition_area": "1800",
            "opened_on": "2019-05-01", "is_active": "on"}  # fmt: skip
    assert client.post(reverse("bases:venue_create"), data).status_code == 302
    venue = Venue.objects.get()
    assert (venue.operator, venue.exhibition_area) == (city_admin.unit, 1800)
    client.post(
        reverse("bases:venue_edit", args=[venue.pk]),
        {**data, "exhibition_area": "2000", "operator": venue.operator_id},
    )
    venue.refresh_from_db()
    assert venue.exhibition_area == 2000
    client.force_login(world.users["outsider"])
    assert client.get(reverse("bases:venue_edit", args=[venue.pk])).status_code == 404


def test_a_venue_has_its_own_page_with_months_and_years(client, world):
    from kexie.bases import testing

    staff = world.users["county_staff"]
    venue = testing.venue(staff, world.regions["370811"], name="任城区科技馆")
    services.venue_visitors_record(actor=staff, venue=venue, month=dt.date(2019, 8, 1), visitors=1000)
    services.venue_visitors_record(actor=staff, venue=venue, month=dt.date(2020, 1, 1), visitors=1200)
    client.force_login(staff)
    url = reverse("bases:venue_detail", args=[venue.pk])
    # recorded from the venue's own page, which it returns to
    r = client.post(reverse("bases:venue_visitors", args=[venue.pk]), {"month": "2020-09", "visitors": "3300",
                                                                      "back": "venue"})  # fmt: skip
    assert r.status_code == 302 and r["Location"] == f"{url}?year=2020"
    page = client.get(url, {"year": 2020}).content.decode().replace(",", "").replace("\u202f", "")
    assert "任城区科技馆" in page and "3000 平方米" in page  # exhibition area
    assert 'id="venue-year-total">4500<' in page and "已登记 2 个月" in page and "1.5" in page  # per m²
    months = page[page.index('id="venue-months"') : page.index("</table>", page.index('id="venue-months"'))]
    assert months.count("<td>") == 12 and "3300" in months and "1200" in months
    years = page[page.index('id="venue-years"') :]
    assert years.index("2019") < years.index("2020") and "1000" in years and "4500" in years
    assert 'id="venue-visitors-form"' in page and 'id="venue-edit"' in page
    # the same figures in the API
    api = client.get(f"/api/v1/bases/venues/{venue.pk}", {"year": 2020}).json()
    assert (api["monthly"][0], api["monthly"][8], api["year_visitors"], api["exhibition_area"]) == (
        1200,
        3300,
        4500,
        3000,
    )
    assert api["years"] == [{"year": 2019, "visitors": 1000}, {"year": 2020, "visitors": 4500}]
    # linked from the 科技馆体系 view; out of scope: 404
    assert url in client.get(reverse("bases:system"), {"year": 2020}).content.decode()
    client.force_login(world.users["society_secretary"])
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/bases/venues/{venue.pk}").status_code == 404


def test_assessments_due_until_decided_and_on_the_home_page(client, world, city_admin, named):
    assert [r.pk for r in selectors.assessments_due(city_admin, 2020)] == [named.pk]
    assert list(selectors.assessments_due(world.users["society_secretary"], 2020)) == []
    a = services.assessment_record(actor=city_admin, base_designation=named, year=2020, figures=FULL)
    (row,) = selectors.assessments_due(city_admin, 2020)
    assert row.drafted
    services.assessment_decide(actor=city_admin, assessment=a, on=dt.date(2021, 2, 1))
    assert list(selectors.assessments_due(city_admin, 2020)) == []
    assert list(selectors.assessments_due(city_admin, 2019)) == []  # not yet named then

    last_year = timezone.localdate().year - 1
    services.designation_renew(
        actor=city_admin, base_designation=named, valid_to=dt.date(last_year + 3, 12, 31)
    )
    client.force_login(city_admin)
    page = client.get("/").content.decode()
    assert 'id="bases-panel"' in page and f"{last_year}年度基地考核待完成" in page and "兖州区科技馆" in page
    client.force_login(world.users["society_secretary"])
    assert 'id="bases-panel"' not in client.get("/").content.decode()
