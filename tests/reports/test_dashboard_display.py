"""What the dashboard shows: colours that know which way is good, grouped digits, and a county
filter that offers only the counties within the user's scope."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kexie.activities.models import Activity, Status


def _card_change_class(page: str, code: str) -> str:
    card = re.search(rf'data-code="{re.escape(code)}".*?<div class="small ([\w-]+)"', page, re.S)
    assert card, f"no year-on-year line on the {code} card"
    return card.group(1)


def _with_status(activity, status):
    Activity.objects.filter(pk=activity.pk).update(status=status)


@pytest.fixture
def more_returned_than_last_year(make_activity):
    """One returned record in 2019, two in 2020; approved records grow as well."""
    for start in (dt.date(2019, 5, 1), dt.date(2020, 5, 1), dt.date(2020, 6, 1)):
        _with_status(make_activity(start_date=start, end_date=start), Status.RETURNED)
        _with_status(make_activity(start_date=start, end_date=start), Status.SUBMITTED)
    for start in (dt.date(2019, 5, 2), dt.date(2020, 5, 2), dt.date(2020, 6, 2)):
        _with_status(make_activity(start_date=start, end_date=start, participants=12345), Status.APPROVED)


def test_a_rise_in_returned_or_pending_records_is_shown_as_bad(
    client, personas, more_returned_than_last_year
):
    client.force_login(personas["city_admin"])
    page = client.get(reverse("reports:dashboard"), {"year": 2020}).content.decode()
    assert _card_change_class(page, "activities.returned") == "text-danger"
    assert _card_change_class(page, "activities.pending") == "text-danger"
    assert _card_change_class(page, "activities.by_county") == "text-success"
    pending_column = re.search(r'id="county-table".*?</table>', page, re.S).group(0)
    assert 'text-danger">(+100.0%)' in pending_column


def test_large_numbers_have_thousands_separators(client, personas, more_returned_than_last_year):
    client.force_login(personas["city_admin"])
    dashboard = client.get(reverse("reports:dashboard"), {"year": 2020}).content.decode()
    assert re.search(r'data-code="activities.participants">24,690<', dashboard)
    listing = client.get(reverse("reports:indicators"), {"year": 2020}).content.decode()
    assert ">24,690</a>" in listing and ">12,345<" in listing
    records = client.get(reverse("reports:records", args=["activities.participants"]), {"year": 2020})
    assert ">24,690<" in records.content.decode()


def test_review_queue_submission_time_has_the_year(client, personas, make_activity):
    activity = make_activity()
    submitted = timezone.make_aware(dt.datetime(2020, 9, 20, 10, 30))
    Activity.objects.filter(pk=activity.pk).update(status=Status.SUBMITTED, submitted_at=submitted)
    client.force_login(personas["city_admin"])
    Activity.objects.filter(pk=activity.pk).update(participants=12345)
    page = client.get(reverse("activities:review_queue")).content.decode()
    assert "2020-09-20 10:30" in page and '<td class="kx-num">12,345</td>' in page
    listing = client.get(reverse("activities:list")).content.decode()
    assert '<td class="kx-num">12,345</td>' in listing


def _county_options(page: str) -> set[str]:
    select = re.search(r'<select[^>]*name="region".*?</select>', page, re.S).group(0)
    return set(re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select))


@pytest.mark.parametrize(
    "persona,counties",
    [("city_admin", {"任城区", "兖州区"}), ("county_staff", {"任城区"}), ("outsider", {"兖州区"})],
)
def test_county_filter_offers_the_counties_within_the_users_scope(client, personas, persona, counties):
    client.force_login(personas[persona])
    for url in (reverse("reports:dashboard"), reverse("reports:indicators"), reverse("activities:list")):
        assert _county_options(client.get(url, {"year": 2020}).content.decode()) == counties, url


def test_review_page_groups_digits_and_the_word_text_keeps_them(
    client, personas, more_returned_than_last_year
):
    from kexie.core.indicators import Period, Scope
    from kexie.reports.review import build_review

    client.force_login(personas["city_admin"])
    page = client.get(reverse("reports:review"), {"year": 2020}).content.decode()
    assert re.search(r'class="kx-figure" href="[^"]+">24,690</a>', page)
    assert "参与24690人次" in build_review(Period.year(2020), Scope(personas["city_admin"])).text
