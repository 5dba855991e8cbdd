"""The case page reads and links; each write has its own small page; the history is paged."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.world import World
from vigil.cases.models import CaseEvent
from vigil.legal.case_views import HISTORY_ON_PAGE, HISTORY_PAGE_SIZE


def _events(case_id: int, count: int) -> None:
    now = timezone.now()
    CaseEvent.objects.bulk_create(
        CaseEvent(case_id=case_id, kind="note_added", data={"reason": f"marker-{i:03d}"}, at=now) for i in range(count)
    )


def test_the_case_page_shows_the_newest_events_and_links_the_full_history(world: World) -> None:
    case = open_case(world)
    _events(case.pk, 60)
    page = world.client_for(world.erin).get(reverse("legal:case", args=[case.pk])).content.decode()
    assert "marker-059" in page and f"marker-{59 - HISTORY_ON_PAGE + 1:03d}" in page
    assert f"marker-{59 - HISTORY_ON_PAGE:03d}" not in page and "marker-000" not in page
    assert reverse("legal:history", args=[case.pk]) in page


def test_the_full_history_is_paged_oldest_first(world: World) -> None:
    case = open_case(world)
    _events(case.pk, HISTORY_PAGE_SIZE + 10)
    client = world.client_for(world.erin)
    url = reverse("legal:history", args=[case.pk])
    first = client.get(url).content.decode()
    total = case.events.count()
    assert "marker-000" in first and f"marker-{HISTORY_PAGE_SIZE + 9:03d}" not in first
    assert first.index("marker-000") < first.index("marker-001")
    second = client.get(url, {"page": 2}).content.decode()
    assert f"marker-{HISTORY_PAGE_SIZE + 9:03d}" in second and "marker-000" not in second
    assert f"of {total}" in second
    assert client.get(url, {"page": "nonsense"}).status_code == 200


def test_the_case_page_unseals_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    case = open_case(world, "Sealed Sally (fictional)", aliases=["S. Sally"], family=["Relative (fictional)"])
    opened: list[str] = []
    import vigil.vault

    real = vigil.vault.unseal

    def counting(blob: bytes | memoryview, *, purpose: str) -> str:
        opened.append(purpose)
        return real(blob, purpose=purpose)

    for module in ("vigil.vault", "vigil.cases.access", "vigil.cases.services", "vigil.cases.plans"):
        monkeypatch.setattr(f"{module}.unseal", counting)
    client = world.client_for(world.erin)
    assert client.get(reverse("legal:case", args=[case.pk])).status_code == 200
    assert opened == []
    assert client.get(reverse("legal:reveal", args=[case.pk])).status_code == 200
    assert opened  # the reveal is where the sealed values are opened


@pytest.mark.parametrize(
    ("page", "field"),
    [
        ("legal:decide", 'name="decision"'),
        ("legal:close", 'name="reason"'),
        ("legal:note", 'name="text"'),
        ("legal:member", 'name="username"'),
        ("legal:locator_check", 'name="facility"'),
        ("legal:hearing", 'name="court"'),
        ("legal:trigger", 'name="trigger"'),
        ("legal:plan_link", 'name="code"'),
    ],
)
def test_each_write_has_its_own_small_page_linked_from_the_case(world: World, page: str, field: str) -> None:
    case = open_case(world)
    client = world.client_for(world.erin)
    from vigil.cases import services

    services.start_screening(case=case, actor=world.erin)  # so the decision is offered
    url = reverse(page, args=[case.pk])
    small = client.get(url).content.decode()
    assert field in small and f'action="{url}"' in small
    case_page = client.get(reverse("legal:case", args=[case.pk])).content.decode()
    assert f'href="{url}"' in case_page or page == "legal:close"  # a case in screening cannot be closed
    assert field not in case_page


def test_a_refused_write_comes_back_on_its_small_page_beside_the_field(world: World) -> None:
    case = open_case(world)
    response = world.client_for(world.erin).post(
        reverse("legal:note", args=[case.pk]), {"text": "The agent lives at 42 Oak Street with his wife"}
    )
    assert response.status_code == 400 and b'name="text"' in response.content
    assert b"Add the note" in response.content and not case.notes.exists()
