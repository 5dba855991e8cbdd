from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.world import World, make_user
from vigil.accounts.models import Role
from vigil.cases import oncall, screening, services
from vigil.cases.models import Case, CasePage
from vigil.lib.errors import VigilError
from vigil.network.models import Notification


def _rota(world: World, *names: str, jurisdiction: str = "Fort Snelling Immigration Court (fictional)") -> None:
    now = timezone.now()
    for order, name in enumerate(names):
        user = getattr(world, name, None) or make_user(name, world.north, Role.ATTORNEY)
        oncall.add_on_call(
            actor=world.alice,
            group=world.north,
            attorney=user,
            jurisdiction=jurisdiction,
            starts_at=now - dt.timedelta(hours=1),
            ends_at=now + dt.timedelta(hours=8),
            order=order,
        )


def _accepted(world: World, jurisdiction: str = "Fort Snelling Immigration Court (fictional)") -> Case:
    case = open_case(world, attorney=False)
    Case.objects.filter(pk=case.pk).update(jurisdiction=jurisdiction)
    case.refresh_from_db()
    services.start_screening(case=case, actor=world.alice)
    return screening.decide(case=case, actor=world.alice, decision="accepted", reason="Eligible.")


def test_an_accepted_case_pages_the_on_call_attorney_of_its_jurisdiction(world: World) -> None:
    _rota(world, "erin")
    _rota(world, "other_court_attorney", jurisdiction="Somewhere Else Court (fictional)")
    case = _accepted(world)
    page = CasePage.objects.get(case=case)
    assert page.attorney == world.erin
    assert page.answer_by - page.sent_at == dt.timedelta(minutes=15)
    note = Notification.objects.get(user=world.erin, kind="case_page")
    assert f"#{case.pk}" in note.subject and "Maria" not in note.body


def test_nobody_acknowledging_escalates_to_the_next_then_tells_coordinators(world: World) -> None:
    _rota(world, "erin", "olga")
    case = _accepted(world)
    first = CasePage.objects.get(case=case)
    assert oncall.escalate_unacknowledged(timezone.now() + dt.timedelta(minutes=14)) == 0
    assert oncall.escalate_unacknowledged(timezone.now() + dt.timedelta(minutes=16)) == 1
    first.refresh_from_db()
    assert first.expired_at is not None
    second = CasePage.objects.exclude(pk=first.pk).get(case=case)
    assert second.attorney.username == "olga"
    assert oncall.escalate_unacknowledged(timezone.now() + dt.timedelta(minutes=40)) == 1
    assert Notification.objects.filter(user=world.alice, kind="case_unanswered").exists()
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-5:] == ["paged", "page_expired", "paged", "page_expired", "nobody_on_call"]


@override_settings(VIGIL_CASE_PAGE_ACK_MINUTES=5)
def test_the_acknowledgement_time_is_a_setting(world: World) -> None:
    _rota(world, "erin")
    page = CasePage.objects.get(case=_accepted(world))
    assert page.answer_by - page.sent_at == dt.timedelta(minutes=5)


def test_acknowledging_takes_the_case(world: World) -> None:
    _rota(world, "erin")
    case = _accepted(world)
    page = CasePage.objects.get(case=case)
    oncall.acknowledge(page=page, attorney=world.erin)
    case.refresh_from_db()
    assert case.attorney == world.erin
    assert oncall.escalate_unacknowledged(timezone.now() + dt.timedelta(hours=1)) == 0
    with pytest.raises(VigilError):
        oncall.acknowledge(page=page, attorney=world.erin)


def test_an_expired_page_cannot_be_acknowledged(world: World) -> None:
    _rota(world, "erin", "olga")
    case = _accepted(world)
    page = CasePage.objects.get(case=case)
    oncall.escalate_unacknowledged(timezone.now() + dt.timedelta(minutes=16))
    with pytest.raises(VigilError, match="no longer open"):
        oncall.acknowledge(page=page, attorney=world.erin)


def test_only_attorneys_of_the_group_go_on_the_rota(world: World) -> None:
    now = timezone.now()
    with pytest.raises(VigilError) as e:
        oncall.add_on_call(
            actor=world.alice, group=world.north, attorney=world.bob, jurisdiction="X", starts_at=now, ends_at=now
        )
    assert set(e.value.fields) == {"attorney", "ends_at"}


def test_the_periodic_job_is_registered() -> None:
    from django.conf import settings

    assert ("vigil.cases.tasks.escalate_unacknowledged_pages", 60) in settings.VIGIL_CLOCK_JOBS
