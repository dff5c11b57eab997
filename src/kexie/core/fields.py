"""Model fields for personal data encrypted at rest.

A phone number is three columns, declared together (later modules copy these three lines):

    phone = EncryptedPhoneField(_("手机号码"), blank=True)
    phone_hash = PhoneIndexField(source="phone")
    phone_masked = MaskedPhoneField(source="phone")

In Python `phone` is the plain number; in the database it is a Fernet token (kexie.core.crypto).
`phone_hash` is the blind index for exact search (`.filter(phone_hash=phone_index(text))`);
search by the last digits is given up. `phone_masked` (138****5678) is what lists show without
decrypting. The companions are computed on every save and bulk_create (their `pre_save`); a
`bulk_update` or `QuerySet.update` must go through `with_companions`/`refresh_companions`.
Forms show the mask (`mask`), services keep the stored value when the mask comes back
(kexie.core.services.apply_fields), the audit log masks the number and leaves the index out.
"""

import re
from collections.abc import Iterable

from django.db import models

from kexie.core import crypto
from kexie.core.masking import mask_phone

PHONE_INPUT_MAX_LENGTH = 30


def normalise_phone(value: str) -> str:
    """Digits only, so that 138-1234-5678 and 13812345678 find each other."""
    return re.sub(r"\D", "", value or "")


def phone_index(value: str, key_id: str | None = None) -> str:
    """The blind index of a phone number: what `<name>_hash` holds and exact search compares."""
    return crypto.blind_index(normalise_phone(value), key_id)


def personal_search_index(text: str) -> str | None:
    """The blind index to search for when `text` is an ID number or a phone number, else None.

    Such a search must never travel in a URL (access logs keep URLs): the page posts it and
    redirects to the index, which an ID-number hash and a phone hash both answer."""
    from kexie.core.validators import normalise_id_number

    compact = re.sub(r"[\s\-()]", "", text or "")
    if re.fullmatch(r"\d{17}[\dXx]|\d{15}", compact):
        return crypto.blind_index(normalise_id_number(compact))
    if re.fullmatch(r"\+?\d{7,}", compact):
        return phone_index(compact)
    return None


class EncryptedField:
    """Marks a column that holds kexie tokens (kexie.core.crypto): what key rotation re-seals and
    backup copies as stored. Every such column derives from this class; nothing lists them by hand.
    `plain(token)` is the value the token seals."""

    @staticmethod
    def plain(token: str) -> str:
        return crypto.decrypt(token) if token else ""


class BlindIndex:
    """Marks a column holding the blind index of the encrypted field named `source`; key rotation
    recomputes it with `index_of(plain value, key id)`."""

    source: str

    def index_of(self, plain: str, key_id: str | None = None) -> str:
        return crypto.blind_index(plain, key_id)


class EncryptedTokenField(EncryptedField, models.TextField):
    """A token kept as the token in Python too: the model seals and opens it itself (an ID number,
    `Person.set_id_number` / `Person.id_number`). Deconstructs as the TextField it is in the
    database: the class only tells kexie what the column holds, so it needs no migration."""

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs


class BlindIndexField(BlindIndex, models.CharField):
    """The blind index of an EncryptedTokenField, set by the model with the token. Deconstructs
    as a CharField for the same reason as EncryptedTokenField."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source  # not deconstructed: migrations see the CharField only
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


def encrypted_fields() -> list[tuple[type[models.Model], models.Field]]:
    """(model, field) of every column holding tokens, in every installed app."""
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedField)
    ]


def blind_indexes_of(model: type[models.Model], field: models.Field) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndex) and f.source == field.name]


class EncryptedPhoneField(EncryptedField, models.TextField):
    """A phone number stored encrypted; the plain number in Python. Only `isnull` can be looked
    up: a ciphertext never equals the text searched for, so a lookup would silently miss."""

    mask = staticmethod(mask_phone)

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt(value) if value else ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return crypto.encrypt(value) if value else ""

    def get_lookup(self, lookup_name):
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def get_transform(self, name):
        return None

    def formfield(self, **kwargs):
        return models.Field.formfield(self, max_length=PHONE_INPUT_MAX_LENGTH, **kwargs)


class _CompanionField(models.CharField):
    """A column computed from `source` on save; never edited, never in the audit log."""

    audit_hidden = True

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        # db_default too: rows inserted by raw SQL (benchmarks, fixtures) need no value for it.
        kwargs.update(blank=True, editable=False, default="", db_default="")
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key in ("blank", "editable", "default", "db_default"):
            kwargs.pop(key, None)
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def compute(self, value: str) -> str:
        raise NotImplementedError

    def pre_save(self, model_instance, add):
        value = self.compute(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


class PhoneIndexField(BlindIndex, _CompanionField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def compute(self, value: str) -> str:
        return phone_index(value)

    def index_of(self, plain: str, key_id: str | None = None) -> str:
        return phone_index(plain, key_id)


class MaskedPhoneField(_CompanionField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", PHONE_INPUT_MAX_LENGTH)
        super().__init__(*args, **kwargs)

    def compute(self, value: str) -> str:
        return mask_phone(value)


def companions(model: type[models.Model], names: Iterable[str]) -> list[_CompanionField]:
    names = set(names)
    return [f for f in model._meta.concrete_fields if isinstance(f, _CompanionField) and f.source in names]


def with_companions(model: type[models.Model], names: Iterable[str]) -> list[str]:
    """Field names for a bulk_update, with the companions of any encrypted field among them."""
    names = list(names)
    return names + [f.name for f in companions(model, names) if f.name not in names]


def refresh_companions(obj: models.Model, names: Iterable[str] | None = None) -> None:
    fields = (
        companions(type(obj), names)
        if names is not None
        else [f for f in obj._meta.concrete_fields if isinstance(f, _CompanionField)]
    )
    for field in fields:
        field.pre_save(obj, add=False)


def is_token(value: str) -> bool:
    """A stored value that is already a kexie token (so a migration does not seal it twice)."""
    return value.rpartition(":")[2].startswith("gAAAAA")


def encrypt_plain_rows(schema_editor, table: str, column: str) -> None:
    """Data migration step: seal the plain phone numbers of `table.column` and fill
    `<column>_hash` and `<column>_masked`. Raw SQL, since the model field would try to decrypt."""
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {quote(column)} FROM {quote(table)} WHERE {quote(column)} <> ''")
        rows = [(pk, value) for pk, value in cursor.fetchall() if value and not is_token(value)]
        cursor.executemany(
            f"UPDATE {quote(table)} SET {quote(column)} = %s, {quote(column + '_hash')} = %s, "
            f"{quote(column + '_masked')} = %s WHERE id = %s",
            [(crypto.encrypt(value), phone_index(value), mask_phone(value), pk) for pk, value in rows],
        )


def decrypt_sealed_rows(schema_editor, table: str, column: str) -> None:
    """The reverse step: plain numbers again (for rolling the migration back)."""
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {quote(column)} FROM {quote(table)} WHERE {quote(column)} <> ''")
        rows = [(crypto.decrypt(value), pk) for pk, value in cursor.fetchall() if value and is_token(value)]
        cursor.executemany(f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s", rows)
