"""Telling clients apart without knowing who they are.

`client_address(request)` is the address as this server sees it (honouring VIGIL_PROXY_HOPS trusted proxies); it is
never stored or logged. `client_pseudonym(request)` is what throttles and rate limits key on instead: a keyed hash
(HMAC with the secret key) of the address's network (the address itself for IPv4, its /64 for IPv6, so one host
cannot rotate through its own block), which cannot be reversed without the key, even by trying every IPv4 address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac


def client_address(request: HttpRequest) -> str:
    hops = settings.VIGIL_PROXY_HOPS
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return str(forwarded[-hops])
    return str(request.META.get("REMOTE_ADDR", ""))


def _network(address: str) -> str:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def client_pseudonym(request: HttpRequest) -> str:
    digest = salted_hmac("vigil.lib.clients", _network(client_address(request)), algorithm="sha256").hexdigest()
    return f"client-{digest[:32]}"
