"""Placeholder until the API work lands: the NinjaAPI instance with token/session auth."""

from ninja import NinjaAPI


def build_api() -> NinjaAPI:
    return NinjaAPI(title="kexie API", version="1", urls_namespace="api")
