"""Keys kept apart from data: the production start-up check.

A copy of the data directory (the SQLite file, media, backups of it) must never carry the keys that open it. With
VIGIL_DEBUG=0 settings call `key_layout_problems` and refuse to start if any key file (the vault master key, Django's
secret key, the evidence log's signing key) lies inside the data directory, or can be read by anyone but its owner.
docs/deployment.md describes the layout this asks for.
"""

from __future__ import annotations

import stat
from collections.abc import Mapping
from pathlib import Path


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def key_layout_problems(data_dir: Path, key_files: Mapping[str, Path | None]) -> list[str]:
    """What is wrong with where the key files are; empty when the layout is safe. `None` = no file (from env)."""
    problems = []
    for setting, path in key_files.items():
        if path is None:
            continue
        if _inside(path, data_dir):
            problems.append(f"{setting} ({path}) is inside VIGIL_DATA_DIR ({data_dir}): keep keys on separate storage")
            continue
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            continue  # not made yet: whoever reads it says so
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            problems.append(f"{setting} ({path}) can be read by other users (mode {stat.S_IMODE(mode):o}): chmod 600")
    return problems
