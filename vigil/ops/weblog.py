"""The web server's logs, without anything that tells who asked or which report they asked about.

Run gunicorn with `--logger-class vigil.ops.weblog.Logger` (scripts/run.sh does):
- access lines carry the route, not the path: a receipt code in `/api/v1/reports/<code>` becomes `{receipt}`, and
  query strings (`/report?receipt=...`) are dropped; the client address, referrer, user agent and every header and
  environ atom are blanked;
- the error log (a too-long request line, a broken client) has every IPv4 and IPv6 address replaced by `[address]`.
"""

from __future__ import annotations

from typing import Any

from gunicorn import glogging

from vigil.lib.logscrub import NothingIdentifying, route_of, scrub

__all__ = ["Logger", "route_of", "scrub"]


class Logger(glogging.Logger):  # type: ignore[misc]
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        self.error_log.addFilter(NothingIdentifying())
        for handler in self.error_log.handlers:
            handler.addFilter(NothingIdentifying())

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        route = route_of(str(environ.get("PATH_INFO", "")))
        atoms |= {"h": "-", "f": "-", "a": "-", "U": route, "q": "", "r": f"{atoms['m']} {route} {atoms['H']}"}
        for key in atoms:
            if key.startswith("{"):  # request/response headers and environ variables: addresses, agents, raw URIs
                atoms[key] = "-"
        return atoms
