"""An accepted case nobody can be paged for pages nobody: the case keeps the reason, the coordinators are told, the
desk sees it under "need an attorney", and a locator check that finds the facility pages the one on call then."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.cases.test_locator import _check, facilities
from tests.cases.test_oncall import _accepted, _rota
from tests.world import World
from vigil.cases import oncall, screening, services
from vigil.cases.models import Case, CasePage, Unpaged
from vigil.network.models import Notification

__all__ = ["facilities"]

DEMO_COURT = "Fort Example Immigration Court (fictional)"  # the court of the demo facility DEMO-NRP


def _accepted_without_jurisdiction(world: World) -> Case:
    case = open_case(world, attorney=False)
    services.start_screening(case=case, actor=world.alice)
    return screening.decide(case=case, actor=world.alice, decision="accepted", reason="Eligible.")


def test_a_case_without_a_jurisdiction_pages_nobody_and_tells_the_coordinators_why(world: World) -> None:
    _rota(world, "erin", jurisdiction="Some Other Court (fictional)")  # on call, but for another court
    case = _accepted_without_jurisdiction(world)
    assert not CasePage.objects.filter(case=case).exists()
    assert Case.objects.get(pk=case.pk).unpaged == Unpaged.NO_JURISDICTION
    assert not Notification.objects.filter(user=world.erin).exists()
    told = Notification.objects.get(user=world.alice, kind="case_unassigned")
    assert f"#{case.pk}" in told.subject and "facility is not known" in told.body and "Maria" not in told.body
    event = case.events.get(kind="nobody_on_call")
    assert event.data["unpaged"] == Unpaged.NO_JURISDICTION


def test_the_locator_check_that_finds_the_facility_pages_the_attorney_on_call_for_it(
    world: World, facilities: None
) -> None:
    _rota(world, "erin", jurisdiction=DEMO_COURT)
    _rota(world, "olga", jurisdiction="Some Other Court (fictional)")
    case = _accepted_without_jurisdiction(world)
    assert not CasePage.objects.filter(case=case).exists()
    _check(case, world, code="DEMO-NRP")
    case.refresh_from_db()
    assert case.jurisdiction == DEMO_COURT and case.unpaged == ""
    assert [p.attorney for p in CasePage.objects.filter(case=case)] == [world.erin]
    _check(case, world, code="DEMO-LKC")  # a second facility: no second page while one is open
    assert CasePage.objects.filter(case=case).count() == 1


def test_a_jurisdiction_nobody_is_on_the_rota_for_pages_nobody(world: World) -> None:
    _rota(world, "erin", jurisdiction="Some Other Court (fictional)")
    case = _accepted(world, jurisdiction="Uncovered Court (fictional)")
    assert not CasePage.objects.filter(case=case).exists()
    assert Case.objects.get(pk=case.pk).unpaged == Unpaged.NO_ROTA
    told = Notification.objects.get(user=world.alice, kind="case_unassigned")
    assert "Uncovered Court (fictional)" in told.body and "rota" in told.body
    assert not Notification.objects.filter(user=world.erin).exists()


def test_everybody_paged_without_an_answer_keeps_that_reason(world: World) -> None:
    _rota(world, "erin")
    case = _accepted(world)
    oncall.escalate_unacknowledged(timezone.now() + dt.timedelta(minutes=16))
    assert Case.objects.get(pk=case.pk).unpaged == Unpaged.ALL_PAGED
    assert Notification.objects.filter(user=world.alice, kind="case_unanswered").exists()


def test_the_desk_sees_the_case_under_need_an_attorney_with_the_reason(world: World) -> None:
    case = _accepted_without_jurisdiction(world)
    listing = world.client_for(world.alice).get(reverse("legal:list")).content.decode()
    assert "Accepted cases that need an attorney" in listing
    assert f'href="{reverse("legal:case", args=[case.pk])}"' in listing and "facility is not known" in listing
    page = world.client_for(world.alice).get(reverse("legal:case", args=[case.pk])).content.decode()
    assert 'id="unassigned-reason"' in page and reverse("legal:assign", args=[case.pk]) in page


def test_an_attorney_on_another_courts_rota_sees_a_case_no_rota_covers(world: World) -> None:
    _rota(world, "erin", jurisdiction="Some Other Court (fictional)")
    case = _accepted(world, jurisdiction="Uncovered Court (fictional)")
    listing = world.client_for(world.erin).get(reverse("legal:list")).content.decode()
    assert reverse("legal:take", args=[case.pk]) in listing and "Nobody is on the rota" in listing


def test_a_coordinator_assigns_an_attorney_and_the_reason_goes(world: World) -> None:
    case = _accepted_without_jurisdiction(world)
    url = reverse("legal:assign", args=[case.pk])
    client = world.client_for(world.alice)
    assert client.post(url, {"username": "bob"}).status_code == 400  # a dispatcher is no attorney
    assert client.post(url, {"username": "erin"}).status_code == 302
    case.refresh_from_db()
    assert case.attorney == world.erin and case.unpaged == ""
    assert not world.client_for(world.alice).get(reverse("legal:list")).content.decode().count("need an attorney")


@pytest.mark.parametrize("name", ["bob", "carol", "dave", "erin", "frank", "mallory", "nobody"])
def test_only_the_groups_coordinators_assign(world: World, name: str) -> None:
    case = _accepted_without_jurisdiction(world)
    response = world.client_for(getattr(world, name)).post(
        reverse("legal:assign", args=[case.pk]), {"username": "erin"}
    )
    assert response.status_code == 404  # not on the case's team: the same 404 as for a missing case
    assert Case.objects.get(pk=case.pk).attorney is None


def test_a_team_member_who_is_no_coordinator_is_refused(world: World) -> None:
    case = open_case(world)  # erin, its attorney, adds dave to the team; then the case loses its attorney
    services.add_member(case=case, user=world.dave, actor=world.erin)
    Case.objects.filter(pk=case.pk).update(attorney=None)
    response = world.client_for(world.dave).post(reverse("legal:assign", args=[case.pk]), {"username": "erin"})
    assert response.status_code == 403 and Case.objects.get(pk=case.pk).attorney is None
