from __future__ import annotations

import pytest
from django.http import Http404

from tests.cases.helpers import open_case
from tests.world import World
from vigil.accounts.models import AuditEvent
from vigil.cases import access, screening, services
from vigil.cases.models import CaseState
from vigil.lib.errors import VigilError


def test_the_team_opens_a_case_and_the_open_is_audited(world: World) -> None:
    case = open_case(world)
    for user in (world.erin, world.alice):
        assert access.case_for(user, case.pk) == case
    assert AuditEvent.objects.filter(action="case.open", object_id=str(case.pk)).count() == 2


@pytest.mark.parametrize("name", ["bob", "carol", "chris", "dave", "frank", "mallory", "nobody"])
def test_everyone_else_gets_the_404_of_a_missing_case(world: World, name: str) -> None:
    case = open_case(world)
    user = getattr(world, name)
    with pytest.raises(Http404):
        access.case_for(user, case.pk)
    with pytest.raises(Http404):
        access.case_for(user, 999999)


def test_a_member_added_by_the_attorney_opens_it(world: World) -> None:
    case = open_case(world)
    services.add_member(case=case, user=world.dave, actor=world.erin)
    assert access.case_for(world.dave, case.pk) == case


def test_only_the_attorney_adds_members(world: World) -> None:
    case = open_case(world)
    with pytest.raises(VigilError):
        services.add_member(case=case, user=world.dave, actor=world.alice)


def test_reveal_unseals_and_is_audited(world: World) -> None:
    case = open_case(world, "Lena Park (fictional)", aliases=["L. Park"], family=["Min Park"])
    services.add_note(case=case, author=world.erin, text="Called the family at noon.")
    identity = access.reveal(world.erin, case)
    assert identity.name == "Lena Park (fictional)" and identity.aliases == ["L. Park"]
    assert identity.family[0].name == "Min Park" and identity.notes[0][2] == "Called the family at noon."
    assert AuditEvent.objects.filter(action="case.reveal", actor=world.erin).count() == 1
    with pytest.raises(Http404):
        access.reveal(world.bob, case)


def test_unassigned_cases_show_to_group_attorneys_only(world: World) -> None:
    case = open_case(world, attorney=False)
    assert list(access.unassigned_cases(world.erin)) == [case]
    assert not access.unassigned_cases(world.bob).exists()
    assert access.case_to_take(world.erin, case.pk) == case
    with pytest.raises(Http404):
        access.case_for(world.erin, case.pk)


def test_screening_accepts_with_a_reason(world: World) -> None:
    case = open_case(world)
    services.start_screening(case=case, actor=world.erin)
    done = screening.decide(case=case, actor=world.erin, decision="accepted", reason="No conflict; bond eligible.")
    assert done.state == CaseState.ACCEPTED and done.reason == "No conflict; bond eligible."
    assert list(done.events.values_list("kind", flat=True))[-2:] == ["screening", "accepted"]


def test_a_decision_needs_a_reason_and_screening_first(world: World) -> None:
    case = open_case(world)
    with pytest.raises(VigilError, match="cannot become"):
        screening.decide(case=case, actor=world.erin, decision="declined", reason="Out of scope")
    services.start_screening(case=case, actor=world.erin)
    with pytest.raises(VigilError, match="reason"):
        screening.decide(case=case, actor=world.erin, decision="declined", reason=" ")


def test_the_text_guard_runs_on_notes(world: World) -> None:
    case = open_case(world)
    with pytest.raises(VigilError):
        services.add_note(case=case, author=world.erin, text="The agent lives at 42 Oak Street with his wife")
    assert not case.notes.exists()
