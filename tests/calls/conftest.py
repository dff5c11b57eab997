import pytest

from kexie.calls import services
from kexie.calls.testing import open_call
from kexie.directory.services import person_create


@pytest.fixture
def city_call(world):
    """The city's call (济宁市科协), open; 任城区科协 may recommend 2."""
    admin = world.users["city_admin"]
    call = open_call(admin)
    services.unit_quota_set(actor=admin, call=call, unit=world.orgs["rencheng"], quota=2)
    return call


@pytest.fixture
def make_person(world):
    def make(name="王科研", actor=None, **extra):
        actor = actor or world.users["county_staff"]
        return person_create(
            actor=actor, data={"name": name, "unit": actor.unit, "is_sci_worker": True, **extra}
        )

    return make


@pytest.fixture
def recommend(world, city_call, make_person):
    """任城区科协 recommends a person to the city's call (a draft)."""

    def make(name="王科研", actor=None, call=None, **data):
        actor = actor or world.users["county_staff"]
        person = make_person(name, actor=actor)
        answers = data.pop("answers", {"achievements": "带领团队攻克关键技术", "field": "工业"})
        return services.entry_create(
            actor=actor,
            call=call or city_call,
            data={"title": name, "person": person, "answers": answers, **data},
        )

    return make
