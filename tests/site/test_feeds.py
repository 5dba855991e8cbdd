"""The rumour feed's formats: Atom valid against RFC 4287's schema, JSON Feed 1.1 valid against the documented one."""

from __future__ import annotations

import json
from pathlib import Path

import h3
import jsonschema_rs
import pytest
from django.test import Client
from lxml import etree

from tests.site.conftest import judged
from tests.world import NORTH_CENTER, World
from vigil.public import services
from vigil.public.models import Debunk

ROOT = Path(__file__).resolve().parents[2]
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def feed_world(world: World) -> World:
    """A debunk (in two languages) and a cell with three confirmed incidents, 8 to 10 hours old."""
    rumour = judged(world.north_zone, NORTH_CENTER, verdict="false_alarm", hours_ago=0.5)
    services.publish_debunk(
        incident=rumour,
        actor=world.bob,
        area="Northside",
        statements={"en": "A film crew in costume, not ICE.", "es": "Un equipo de filmación, no ICE."},
    )
    for hours in (8, 9, 10):
        judged(world.north_zone, NORTH_CENTER, verdict="confirmed", hours_ago=hours)
    return world


def _atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(ROOT / "docs" / "schemas" / "atom.rng")))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_atom_feed_is_valid_rfc_4287(feed_world: World, lang: str) -> None:
    response = Client().get(f"/rumours/feed.atom?lang={lang}")
    assert response["Content-Type"].startswith("application/atom+xml")
    doc = etree.fromstring(response.content)
    schema = _atom_schema()
    assert schema.validate(doc), schema.error_log
    assert doc.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    entries = doc.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}category").get("term") for e in entries].count("debunk") == 1  # type: ignore[union-attr]
    assert len(entries) == 2
    # RFC 4287's rules outside the grammar: a feed-level author (so entries need none), unique ids, alternate links.
    assert doc.find(f"{ATOM}author/{ATOM}name") is not None
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)
    for entry in entries:
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        assert entry.findtext(f"{ATOM}updated", "").endswith(":00:00Z") or ":00:00+" in entry.findtext(
            f"{ATOM}updated", ""
        )


def test_the_schema_rejects_a_feed_without_an_id() -> None:
    bad = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        b"<updated>2026-12-01T10:00:00Z</updated><author><name>a</name></author></feed>"
    )
    assert not _atom_schema().validate(etree.fromstring(bad))


def _json_validator() -> jsonschema_rs.Validator:
    schema = json.loads((ROOT / "docs" / "schemas" / "rumour-feed.schema.json").read_text())
    return jsonschema_rs.validator_for(schema, validate_formats=True)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_json_feed_follows_its_documented_schema(feed_world: World, lang: str) -> None:
    response = Client().get(f"/rumours/feed.json?lang={lang}")
    assert response["Content-Type"].startswith("application/feed+json")
    body = json.loads(response.content)
    errors = [str(e) for e in _json_validator().iter_errors(body)]
    assert errors == []
    kinds = sorted(item["_vigil"]["kind"] for item in body["items"])
    assert kinds == ["confirmed", "debunk"]
    confirmed = next(i for i in body["items"] if i["_vigil"]["kind"] == "confirmed")
    assert confirmed["_vigil"]["cell"] == h3.latlng_to_cell(NORTH_CENTER[0], NORTH_CENTER[1], 7)
    assert confirmed["_vigil"]["count"] == 3
    debunk = next(i for i in body["items"] if i["_vigil"]["kind"] == "debunk")
    expected = "Un equipo de filmación, no ICE." if lang == "es" else "A film crew in costume, not ICE."
    assert debunk["content_text"] == expected


def test_the_json_schema_rejects_a_precise_time_or_a_fine_cell(feed_world: World) -> None:
    body = json.loads(Client().get("/rumours/feed.json").content)
    item = next(i for i in body["items"] if i["_vigil"]["kind"] == "confirmed")
    item["date_published"] = "2026-12-01T10:17:00+00:00"
    item["_vigil"]["cell"] = h3.latlng_to_cell(NORTH_CENTER[0], NORTH_CENTER[1], 9)
    assert len(list(_json_validator().iter_errors(body))) == 2


def test_a_withdrawn_debunk_leaves_both_feeds(feed_world: World) -> None:
    services.withdraw_debunk(debunk=Debunk.objects.get(), actor=feed_world.bob)
    assert b"film crew" not in Client().get("/rumours/feed.atom").content
    assert b"film crew" not in Client().get("/rumours/feed.json").content
