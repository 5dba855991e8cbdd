"""The site's URLs plus three that fail on purpose, for the error-page tests."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from vigil.urls import urlpatterns as site_urls

SECRET_IN_EXCEPTION = "secret-detail-7Q2X"  # text that must never reach an error page


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(SECRET_IN_EXCEPTION)


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation(SECRET_IN_EXCEPTION)


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET_IN_EXCEPTION)


urlpatterns = [
    path("test-errors/403", forbidden),
    path("test-errors/400", suspicious),
    path("test-errors/500", broken),
    *site_urls,
]
