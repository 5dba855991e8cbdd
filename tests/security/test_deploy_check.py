"""`VIGIL_DEBUG=0 manage.py check --deploy` with the production environment of docs/deployment.md prints nothing."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_check_deploy_is_clean_with_the_documented_environment(tmp_path: Path) -> None:
    keys, data = tmp_path / "keys", tmp_path / "data"
    keys.mkdir(mode=0o700)
    secret = keys / "secret_key"
    secret.write_text(secrets.token_urlsafe(50))
    secret.chmod(0o600)
    skip = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the browser tests set the latter for themselves
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIL_") and k not in skip}
    env |= {
        "DJANGO_SETTINGS_MODULE": "vigil.settings",
        "VIGIL_DEBUG": "0",
        "VIGIL_DATA_DIR": str(data),
        "VIGIL_MASTER_KEY_FILE": str(keys / "master.key"),
        "VIGIL_LOG_SIGNING_KEY_FILE": str(keys / "log-signing.key"),
        "VIGIL_SECRET_KEY_FILE": str(secret),
        "VIGIL_SITE_URL": "https://vigil.example.org",
        "VIGIL_ALLOWED_HOSTS": "vigil.example.org",
    }
    checked = _manage(env, "check", "--deploy")
    assert checked.returncode == 0, checked.stderr
    assert "System check identified no issues (0 silenced)." in checked.stdout, checked.stdout + checked.stderr
    assert "WARNING" not in checked.stderr
