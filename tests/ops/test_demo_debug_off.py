"""`make demo` runs as production does: debug off, keys in a directory of their own beside the data directory. Its
environment (scripts/demo-env.sh, which the Makefile sources) is checked here, and the demo's own start-up
(migrate, init_keys, scripts/run.sh: gunicorn, worker and clock) is run for real and answers / and a 404 page."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

from tests.nodes import ROOT, Cluster, free_port, migrated_sqlite, static_manifest, wait_until_serving


def demo_env(data: Path, **extra: str) -> dict[str, str]:
    """The environment scripts/demo-env.sh gives the demo's commands (sourced as the Makefile does)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DJANGO_", "PYTEST_", "DATABASE_"))}
    base.update(VIGIL_DATA_DIR=str(data), **extra)
    out = subprocess.run(
        ["bash", "-c", ". scripts/demo-env.sh && env -0"], cwd=ROOT, env=base, capture_output=True, check=True
    ).stdout
    return dict(item.split("=", 1) for item in out.decode().split("\0") if "=" in item)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_demo_runs_with_debug_off_and_keys_beside_the_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = demo_env(data)
    keys = tmp_path / "demo-keys"
    assert env["VIGIL_DEBUG"] == "0"
    for name in (
        "VIGIL_MASTER_KEY_FILE",
        "VIGIL_LOG_SIGNING_KEY_FILE",
        "VIGIL_VAPID_KEY_FILE",
        "VIGIL_SECRET_KEY_FILE",
    ):
        path = Path(env[name])
        assert path.parent == keys and not path.is_relative_to(data), name
    assert _mode(keys) == 0o700
    secret = keys / "secret_key"
    assert _mode(secret) == 0o600 and len(secret.read_text().strip()) >= 50
    # Sourcing it again keeps the key (sessions survive a restart).
    first = secret.read_text()
    demo_env(data)
    assert secret.read_text() == first


def test_keys_an_earlier_demo_kept_in_its_data_directory_are_moved_out(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "keys").mkdir(parents=True)
    (data / "keys" / "master.key").write_text("old master key\n")
    (data / "secret_key").write_text("old-secret-key-" + "x" * 50)
    env = demo_env(data)
    assert not (data / "keys" / "master.key").exists() and not (data / "secret_key").exists()
    assert Path(env["VIGIL_MASTER_KEY_FILE"]).read_text() == "old master key\n"
    assert Path(env["VIGIL_SECRET_KEY_FILE"]).read_text().startswith("old-secret-key-")
    assert _mode(Path(env["VIGIL_MASTER_KEY_FILE"])) == 0o600


def _fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=15) as answer:  # noqa: S310 (loopback http)
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_demo_starts_with_debug_off_and_answers_with_its_own_pages(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = free_port()
    env = demo_env(
        data, VIGIL_SITE_URL=f"http://127.0.0.1:{port}", PORT=str(port), VIGIL_WEB_WORKERS="1", PYTHONUNBUFFERED="1"
    )
    cluster = Cluster(env, tmp_path)
    data.mkdir(mode=0o700, exist_ok=True)
    shutil.copyfile(migrated_sqlite(), data / "vigil.sqlite3")  # so the demo's own migrate has little left to do
    try:
        # (The Makefile's migrate has nothing left to do on the migrated copy.)
        command = cluster.manage("init_keys", "init_keys")
        assert command.process.wait(timeout=120) == 0, command.output()
        assert "demo-keys/master.key" in command.log.read_text()
        assert Path(env["VIGIL_MASTER_KEY_FILE"]).exists() and not (data / "keys").exists()
        static_manifest(data / "staticfiles")  # what collectstatic leaves, without its minute of compressing
        demo = cluster.spawn("run.sh", ["bash", "scripts/run.sh"], port=port)
        wait_until_serving(demo)
        status, html = _fetch(f"http://127.0.0.1:{port}/")
        assert status == 200 and "<html" in html
        status, html = _fetch(f"http://127.0.0.1:{port}/no-such-page/")
        assert status == 404 and 'data-error-page="404"' in html
        assert "Using the URLconf" not in html and "no-such-page" not in html
    finally:
        cluster.stop_all()
    assert "Traceback" not in demo.output(), demo.output()
