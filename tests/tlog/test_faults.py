"""Faults with real processes: writers killed by SIGKILL mid-batch, several writers at once. The log stays one
consistent tree, and `manage.py verify_log` proves it from scratch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BATCH = 400

pytestmark = pytest.mark.django_db


@pytest.fixture
def scratch_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """An environment for child processes with a database of their own, on the same engine as this test run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(DJANGO_SETTINGS_MODULE="tests.settings", VIGIL_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    dbname = None
    if connection.vendor == "postgresql":
        import psycopg

        dbname = f"vigil_faults_{uuid.uuid4().hex[:12]}"
        params = connection.settings_dict
        admin = psycopg.connect(
            host=params["HOST"],
            port=params["PORT"] or None,
            user=params["USER"],
            password=params["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )
        admin.execute(f'CREATE DATABASE "{dbname}"')
        auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
        env["DATABASE_URL"] = f"postgres://{auth}@{params['HOST']}:{params['PORT']}/{dbname}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    manage(env, "migrate", "--skip-checks", "-v", "0")
    yield env
    if dbname is not None:
        admin.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')
        admin.close()


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def appender(env: dict[str, str], writer: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.tlog.appender", "--writer", writer, "--batch", str(BATCH), *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_batches(proc: subprocess.Popen[str], n: int) -> list[tuple[int, int]]:
    assert proc.stdout is not None
    done: list[tuple[int, int]] = []
    while len(done) < n:
        line = proc.stdout.readline()
        assert line, f"the appender stopped: {proc.stderr.read() if proc.stderr else ''}"
        first, count = map(int, line.split())
        done.append((first, count))
    return done


def verify(env: dict[str, str]) -> str:
    result = manage(env, "verify_log", "--skip-checks")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK ")
    return result.stdout


def size_of(report: str) -> int:
    return int(report.split("size ")[1].split(",")[0])


def test_a_writer_killed_inside_its_batch_leaves_no_trace_of_it(scratch_env: dict[str, str]) -> None:
    proc = appender(scratch_env, "a", "--batches", "3", "--die-inside")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL, err
    assert [line.split() for line in out.splitlines()] == [["0", str(BATCH)], [str(BATCH), str(BATCH)]]
    assert size_of(verify(scratch_env)) == 2 * BATCH
    # the log goes on from where the last whole batch ended
    more = appender(scratch_env, "b", "--batches", "1")
    out, _ = more.communicate(timeout=120)
    assert out.split() == [str(2 * BATCH), str(BATCH)]
    assert manage(scratch_env, "checkpoint", "--skip-checks").returncode == 0
    assert size_of(verify(scratch_env)) == 3 * BATCH


def test_writers_appending_at_once_and_killed_at_random_make_one_consistent_tree(
    scratch_env: dict[str, str],
) -> None:
    procs = [appender(scratch_env, name) for name in ("web-1", "web-2", "worker")]
    try:
        seen = [wait_for_batches(p, 2) for p in procs]
        assert manage(scratch_env, "checkpoint", "--skip-checks").returncode == 0
        time.sleep(0.37)
        for p in procs:
            os.kill(p.pid, signal.SIGKILL)  # most likely inside a batch: each spends nearly all its time there
            p.wait(timeout=30)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.communicate()
    # batches never interleave: each writer's reported batches are whole, distinct runs of indices
    starts = sorted(first for batches in seen for first, _ in batches)
    assert len(set(starts)) == len(starts)
    assert all(first % BATCH == 0 for first in starts)
    report = verify(scratch_env)
    assert size_of(report) % BATCH == 0
    assert size_of(report) >= 6 * BATCH
    assert "1 checkpoints checked" in report
