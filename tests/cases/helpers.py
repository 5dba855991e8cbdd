"""Helpers for case tests: open a case with fictional people quickly."""

from __future__ import annotations

from collections.abc import Sequence

from tests.world import World
from vigil.cases import services
from vigil.cases.models import Case
from vigil.cases.services import FamilyInput, PersonInput


def open_case(
    world: World,
    name: str = "Maria Garcia Lopez (fictional)",
    *,
    aliases: Sequence[str] = (),
    family: Sequence[str] = (),
    a_number: str = "",
    attorney: bool = True,
) -> Case:
    case = services.open_case(
        group=world.north,
        opened_by=world.erin,
        source="attorney",
        person=PersonInput(
            name=name,
            aliases=aliases,
            a_number=a_number,
            family=[FamilyInput(name=f, phone="+1 612 555 0100", relationship="sibling") for f in family],
        ),
    )
    if attorney:
        services.assign_attorney(case=case, attorney=world.erin, actor=world.erin)
    return case
