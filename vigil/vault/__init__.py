"""Field encryption for sensitive data: envelope encryption with AES-256-GCM.

A random data key encrypts field values; the data key is stored in the database only wrapped (encrypted) by the
master key, which lives in a file named by settings.VIGIL_MASTER_KEY_FILE. A database dump alone reveals nothing.

    blob = seal("+1 555 0100", purpose="report-contact")
    unseal(blob, purpose="report-contact")  # -> "+1 555 0100"

`purpose` is bound to the ciphertext (AES-GCM associated data): a blob sealed for one field cannot be passed off as
another. Sealed values expire through vigil.vault.retention.
"""

from vigil.vault.errors import VaultError


def seal(plaintext: str, *, purpose: str) -> bytes:
    from vigil.vault import crypto

    return crypto.seal(plaintext, purpose=purpose)


def unseal(blob: bytes | memoryview, *, purpose: str) -> str:
    from vigil.vault import crypto

    return crypto.unseal(blob, purpose=purpose)


def keyed_hash(value: str, *, purpose: str) -> str:
    """A keyed hash (HMAC under a key derived from the master key) of a low-entropy identifier such as a number."""
    from vigil.vault import crypto

    return crypto.keyed_hash(value, purpose=purpose)


__all__ = ["VaultError", "keyed_hash", "seal", "unseal"]
