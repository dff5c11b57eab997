"""One rule for campaigns on every channel: a campaign is read by the host's scope and by the
units taking part in it (with the units below them); only the host's scope edits it."""

import datetime as dt

import pytest
from django.urls import reverse

from kexie.activities.models import Campaign
from kexie.activities.services import campaign_create


@pytest.fixture
def city_campaign(world, personas):
    return campaign_create(
        actor=personas["city_admin"],
        data={
            "name": "2020年全国科普日",
            "year": 2020,
            "start_date": dt.date(2020, 9, 1),
            "end_date": dt.date(2020, 9, 30),
        },
        participating_units=[world.orgs["rencheng"]],
    )


def _web(client, user, campaign):
    client.force_login(user)
    return client.get(reverse("activities:campaign_detail", args=[campaign.pk])).status_code


def _api(client, user, campaign):
    client.force_login(user)
    return client.get(f"/api/v1/activities/campaigns/{campaign.pk}").status_code


@pytest.mark.parametrize(
    "persona, expected",
    [("city_admin", 200), ("county_staff", 200), ("outsider", 404), ("society_secretary", 404)],
)
def test_web_and_api_answer_the_same(client, personas, city_campaign, persona, expected):
    """任城区科协 takes part: it reads the campaign; 兖州区科协 sits below the host too but takes
    no part: it does not (the web used to answer 200 and the API 404)."""
    user = personas[persona]
    assert (_web(client, user, city_campaign), _api(client, user, city_campaign)) == (expected, expected)
    listed = client.get("/api/v1/activities/campaigns").json()["items"]
    assert (city_campaign.pk in [c["id"] for c in listed]) == (expected == 200)


def test_the_units_below_a_participant_read_it_too(world, city_campaign):
    from kexie.accounts.models import User

    teacher = User.objects.create_user(username="teacher", password="x", unit=world.orgs["school"])
    assert Campaign.objects.for_user(teacher).filter(pk=city_campaign.pk).exists()


def test_only_the_hosts_scope_edits(client, personas, city_campaign):
    client.force_login(personas["county_staff"])
    assert client.get(reverse("activities:campaign_edit", args=[city_campaign.pk])).status_code == 404
    response = client.patch(
        f"/api/v1/activities/campaigns/{city_campaign.pk}", {"name": "改名"}, content_type="application/json"
    )
    assert response.status_code == 404
    page = client.get(reverse("activities:campaign_detail", args=[city_campaign.pk])).content.decode()
    assert reverse("activities:campaign_edit", args=[city_campaign.pk]) not in page
    client.force_login(personas["city_admin"])
    response = client.patch(
        f"/api/v1/activities/campaigns/{city_campaign.pk}", {"name": "改名"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert Campaign.objects.unscoped(reason="test").get(pk=city_campaign.pk).name == "改名"
