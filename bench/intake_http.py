#!/usr/bin/env python
"""Intake throughput over HTTP through a real WSGI server (gunicorn), on the database DATABASE_URL names.

    python bench/intake_http.py [--seconds 20] [--connections 16]
    scripts/with-postgres.sh --durable python bench/intake_http.py     # the same on a durable PostgreSQL

Prints reports/s sustained, p50/p99 latency, errors, the peak memory (RSS high-water mark) of the web processes,
and the same server's throughput on a no-op request (GET /healthz) measured in the same run, as a ratio.
The load generator is wrk (Debian package `wrk`), a C client, so the client costs little of the 2 cores.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from keys_apart import keys_apart

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"

LUA = r"""
math.randomseed(42)
local n = 0
request = function()
  n = n + 1
  local lat = 44.950 + math.random() * 0.060
  local lon = -93.300 + math.random() * 0.080
  local body = string.format('{"language":"%s","size":"%d agents, 2 vans","activity":"stopping cars",' ..
    '"location_text":"near Lake St","lat":%.6f,"lon":%.6f,"uniform":"vests marked POLICE ICE",' ..
    '"equipment":"unmarked vans","text":"benchmark report %d (fictional)"}',
    (n % 3 == 0) and "es" or "en", 2 + n % 5, lat, lon, n)
  return wrk.format("POST", "/api/v1/reports", {["Content-Type"] = "application/json"}, body)
end
response = function(status, headers, body)
  if status ~= 201 then io.stderr:write("status " .. status .. " " .. body:sub(1, 200) .. "\n") end
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
        return "wrk"
    sys.exit("wrk is needed: sudo apt-get install -y wrk")


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


@contextmanager
def demo_server(
    data: str, workers: int, threads: int, **settings: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The seeded demo served by gunicorn with debug off, as deployed (keys outside `data`, static files from the
    manifest), `settings` added to its environment; yields (base URL, the gunicorn master) once /healthz answers."""
    env = dict(os.environ)
    env.update(keys_apart())  # debug off: keys outside the data directory
    env.update(
        VIGIL_DATA_DIR=data,
        VIGIL_DEBUG="0",
        VIGIL_SECRET_KEY=secrets.token_urlsafe(40),
        VIGIL_NOTIFY_BACKENDS="inbox",
        VIGIL_LOG_LEVEL="WARNING",
        **settings,
    )
    manage(env, "migrate", "--no-input")
    manage(env, "init_keys")
    manage(env, "collectstatic", "--no-input")
    manage(env, "seed_demo", "--force")
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "vigil.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        yield base, server
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def wrk(binary: str, url: str, seconds: int, connections: int, script: Path | None) -> dict[str, float]:
    cmd = [binary, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True)
    text = out.stdout

    def latency(label: str) -> float:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", text).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    failed = (int(bad.group(1)) if bad else 0) + (sum(int(g) for g in errors.groups()) if errors else 0)
    return {"rps": rps, "p50": latency("50"), "p99": latency("99"), "requests": total, "failed": failed}


def peak_rss_mib(pid: int) -> float:
    """Sum of VmHWM (peak resident set) over the gunicorn master and its workers."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = 0
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except FileNotFoundError:
            continue
        m = re.search(r"VmHWM:\s+(\d+) kB", status)
        total += int(m.group(1)) if m else 0
    return total / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    wrk_bin = ensure_wrk()
    database = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    with (
        tempfile.TemporaryDirectory(prefix="vigil-bench-") as data,
        demo_server(data, args.workers, args.threads, VIGIL_REPORT_RATE_PER_MINUTE="100000000") as (base, server),
    ):
        script = Path(data) / "post.lua"
        script.write_text(LUA)
        wrk(wrk_bin, base + "/healthz", 3, args.connections, None)  # warm-up
        load_before = os.getloadavg()[0]
        noop = wrk(wrk_bin, base + "/healthz", args.seconds, args.connections, None)
        intake = wrk(wrk_bin, base, args.seconds, args.connections, script)
        load_after = os.getloadavg()[0]
        rss = peak_rss_mib(server.pid)
    print(
        f"== intake over HTTP, {database}, gunicorn {args.workers} workers x {args.threads} threads, "
        f"wrk {args.connections} connections, {args.seconds}s"
    )
    print(
        f"POST /api/v1/reports : {intake['rps']:8.1f} reports/s  p50 {intake['p50']:.1f} ms  "
        f"p99 {intake['p99']:.1f} ms  ({intake['requests']:.0f} requests, {intake['failed']:.0f} failed)"
    )
    print(f"GET /healthz (no-op) : {noop['rps']:8.1f} req/s      p50 {noop['p50']:.1f} ms  p99 {noop['p99']:.1f} ms")
    print(f"ratio intake / no-op : {intake['rps'] / noop['rps']:.2f}")
    print(f"peak RSS of the web processes (master + workers): {rss:.0f} MiB")
    print(f"load average (1 min) on {os.cpu_count()} cores: {load_before:.1f} before, {load_after:.1f} after")


if __name__ == "__main__":
    main()
