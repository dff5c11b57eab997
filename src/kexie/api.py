"""The REST API root (/api/v1/). Each app with an `api.py` defining `router` is mounted
under its label; auth and error handling are set up in kexie.core.api."""

from importlib import import_module
from importlib.util import find_spec

from kexie.core.api_base import build_api

APP_APIS = [
    "accounts",
    "directory",
    "activities",
    "reports",
    "literacy",
    "innovation",
    "hotline",
    "calls",
    "honours",
    "volunteers",
    "societies",
    "opinion",
    "office",
    "bases",
    "funds",
    "stats",
]

api = build_api()
for _label in APP_APIS:
    if find_spec(f"kexie.{_label}.api"):
        api.add_router(f"/{_label}/", import_module(f"kexie.{_label}.api").router)
