"""The demo reproduces the seed's volunteer and training figures through the services, and
the 2020 review states them."""

import time

import pytest

from kexie.core.indicators import Period, Scope, get


@pytest.fixture
def demo(db):
    from kexie.demo.loader import load_demo
    from kexie.volunteers import demo

    context = load_demo()
    start = time.perf_counter()
    demo.load(context)
    context.seconds = time.perf_counter() - start
    return context


def test_demo_figures_match_the_seed(demo):
    from kexie.accounts.models import User
    from kexie.volunteers.models import VolunteerTeam

    scope = Scope(User.objects.get(username="admin"))

    def value(code):
        return get(code).compute(Period.year(2020), scope).value

    assert value("volunteers.sessions") == 75  # 科普志愿服务 75场次, each activity once
    assert value("volunteers.late_records") == 0
    assert value("volunteers.hours") > 0
    assert 600 <= value("volunteers.leaders_trained") <= 649  # 600余名
    assert value("volunteers.courses") == 6 + 22 + 2
    assert value("volunteers.people_trained") == 620 + 500 + 60
    teams = VolunteerTeam.objects.unscoped(reason="test").values_list("organisation__name", flat=True)
    assert "济宁市科协疫情防控心理援助志愿服务队" in teams
    print(f"volunteers demo loaded in {demo.seconds:.1f} s")


def test_the_five_anti_cult_volunteers_recommended_are_the_calls_entries(db):
    """Linked, not duplicated: the people of the calls demo's 反邪教志愿者 recommendation are the
    volunteers of the 反邪教 category (one profile each, no second person)."""
    from kexie.calls import demo as calls_demo
    from kexie.calls.models import Entry
    from kexie.demo.loader import load_demo
    from kexie.directory.models import Person
    from kexie.volunteers import demo
    from kexie.volunteers.models import VolunteerProfile

    context = load_demo()
    calls_demo.load(context)
    people_before = Person.objects.unscoped(reason="test").count()
    demo.load(context)
    recommended = set(
        Entry.objects.unscoped(reason="test")
        .filter(call__series=demo.ANTI_CULT_SERIES)
        .values_list("person_id", flat=True)
    )
    anti_cult = set(
        VolunteerProfile.objects.unscoped(reason="test")
        .filter(service_category="anti_cult")
        .values_list("person_id", flat=True)
    )
    assert len(recommended) == 5 and anti_cult == recommended
    added = Person.objects.unscoped(reason="test").count() - people_before
    assert added == 24 + 12 + 620 + 30  # the demo's own volunteers and trainees: no anti-cult duplicates
