"""One application error, rendered the same way everywhere: a problem body for JSON, the error page for browsers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from vigil.lib.errors import VigilError, VigilErrorMiddleware, problem


def _raise(_request: HttpRequest) -> HttpResponse:
    raise AssertionError("not called")


def test_a_problem_body_carries_code_status_and_the_message() -> None:
    error = VigilError("That incident is closed.", code="illegal_transition", status=409)
    assert problem(error) == {
        "type": "urn:vigil:error:illegal_transition",
        "title": "illegal transition",
        "status": 409,
        "detail": "That incident is closed.",
        "code": "illegal_transition",
    }


def test_field_errors_are_listed_per_field_with_their_params_filled_in() -> None:
    error = VigilError.invalid(
        {"activity": [ValidationError("At most %(limit)d characters.", code="too_long", params={"limit": 20})]}
    )
    assert error.code == "invalid" and error.status == 400
    assert problem(error)["errors"] == {"activity": [{"code": "too_long", "message": "At most 20 characters."}]}
    assert error.as_validation_error().message_dict == {"activity": ["At most 20 characters."]}


@pytest.mark.parametrize(
    ("path", "accept", "kind"),
    [("/api/v1/reports", "*/*", "application/problem+json"), ("/console/", "text/html", "text/html")],
)
def test_the_middleware_renders_an_uncaught_error_for_the_client(path: str, accept: str, kind: str) -> None:
    request = RequestFactory().get(path, HTTP_ACCEPT=accept)
    response = VigilErrorMiddleware(_raise).process_exception(request, VigilError("No.", code="nope", status=409))
    assert response is not None and response.status_code == 409
    assert response["Content-Type"].startswith(kind)
    assert b"No." in response.content


def test_the_middleware_leaves_other_exceptions_to_django() -> None:
    request = RequestFactory().get("/")
    assert VigilErrorMiddleware(_raise).process_exception(request, ValueError("boom")) is None
