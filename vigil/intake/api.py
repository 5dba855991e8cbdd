"""The public intake API: POST /api/v1/reports and GET /api/v1/reports/{receipt}.

Anonymous and cookie-less: no authentication is accepted (a browser's session is ignored, so no CSRF applies), and
nothing about the sender is stored. Errors share one shape: {"detail": "..."} for a whole-request problem (400, 404,
429), {"detail": [{"type", "loc", "msg"}]} for field problems (422), the same as the schema validation's own errors.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict, field_validator

from vigil.hotline import replay, selectors, services
from vigil.hotline.access import client_address, refund_rate, within_rate
from vigil.hotline.models import Channel
from vigil.lib.errors import VigilError
from vigil.places import service_area

router = Router(tags=["reports"], auth=None)


class ReportIn(Schema):
    """A report of what someone sees (SALUTE). Give a place as lat/lon, or in words (location_text), or both."""

    model_config = ConfigDict(extra="forbid")

    language: str = Field("en", max_length=16, description="Reporter's language: en or es", examples=["es"])
    size: str = Field("", max_length=services.SHORT_FIELDS["size"], description="How many officers, vehicles")
    activity: str = Field("", max_length=settings.VIGIL_MAX_TEXT_CHARS, description="What they are doing")
    location_text: str = Field(
        "", max_length=services.SHORT_FIELDS["location_text"], description="Address, cross-streets or place"
    )
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False, description="Latitude (WGS 84)")
    lon: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False, description="Longitude (WGS 84)")
    uniform: str = Field("", max_length=services.SHORT_FIELDS["uniform"], description="Uniforms, markings")
    seen_at: dt.datetime | None = Field(None, description="When it was seen (ISO 8601); default now")
    equipment: str = Field("", max_length=services.SHORT_FIELDS["equipment"], description="Vehicles, equipment")
    text: str = Field("", max_length=settings.VIGIL_MAX_TEXT_CHARS, description="Anything else")
    contact: str = Field(
        "",
        max_length=services.CONTACT_MAX_CHARS,
        description="Optional call-back phone or email; stored encrypted, deleted after the retention period",
    )

    @field_validator("lat", "lon", mode="before")
    @classmethod
    def _a_number_not_a_boolean(cls, value: object) -> object:
        # JSON true would otherwise be read as 1.0 and place a report at latitude 1.
        if isinstance(value, bool) or isinstance(value, str):
            raise ValueError("must be a number")
        return value


class ReceiptOut(Schema):
    receipt: str = Field(description="The reporter's receipt code, e.g. 7K3Q-M9XD")
    status: str = Field(description="received (not on the map yet), or the incident's state: new, verifying, …")
    placed: bool = Field(description="Whether the report is on the map (part of an incident)")
    help: str | None = Field(None, description="Where to get help instead, when the report is outside our area")


class StatusOut(Schema):
    receipt: str
    status: str


class Message(Schema):
    detail: str


class FieldError(Schema):
    type: str
    loc: list[str | int]
    msg: str


class FieldErrors(Schema):
    detail: list[FieldError]


def _field_errors(error: ValidationError) -> dict[str, list[dict[str, object]]]:
    items: list[dict[str, object]] = []
    pairs = error.error_dict.items() if hasattr(error, "error_dict") else [("__all__", error.error_list)]
    for name, errors in pairs:
        for item in errors:
            message = item.message % item.params if item.params else item.message
            items.append({"type": item.code or "invalid", "loc": ["body", "payload", name], "msg": str(message)})
    return {"detail": items}


@router.post(
    "/reports",
    response={201: ReceiptOut, 400: Message, 422: FieldErrors, 429: Message},
    summary="Report what you see",
    openapi_extra={"security": []},
    exclude_none=True,
)
def create_report(request: HttpRequest, payload: ReportIn) -> Status[object]:
    """Take one report. Answers 201 with a receipt code; 422 lists every field problem (nothing is stored);
    429 when this client sent too many reports in the last minute.

    An `Idempotency-Key` header (8 to 200 printable characters, e.g. a UUID) makes retries safe: the same key with
    the same report gets the first answer again and stores nothing more (kept for a day); the same key with another
    report is refused (422)."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return _create_report(request, payload)
    key = key.strip()
    if not 8 <= len(key) <= 200 or not key.isprintable():
        return Status(400, Message(detail="Idempotency-Key must be 8 to 200 printable characters."))
    try:
        answer = replay.once(
            kind="api-report",
            key=key,
            request=payload.model_dump_json(),
            produce=lambda: _kept(_create_report(request, payload)),
        )
    except VigilError as refused:
        return Status(
            422, {"detail": [{"type": refused.code, "loc": ["header", "Idempotency-Key"], "msg": str(refused)}]}
        )
    return Status(answer.status, json.loads(answer.body))


def _kept(answer: Status[object]) -> replay.Answer:
    value = answer.value
    data = value.model_dump(mode="json", exclude_none=True) if isinstance(value, Schema) else value
    return replay.Answer(answer.status_code, "application/json", json.dumps(data))


def _create_report(request: HttpRequest, payload: ReportIn) -> Status[object]:
    if not within_rate(client_address(request), scope="report"):
        return Status(429, Message(detail="Too many reports from this client in the last minute; wait a minute."))
    try:
        report = services.submit_report(
            channel=Channel.API,
            language=payload.language,
            size=payload.size,
            activity=payload.activity,
            location_text=payload.location_text,
            lat=payload.lat,
            lon=payload.lon,
            uniform=payload.uniform,
            seen_at=payload.seen_at,
            equipment=payload.equipment,
            text=payload.text,
            contact=payload.contact,
            entered_by=None,
        )
    except VigilError as refused:
        refund_rate(client_address(request), scope="report")
        return Status(422, _field_errors(refused.as_validation_error()))
    # The incident a report has just joined is open and not merged (that is how it was chosen), so its state is the
    # report's status: no need to read it back.
    incident = report.incident if report.incident_id is not None else None
    if report.outside_area:
        receipt = ReceiptOut(
            receipt=services.format_receipt(report.receipt),
            status=selectors.OUTSIDE_AREA,
            placed=False,
            help=service_area.help_text(),
        )
        return Status(201, receipt)
    receipt = ReceiptOut(
        receipt=services.format_receipt(report.receipt),
        status=str(incident.state) if incident is not None else selectors.RECEIVED,
        placed=incident is not None,
        help=None,
    )
    return Status(201, receipt)


@router.get(
    "/reports/{receipt}",
    response={200: StatusOut, 404: Message, 422: FieldErrors, 429: Message},
    summary="Status of a report",
    openapi_extra={"security": []},
)
def report_status(request: HttpRequest, receipt: Annotated[str, Field(max_length=20)]) -> Status[object]:
    """The state of the report with this receipt code, and nothing else."""
    if not within_rate(client_address(request), scope="status", per_minute=30):
        return Status(429, Message(detail="Too many look-ups from this client in the last minute; wait a minute."))
    code = services.normalise_receipt(receipt)
    status = selectors.report_status(code) if code else None
    if code is None or status is None:
        return Status(404, Message(detail="Not Found"))
    return Status(200, StatusOut(receipt=services.format_receipt(code), status=status))
