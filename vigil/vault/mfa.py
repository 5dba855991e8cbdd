"""TOTP secrets sealed by the vault: allauth stores each authenticator app's secret through its MFA adapter's
encrypt/decrypt hooks, and this adapter seals them (AES-GCM under a data key the master key wraps), so a database
dump holds no usable second factor. Configured as MFA_ADAPTER; the account rules come from vigil.accounts.adapter."""

from __future__ import annotations

import base64

from vigil.accounts.adapter import MFAAdapter
from vigil.vault import seal, unseal

_PREFIX = "vault:"
PURPOSE = "totp-secret"


class SealedMFAAdapter(MFAAdapter):
    def encrypt(self, text: str) -> str:
        return _PREFIX + base64.b64encode(seal(text, purpose=PURPOSE)).decode("ascii")

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(_PREFIX):
            return encrypted_text  # stored before secrets were sealed
        return unseal(base64.b64decode(encrypted_text[len(_PREFIX) :]), purpose=PURPOSE)
