"""Encryption at rest for personal data, so that a database dump does not show it in
clear. Fernet (AES-128-CBC + HMAC) from `cryptography`, keyed from KEXIE_FIELD_KEY; a
keyed hash (HMAC-SHA256) serves as a blind index for uniqueness and look-ups."""

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet
from django.conf import settings


@functools.cache
def _fernet() -> Fernet:
    digest = hashlib.sha256(("fernet:" + settings.FIELD_ENCRYPTION_KEY).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode() if token else ""


def blind_index(value: str) -> str:
    if not value:
        return ""
    key = ("index:" + settings.FIELD_ENCRYPTION_KEY).encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
