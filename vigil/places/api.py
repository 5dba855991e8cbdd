"""GET /api/v1/places/search: the local geocoder for signed-in staff (operators, dispatchers, coordinators).

A session cookie is the only credential; anyone else gets the same 404 as a page that does not exist (Vigil's rule
for what a stranger may not see). Queries are not logged or stored: they are reporters' places in words.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.security import SessionAuth

from vigil.accounts.access import has_role
from vigil.accounts.models import Role, User
from vigil.places.geocoder import MAX_QUERY_CHARS, geocode

STAFF = (Role.OPERATOR, Role.DISPATCHER, Role.COORDINATOR)


class StaffSession(SessionAuth):
    """Declares the session cookie in the schema; the operation itself answers 404 to anyone but staff."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        return request.user if _is_staff(request) else None


def _is_staff(request: HttpRequest) -> bool:
    user = request.user
    return isinstance(user, User) and user.is_authenticated and has_role(user, STAFF)


router = Router(tags=["places"], auth=None)


class SearchIn(Schema):
    q: str = Field("", max_length=MAX_QUERY_CHARS, description="A place in words", examples=["Lake y la 5"])
    lang: str = Field("en", max_length=16, description="Language of the words: en or es")


class MatchOut(Schema):
    label: str = Field(description="The place as the gazetteer writes it, e.g. 'Lake St & 5th Ave'")
    kind: str = Field(
        description="address, intersection, estimated crossing (from address points, no centrelines), "
        "place (a landmark) or street"
    )
    lat: float
    lon: float
    confidence: float = Field(ge=0, le=1, description="How sure the geocoder is, 0 to 1")
    neighbourhood: str


class SearchOut(Schema):
    query: str
    confident: bool = Field(description="Whether the first match is the one confident match (a report is placed by it)")
    matches: list[MatchOut]


class NotFound(Schema):
    detail: str


class Invalid(Schema):
    """The query's own problems (e.g. longer than 200 characters), as the schema validation reports them."""

    detail: list[dict[str, Any]]


@router.get(
    "/places/search",
    response={200: SearchOut, 404: NotFound, 422: Invalid},
    summary="Find a place from words",
    openapi_extra={"security": [{"StaffSession": []}]},
)
def search(request: HttpRequest, params: Annotated[SearchIn, Query()]) -> Status[object]:
    """Ranked matches from the local gazetteer (nothing is sent to any other service, unless the network runs its
    own Nominatim or Photon). An ambiguous place gives several matches and `confident: false`; nothing found gives
    an empty list. Anyone but signed-in staff gets 404."""
    if not _is_staff(request):
        return Status(404, NotFound(detail="Not Found"))
    result = geocode(params.q, lang=params.lang)
    return Status(
        200,
        SearchOut(
            query=params.q,
            confident=result.confident is not None,
            matches=[
                MatchOut(
                    label=m.label,
                    kind=m.kind,
                    lat=m.lat,
                    lon=m.lon,
                    confidence=m.confidence,
                    neighbourhood=m.neighbourhood,
                )
                for m in result.matches
            ],
        ),
    )
