"""A report whose place is only in words is placed by the local gazetteer when it has one confident match, and waits
for an operator (with the suggestions) when it has several or none."""

from __future__ import annotations

import pytest

from tests.places import city
from tests.world import World
from vigil.hotline import services
from vigil.hotline.models import Channel, IncidentEvent, PlacedBy, Report

pytestmark = pytest.mark.usefixtures("gazetteer", "fresh_rate_limits")


@pytest.mark.parametrize("channel", [Channel.WEB, Channel.SMS, Channel.OPERATOR, Channel.API])
def test_a_confident_match_places_the_report_from_words(world: World, channel: str) -> None:
    report = services.submit_report(
        channel=channel, language="es", activity="Agentes deteniendo gente", location_text="Lake y la 5"
    )
    assert report.incident is not None
    assert report.placed_by == PlacedBy.WORDS
    assert report.place_match == "5th Ave & Lake St"
    assert report.place_confidence == 1.0
    assert abs(report.lat - city.LAKE_LAT) < 0.0005 and abs(report.lon - city.FIFTH_LON) < 0.0005  # type: ignore[operator]
    event = IncidentEvent.objects.get(incident=report.incident, kind="report_placed")
    assert event.data == {"report": report.pk, "by": "words", "match": "5th Ave & Lake St", "confidence": 1.0}
    assert report.incident.zone == world.north_zone


def test_an_ambiguous_place_waits_for_an_operator(world: World) -> None:
    report = services.submit_report(channel=Channel.WEB, language="en", activity="Vans", location_text="Main St & 1st")
    assert report.incident is None and report.lat is None
    assert report.placed_by == "" and report.place_match == ""


def test_an_unknown_place_waits_for_an_operator(world: World) -> None:
    report = services.submit_report(channel=Channel.WEB, language="en", activity="Vans", location_text="by the river")
    assert report.incident is None and report.lat is None


def test_coordinates_sent_with_the_report_win_over_the_words(world: World) -> None:
    report = services.submit_report(
        channel=Channel.WEB, language="en", activity="Vans", location_text="Lake & 5th", lat=44.9991, lon=-93.2701
    )
    assert (report.lat, report.lon, report.placed_by) == (44.9991, -93.2701, "")


def test_an_sms_answer_in_words_places_the_report(world: World) -> None:
    report = services.submit_report(
        channel=Channel.SMS, language="es", activity="Agentes en la calle", require_location=False
    )
    assert report.incident is None
    report = services.fill_report(report=report, field="location_text", value="esquina de Lake y la 5")
    assert report.incident is not None and report.placed_by == PlacedBy.WORDS
    assert Report.objects.get(pk=report.pk).cell == report.cell != ""


def test_the_operator_placing_a_suggestion_is_recorded(world: World) -> None:
    report = services.submit_report(channel=Channel.WEB, language="en", activity="Vans", location_text="Main St & 1st")
    placed = services.place_report(
        report=report, lat=city.SOUTH_MAIN_LAT, lon=city.FIRST_LON, actor=world.dave, match="1st Ave & Main St"
    )
    assert placed.placed_by == PlacedBy.OPERATOR and placed.place_match == "1st Ave & Main St"
    event = IncidentEvent.objects.get(incident=placed.incident, kind="report_placed")
    assert event.data["by"] == "operator" and event.actor == world.dave
