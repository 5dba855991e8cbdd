"""Key files for a benchmark run, kept apart from its data directory as production keeps them.

With VIGIL_DEBUG=0, Vigil refuses to start when a key file sits inside VIGIL_DATA_DIR (docs/deployment.md), so each
benchmark that starts Vigil puts its throwaway keys in a directory of their own and passes a secret key.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path


def keys_apart() -> dict[str, str]:
    keys = Path(tempfile.mkdtemp(prefix="vigil-bench-keys-"))
    keys.chmod(0o700)
    return {
        "VIGIL_MASTER_KEY_FILE": str(keys / "master.key"),
        "VIGIL_LOG_SIGNING_KEY_FILE": str(keys / "log-signing.key"),
        "VIGIL_VAPID_KEY_FILE": str(keys / "vapid.pem"),
        "VIGIL_SECRET_KEY_FILE": str(keys / "secret_key"),
        "VIGIL_SECRET_KEY": os.environ.get("VIGIL_SECRET_KEY") or secrets.token_urlsafe(40),
    }


def use_keys_apart() -> None:
    """For benchmarks that configure Django in their own process: fill in whatever the environment does not set."""
    for name, value in keys_apart().items():
        os.environ.setdefault(name, value)
