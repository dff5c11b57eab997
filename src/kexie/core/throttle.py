"""A small rate limit for public pages (the certificate check): at most `limit` hits per key in
a fixed window, counted in Django's cache. With several server processes, configure a shared
cache (CACHES) for one count across them; the default per-process cache counts per process."""

from django.core.cache import cache


def client_address(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client wrote unless a trusted proxy sets it.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one hit; False when the key is over its limit for the current window."""
    cache_key = f"kexie:throttle:{key}"
    if cache.add(cache_key, 1, timeout=window):
        return limit >= 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window)
        count = 1
    return count <= limit
