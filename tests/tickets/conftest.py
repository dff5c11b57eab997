import pytest

from kexie.tickets.models import Clock
from kexie.tickets.services import queue_create


@pytest.fixture
def county_queue(world, personas):
    """任城区科协's farm line: office hours, 4 h to the first response, 2 working days to resolve."""
    return queue_create(
        actor=personas["county_staff"],
        data={
            "code": "rencheng-farm",
            "name": "任城区农技咨询",
            "first_response_minutes": 240,
            "resolution_minutes": 900,
        },
        members=[personas["county_staff"]],
    )


@pytest.fixture
def psychology_queue(world, personas):
    """The city's 24-hour psychological-aid line: the society's secretary answers, nobody else
    of the city sees its tickets."""
    from kexie.testing import _user

    supervisor = _user("psy_supervisor", world.orgs["society"], ["viewer"])
    queue = queue_create(
        actor=personas["city_admin"],
        data={
            "code": "psychology",
            "name": "心理援助热线",
            "clock": Clock.ROUND_THE_CLOCK,
            "first_response_minutes": 10,
            "resolution_minutes": 24 * 60,
            "is_sensitive": True,
        },
        members=[personas["society_secretary"]],
        supervisors=[supervisor],
    )
    queue.supervisor = supervisor
    return queue
