"""The web server's logs, without anything that tells who asked or which report they asked about.

Run gunicorn with `--logger-class vigil.ops.weblog.Logger` (scripts/run.sh does):
- access lines carry the route, not the path: a receipt code in `/api/v1/reports/<code>` becomes `{receipt}`, and
  query strings (`/report?receipt=...`) are dropped; the client address, referrer, user agent and every header and
  environ atom are blanked;
- the error log (a too-long request line, a broken client) has every IPv4 and IPv6 address replaced by `[address]`.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from typing import Any

from gunicorn import glogging

_RECEIPT_PATHS = re.compile(r"^(/api/v1/reports/)[^/]+")
_CANDIDATE = re.compile(r"(?<![\w.])[0-9A-Fa-f:.]{3,}(?![\w.])")


def _address(token: str) -> bool:
    for candidate in (token, token.rsplit(":", 1)[0], token.strip(":")):
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            continue
        return True
    return False


def route_of(path: str) -> str:
    return _RECEIPT_PATHS.sub(r"\1{receipt}", path or "")


def scrub(text: str) -> str:
    return _CANDIDATE.sub(lambda m: "[address]" if _address(m.group(0)) else m.group(0), text)


class _NoAddresses(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = scrub(message), None
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


class Logger(glogging.Logger):  # type: ignore[misc]
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        self.error_log.addFilter(_NoAddresses())
        for handler in self.error_log.handlers:
            handler.addFilter(_NoAddresses())

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        route = route_of(str(environ.get("PATH_INFO", "")))
        atoms |= {"h": "-", "f": "-", "a": "-", "U": route, "q": "", "r": f"{atoms['m']} {route} {atoms['H']}"}
        for key in atoms:
            if key.startswith("{"):  # request/response headers and environ variables: addresses, agents, raw URIs
                atoms[key] = "-"
        return atoms
