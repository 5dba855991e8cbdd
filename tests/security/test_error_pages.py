"""Item 5: with debug off, errors get Vigil's own pages (400, 403, CSRF failure, 404, 500) that list nothing — no
URL patterns, no settings, no exception text, no path echoed back — are translated, and the 500 page renders
without a database (it is what is left when the database is the thing that failed)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.views.defaults import server_error

from tests.security.error_urls import SECRET_IN_EXCEPTION

ERROR_URLS = "tests.security.error_urls"
# What Django's debug pages and default error pages would show.
LEAKS = (
    "Using the URLconf",
    "urlpatterns",
    "console/",
    "SECRET_KEY",
    "DEBUG",
    "Traceback",
    "settings.py",
    "Request Method",
)


def _assert_lists_nothing(html: str, *also: str) -> None:
    for leak in (*LEAKS, SECRET_IN_EXCEPTION, *also):
        assert leak not in html, leak
    assert "<ul" not in html and "<table" not in html  # no list of anything


def test_debug_is_off_in_these_tests() -> None:
    assert settings.DEBUG is False


@pytest.mark.django_db
def test_a_missing_page_gets_the_404_page(client: Client) -> None:
    response = client.get("/no-such-page-9Z4K/")
    assert response.status_code == 404
    assert [t.name for t in response.templates][:1] == ["404.html"]
    html = response.content.decode()
    assert 'data-error-page="404"' in html and "Page not found" in html
    _assert_lists_nothing(html, "no-such-page-9Z4K")


@pytest.mark.django_db
def test_the_404_page_is_translated(client: Client) -> None:
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="es")
    html = response.content.decode()
    assert response.status_code == 404 and '<html lang="es">' in html
    assert "Page not found" not in html and "Página no encontrada" in html


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=ERROR_URLS)
@pytest.mark.parametrize(
    ("url", "status", "template"), [("/test-errors/403", 403, "403.html"), ("/test-errors/400", 400, "400.html")]
)
def test_refusals_get_their_pages(client: Client, url: str, status: int, template: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert template in [t.name for t in response.templates]
    html = response.content.decode()
    assert f'data-error-page="{status}"' in html
    _assert_lists_nothing(html)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=ERROR_URLS)
def test_a_crash_gets_the_500_page() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/test-errors/500")
    assert response.status_code == 500
    assert "500.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert 'data-error-page="500"' in html and "Something went wrong" in html
    _assert_lists_nothing(html, "RuntimeError")


def test_the_500_page_needs_no_database() -> None:
    # No `db` fixture: pytest-django refuses every query here, so any database use would fail this test.
    response = server_error(RequestFactory().get("/anything"))
    html = response.content.decode()
    assert response.status_code == 500 and 'data-error-page="500"' in html
    _assert_lists_nothing(html)


@pytest.mark.django_db
def test_an_unknown_host_gets_the_400_page() -> None:
    response = Client().get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-error-page="400"' in html
    _assert_lists_nothing(html, "attacker.example", "ALLOWED_HOSTS")


@pytest.mark.django_db
def test_a_csrf_failure_gets_its_page_without_the_reason(world: object) -> None:
    response = Client(enforce_csrf_checks=True).post("/report", {"activity": "agents"})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-error-page="403"' in html and "The form expired" in html
    _assert_lists_nothing(html, "CSRF cookie not set", "Referer", "reason")
