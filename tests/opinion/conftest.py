import pytest


@pytest.fixture
def desk(world, personas):
    from kexie.opinion.testing import build_opinion

    return build_opinion(world.users, world.orgs)
