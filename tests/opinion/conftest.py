import pytest


@pytest.fixture
def desk(world, personas):
    from kexie.opinion.testing import build_opinion

    return build_opinion(world.users, world.orgs)


@pytest.fixture
def opinion_cli(capsys, monkeypatch):
    """Run `kexie opinion ARGS…` as from the command line: (exit status, stdout, stderr).
    Django closes every connection after a command run from the command line; on PostgreSQL that
    would close the test's transaction, so the test keeps its connection open."""
    from django.db import connections

    from kexie.cli import main

    monkeypatch.setattr(connections, "close_all", lambda: None)

    def run(*args):
        try:
            main(["opinion", *args])
        except SystemExit as exc:
            code = exc.code
        else:
            code = 0
        out, err = capsys.readouterr()
        return code, out, err

    return run
