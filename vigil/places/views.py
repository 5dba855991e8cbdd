"""GET /basemap/city.pmtiles: the basemap file, with HTTP range requests (RFC 9110 §14), as PMTiles readers ask.

Public like the pages that draw it (the public report form shows a map too): it holds streets and landmarks from
open data, nothing about reports or people. One range per request (what PMTiles clients send); a bad or
unsatisfiable range answers 416.
"""

from __future__ import annotations

import re

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.http import http_date
from django.views.decorators.http import require_http_methods

from vigil.places import basemap

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 1 << 16


@require_http_methods(["GET", "HEAD"])
def pmtiles(request: HttpRequest) -> HttpResponseBase:
    file = basemap.path()
    try:
        stat = file.stat()
    except FileNotFoundError:
        raise Http404 from None
    size = stat.st_size
    etag = f'"{stat.st_mtime_ns:x}-{size:x}"'
    header = request.headers.get("Range", "")
    if not header or (request.headers.get("If-Range") not in (None, etag)):
        response: HttpResponseBase = FileResponse(file.open("rb"), content_type="application/vnd.pmtiles")
        response["Content-Length"] = str(size)
    else:
        found = _RANGE.match(header.strip())
        if found is None or found.group(1) == found.group(2) == "":
            return _unsatisfiable(size)
        first, last = found.group(1), found.group(2)
        if first == "":  # the last N bytes
            start, end = max(size - int(last), 0), size - 1
        else:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        if start > end or start >= size:
            return _unsatisfiable(size)
        with file.open("rb") as handle:
            handle.seek(start)
            body = handle.read(end - start + 1)
        response = HttpResponse(body, status=206, content_type="application/vnd.pmtiles")
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(len(body))
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stat.st_mtime)
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _unsatisfiable(size: int) -> HttpResponse:
    response = HttpResponse(status=416)
    response["Content-Range"] = f"bytes */{size}"
    return response
