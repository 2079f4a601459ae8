"""Field encryption: personal data is sealed before it reaches SQLite.

Assume the database file, its WAL and its backups can be copied by an adversary (a
seized laptop, a subpoenaed server). Names, dates of birth, phone numbers, notes, the
answers of a conversation in progress and every message body in the outbox are stored
only as AES-GCM ciphertext. The column name is bound in as associated data, so a value
cannot be moved to another column and still open. Values written before encryption
existed are recognised (no prefix) and sealed in place at start-up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc1:"
HASH_PREFIX = "h1:"
KEY_BYTES = 32
T = TypeVar("T")
OPENED_KEPT = 20_000  # opened values kept for speed (a few MiB at most)


class DataKeyError(Exception):
    """The data key is missing, malformed or not the one this database was sealed with."""


def generate_key() -> str:
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


def parse_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (ValueError, TypeError):
        raise DataKeyError(
            "the data key is not valid base64 (make one with rrbot generate-key)"
        ) from None
    if len(key) != KEY_BYTES:
        raise DataKeyError("the data key must be 32 bytes (make one with rrbot generate-key)")
    return key


class FieldCipher:
    """Seals values with the data key and makes keyed hashes with the database's hash key.

    The hash key is random, made once per database and stored sealed with the data key,
    so hashes survive key rotation (a rotated key must not break "is this the same
    member?") and mean nothing to whoever holds the database without the data key.
    """

    def __init__(self, key: bytes, hash_key: bytes | None = None) -> None:
        self._aead = AESGCM(key)
        self.key_id = hashlib.sha256(b"rrbot-key-id:" + key).hexdigest()[:8]
        self._hash_key = hash_key
        self._head = f"{PREFIX}{self.key_id}:"
        # Values opened lately, by (field, sealed value): /status and every new report
        # read the same open reports again and again. A sealed value has a random nonce,
        # so it always opens to the same text; the cache is bounded and emptied after a
        # purge (`forget`), so what was deleted does not stay here either.
        self._opened: dict[tuple[str, str], str] = {}

        # Values made from opened ones (a report read from its row), by what they were
        # made from: bounded, and emptied with the rest.
        self._made: dict[Hashable, object] = {}

    @property
    def hash_key(self) -> bytes | None:
        return self._hash_key

    @hash_key.setter
    def hash_key(self, key: bytes | None) -> None:
        self._hash_key = key
        self._made.clear()  # hashes made with another key

    def forget(self) -> None:
        """Drop every opened value kept for speed (after a purge)."""
        self._opened.clear()
        self._made.clear()

    def remembered(self, key: Hashable, make: Callable[[], T]) -> T:
        """`make()`, kept under `key` for the next time. `key` must hold everything the
        value is made from (a whole row), so an equal key means an equal value."""
        try:
            return cast(T, self._made[key])
        except KeyError:
            pass
        value = make()
        if len(self._made) >= OPENED_KEPT:
            del self._made[next(iter(self._made))]
        self._made[key] = value
        return value

    def digest(self, value: str, purpose: str) -> str:
        """A keyed hash: equal values give equal hashes, nothing else can be learnt."""
        if self.hash_key is None:
            raise DataKeyError("the database's hash key has not been loaded")
        key = ("digest", purpose, value)
        known = self._made.get(key)
        if known is not None:
            return cast(str, known)
        mac = hmac.new(self.hash_key, f"{purpose}\0{value}".encode(), hashlib.sha256)
        made = HASH_PREFIX + mac.hexdigest()[:32]
        if len(self._made) >= OPENED_KEPT:
            del self._made[next(iter(self._made))]
        self._made[key] = made
        return made

    def seal(self, value: str, field: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, value.encode(), field.encode())
        return f"{PREFIX}{self.key_id}:{base64.b64encode(nonce + sealed).decode()}"

    def seal_bytes(self, value: bytes, field: str) -> bytes:
        """Bytes (a photo) sealed as bytes: base64 would make a photo a third larger."""
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, value, field.encode())
        return f"{PREFIX}{self.key_id}:".encode() + nonce + sealed

    def open_bytes(self, value: bytes, field: str) -> bytes:
        head = f"{PREFIX}{self.key_id}:".encode()
        if not value.startswith(head):
            if value.startswith(PREFIX.encode()):
                raise DataKeyError("this data was sealed with another key")
            raise DataKeyError(f"a value in {field} is not sealed")
        raw = value[len(head) :]
        try:
            return self._aead.decrypt(raw[:12], raw[12:], field.encode())
        except InvalidTag:
            raise DataKeyError(f"a value in {field} does not open with this key") from None

    def open(self, value: str, field: str) -> str:
        known = self._opened.get((field, value))
        if known is not None:
            return known
        if not value.startswith(self._head):
            if not value.startswith(PREFIX):
                return value  # written before encryption; sealed at the next start-up
            raise DataKeyError("this data was sealed with another key")
        raw = base64.b64decode(value[len(self._head) :])
        try:
            plain = self._aead.decrypt(raw[:12], raw[12:], field.encode()).decode()
        except InvalidTag:
            raise DataKeyError(f"a value in {field} does not open with this key") from None
        if len(self._opened) >= OPENED_KEPT:
            del self._opened[next(iter(self._opened))]  # the oldest
        self._opened[(field, value)] = plain
        return plain


_current: ContextVar[FieldCipher | None] = ContextVar("rrbot_field_cipher", default=None)


@contextmanager
def using(cipher: FieldCipher) -> Iterator[None]:
    """Make `cipher` the one repositories use, for the length of a transaction."""
    token = _current.set(cipher)
    try:
        yield
    finally:
        _current.reset(token)


def _cipher() -> FieldCipher:
    cipher = _current.get()
    if cipher is None:
        raise DataKeyError("personal data was touched outside a database transaction")
    return cipher


def seal(value: str | None, field: str) -> str | None:
    return None if value is None else _cipher().seal(value, field)


def unseal(value: str | None, field: str) -> str | None:
    return None if value is None else _cipher().open(value, field)


def unseal_text(value: str, field: str) -> str:
    return _cipher().open(value, field)


def seal_bytes(value: bytes, field: str) -> bytes:
    return _cipher().seal_bytes(value, field)


def unseal_bytes(value: bytes, field: str) -> bytes:
    return _cipher().open_bytes(value, field)


def remembered(key: Hashable, make: Callable[[], T]) -> T:
    """See FieldCipher.remembered (values made from sealed data, kept per data key)."""
    return _cipher().remembered(key, make)


def is_sealed(value: str | None) -> bool:
    return value is None or value.startswith(PREFIX)


def digest(value: str, purpose: str) -> str:
    return _cipher().digest(value, purpose)
