"""The vault master key file. Kept free of Django models so settings and commands can use it before set-up."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from vigil.vault.errors import VaultError

_KEY_BYTES = 32


def read_master_key(path: Path | None = None) -> bytes:
    if path is None:
        from django.conf import settings

        path = Path(settings.VIGIL_MASTER_KEY_FILE)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise VaultError(f"master key file {path} is missing: run `manage.py init_keys`") from None
    key = raw.strip()
    if len(key) == 2 * _KEY_BYTES:
        try:
            key = bytes.fromhex(key.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            raise VaultError(f"master key file {path} is not 32 bytes of hex") from None
    if len(key) != _KEY_BYTES:
        raise VaultError(f"master key file {path} must hold 32 bytes as 64 hex characters")
    return key


def write_master_key(path: Path) -> bool:
    """Create a new master key file (mode 0600) unless one exists. Returns True if it created one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as f:
        f.write(os.urandom(_KEY_BYTES).hex() + "\n")
    return True


def master_key_id(master: bytes) -> str:
    return hashlib.sha256(b"vigil-master-key-id\x00" + master).hexdigest()[:16]
