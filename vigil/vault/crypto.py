"""The only module that touches encryption keys. Everything else calls seal() / unseal()."""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
import threading

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.db import transaction
from django.utils import timezone

from vigil.vault.errors import VaultError
from vigil.vault.keyfile import master_key_id, read_master_key
from vigil.vault.models import DataKey

_VERSION = b"V1"
_HEADER = struct.Struct(">2sI")  # version, data key id
_NONCE_BYTES = 12
_KEY_BYTES = 32

_lock = threading.Lock()
_data_keys: dict[int, AESGCM] = {}


def _wrap_aad(master_id: str) -> bytes:
    return b"vigil-data-key\x00" + master_id.encode("ascii")


def _unwrap(row: DataKey, master: bytes) -> AESGCM:
    wrapped = bytes(row.wrapped)
    try:
        key = AESGCM(master).decrypt(wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:], _wrap_aad(row.master_key_id))
    except InvalidTag:
        raise VaultError(f"data key {row.pk} does not open with the configured master key") from None
    return AESGCM(key)


def _wrap(key: bytes, master: bytes) -> tuple[bytes, str]:
    mid = master_key_id(master)
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(master).encrypt(nonce, key, _wrap_aad(mid)), mid


def _key(pk: int) -> AESGCM:
    with _lock:
        cached = _data_keys.get(pk)
    if cached is not None:
        return cached
    row = DataKey.objects.filter(pk=pk).first()
    if row is None:
        raise VaultError(f"data key {pk} does not exist")
    aead = _unwrap(row, read_master_key())
    with _lock:
        _data_keys[pk] = aead
    return aead


def _current_key_id() -> int:
    row = DataKey.objects.filter(retired_at__isnull=True).order_by("-pk").first()
    if row is not None:
        return row.pk
    return rotate_data_key()


def rotate_data_key() -> int:
    """Start sealing new values with a fresh data key; older keys still open older values."""
    master = read_master_key()
    wrapped, mid = _wrap(os.urandom(_KEY_BYTES), master)
    with transaction.atomic():
        DataKey.objects.filter(retired_at__isnull=True).update(retired_at=timezone.now())
        row = DataKey.objects.create(wrapped=wrapped, master_key_id=mid)
    return row.pk


def rewrap_data_keys(*, old_master: bytes, new_master: bytes) -> int:
    """Re-encrypt every data key under a new master key (master key rotation). Sealed values are untouched."""
    count = 0
    with transaction.atomic():
        for row in DataKey.objects.select_for_update().order_by("pk"):
            raw = bytes(row.wrapped)
            try:
                key = AESGCM(old_master).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _wrap_aad(row.master_key_id))
            except InvalidTag:
                raise VaultError(f"data key {row.pk} does not open with the old master key") from None
            row.wrapped, row.master_key_id = _wrap(key, new_master)
            row.save(update_fields=["wrapped", "master_key_id"])
            count += 1
    forget_keys()
    return count


def forget_keys() -> None:
    """Drop unwrapped data keys held in this process (after a master key change, and in tests)."""
    with _lock:
        _data_keys.clear()
        _hash_keys.clear()


_hash_keys: dict[str, bytes] = {}


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of a low-entropy identifier (a phone number, a provider's message id) under a key derived from
    the master key for `purpose` (HKDF-SHA256). A copy of the database, or of the data directory without the key
    file, cannot test guesses against it; the same value gives the same hash while the master key stays."""
    if not purpose or "\x00" in purpose:
        raise VaultError("purpose must be a non-empty label")
    with _lock:
        key = _hash_keys.get(purpose)
    if key is None:
        info = b"vigil-keyed-hash\x00" + purpose.encode("utf-8")
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(read_master_key())
        with _lock:
            _hash_keys[purpose] = key
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def _aad(purpose: str, header: bytes) -> bytes:
    if not purpose or "\x00" in purpose:
        raise VaultError("purpose must be a non-empty label")
    return header + b"\x00" + purpose.encode("utf-8")


def seal(plaintext: str, *, purpose: str) -> bytes:
    """Encrypt `plaintext` for storage in a BinaryField. `purpose` names the field (e.g. "report-contact")."""
    pk = _current_key_id()
    header = _HEADER.pack(_VERSION, pk)
    nonce = os.urandom(_NONCE_BYTES)
    return header + nonce + _key(pk).encrypt(nonce, plaintext.encode("utf-8"), _aad(purpose, header))


def unseal(blob: bytes | memoryview, *, purpose: str) -> str:
    """Decrypt a value sealed with the same `purpose`; raises VaultError if it was altered or the key is wrong."""
    data = bytes(blob)
    if len(data) < _HEADER.size + _NONCE_BYTES + 16:
        raise VaultError("sealed value is truncated")
    version, pk = _HEADER.unpack_from(data)
    if version != _VERSION:
        raise VaultError("sealed value has an unknown format version")
    header = data[: _HEADER.size]
    nonce = data[_HEADER.size : _HEADER.size + _NONCE_BYTES]
    try:
        plain = _key(pk).decrypt(nonce, data[_HEADER.size + _NONCE_BYTES :], _aad(purpose, header))
    except InvalidTag:
        raise VaultError("sealed value does not open: altered, wrong purpose or wrong key") from None
    return plain.decode("utf-8")
