"""Run-time half of "scope that fails closed", and the forms the same mechanism carries for
people who are not staff of a unit: per-object grants, capability links, published scope."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone

from kexie.activities.models import Activity, Campaign
from kexie.core import grants
from kexie.core.models import AuditEntry, CapabilityLink
from kexie.core.scoping import ScopeError, ScopeMiddleware, enforced, is_enforced
from kexie.directory.models import Organisation, Person


@pytest.fixture
def activity(make_activity):
    return make_activity()


def test_a_query_without_a_scope_raises_while_enforced(activity):
    with enforced():
        for read in (
            lambda: list(Activity.objects.all()),
            lambda: Activity.objects.count(),
            lambda: Activity.objects.filter(pk=activity.pk).exists(),
            lambda: Activity.objects.get(pk=activity.pk),
            lambda: Activity.objects.values_list("pk", flat=True).first(),
            lambda: Activity.objects.filter(pk=activity.pk).update(title="x"),
            lambda: Organisation.objects.aggregate(n=__import__("django").db.models.Count("id")),
        ):
            with pytest.raises(ScopeError):
                read()


def test_every_request_is_enforced():
    seen = []
    middleware = ScopeMiddleware(lambda request: seen.append(is_enforced()) or "response")
    assert middleware(RequestFactory().get("/")) == "response"
    assert seen == [True] and not is_enforced()


def test_scoped_and_explicitly_unscoped_reads_work(activity, personas):
    with enforced():
        assert list(Activity.objects.for_user(personas["county_staff"])) == [activity]
        assert list(Activity.objects.for_user(personas["outsider"])) == []
        assert Activity.objects.within(personas["county_staff"].unit).count() == 1
        assert Activity.objects.unscoped(reason="test").filter(title=activity.title).count() == 1
        with pytest.raises(ValueError):
            Activity.objects.unscoped(reason=" ")


def test_django_internals_keep_working_while_enforced(activity, personas, world):
    with enforced():
        assert activity.reporting_unit.name  # forward relation: the base manager
        assert list(world.orgs["rencheng"].reported_activities.all()) == [activity]  # related manager
        assert AuditEntry.objects.for_user(personas["city_admin"]).exists()
        person = Person(name="张三", unit=world.orgs["rencheng"])
        person.validate_unique()  # uniqueness looks at every row
        activity.delete()  # the deletion collector
    assert not Activity.objects.filter(pk=activity.pk).exists()  # outside a request: not enforced


def test_a_view_reading_without_a_scope_fails_instead_of_leaking(client, personas, activity, monkeypatch):
    from kexie.activities import selectors  # the activity pages read through their selectors

    monkeypatch.setattr(selectors, "get_scoped_or_404", lambda qs, user, **lookup: qs.get(**lookup))
    client.force_login(personas["outsider"])
    client.raise_request_exception = True
    with pytest.raises(ScopeError):
        client.get(f"/activities/{activity.pk}/")


# ---------------------------------------------------------------- per-object grants


def test_a_grant_opens_one_object_to_one_user(activity, make_activity, personas, world):
    from kexie.accounts.models import User

    judge = User.objects.create_user(username="judge", password="x")  # no unit: sees nothing
    other = make_activity(title="另一场讲座")
    assert not Activity.objects.for_user(judge).exists()
    grant = grants.grant_create(actor=personas["county_staff"], user=judge, obj=activity, capability="score")
    assert list(Activity.objects.for_user(judge, capability="score")) == [activity]
    assert not Activity.objects.for_user(judge).exists()  # another capability: not granted
    assert other not in Activity.objects.for_user(judge, capability="score")
    entry = AuditEntry.objects.unscoped(reason="test").filter(action="kexie.grant.created").get()
    assert entry.unit == world.orgs["rencheng"]
    grants.grant_revoke(actor=personas["county_staff"], grant=grant)
    assert not Activity.objects.for_user(judge, capability="score").exists()


def test_a_grant_ends_at_valid_until(activity, personas):
    from kexie.accounts.models import User

    cadre = User.objects.create_user(username="cadre", password="x")
    past = timezone.now() - dt.timedelta(minutes=1)
    grants.grant_create(
        actor=personas["county_staff"], user=cadre, obj=activity, capability="view", valid_until=past
    )
    assert not Activity.objects.for_user(cadre).exists()


def test_only_the_objects_scope_may_grant(activity, personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        grants.grant_create(
            actor=personas["outsider"], user=personas["outsider"], obj=activity, capability="view"
        )


def test_a_grant_adds_to_a_staff_members_unit_scope(activity, make_activity, personas, world):
    theirs = make_activity(
        actor=personas["outsider"], organiser=world.orgs["yanzhou"], region=world.regions["370812"]
    )
    staff = personas["county_staff"]
    assert theirs not in Activity.objects.for_user(staff)
    grants.grant_create(actor=personas["outsider"], user=staff, obj=theirs, capability="view")
    staff = type(staff).objects.unscoped(reason="test").get(pk=staff.pk)
    assert set(Activity.objects.for_user(staff)) == {activity, theirs}


# ---------------------------------------------------------------- capability links


def test_a_capability_link_carries_its_own_right(activity, personas):
    link, token = grants.link_create(actor=personas["county_staff"], obj=activity, capability="score")
    assert token not in link.token_hash and len(link.token_hash) == 64
    assert grants.link_resolve(token, "score") == activity
    assert grants.link_resolve(token, "score", model=Activity) == activity
    assert grants.link_resolve(token, "score", model=Campaign) is None
    assert grants.link_resolve(token, "edit") is None
    assert grants.link_resolve(token + "x", "score") is None
    grants.link_revoke(actor=personas["county_staff"], link=link)
    assert grants.link_resolve(token, "score") is None


def test_an_expired_link_opens_nothing(activity, personas):
    past = timezone.now() - dt.timedelta(seconds=1)
    _link, token = grants.link_create(
        actor=personas["county_staff"], obj=activity, capability="view", valid_until=past
    )
    assert grants.link_resolve(token, "view") is None
    assert CapabilityLink.objects.unscoped(reason="test").count() == 1


# ---------------------------------------------------------------- published scope


def test_published_is_what_the_model_declares_public(world):
    from kexie.innovation.models import Demand

    enterprise = Organisation.objects.create(name="某企业", kind="enterprise", parent=world.orgs["rencheng"])
    common = {
        "enterprise": enterprise,
        "description": "d",
        "industry": "i",
        "collected_on": dt.date(2020, 5, 1),
    }
    public = Demand.objects.create(title="公开", status="published", **common)
    Demand.objects.create(title="保密", status="published", is_confidential=True, **common)
    Demand.objects.create(title="草稿", status="collected", **common)
    with enforced():
        assert list(Demand.objects.published()) == [public]
        assert list(Activity.objects.published()) == []  # no published_filter: nothing is public


def test_the_admin_keeps_working_for_superusers(client, activity, personas):
    from kexie.accounts.models import User

    root = User.objects.create_superuser(username="root", password="x")
    client.force_login(root)
    for url in (
        "/admin/activities/activity/",
        f"/admin/activities/activity/{activity.pk}/change/",
        "/admin/directory/person/",
    ):
        assert client.get(url).status_code == 200, url


def test_an_empty_queryset_reads_no_row_and_needs_no_scope(activity):
    with enforced():
        assert list(Activity.objects.none()) == [] and Activity.objects.none().count() == 0
        with pytest.raises(ScopeError):  # a filter that merely matches nothing is still a read
            list(Activity.objects.filter(pk=-1))


def test_drill_down_of_an_indicator_with_nothing_to_count_answers_200(client, personas):
    """Found by the API fuzzer: the literacy records of a year without a survey were `.none()`,
    which the guard refused, and the API answered 500."""
    client.force_login(personas["city_admin"])
    answer = client.get("/api/v1/reports/indicators/literacy.rate/records?year=2020")
    assert answer.status_code == 200 and answer.json()["items"] == []
