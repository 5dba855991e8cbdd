"""Compressed HTML, with the BREACH attack in mind.

BREACH recovers a secret from a compressed HTTPS response when the attacker can (1) make the victim's browser send
requests, (2) put chosen text into the same response as the secret, and (3) see the response sizes. Vigil's pages:
- the CSRF token is masked afresh on every response (Django), so it is never the same secret twice;
- Django's GZipMiddleware adds Heal-The-Breach padding (random length in the gzip header), blurring sizes;
- pages that show a secret a person typed elsewhere (an unsealed call-back contact) are sent uncompressed: the view
  marks them with `never_compress(response)` and this middleware leaves them alone.
Every other page (the queue's rows polled every 2 s, the public form on a cheap phone) is worth compressing.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from whitenoise.storage import CompressedManifestStaticFilesStorage

_FLAG = "_vigil_never_compress"


def never_compress(response: HttpResponseBase) -> HttpResponseBase:
    """Send this response uncompressed (it holds a secret next to text an attacker might choose)."""
    setattr(response, _FLAG, True)
    return response


class CompressedPages(GZipMiddleware):
    """Pages (text/html) compressed; the JSON API is left as it is (small answers, clients of every kind)."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(response, _FLAG, False) or not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)


class StaticFiles(CompressedManifestStaticFilesStorage):  # type: ignore[misc]  # whitenoise has no type hints
    """WhiteNoise's hashed, compressed static files; source-map comments are left as they are (vendored files such
    as Leaflet name .map files they do not ship, which would stop collectstatic)."""

    patterns = tuple(
        (glob, tuple(p for p in found if "sourceMappingURL" not in str(p)))
        for glob, found in CompressedManifestStaticFilesStorage.patterns
    )
