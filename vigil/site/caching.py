"""Public pages are read by many and change rarely: each is rendered once per language and kept for at most
freshness.CACHE_SECONDS (sooner replaced when something is published), so a rumour going viral costs the hotline
one render a minute, not one per visitor.

Only anonymous GET/HEAD requests are served from the kept copy, and the kept copy holds no cookie and no CSRF token
(public templates have no POST form). `?lang=xx` picks the page's language and is remembered in the language cookie.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from vigil.public import freshness

# Rendered pages are kept in each process's memory (settings.CACHES["pages"]); only the generation is shared.
PAGES_CACHE = "pages"

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


def chosen_language(request: HttpRequest) -> str | None:
    wanted = request.GET.get("lang", "")
    codes = [code for code, _name in settings.LANGUAGES]
    return wanted if wanted in codes else None


def public_page(view: View[P]) -> View[P]:
    @wraps(view)
    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        chosen = chosen_language(request)
        if chosen:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        language = translation.get_language() or settings.LANGUAGE_CODE
        cacheable = request.method in ("GET", "HEAD") and not request.user.is_authenticated
        key = (
            "vigil:public:page:"
            + hashlib.sha256(f"{freshness.generation()}|{language}|{request.path}".encode()).hexdigest()
        )
        pages = caches[PAGES_CACHE]
        kept = pages.get(key) if cacheable else None
        if isinstance(kept, tuple):
            content_type, content = kept
            response = HttpResponse(content, content_type=content_type)
        else:
            response = view(request, *args, **kwargs)
            # Never keep a page that set a cookie or used a CSRF token: it would hand one visitor's to the next.
            kept_safe = not response.cookies and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            if cacheable and kept_safe and response.status_code == 200 and not response.streaming:
                pages.set(key, (response["Content-Type"], response.content), freshness.CACHE_SECONDS)
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        patch_cache_control(response, max_age=freshness.CACHE_SECONDS)
        if chosen:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
            )
        return response

    return wrapped
