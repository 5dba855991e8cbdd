"""The family contact is told by SMS, in their language, that a legal team has the case: the case number and the
hotline, nothing sealed, nobody named. Checked on the wire against a local stand-in for Twilio's API."""

from __future__ import annotations

import functools
import logging

import pytest
from pytest_django import DjangoCaptureOnCommitCallbacks as CaptureOnCommit
from pytest_django import Settings as SettingsWrapper

from tests.cases.helpers import open_case
from tests.network.test_notify import FakeTwilio, twilio
from tests.world import World
from vigil.cases import screening, services
from vigil.cases.models import Case

__all__ = ["twilio"]

HOTLINE = "+1 612 555 0199"
NAMES = ("Maria", "Garcia", "Relative", "erin", "alice", "Fort", "Facility")


def _decide(world: World, case: Case, decision: str = "accepted") -> Case:
    services.start_screening(case=case, actor=world.alice)
    return screening.decide(case=case, actor=world.alice, decision=decision, reason="Eligible.")


@pytest.fixture
def sms(settings: SettingsWrapper, twilio: FakeTwilio) -> FakeTwilio:
    settings.VIGIL_NOTIFY_BACKENDS = ["inbox", "sms"]
    settings.VIGIL_HOTLINE_NUMBERS = [HOTLINE]
    return twilio


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["a volunteer legal team has the case of your family member", "call the hotline at"]),
        ("es", ["un equipo legal voluntario tiene el caso de su familiar", "llame a la línea"]),
        ("", ["a volunteer legal team has the case of your family member"]),
        ("fr", ["a volunteer legal team has the case of your family member"]),
    ],
)
def test_an_accepted_case_texts_the_family_in_their_language(
    world: World, sms: FakeTwilio, django_capture_on_commit_callbacks: CaptureOnCommit, language: str, words: list[str]
) -> None:
    case = open_case(world, family=["Relative (fictional)"], a_number="A-123-456-789")
    case.family.update(language=language)
    with django_capture_on_commit_callbacks(execute=True):
        _decide(world, case)
    assert len(sms.requests) == 1
    form = sms.requests[0]["form"]
    body = form["Body"][0]
    assert form["To"] == ["+1 612 555 0100"]
    for word in words:
        assert word in body
    assert (f"#{case.pk}" in body or f"n.º {case.pk}" in body) and HOTLINE in body
    assert not any(name in body for name in NAMES) and "123456789" not in body
    assert len(body) <= 320  # two SMS segments at most
    event = case.events.get(kind="family_told")
    assert event.data == {"contacts": 1, "channel": "sms"}


def test_without_a_hotline_number_it_says_to_call_the_number_called_before(
    world: World, sms: FakeTwilio, settings: SettingsWrapper, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    settings.VIGIL_HOTLINE_NUMBERS = []
    case = open_case(world, family=["Relative (fictional)"])
    case.family.update(language="es")
    with django_capture_on_commit_callbacks(execute=True):
        _decide(world, case)
    assert "llame a la línea a la que llamó antes" in sms.requests[0]["form"]["Body"][0]


@pytest.mark.parametrize("decision", ["referred", "declined"])
def test_a_referred_or_declined_case_texts_nobody(
    world: World, sms: FakeTwilio, django_capture_on_commit_callbacks: CaptureOnCommit, decision: str
) -> None:
    case = open_case(world, family=["Relative (fictional)"])
    with django_capture_on_commit_callbacks(execute=True):
        _decide(world, case, decision)
    assert sms.requests == [] and not case.events.filter(kind="family_told").exists()


def test_opening_a_case_texts_nobody_yet(
    world: World, sms: FakeTwilio, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        open_case(world, family=["Relative (fictional)"])
    assert sms.requests == []


def test_each_family_contact_with_a_phone_is_texted_once(
    world: World, sms: FakeTwilio, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    case = open_case(world, family=["First Relative (fictional)", "Second Relative (fictional)"])
    case.family.filter(pk=case.family.order_by("pk").last().pk).update(phone_sealed=b"")  # type: ignore[union-attr]
    with django_capture_on_commit_callbacks(execute=True):
        _decide(world, case)
    assert len(sms.requests) == 1


def test_the_sms_is_queued_with_ids_only_and_sent_after_commit(
    world: World, sms: FakeTwilio, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    case = open_case(world, family=["Relative (fictional)"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _decide(world, case)
    assert sms.requests == [] and len(callbacks) >= 1
    queued = [c for c in callbacks if isinstance(c, functools.partial) and "contact_id" in c.keywords]
    assert queued and all(set(c.keywords) == {"contact_id", "case_id", "channel"} for c in queued)


def test_with_the_console_backend_only_a_line_with_ids_is_logged(
    world: World,
    settings: SettingsWrapper,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    settings.VIGIL_NOTIFY_BACKENDS = ["inbox", "console"]
    case = open_case(world, family=["Relative (fictional)"])
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        _decide(world, case)
    lines = [r.getMessage() for r in caplog.records if "case_accepted_family" in r.getMessage()]
    assert len(lines) == 1 and f"case=#{case.pk}" in lines[0]
    assert "555" not in lines[0] and "Relative" not in lines[0]
    assert case.events.get(kind="family_told").data["channel"] == "console"


def test_with_no_backend_that_reaches_a_phone_the_history_says_so(
    world: World, settings: SettingsWrapper, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    settings.VIGIL_NOTIFY_BACKENDS = ["inbox"]
    case = open_case(world, family=["Relative (fictional)"])
    with django_capture_on_commit_callbacks(execute=True):
        _decide(world, case)
    assert case.events.get(kind="family_not_told").data == {"contacts": 1}


def test_a_failing_sms_api_does_not_undo_the_acceptance(
    world: World, sms: FakeTwilio, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    sms.answer = (500, {"code": 20500})
    case = open_case(world, family=["Relative (fictional)"])
    with django_capture_on_commit_callbacks(execute=True):
        _decide(world, case)
    assert Case.objects.get(pk=case.pk).state == "accepted" and len(sms.requests) == 1
