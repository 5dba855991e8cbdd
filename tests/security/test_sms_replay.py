"""Replay: the same signed SMS webhook request sent again made a second report. The provider's MessageSid is kept
(as a keyed hash) with the answer; a repeat gets that answer and stores nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import override_settings

from tests.intake.test_sms import SENDER, SITE, TOKEN, _params, _send
from tests.world import World
from vigil.hotline.models import AnsweredRequest, Report


@pytest.fixture(autouse=True)
def _twilio(fresh_rate_limits: None) -> Iterator[None]:
    with override_settings(TWILIO_AUTH_TOKEN=TOKEN, SITE_URL=SITE):
        yield


def test_a_replayed_message_gets_the_same_answer_and_no_new_report(world: World) -> None:
    params = _params("4 agents at Lake St and 5th Ave, grey vans", MessageSid="SMreplay0000000000000000000000001")
    first = _send(params)
    assert first.status_code == 200 and Report.objects.count() == 1
    for _ in range(3):
        again = _send(params)
        assert again.status_code == 200 and again.content == first.content
    assert Report.objects.count() == 1


def test_a_new_message_from_the_same_sender_still_counts(world: World) -> None:
    _send(_params("4 agents at Lake St and 5th Ave", MessageSid="SMreplay0000000000000000000000002"))
    _send(_params("NOW", MessageSid="SMreplay0000000000000000000000003"))
    assert Report.objects.count() == 1
    assert AnsweredRequest.objects.count() == 2


def test_a_sid_reused_for_another_body_is_refused(world: World) -> None:
    _send(_params("4 agents at Lake St and 5th Ave", MessageSid="SMreplay0000000000000000000000004"))
    other = _send(_params("something else entirely", MessageSid="SMreplay0000000000000000000000004"))
    assert other.status_code == 409 and Report.objects.count() == 1


def test_the_sid_and_the_number_are_kept_only_as_keyed_hashes(world: World) -> None:
    sid = "SMreplay0000000000000000000000005"
    _send(_params("4 agents at Lake St and 5th Ave", MessageSid=sid))
    with connection.cursor() as cursor:
        cursor.execute("SELECT key_hash, request_digest, body FROM hotline_answeredrequest")
        rows = cursor.fetchall()
    flat = " ".join(str(v) for row in rows for v in row)
    assert sid not in flat and SENDER not in flat and SENDER.lstrip("+") not in flat
