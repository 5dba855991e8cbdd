"""What a log line may not carry: a client's address, or a reporter's receipt code in a path.

`scrub(text)` replaces every IPv4 and IPv6 address (with or without a port) by `[address]` and every receipt code in
a report path by `{receipt}`; `route_of(path)` gives the route of one request path. `NothingIdentifying` is the
logging filter that applies `scrub` to every record: Django's own loggers (`django.request` writes "Not Found:
/api/v1/reports/<code>") go through it in vigil/settings.py, gunicorn's error log in vigil/ops/weblog.py.
"""

from __future__ import annotations

import ipaddress
import logging
import re

_RECEIPT_PATH = re.compile(r"^(/api/v1/reports/)[^/]+")
_RECEIPT_IN_TEXT = re.compile(r"(/api/v1/reports/)[^/\s'\"?]+")
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
    return _RECEIPT_PATH.sub(r"\1{receipt}", path or "")


def scrub(text: str) -> str:
    text = _RECEIPT_IN_TEXT.sub(r"\1{receipt}", text)
    return _CANDIDATE.sub(lambda m: "[address]" if _address(m.group(0)) else m.group(0), text)


class NothingIdentifying(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = scrub(message), None
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True
