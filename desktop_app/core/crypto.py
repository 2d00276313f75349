"""Encryption at rest for customer data (conversation text, contact details).

The key lives in its own file with mode 0600, outside the database, so a copied database file
alone reveals nothing; the store records only the key's fingerprint (see ``store.opening``).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop_app.core.errors import ConfigError
from desktop_app.core.keyfile import create_key, read_key


def load_or_create_key(path: Path) -> bytes:
    """The key in ``path``, creating one if there is none. Only for stores known to be empty: a
    store's start goes through ``store.opening``, which never makes a key for a store with data."""
    return read_key(path) or create_key(path)


class TextCipher:
    """Symmetric encryption of short texts (messages) with authenticated tokens."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def encrypt(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken as exc:
            raise ConfigError("Stored text cannot be decrypted with the current key.") from exc


def derive_key(key: bytes, purpose: str) -> bytes:
    """A 32-byte sub-key for one purpose (HKDF-SHA256), so the blind index and the fingerprint
    never reuse the encryption key itself."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode("ascii")).derive(key)


def key_fingerprint(key: bytes) -> str:
    """A short public name for a key: recorded in the store so a start with the wrong key is refused.
    Derived one-way, so it reveals nothing about the key."""
    return hashlib.sha256(derive_key(key, "desktop-app fingerprint v1")).hexdigest()[:16]


class BlindIndex:
    """Keyed hash (HMAC-SHA256) of a normalised value: equality lookups (e.g. phone last four)
    without storing the value; without the key the index cannot be brute-forced offline."""

    def __init__(self, key: bytes) -> None:
        self._key = derive_key(key, "desktop-app blind index v1")

    def __call__(self, value: str) -> str:
        return hmac.new(self._key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class StoreKeys:
    """Everything derived from the store's one key: the text cipher, the blind index and the
    key's fingerprint. Built once at start and bound to the store (``Database.bind_keys``)."""

    cipher: TextCipher
    blind_index: BlindIndex
    fingerprint: str

    @classmethod
    def from_key(cls, key: bytes) -> StoreKeys:
        return cls(cipher=TextCipher(key), blind_index=BlindIndex(key), fingerprint=key_fingerprint(key))
