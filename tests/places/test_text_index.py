"""The geocoder's text index on PostgreSQL: names are looked up through the trigram index (migration 0004)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from vigil.places.geocoder import geocode

pytestmark = [
    pytest.mark.usefixtures("gazetteer"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pg_trgm path"),
]


def _rows(sql: str, params: list[str | int]) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def test_the_function_finds_what_the_plain_query_finds() -> None:
    for kind, words in [("street", "laek"), ("street", "lakee"), ("place", "rooseveldt"), ("street", "qwzzy")]:
        plain = _rows(
            "SELECT key, place_id FROM places_gazetteername WHERE kind = %s AND %s <%% key ORDER BY %s <<-> key, id",
            [kind, words, words],
        )
        through_index = _rows("SELECT key, place_id FROM places_similar_names(%s, %s, 60)", [kind, words])
        assert through_index == plain


def test_a_word_that_matches_nothing_is_answered_from_the_index() -> None:
    """The plan of the function's own query, as auto_explain reports it (nested statements, sent to the client)."""
    notices: list[str] = []
    with transaction.atomic(), connection.cursor() as cursor:
        try:
            cursor.execute("LOAD 'auto_explain'")
        except DatabaseError:  # pragma: no cover - a server without contrib or a user who may not LOAD
            pytest.skip("auto_explain cannot be loaded")
        for setting in ("auto_explain.log_min_duration = 0", "auto_explain.log_nested_statements = on"):
            cursor.execute(f"SET LOCAL {setting}")
        cursor.execute("SET LOCAL client_min_messages = log")
        raw = connection.connection
        assert raw is not None

        def keep(diagnostic: Any) -> None:
            notices.append(str(diagnostic.message_primary))

        raw.add_notice_handler(keep)
        cursor.execute("SELECT * FROM places_similar_names('street', 'qwzzyx', 60)")
        assert cursor.fetchall() == []
        raw.remove_notice_handler(keep)
        transaction.set_rollback(True)  # rolling the savepoint back undoes the SET LOCALs
    plans = [n for n in notices if "places_gazetteername" in n]
    assert plans, notices
    assert all("places_name_key_trgm" in plan and "Seq Scan" not in plan for plan in plans), plans
    assert geocode("Qwzzyx Blvd & Xyq Rd").matches == ()


def test_the_planner_setting_does_not_outlive_the_look_up() -> None:
    assert geocode("Laek St & 5th").matches
    assert _rows("SHOW enable_seqscan", []) == [("on",)]
