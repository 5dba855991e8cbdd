"""Real Vigil processes for tests: web nodes (gunicorn as scripts/run.sh runs it), management commands and the
whole run script, as subprocesses on loopback ports, each in its own session so that stopping one stops its
children; `Cluster.stop_all` ends every one the test started, passed or failed."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.staticfiles import finders

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
START_SECONDS = 25.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def static_manifest(static_root: Path) -> None:
    """What collectstatic leaves for the page templates ({% static %} under debug off), without its minute of
    compressing: each file under its own name. No test here fetches a static file."""
    names = sorted({path for finder in finders.get_finders() for path, _storage in finder.list(None)})
    static_root.mkdir(parents=True, exist_ok=True)
    manifest = {"paths": {n: n for n in names}, "version": "1.1", "hash": "two-nodes"}
    (static_root / "staticfiles.json").write_text(json.dumps(manifest))


@dataclass
class Node:
    name: str
    process: subprocess.Popen[bytes]
    log: Path  # standard output (gunicorn's access log)
    errors: Path  # standard error (gunicorn's error log, Django's log)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        """Both streams, the ends of them (for messages)."""
        return "\n".join(p.read_text(errors="replace")[-4000:] for p in (self.log, self.errors) if p.exists())


@dataclass
class Cluster:
    env: dict[str, str]
    tmp: Path
    started: list[Node] = field(default_factory=list)

    def spawn(self, name: str, argv: list[str], env: Mapping[str, str] | None = None, port: int = 0) -> Node:
        log, errors = self.tmp / f"{name}.log", self.tmp / f"{name}.err"
        with log.open("wb") as out, errors.open("wb") as err:
            process = subprocess.Popen(
                argv, cwd=ROOT, env=dict(env or self.env), stdout=out, stderr=err, start_new_session=True
            )
        node = Node(name, process, log, errors, port)
        self.started.append(node)
        return node

    def web(self, name: str, env: Mapping[str, str] | None = None) -> Node:
        """A web node: gunicorn with Vigil's own settings (vigil/ops/gunicorn_config.py), one process."""
        port = free_port()
        node_env = {**(env or self.env), "PORT": str(port), "VIGIL_WEB_WORKERS": "1"}
        argv = [str(BIN / "gunicorn"), "-c", "python:vigil.ops.gunicorn_config", "vigil.wsgi:application"]
        return self.spawn(name, argv, node_env, port)

    def manage(self, name: str, *args: str) -> Node:
        return self.spawn(name, [sys.executable, "manage.py", *args])

    def stop_all(self) -> None:
        for node in self.started:
            if node.process.poll() is None:
                os.killpg(node.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for node in self.started:
            try:
                node.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(node.process.pid, signal.SIGKILL)
                node.process.wait()


def wait_until_serving(node: Node) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if node.process.poll() is not None:
            raise AssertionError(f"{node.name} exited ({node.process.returncode}):\n{node.output()}")
        try:
            with urllib.request.urlopen(f"{node.url}/healthz", timeout=2) as answer:  # noqa: S310 (loopback http)
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{node.name} did not answer within {START_SECONDS} s:\n{node.output()}")


_migrated: list[Path] = []


def migrated_sqlite() -> Path:
    """An SQLite database file with every migration applied, made once per test process (a migrate takes seconds);
    copy it into a node's data directory as vigil.sqlite3."""
    if not _migrated:
        data = Path(tempfile.mkdtemp(prefix="vigil-migrated-"))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DJANGO_", "PYTEST_", "DATABASE_"))}
        env.update(VIGIL_DEBUG="1", VIGIL_DATA_DIR=str(data))
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
        _migrated.append(data / "vigil.sqlite3")
    return _migrated[0]


def production_env(tmp: Path, data: Path) -> dict[str, str]:
    """The environment of a node as production runs it: debug off, fresh keys in `tmp`/keys (0700), none in `data`."""
    from vigil.tlog.keys import ensure_signing_key
    from vigil.vault.keyfile import write_master_key

    keys = tmp / "keys"
    keys.mkdir(mode=0o700, exist_ok=True)
    write_master_key(keys / "master.key")
    ensure_signing_key(keys / "log-signing.key")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DJANGO_", "PYTEST_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="vigil.settings",
        VIGIL_DEBUG="0",
        VIGIL_DATA_DIR=str(data),
        VIGIL_MASTER_KEY_FILE=str(keys / "master.key"),
        VIGIL_LOG_SIGNING_KEY_FILE=str(keys / "log-signing.key"),
        VIGIL_VAPID_KEY_FILE=str(keys / "vapid.pem"),
        VIGIL_SECRET_KEY_FILE=str(keys / "secret_key"),
        VIGIL_SECRET_KEY="node-secret-" + os.urandom(16).hex(),
        PYTHONUNBUFFERED="1",
    )
    return env
