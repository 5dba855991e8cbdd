"""The log's Ed25519 signing key: one file holding a C2SP signer key (``PRIVATE+KEY+<origin>+<hash>+<base64>``).

Only this module reads the key file. The key is named after ``settings.VIGIL_LOG_ORIGIN``, as C2SP checkpoints and
the witness ecosystem expect; the verifier key is derived from it and is public.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from django.conf import settings

from vigil.ledger.errors import LedgerError
from vigil.ledger.note import Signer, Verifier, generate_key


class SigningKeyError(Exception):
    """The signing key file is missing, unreadable, malformed or does not belong to this log."""


def _path(path: Path | None) -> Path:
    return Path(path if path is not None else settings.VIGIL_LOG_SIGNING_KEY_FILE)


def ensure_signing_key(path: Path, *, origin: str | None = None) -> None:
    """Create a new signer key file at ``path`` (mode 0600) if there is none. Never overwrites a key."""
    name = origin if origin is not None else settings.VIGIL_LOG_ORIGIN
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    signer_key, _verifier_key = generate_key(name)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process created it first; theirs stands
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(signer_key + "\n")
        f.flush()
        os.fsync(f.fileno())


def load_signer(path: Path | None = None) -> Signer:
    """The log's signer, from the key file; raises ``SigningKeyError`` saying what is wrong."""
    key_path = _path(path)
    try:
        info = key_path.stat()
    except FileNotFoundError:
        raise SigningKeyError(
            f"the log signing key file {key_path} does not exist: run `manage.py init_keys` to create it"
        ) from None
    except OSError as exc:
        raise SigningKeyError(f"cannot read the log signing key file {key_path}: {type(exc).__name__}") from None
    if not stat.S_ISREG(info.st_mode):
        raise SigningKeyError(f"the log signing key {key_path} is not a regular file")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise SigningKeyError(f"the log signing key {key_path} is writable by others: chmod 600 it")
    try:
        text = key_path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise SigningKeyError(f"cannot read the log signing key file {key_path}: {type(exc).__name__}") from None
    try:
        signer = Signer.from_key(text.strip())
    except LedgerError:
        raise SigningKeyError(f"the log signing key file {key_path} does not hold a C2SP Ed25519 signer key") from None
    if signer.name != settings.VIGIL_LOG_ORIGIN:
        raise SigningKeyError(
            f"the log signing key is named {signer.name!r} but VIGIL_LOG_ORIGIN is {settings.VIGIL_LOG_ORIGIN!r}"
        )
    return signer


def load_verifier(path: Path | None = None) -> Verifier:
    """The log's public verifier (derived from the signing key)."""
    return load_signer(path).verifier()


def verifier_key(path: Path | None = None) -> str:
    """The verifier key in C2SP note format: ``<origin>+<key hash>+<base64 public key>``."""
    return str(load_verifier(path).key)
