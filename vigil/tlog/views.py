"""The log's public, stable URLs: checkpoints, the verifier key and proofs. No login: they hold hashes only.

Leaf records are never served here: they name incidents. Errors in parameters get a 400 with a JSON ``error``.
"""

from __future__ import annotations

import base64
import re

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from vigil.ledger.checkpoint import format_proof
from vigil.lib.errors import VigilError, problem
from vigil.tlog import keys, selectors
from vigil.tlog.selectors import LogError, TreeTooSmallError

_DECIMAL = re.compile(r"0|[1-9][0-9]{0,17}")
IMMUTABLE = "public, max-age=31536000, immutable"
FRESH = "public, max-age=10"


class BadParameterError(Exception):
    pass


def _b64(h: bytes) -> str:
    return base64.b64encode(h).decode("ascii")


def _text(body: str, *, status: int = 200, cache: str = FRESH) -> HttpResponse:
    response = HttpResponse(body, content_type="text/plain; charset=utf-8", status=status)
    response["Cache-Control"] = cache
    return response


def _json(data: dict[str, object], *, status: int = 200, cache: str = IMMUTABLE) -> JsonResponse:
    response = JsonResponse(data, status=status)
    response["Cache-Control"] = cache
    return response


def _error(message: str, status: int = 400) -> JsonResponse:
    """A refused request: the problem body every surface uses."""
    return _json(problem(VigilError(message, code="bad_request", status=status)), status=status, cache="no-store")


def _number(request: HttpRequest, name: str) -> int:
    values = request.GET.getlist(name)
    if not values:
        raise BadParameterError(_("missing parameter %(name)s") % {"name": name})
    if len(values) > 1:
        raise BadParameterError(_("parameter %(name)s given more than once") % {"name": name})
    if not _DECIMAL.fullmatch(values[0]):
        raise BadParameterError(_("parameter %(name)s must be a non-negative decimal integer") % {"name": name})
    return int(values[0])


@require_safe
def checkpoint(request: HttpRequest) -> HttpResponse:
    latest = selectors.latest_checkpoint()
    if latest is None:
        return _text(_("The log has not signed a checkpoint yet.") + "\n", status=404, cache="no-store")
    return _text(latest.note)


@require_safe
def checkpoint_at(request: HttpRequest, size: int) -> HttpResponse:
    found = selectors.checkpoint_at(size) if size < 1 << 57 else None
    if found is None:
        return _text(_("The log signed no checkpoint of this size.") + "\n", status=404, cache="no-store")
    return _text(found.note, cache=IMMUTABLE)


@require_safe
def key(request: HttpRequest) -> HttpResponse:
    try:
        verifier_key = keys.verifier_key()
    except keys.SigningKeyError:
        return _text(_("The log's key is not configured.") + "\n", status=503, cache="no-store")
    return _text(verifier_key + "\n", cache="public, max-age=3600")


@require_safe
def inclusion(request: HttpRequest) -> HttpResponse:
    try:
        index, size = _number(request, "index"), _number(request, "size")
        proof = selectors.inclusion_proof(index=index, size=size)
    except TreeTooSmallError:
        return _error(_("the log has fewer than %(size)d leaves") % {"size": size})
    except (BadParameterError, LogError) as exc:
        return _error(str(exc))
    return _json(
        {
            "index": proof.index,
            "size": proof.size,
            "leaf_hash": _b64(proof.leaf_hash),
            "root": _b64(proof.root),
            "proof": [_b64(h) for h in proof.proof],
        }
    )


@require_safe
def consistency(request: HttpRequest) -> HttpResponse:
    try:
        old, new = _number(request, "old"), _number(request, "new")
        text = request.GET.get("format", "json")
        if text not in ("json", "text"):
            raise BadParameterError(_("parameter format must be json or text"))
        proof = selectors.consistency_proof(old_size=old, new_size=new)
    except TreeTooSmallError:
        return _error(_("the log has fewer than %(size)d leaves") % {"size": new})
    except (BadParameterError, LogError) as exc:
        return _error(str(exc))
    if text == "text":
        return _text(format_proof(proof.proof), cache=IMMUTABLE)
    return _json(
        {
            "old": proof.old_size,
            "new": proof.new_size,
            "old_root": _b64(proof.old_root),
            "new_root": _b64(proof.new_root),
            "proof": [_b64(h) for h in proof.proof],
        }
    )
