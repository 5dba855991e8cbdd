"""Shared parts of the ledger benchmarks: throwaway databases, child processes, leaf records, percentiles.

Not a benchmark itself. The benchmarks run every measured system in its own child process, so each reports its own
peak memory (ru_maxrss) and Django is configured once per database.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from keys_apart import keys_apart

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def record(i: int) -> dict[str, object]:
    """A leaf record shaped like an evidence item's (fictional values), about 330 bytes of canonical JSON."""
    digest = hashlib.sha256(b"bench file %d" % i).hexdigest()
    return {
        "type": "evidence_item",
        "version": 1,
        "item": f"00000000-0000-4000-8000-{i:012d}",
        "sha256": digest,
        "size": 1000 + i % 5_000_000,
        "media_type": "image/jpeg",
        "name": f"IMG_{i:06d}.jpg",
        "incident": 1 + i // 50,
        "dispatch": 1 + i // 25,
        "observer": f"user:{1 + i % 300}",
        "received_at": "2026-03-01T12:00:00Z",
    }


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(sorted_values: Sequence[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bindir() -> Path:
    found = shutil.which("initdb")
    if found is None:
        candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not candidates:
            raise SystemExit("PostgreSQL server binaries not found: apt-get install -y postgresql")
        found = str(candidates[-1])
    return Path(found).resolve().parent


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL server on loopback with the DEFAULT durability settings (fsync on, synchronous commit)."""
    bindir = _pg_bindir()
    base = Path(tempfile.mkdtemp(prefix="vigil-bench-pg-"))
    base.chmod(0o755)
    as_pg: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    data = base / "data"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
    subprocess.run(
        [
            *as_pg,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        **quiet,
    )  # type: ignore[call-overload]
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c max_connections=50"
    subprocess.run(
        [*as_pg, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w", "-o", opts, "start"],
        **quiet,
    )  # type: ignore[call-overload]
    try:
        subprocess.run(
            [*as_pg, str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "vigil"], **quiet
        )  # type: ignore[call-overload]
        yield f"postgres://postgres@127.0.0.1:{port}/vigil"
    finally:
        subprocess.run(
            [*as_pg, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)


def postgres_version() -> str:
    out = subprocess.run([str(_pg_bindir() / "postgres"), "--version"], capture_output=True, text=True, check=False)
    parts = out.stdout.split()  # "postgres (PostgreSQL) 15.18 (Debian ...)"
    return parts[2] if len(parts) > 2 else "?"


def django_env(database_url: str, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="vigil.settings",
        DATABASE_URL=database_url,
        VIGIL_DATA_DIR=str(data_dir),
        VIGIL_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.pop("VIGIL_DEBUG", None)
    env.update({k: v for k, v in keys_apart().items() if k not in os.environ})  # debug off: keys outside the data
    return env


def migrate(env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "manage.py", "migrate", "tlog", "--skip-checks", "-v", "0"], cwd=ROOT, env=env, check=True)


def verify_log(env: dict[str, str]) -> str:
    subprocess.run(
        [PYTHON, "manage.py", "init_keys", "--skip-checks"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "verify_log", "--skip-checks"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return (out.stdout or out.stderr).strip()


def start_worker(script: str, args: Sequence[str], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [PYTHON, str(ROOT / "bench" / script), "--worker", *args],
        cwd=ROOT,
        env=env or dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE,
        text=True,
    )


def result_of(proc: subprocess.Popen[str]) -> dict[str, object]:
    out, _ = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"a benchmark worker failed (exit {proc.returncode})")
    last = [line for line in out.splitlines() if line.startswith("{")][-1]
    result: dict[str, object] = json.loads(last)
    return result


def report(result: dict[str, object]) -> None:
    print(json.dumps(result), flush=True)


def wait_until(moment: float) -> None:
    delay = moment - time.time()
    if delay > 0:
        time.sleep(delay)
