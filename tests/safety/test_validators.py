"""The Django validator every channel uses on free text."""

from __future__ import annotations

import logging

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from vigil.safety.validators import guard_text

SECRET_TEXT = "The snitch's name is Dale Whitcomb and he lives at 19 Larch Way"


class _ReportForm(forms.Form):
    text = forms.CharField(validators=[guard_text])


def test_it_accepts_a_report_of_activity() -> None:
    guard_text("ICE at 2100 Bloomington Ave right now")


def test_it_raises_a_text_guard_error_with_the_reasons() -> None:
    with pytest.raises(ValidationError) as caught:
        guard_text(SECRET_TEXT)
    assert caught.value.code == "text_guard"
    assert caught.value.params == {"reasons": "identity, private_address"}
    with translation.override("en"):
        (message,) = caught.value.messages
    assert "calling the authorities" in message
    assert "where a person lives" in message
    assert "kept" in message


def test_a_form_keeps_what_the_person_typed_and_says_why() -> None:
    form = _ReportForm(data={"text": SECRET_TEXT})
    assert not form.is_valid()
    assert form.has_error("text", code="text_guard")
    assert form["text"].value() == SECRET_TEXT  # re-rendered as typed, so it can be edited
    with translation.override("en"):
        html = form.as_p()
    assert "Dale Whitcomb" in html
    assert "calling the authorities" in html


def test_it_logs_nothing_of_what_it_refuses(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ValidationError):
        guard_text(SECRET_TEXT)
    assert "Whitcomb" not in caplog.text
    assert "Larch" not in caplog.text


def test_it_lets_a_text_held_for_review_through() -> None:
    guard_text("An officer with badge 3318 was giving orders")  # accepted or held: never an error


def test_a_percent_sign_in_the_text_does_not_break_the_message() -> None:
    with pytest.raises(ValidationError) as caught:
        guard_text("100% sure: he'll pay")
    with translation.override("en"):
        assert "threat" in caught.value.messages[0]
