"""Logs: no client address anywhere (gunicorn's error log included), no receipt codes in access-log paths."""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import socket
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config

from tests.nodes import Cluster, migrated_sqlite, production_env, static_manifest, wait_until_serving
from vigil.ops.weblog import Logger, route_of, scrub


def test_receipt_codes_become_the_route() -> None:
    assert route_of("/api/v1/reports/7K3Q-M9XD") == "/api/v1/reports/{receipt}"
    assert route_of("/api/v1/reports") == "/api/v1/reports"
    assert route_of("/console/") == "/console/"


def test_addresses_are_scrubbed_from_error_messages() -> None:
    text = "Invalid request from ip=203.0.113.7: line too long; peer ('2001:db8::1', 51234) and 198.51.100.2:443"
    clean = scrub(text)
    assert "203.0.113.7" not in clean and "2001:db8::1" not in clean and "198.51.100.2" not in clean
    assert "line too long" in clean
    assert scrub("version 4.2.19 took 12:30") == "version 4.2.19 took 12:30"


def test_the_access_line_has_neither_address_nor_receipt() -> None:
    logger = Logger(Config())
    environ = {
        "REMOTE_ADDR": "203.0.113.7",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/report?receipt=7K3QM9XD",
        "PATH_INFO": "/report",
        "QUERY_STRING": "receipt=7K3QM9XD",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_USER_AGENT": "TestPhone",
    }
    req = SimpleNamespace(headers=[("X-FORWARDED-FOR", "203.0.113.7"), ("USER-AGENT", "TestPhone")])
    resp = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = logger.atoms(resp, req, environ, dt.timedelta(seconds=0.1))
    line = " ".join(str(v) for v in atoms.values())
    assert "203.0.113.7" not in line and "7K3QM9XD" not in line and "TestPhone" not in line
    assert atoms["r"] == "GET /report HTTP/1.1"


def test_the_error_log_filter_scrubs_records(caplog: object) -> None:
    logger = Logger(Config())
    record = logging.LogRecord(
        "gunicorn.error", logging.WARNING, __file__, 1, "bad line from %s", ("203.0.113.9",), None
    )
    for f in logger.error_log.filters:
        f.filter(record)
    assert "203.0.113.9" not in record.getMessage()


# --- the real server ------------------------------------------------------------------------------------------------


def _send(port: int, request: bytes) -> tuple[bytes, int]:
    """Send raw bytes from loopback; (the answer, the client's own port)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
        return answer, int(conn.getsockname()[1])


def test_gunicorn_logs_neither_address_nor_receipt_for_real(tmp_path: Path) -> None:
    """gunicorn as scripts/run.sh starts it (vigil/ops/gunicorn_config.py), a 10,000-byte request line and two
    ordinary requests from 127.0.0.1: neither log holds the address or the client's port; the access log holds the
    route, never the receipt code."""
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    shutil.copyfile(migrated_sqlite(), data / "vigil.sqlite3")
    static_manifest(data / "staticfiles")
    env = production_env(tmp_path, data) | {"VIGIL_LOG_LEVEL": "DEBUG"}
    cluster = Cluster(env, tmp_path)
    try:
        node = cluster.web("gunicorn", env)
        wait_until_serving(node)
        too_long = b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        answer, long_port = _send(node.port, too_long)
        assert answer.split(b" ", 2)[1] in (b"400", b"414"), answer[:200]  # 414 URI Too Long in gunicorn 23+
        ports = [long_port]
        for path in (b"/api/v1/reports/7K3Q-M9XD", b"/report?receipt=7K3QM9XD"):
            answer, port = _send(
                node.port, b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            )
            assert answer.split(b" ", 2)[1] in (b"200", b"404"), answer[:200]
            ports.append(port)
    finally:
        cluster.stop_all()
    access, errors = node.log.read_text(), node.errors.read_text()
    assert "Request Line is too large" in errors  # the error was logged, just without who sent it
    assert "[address]" in errors
    for text in (access, errors):
        assert "127.0.0.1" not in text
        for port in ports:
            assert not re.search(rf"(?<![\d]){port}(?![\d])", text), port
        assert "7K3Q" not in text and "M9XD" not in text
    assert '"GET /api/v1/reports/{receipt} HTTP/1.1" 404' in access
    assert re.search(r'"GET /report HTTP/1.1" (200|404) ', access)  # 404: no report has this receipt
