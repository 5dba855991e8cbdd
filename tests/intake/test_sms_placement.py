"""An SMS that says where only in words ("Lake y la 5") is placed by the local gazetteer, first message or answer."""

from __future__ import annotations

import pytest

from tests.intake.test_sms import _params, _send, _twilio  # noqa: F401 - the signed-webhook fixture
from tests.world import World
from vigil.hotline.models import PlacedBy, Report

pytestmark = pytest.mark.usefixtures("gazetteer")


def test_a_first_message_with_cross_streets_is_placed(world: World) -> None:
    _send(_params("ICE en Lake y la 5, 3 agentes deteniendo gente ahora"))
    report = Report.objects.get()
    assert report.placed_by == PlacedBy.WORDS and report.incident is not None
    assert report.place_match == "5th Ave & Lake St"


def test_an_answer_to_where_is_placed(world: World) -> None:
    _send(_params("Hay agentes deteniendo gente"))
    report = Report.objects.get()
    assert report.incident is None
    _send(_params("esquina de Lake y la 5"))
    report.refresh_from_db()
    assert report.placed_by == PlacedBy.WORDS and report.incident is not None


def test_an_ambiguous_place_by_sms_waits_for_an_operator(world: World) -> None:
    _send(_params("ICE at Main St & 1st, 2 vans, now"))
    report = Report.objects.get()
    assert report.incident is None and report.location_text
