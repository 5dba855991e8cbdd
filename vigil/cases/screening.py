"""Screening decisions: accept, refer or decline a case. An accepted case tells its family contacts that a legal team
has it (vigil.cases.family) and, with no attorney yet, pages the one on call (vigil.cases.oncall)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from vigil.accounts.access import AnyUser
from vigil.cases import family, oncall
from vigil.cases.models import (
    Case,
    CaseState,
)
from vigil.cases.services import MAX_TEXT, move_case
from vigil.lib.errors import VigilError
from vigil.safety.validators import guard_text


def decide(*, case: Case, actor: AnyUser, decision: str, reason: str) -> Case:
    """Accept, refer or decline a case in screening; the reason is required and runs through the text guard."""
    if decision not in (CaseState.ACCEPTED, CaseState.REFERRED, CaseState.DECLINED):
        raise VigilError(_("Choose accept, refer or decline."), code="invalid")
    reason = reason.strip()
    if not reason:
        raise VigilError(_("Give the reason for the decision."), code="invalid")
    try:
        guard_text(reason)
    except ValidationError as e:
        raise VigilError.invalid({"reason": [e]}) from None
    with transaction.atomic():
        moved = move_case(case, decision, actor, reason[:MAX_TEXT])
        if moved.state == CaseState.ACCEPTED:
            family.tell_family_accepted(case=moved, actor=actor)
            if moved.attorney_id is None:
                oncall.page_on_call(case=moved, actor=actor)
    return moved
