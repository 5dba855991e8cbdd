"""The public report form at /report: phone-first, EN/ES, keeps what was typed, rate-limited without storing IPs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from tests.world import NORTH_CENTER, World
from vigil.hotline.models import Channel, Incident, Report


def _form(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "language": "en",
        "size": "4 agents, 2 vans",
        "activity": "stopping people outside the laundromat",
        "location_text": "Lake St and 5th Ave",
        "lat": str(NORTH_CENTER[0]),
        "lon": str(NORTH_CENTER[1]),
        "uniform": "vests marked POLICE ICE",
        "seen_at": "",
        "equipment": "grey vans",
        "text": "",
        "contact": "",
    }
    data.update(over)
    return data


def test_it_shows_the_salute_form_with_a_tappable_map_and_no_inline_script(world: World) -> None:
    response = Client().get("/report")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("size", "activity", "location_text", "lat", "lon", "uniform", "seen_at", "equipment", "contact"):
        assert f'name="{name}"' in html
    assert "data-intake-map" in html and "intake/intake-map.js" in html
    assert "<script>" not in html and "style=" not in html and "onclick" not in html
    assert "Content-Security-Policy" in response.headers


def test_it_takes_a_report_and_answers_with_a_receipt(world: World) -> None:
    response = Client().post("/report", _form())
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.channel == Channel.WEB and report.incident is not None
    assert f"{report.receipt[:4]}-{report.receipt[4:]}" in response.content.decode()
    assert "What happens next" in response.content.decode()
    assert report.contact_sealed is None


def test_it_takes_a_report_in_spanish_and_answers_in_spanish(world: World) -> None:
    response = Client().post(
        "/report",
        _form(language="es", activity="Están deteniendo a gente frente a la tienda", location_text="Lake y la 5ta"),
    )
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.language == "es"
    assert 'lang="es"' in response.content.decode()


def test_it_keeps_a_report_with_only_words_for_the_place_as_unplaced(world: World) -> None:
    response = Client().post("/report", _form(lat="", lon=""))
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.incident is None and report.lat is None
    assert not Incident.objects.exists()
    assert "puts it on the map" in response.content.decode()


def test_it_seals_the_call_back_contact_and_sets_its_deletion_date(world: World) -> None:
    Client().post("/report", _form(contact="+1 612 555 0142"))
    report = Report.objects.get()
    assert report.contact_sealed is not None and b"555" not in bytes(report.contact_sealed)
    assert report.contact_expires_at is not None
    assert (report.contact_expires_at - report.received_at).days == 14


@pytest.mark.parametrize(
    ("over", "field", "reason"),
    [
        ({"lat": "91", "lon": "10"}, "lat", "between -90 and 90"),
        ({"lat": "45", "lon": "-200"}, "lon", "between -180 and 180"),
        ({"lat": "45", "lon": ""}, "lon", "both latitude and longitude"),
        ({"lat": "abc"}, "lat", "Enter a number"),
        ({"lat": "0", "lon": "0"}, "lat", "not a real location"),
        ({"activity": "x" * 2001}, "activity", "too long"),
        ({"size": "x" * 201}, "size", "too long"),
        ({"seen_at": "2031-01-01T10:00"}, "seen_at", "in the future"),
        ({"seen_at": "2001-01-01T10:00"}, "seen_at", "more than 24 hours ago"),
        ({"seen_at": "yesterday-ish"}, "seen_at", "Enter a valid date"),
        ({"language": "xx"}, "language", "Select a valid choice"),
        ({"lat": "", "lon": "", "location_text": ""}, "location_text", "Tell us where"),
        (
            {"size": "", "activity": "", "location_text": "", "uniform": "", "equipment": "", "lat": "", "lon": ""},
            "activity",
            "Tell us what you see",
        ),
        ({"activity": "agents \x07 here"}, "activity", "control characters"),
    ],
)
def test_it_refuses_bad_input_keeps_what_was_typed_and_stores_nothing(
    world: World, over: dict[str, str], field: str, reason: str
) -> None:
    data = _form(**over)
    response = Client().post("/report", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert reason in html
    assert "what you typed is still here" in html
    assert "stopping people outside the laundromat" in html or data["activity"] != _form()["activity"]
    assert not Report.objects.exists() and not Incident.objects.exists()


def test_it_refuses_a_report_in_spanish_with_spanish_messages(world: World) -> None:
    response = Client().post("/report", _form(language="es", lat="95"))
    assert response.status_code == 400
    assert 'lang="es"' in response.content.decode()
    assert not Report.objects.exists()


@override_settings(VIGIL_REPORT_RATE_PER_MINUTE=3)
def test_it_limits_reports_per_client_and_answers_429_keeping_the_text(world: World) -> None:
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(3):
        assert client.post("/report", _form()).status_code == 201
    response = client.post("/report", _form(activity="fourth report text"))
    assert response.status_code == 429
    assert "Too many reports" in response.content.decode()
    assert "fourth report text" in response.content.decode()
    assert Report.objects.count() == 3
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert other.post("/report", _form()).status_code == 201


@override_settings(VIGIL_REPORT_RATE_PER_MINUTE=1, VIGIL_PROXY_HOPS=1)
def test_it_tells_clients_apart_behind_a_trusted_proxy(world: World) -> None:
    a = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1")
    b = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert a.post("/report", _form()).status_code == 201
    assert b.post("/report", _form()).status_code == 201
    assert a.post("/report", _form()).status_code == 429


def test_the_rate_limit_keeps_only_a_keyed_hash_in_the_cache(world: World) -> None:
    from django.db import connection

    Client(REMOTE_ADDR="198.51.100.77").post("/report", _form())
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM vigil_cache")
        rows = cursor.fetchall()
    assert rows
    assert all("198.51.100.77" not in str(key) and "198.51.100.77" not in str(v) for key, v in rows)


def test_an_invalid_report_uses_up_no_quota(world: World) -> None:
    with override_settings(VIGIL_REPORT_RATE_PER_MINUTE=2):
        client = Client(REMOTE_ADDR="198.51.100.78")
        for _ in range(5):
            assert client.post("/report", {**_form(), "lat": "91", "lon": "0"}).status_code == 400
        assert client.post("/report", _form()).status_code == 201
        assert client.post("/report", _form()).status_code == 201
        assert client.post("/report", _form()).status_code == 429


def test_it_gives_a_reporter_the_state_of_their_report_and_nothing_else(world: World) -> None:
    Client().post("/report", _form())
    report = Report.objects.get()
    response = Client().get("/report", {"receipt": report.receipt.lower()})
    assert response.status_code == 200
    html = response.content.decode()
    assert "being checked" in html
    assert "laundromat" not in html.split("lookup-title")[1]
    assert Client().get("/report", {"receipt": "ZZZZZZZZ"}).status_code == 404
    assert Client().get("/report", {"receipt": "x" * 500}).status_code == 404


def test_the_form_has_no_field_and_the_row_no_trace_of_the_reporters_address(world: World) -> None:
    Client(REMOTE_ADDR="198.51.100.99", HTTP_USER_AGENT="Mozilla/5.0 TestPhone").post("/report", _form())
    row = Report.objects.values().get()
    flat = " ".join(str(v) for v in row.values())
    assert "198.51.100.99" not in flat and "TestPhone" not in flat
