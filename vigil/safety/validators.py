"""Django validator for the text guard: use it on every free-text field of every channel.

    from vigil.safety.validators import guard_text
    text = forms.CharField(validators=[guard_text])

It raises a ValidationError with code "text_guard" whose message says why, per reason, and that the text was kept;
`params["reasons"]` lists the reason codes ("threat, private_address"). It stores and logs nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from vigil.safety.textguard import GuardResult, check


def guarded(value: str) -> GuardResult:
    """Like guard_text, but returns the guard's result so a channel that stores the text can read `held`."""
    result = check(value)
    if not result.ok:
        raise ValidationError(
            result.message,
            code="text_guard",
            params={"reasons": ", ".join(reason.value for reason in result.reasons)},
        )
    return result


def guard_text(value: str) -> None:
    guarded(value)
