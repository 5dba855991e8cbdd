"""The one application error, and how every surface shows it.

Every service refuses an action by raising `VigilError` (or a subclass that adds a field or two): `code` is stable
and machine-readable ("illegal_transition", "no_observer_available"), `message` is translated and safe to show to
the person who asked, `status` is the HTTP status a surface answers with. Input that fails field by field carries
`fields` ({field name: [ValidationError]}), so a form can put each message beside its field.

Surfaces render it one way: `problem(error)` is the JSON problem body (RFC 9457) and `VigilErrorMiddleware` turns a
VigilError that a view did not catch into that body for JSON clients and into the plain error page for browsers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

FieldErrors = Mapping[str, Sequence[ValidationError]]


class VigilError(Exception):
    """An action Vigil refuses; the message says why, in the language of the person who asked."""

    code = "refused"
    status = 400

    def __init__(
        self,
        message: str | StrPromise,
        *,
        code: str | None = None,
        status: int | None = None,
        fields: FieldErrors | None = None,
    ) -> None:
        super().__init__(str(message))
        self._message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.fields: dict[str, list[ValidationError]] = {k: list(v) for k, v in (fields or {}).items()}

    @property
    def message(self) -> str:
        return str(self._message)

    @classmethod
    def invalid(cls, fields: FieldErrors) -> VigilError:
        """Input refused field by field (a form's or an API body's)."""
        return cls(_("Some of what was sent needs to be corrected."), code="invalid", fields=fields)

    def as_validation_error(self) -> ValidationError:
        """The same refusal as Django's ValidationError, for a form's add_error."""
        if self.fields:
            return ValidationError(dict(self.fields))
        return ValidationError(self.message, code=self.code)

    def field_messages(self) -> dict[str, list[dict[str, str]]]:
        """{field: [{"code", "message"}]}, each message rendered with its params, for JSON bodies and SMS replies."""
        out: dict[str, list[dict[str, str]]] = {}
        for name, errors in self.fields.items():
            for error in errors:
                for item in error.error_list:
                    text = str(item.message) % item.params if item.params else str(item.message)
                    out.setdefault(name, []).append({"code": item.code or "invalid", "message": text})
        return out


def problem(error: VigilError) -> dict[str, object]:
    """The JSON problem body (RFC 9457) for `error`: the same keys on every endpoint."""
    body: dict[str, object] = {
        "type": f"urn:vigil:error:{error.code}",
        "title": error.code.replace("_", " "),
        "status": error.status,
        "detail": error.message,
        "code": error.code,
    }
    if error.fields:
        body["errors"] = error.field_messages()
    return body


def problem_response(error: VigilError) -> JsonResponse:
    return JsonResponse(problem(error), status=error.status, content_type="application/problem+json")


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith("/api/") or ("json" in accept and "html" not in accept)


class VigilErrorMiddleware:
    """Renders a VigilError that escaped a view: problem JSON for JSON clients, the error page for browsers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, VigilError):
            return None
        if _wants_json(request):
            return problem_response(exception)
        return render(request, "error.html", {"error": exception}, status=exception.status)
