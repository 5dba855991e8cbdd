"""Every observer view against every role: an observer reaches only their own dispatches; everyone else gets the
same 404 as for a dispatch that does not exist; anonymous visitors are sent to sign in."""

from __future__ import annotations

import pytest

from tests.world import World
from vigil.accounts.models import Membership, Role
from vigil.hotline.models import Incident
from vigil.network.dispatch import dispatch_observers
from vigil.network.models import Dispatch, Notification

OTHER_ROLES = ["alice", "bob", "dave", "erin", "frank", "mallory", "nobody"]

PAGES = ["/observer/", "/observer/inbox/", "/observer/code-of-conduct/"]
ACTIONS = ["/observer/shift/on", "/observer/shift/off", "/observer/code-of-conduct/"]
DISPATCH_GET = "/observer/dispatch/{pk}/"
DISPATCH_POSTS = [
    "/observer/dispatch/{pk}/accept",
    "/observer/dispatch/{pk}/decline",
    "/observer/dispatch/{pk}/arrive",
    "/observer/dispatch/{pk}/check-in",
    "/observer/dispatch/{pk}/observe",
    "/observer/dispatch/{pk}/propose",
    "/observer/dispatch/{pk}/check-out",
]


@pytest.fixture
def carols(world: World, incident: Incident) -> Dispatch:
    dispatch_observers(incident=incident, actor=world.bob)
    return Dispatch.objects.get(incident=incident, observer__user=world.carol)


def every_url(pk: int) -> list[tuple[str, str]]:
    return (
        [("get", url) for url in PAGES]
        + [("post", url) for url in ACTIONS]
        + [("get", DISPATCH_GET.format(pk=pk))]
        + [("post", url.format(pk=pk)) for url in DISPATCH_POSTS]
        + [("post", "/observer/inbox/1/read")]
    )


@pytest.mark.parametrize("name", OTHER_ROLES)
def test_people_without_the_observer_role_get_404_everywhere(world: World, carols: Dispatch, name: str) -> None:
    client = world.client_for(getattr(world, name))
    for method, url in every_url(carols.pk):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (name, method, url)
    carols.refresh_from_db()
    assert carols.status == "sent"


def test_anonymous_visitors_are_sent_to_sign_in(world: World, carols: Dispatch) -> None:
    from django.test import Client

    client = Client()
    for method, url in every_url(carols.pk):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith("/accounts/login/")


def test_carol_opens_her_own_dispatch(world: World, carols: Dispatch) -> None:
    response = world.client_for(world.carol).get(DISPATCH_GET.format(pk=carols.pk))
    assert response.status_code == 200


def test_chris_gets_404_on_carols_dispatch_for_every_view(world: World, carols: Dispatch) -> None:
    chris = world.client_for(world.chris)
    assert chris.get(DISPATCH_GET.format(pk=carols.pk)).status_code == 404
    for url in DISPATCH_POSTS:
        response = chris.post(
            url.format(pk=carols.pk), {"code_acknowledged": "on", "verdict": "confirmed", "note": "x"}
        )
        assert response.status_code == 404, url
    carols.refresh_from_db()
    assert carols.status == "sent"


def test_a_dispatch_that_does_not_exist_is_the_same_404(world: World, carols: Dispatch) -> None:
    carol = world.client_for(world.carol)
    missing = world.client_for(world.carol).get(DISPATCH_GET.format(pk=carols.pk + 1000))
    others = world.client_for(world.chris).get(DISPATCH_GET.format(pk=carols.pk))
    assert missing.status_code == others.status_code == 404
    assert missing.content == others.content
    assert carol.post(f"/observer/dispatch/{carols.pk + 1000}/accept", {"code_acknowledged": "on"}).status_code == 404


def test_an_observer_who_lost_the_role_is_shut_out(world: World, carols: Dispatch) -> None:
    Membership.objects.filter(user=world.carol, role=Role.OBSERVER).delete()
    client = world.client_for(world.carol)
    assert client.get("/observer/").status_code == 404
    assert client.get(DISPATCH_GET.format(pk=carols.pk)).status_code == 404


def test_someone_elses_notice_cannot_be_dismissed(world: World, carols: Dispatch) -> None:
    notice = Notification.objects.get(user=world.carol)
    assert world.client_for(world.chris).post(f"/observer/inbox/{notice.pk}/read").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.parametrize("url", [*DISPATCH_POSTS, "/observer/shift/on", "/observer/shift/off"])
def test_actions_refuse_get(world: World, carols: Dispatch, url: str) -> None:
    assert world.client_for(world.carol).get(url.format(pk=carols.pk)).status_code == 405


def test_pages_refuse_other_methods(world: World, carols: Dispatch) -> None:
    carol = world.client_for(world.carol)
    assert carol.post("/observer/").status_code == 405
    assert carol.post("/observer/inbox/").status_code == 405
    assert carol.put("/observer/code-of-conduct/").status_code == 405
    assert carol.post(DISPATCH_GET.format(pk=carols.pk)).status_code == 405
