import pytest


@pytest.fixture
def hotline(world, personas):
    from kexie.hotline.testing import build_hotline

    return build_hotline(world.users, world.orgs)
