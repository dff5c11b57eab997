"""Encryption at rest for personal data, so that a database dump does not show it in
clear. Fernet (AES-128-CBC + HMAC) from `cryptography`, keyed from KEXIE_FIELD_KEY; a
keyed hash (HMAC-SHA256) serves as a blind index for uniqueness and look-ups.

A token names the key that sealed it (`"1:gAAAA…"`); tokens written before key ids existed carry
none and open with key "1".

Keys are versioned (docs/operations.md "Rotate the field key"). Key "1" is `KEXIE_FIELD_KEY`; the
keyring file (`KEXIE_KEYRING`, by default `keyring.json` in the data directory, written by `kexie keys
rotate`, never in a backup) adds later keys and says which one seals new values (`current`), which
one keys the blind indexes (`index`) and which ids are retired (key "1" too: then
`KEXIE_FIELD_KEY` is no longer read). Every process reads the file again when it changes, so a
running site follows a rotation without a restart.
"""

import base64
import functools
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Published in the source code: anyone can decrypt with it. Refused off loopback.
DEFAULT_SECRET_KEY = "kexie-insecure-development-key-change-me"
LEGACY_KEY_ID = "1"


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, str]  # id -> secret, every key that can still open a token
    current: str = LEGACY_KEY_ID  # seals new values
    index: str = LEGACY_KEY_ID  # keys the blind indexes (switched at the end of a rotation)
    retired: tuple[str, ...] = ()
    rotating: bool = False  # a `kexie keys rotate` has begun and not finished
    stored: dict = field(default_factory=dict, compare=False)  # the file as read (for rewriting)


def keyring_path() -> Path:
    return Path(settings.FIELD_KEYRING)


def keyring() -> Keyring:
    """The keys in force now: KEXIE_FIELD_KEY as key "1" and whatever the keyring file adds."""
    path = keyring_path()
    try:
        stat = path.stat()
        stamp = (str(path), stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        stamp = (str(path), 0, -1)
    return _keyring_for(stamp, settings.FIELD_ENCRYPTION_KEY)


@functools.lru_cache(maxsize=4)
def _keyring_for(stamp: tuple, legacy_secret: str) -> Keyring:
    stored = _read_keyring_file(Path(stamp[0])) if stamp[2] >= 0 else {}
    retired = tuple(stored.get("retired", ()))
    keys = {} if LEGACY_KEY_ID in retired else {LEGACY_KEY_ID: legacy_secret}
    keys.update({str(k): v for k, v in stored.get("keys", {}).items() if str(k) not in retired})
    return Keyring(
        keys=keys,
        current=str(stored.get("current", LEGACY_KEY_ID)),
        index=str(stored.get("index", LEGACY_KEY_ID)),
        retired=retired,
        rotating=bool(stored.get("rotating", False)),
        stored=stored,
    )


def _read_keyring_file(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"密钥文件 {path} 无法读取:{exc}") from None


def write_keyring(stored: dict) -> None:
    """Replace the keyring file in one step (a reader sees the old file or the new one), readable
    by its owner only."""
    path = keyring_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(stored, out, ensure_ascii=False, indent=1, sort_keys=True)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)


def field_keys() -> dict[str, str]:
    """Encryption keys by id. The one place a key is looked up."""
    return keyring().keys


def current_key_id() -> str:
    return keyring().current


@functools.lru_cache(maxsize=8)
def _fernet_for(secret: str) -> Fernet:
    digest = hashlib.sha256(("fernet:" + secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _fernet(key_id: str) -> Fernet:
    try:
        return _fernet_for(field_keys()[key_id])
    except KeyError:
        raise ImproperlyConfigured(f"field encryption key {key_id!r} is not configured") from None


def encrypt(value: str, key_id: str | None = None) -> str:
    if not value:
        return ""
    key_id = key_id or current_key_id()
    return f"{key_id}:{_fernet(key_id).encrypt(value.encode()).decode()}"


def key_id_of(token: str) -> str:
    """The id of the key that sealed `token`."""
    return token.rpartition(":")[0] or LEGACY_KEY_ID


def decrypt(token: str) -> str:
    if not token:
        return ""
    key_id, _, body = token.rpartition(":")
    return _fernet(key_id or LEGACY_KEY_ID).decrypt(body.encode()).decode()


def blind_index(value: str, key_id: str | None = None) -> str:
    """Keyed hash for exact look-ups, under the keyring's index key (or `key_id`)."""
    if not value:
        return ""
    ring = keyring()
    key_id = key_id or ring.index
    try:
        secret = ring.keys[key_id]
    except KeyError:
        raise ImproperlyConfigured(f"blind index key {key_id!r} is not configured") from None
    return hmac.new(("index:" + secret).encode(), value.encode(), hashlib.sha256).hexdigest()


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
