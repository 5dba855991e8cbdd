"""Logs: no client address anywhere (gunicorn's error log included), no receipt codes in access-log paths."""

from __future__ import annotations

import datetime as dt
import logging
from types import SimpleNamespace

from gunicorn.config import Config

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
