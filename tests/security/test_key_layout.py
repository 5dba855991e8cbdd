"""Replay: a copy of the data directory alone unsealed every contact, because the keys lived in it. With debug off,
Vigil refuses to start when a key file sits inside the data directory or can be read by other users, and never makes
its own secret key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from vigil.lib.keylayout import key_layout_problems

ROOT = Path(__file__).resolve().parents[2]


def _write(path: Path, mode: int = 0o600) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("k" * 64)
    path.chmod(mode)
    return path


def test_a_key_inside_the_data_directory_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    problems = key_layout_problems(data, {"VIGIL_MASTER_KEY_FILE": _write(data / "keys" / "master.key")})
    assert problems and "inside VIGIL_DATA_DIR" in problems[0]


def test_a_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    key = _write(tmp_path / "keys" / "master.key", 0o644)
    problems = key_layout_problems(tmp_path / "data", {"VIGIL_MASTER_KEY_FILE": key})
    assert problems and "chmod 600" in problems[0]


def test_keys_on_their_own_storage_pass(tmp_path: Path) -> None:
    keys = {name: _write(tmp_path / "keys" / name) for name in ("master.key", "log-signing.key", "secret_key")}
    assert key_layout_problems(tmp_path / "data", keys) == []


def test_a_symlink_into_the_data_directory_is_still_inside(tmp_path: Path) -> None:
    data = tmp_path / "data"
    real = _write(data / "master.key")
    (tmp_path / "keys").mkdir()
    link = tmp_path / "keys" / "master.key"
    link.symlink_to(real)
    assert key_layout_problems(data, {"VIGIL_MASTER_KEY_FILE": link})


def _start(env_over: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIL_") and k != "DJANGO_SETTINGS_MODULE"}
    env |= {"DJANGO_SETTINGS_MODULE": "vigil.settings", "VIGIL_DEBUG": "0", **env_over}
    code = "import django; django.setup()"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_production_refuses_to_start_with_the_default_layout(tmp_path: Path) -> None:
    started = _start({"VIGIL_DATA_DIR": str(tmp_path / "data"), "VIGIL_SECRET_KEY": "x" * 50})
    assert started.returncode != 0
    assert "VIGIL_MASTER_KEY_FILE" in started.stderr and "inside VIGIL_DATA_DIR" in started.stderr


def test_production_never_makes_its_own_secret_key(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    started = _start(
        {
            "VIGIL_DATA_DIR": str(tmp_path / "data"),
            "VIGIL_MASTER_KEY_FILE": str(keys / "master.key"),
            "VIGIL_LOG_SIGNING_KEY_FILE": str(keys / "log-signing.key"),
            "VIGIL_SECRET_KEY_FILE": str(keys / "secret_key"),
        }
    )
    assert started.returncode != 0 and "no secret key" in started.stderr
    assert not (keys / "secret_key").exists() and not (tmp_path / "data" / "secret_key").exists()


def test_production_starts_with_keys_apart_and_private(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    for name in ("master.key", "secret_key"):
        _write(keys / name)
    started = _start(
        {
            "VIGIL_DATA_DIR": str(tmp_path / "data"),
            "VIGIL_MASTER_KEY_FILE": str(keys / "master.key"),
            "VIGIL_LOG_SIGNING_KEY_FILE": str(keys / "log-signing.key"),
            "VIGIL_SECRET_KEY_FILE": str(keys / "secret_key"),
        }
    )
    assert started.returncode == 0, started.stderr
    assert (tmp_path / "data").stat().st_mode & 0o077 == 0


def test_files_this_process_makes_are_private(tmp_path: Path) -> None:
    made = tmp_path / "made-by-vigil"
    made.write_text("x")
    assert made.stat().st_mode & 0o077 == 0  # settings set the process umask to 077
