"""Replay: a node died after storing a report but before answering; the client's retry would have stored it twice.
`POST /api/v1/reports` takes an Idempotency-Key; the web form carries a one-time token."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from tests.intake.test_report_form import _form
from tests.world import NORTH_CENTER, World
from vigil.hotline.models import Report

BODY = {"activity": "checking papers at the bus stop", "lat": NORTH_CENTER[0], "lon": NORTH_CENTER[1]}


@pytest.fixture(autouse=True)
def _fresh(fresh_rate_limits: None) -> None:
    pass


def _api(body: dict[str, object], key: str | None = None) -> tuple[int, dict[str, object]]:
    headers = {"Idempotency-Key": key} if key is not None else {}
    response = Client().post("/api/v1/reports", json.dumps(body), content_type="application/json", headers=headers)
    return response.status_code, response.json()


def test_a_retry_with_the_same_key_gets_the_same_receipt_and_one_report(world: World) -> None:
    first = _api(BODY, "3f1c9a52-retry-0001")
    assert first[0] == 201
    assert _api(BODY, "3f1c9a52-retry-0001") == first
    assert Report.objects.count() == 1


def test_without_a_key_each_post_is_a_report(world: World) -> None:
    _api(BODY)
    _api(BODY)
    assert Report.objects.count() == 2


def test_the_same_key_for_another_report_is_refused(world: World) -> None:
    _api(BODY, "3f1c9a52-retry-0002")
    status, answer = _api({**BODY, "activity": "something else"}, "3f1c9a52-retry-0002")
    assert status == 422 and Report.objects.count() == 1
    assert answer["detail"][0]["loc"] == ["header", "Idempotency-Key"]  # type: ignore[index]


def test_a_refused_report_is_not_the_answer_forever(world: World) -> None:
    status, _ = _api({**BODY, "lat": 91}, "3f1c9a52-retry-0003")
    assert status == 422
    assert _api(BODY, "3f1c9a52-retry-0003")[0] == 201


def test_a_silly_key_is_refused(world: World) -> None:
    assert _api(BODY, "short")[0] == 400
    assert Report.objects.count() == 0


def test_the_web_form_shows_the_same_receipt_when_sent_twice(world: World) -> None:
    client = Client()
    page = client.get("/report").content.decode()
    token = re.search(r'name="submission_token" value="([^"]+)"', page)
    assert token is not None
    data = {**_form(), "submission_token": token.group(1)}
    first = client.post("/report", data)
    second = client.post("/report", data)
    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    assert Report.objects.count() == 1
