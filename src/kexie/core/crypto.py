"""Encryption at rest for personal data, so that a database dump does not show it in
clear. Fernet (AES-128-CBC + HMAC) from `cryptography`, keyed from KEXIE_FIELD_KEY; a
keyed hash (HMAC-SHA256) serves as a blind index for uniqueness and look-ups.

A token names the key that sealed it (`"1:gAAAA…"`), so that a later key rotation only adds
ids to `field_keys()`; tokens written before key ids existed carry none and open with key "1".
"""

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Published in the source code: anyone can decrypt with it. Refused off loopback.
DEFAULT_SECRET_KEY = "kexie-insecure-development-key-change-me"
CURRENT_KEY_ID = "1"
LEGACY_KEY_ID = "1"


def field_keys() -> dict[str, str]:
    """Encryption keys by id. The one place a key is looked up (rotation will add ids here)."""
    return {CURRENT_KEY_ID: settings.FIELD_ENCRYPTION_KEY}


@functools.lru_cache(maxsize=8)
def _fernet_for(secret: str) -> Fernet:
    digest = hashlib.sha256(("fernet:" + secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _fernet(key_id: str) -> Fernet:
    try:
        return _fernet_for(field_keys()[key_id])
    except KeyError:
        raise ImproperlyConfigured(f"field encryption key {key_id!r} is not configured") from None


def encrypt(value: str) -> str:
    if not value:
        return ""
    return f"{CURRENT_KEY_ID}:{_fernet(CURRENT_KEY_ID).encrypt(value.encode()).decode()}"


def decrypt(token: str) -> str:
    if not token:
        return ""
    key_id, _, body = token.rpartition(":")
    return _fernet(key_id or LEGACY_KEY_ID).decrypt(body.encode()).decode()


def blind_index(value: str) -> str:
    if not value:
        return ""
    key = ("index:" + field_keys()[CURRENT_KEY_ID]).encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def default_keys_in_use() -> list[str]:
    """The environment variables that still hold the published default key."""
    names = []
    if settings.SECRET_KEY == DEFAULT_SECRET_KEY:
        names.append("KEXIE_SECRET_KEY")
    if settings.FIELD_ENCRYPTION_KEY == DEFAULT_SECRET_KEY:
        names.append("KEXIE_FIELD_KEY")
    return names


def default_keys_message(names: list[str]) -> str:
    return (
        f"{'、'.join(names)} 仍是源代码中公开的默认密钥:持有数据库副本的任何人都能解密其中的身份证号和手机号。"
        '请为本机生成自己的密钥并写入环境变量(例如 python -c "import secrets; print(secrets.token_urlsafe(50))"),'
        "妥善备份 KEXIE_FIELD_KEY(丢失后已加密的数据无法恢复)。"
    )


def refuse_default_keys() -> None:
    """For a production entry point (WSGI): refuse the published keys unless in debug mode."""
    names = default_keys_in_use()
    if names and not settings.DEBUG:
        raise ImproperlyConfigured(default_keys_message(names))
