"""The demo city (济宁市, 2019–2020): `kexie demo` loads it; see docs/architecture.md "Demo data"."""

from kexie.demo.data import ADMIN_USERNAME, DEMO_PASSWORD

__all__ = ["ADMIN_USERNAME", "DEMO_PASSWORD", "load"]


def load(*, reset: bool = False, modules: bool = True, migrate: bool = True, progress=None):
    from kexie.demo.runner import load as _load

    return _load(reset=reset, modules=modules, migrate=migrate, progress=progress)
