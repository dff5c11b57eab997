import pytest


@pytest.fixture
def desk(world, personas):
    from kexie.opinion.testing import build_opinion

    return build_opinion(world.users, world.orgs)


@pytest.fixture
def opinion_cli(capsys):
    """Run `kexie opinion ARGS…` as from the command line: (exit status, stdout, stderr)."""
    from kexie.cli import main

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
