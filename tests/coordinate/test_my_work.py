"""My work (/home/): one labelled card per role the user holds, linking to that role's page."""

from __future__ import annotations

from tests.world import World
from vigil.accounts.models import Membership, Role


def test_each_role_gets_a_card_with_its_groups_and_link(world: World) -> None:
    Membership.objects.create(user=world.alice, group=world.north, role=Role.DISPATCHER)
    Membership.objects.create(user=world.alice, group=world.south, role=Role.DISPATCHER)
    response = world.client_for(world.alice).get("/home/")
    assert response.status_code == 200
    cards = response.context["cards"]
    assert [c.role for c in cards] == [Role.DISPATCHER, Role.COORDINATOR, Role.NETWORK_ADMIN]
    assert cards[0].groups == sorted([world.north.name, world.south.name])
    body = response.content.decode()
    assert "Dispatcher console" in body and 'href="/console/"' in body
    assert "Coordinator" in body and 'href="/network/"' in body


def test_a_single_role_still_shows_its_card(world: World) -> None:
    response = world.client_for(world.dave).get("/home/")
    assert response.status_code == 200
    assert [c.role for c in response.context["cards"]] == [Role.OPERATOR]
    assert "Hotline operator" in response.content.decode()


def test_attorneys_and_auditors_get_an_evidence_card(world: World) -> None:
    for person, title in ((world.erin, "Attorney"), (world.frank, "Auditor")):
        response = world.client_for(person).get("/home/")
        card = response.context["cards"][0]
        assert card.title == title
        # Linked to /evidence/ once the evidence pages exist; until then, explained.
        assert card.url in ("", "/evidence/")
        if not card.url:
            assert b"not open yet" in response.content


def test_someone_without_a_role_is_told_whom_to_ask(world: World) -> None:
    response = world.client_for(world.nobody).get("/home/")
    assert b"You have no role yet" in response.content
