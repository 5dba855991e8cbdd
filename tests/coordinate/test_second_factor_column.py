from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.world import World, make_user
from vigil.accounts.models import Role


def test_a_coordinator_sees_who_has_not_enrolled(world: World) -> None:
    make_user("nina", world.north, Role.OBSERVER)
    Authenticator.objects.filter(user__username="nina").delete()
    page = world.client_for(world.alice).get(reverse("coordinate:members", args=[world.north.pk])).content.decode()
    row = page[page.index("nina") :].split("</tr>")[0]
    assert "not enrolled yet" in row
    bob_row = page[page.index(">bob") :].split("</tr>")[0]
    assert "not enrolled yet" not in bob_row
    assert "1 person has not set up a second factor" in page
