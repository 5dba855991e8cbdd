from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks
from pytest_django import Settings as SettingsWrapper

from tests.cases.helpers import open_case
from tests.cases.test_facilities import DEMO
from tests.world import World
from vigil.cases import locator
from vigil.cases.facilities import import_text
from vigil.cases.models import Case, LocatorCheck
from vigil.lib.errors import VigilError
from vigil.network.models import Notification


@pytest.fixture
def facilities(db: None) -> None:
    import_text(Path(DEMO).read_text())


def _check(case: Case, world: World, result: str = "found", code: str = "DEMO-NRP") -> LocatorCheck:
    return locator.record_check(
        case=case, actor=world.erin, result=result, checked_on=timezone.localdate(), facility_code=code
    )


def test_a_new_case_is_due_for_a_check_at_once(world: World) -> None:
    case = open_case(world)
    assert list(locator.due_checks(Case.objects.all())) == [case]


def test_not_found_schedules_the_next_check_in_12_hours(world: World, facilities: None) -> None:
    case = open_case(world)
    _check(case, world, "not_found", "")
    case.refresh_from_db()
    assert case.facility is None
    assert case.next_locator_check_at is not None and abs(
        case.next_locator_check_at - timezone.now() - dt.timedelta(hours=12)
    ) < dt.timedelta(minutes=1)
    assert not locator.due_checks(Case.objects.all()).exists()


def test_found_sets_the_facility_its_jurisdiction_and_a_daily_check(world: World, facilities: None) -> None:
    case = open_case(world)
    _check(case, world)
    case.refresh_from_db()
    assert case.facility is not None and case.facility.code == "DEMO-NRP"
    assert case.jurisdiction == "Fort Example Immigration Court (fictional)"
    assert case.next_locator_check_at is not None and abs(
        case.next_locator_check_at - timezone.now() - dt.timedelta(days=1)
    ) < dt.timedelta(minutes=1)


def test_a_facility_change_is_a_transfer_that_alerts_the_attorney_and_texts_the_family(
    world: World,
    facilities: None,
    settings: SettingsWrapper,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    settings.TWILIO_ACCOUNT_SID = "ACtest"
    sent: list[tuple[str, str]] = []

    def fake_sms(*, to: str, body: str) -> str:
        sent.append((to, body))
        return "SM1"

    monkeypatch.setattr("vigil.network.notify.send_sms", fake_sms)
    case = open_case(world, family=["Relative (fictional)"])
    case.family.update(language="es")
    with django_capture_on_commit_callbacks(execute=True):
        _check(case, world, code="DEMO-NRP")
    assert sent == []  # the first place found is no transfer
    with django_capture_on_commit_callbacks(execute=True):
        check = _check(case, world, code="DEMO-SVD")
    assert check.transfer_from is not None and check.transfer_from.code == "DEMO-NRP"
    assert Notification.objects.filter(user=world.erin, kind="case_transfer").count() == 1
    assert len(sent) == 1 and sent[0][0] == "+1 612 555 0100"
    assert "South Valley Detention Facility" in sent[0][1] and "trasladada" in sent[0][1]
    assert "transferred" in list(case.events.values_list("kind", flat=True))


def test_without_sms_the_family_is_not_texted(
    world: World,
    facilities: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    sent: list[str] = []

    def fake_sms(*, to: str, body: str) -> str:
        sent.append(to)
        return "SM1"

    monkeypatch.setattr("vigil.network.notify.send_sms", fake_sms)
    case = open_case(world, family=["Relative (fictional)"])
    with django_capture_on_commit_callbacks(execute=True):
        _check(case, world, code="DEMO-NRP")
        _check(case, world, code="DEMO-SVD")
    assert sent == [] and Notification.objects.filter(kind="case_transfer").count() == 1


@pytest.mark.parametrize(
    ("result", "code", "day", "field"),
    [
        ("found", "NOPE", 0, "facility"),
        ("found", "", 0, "facility"),
        ("not_found", "", 1, "checked_on"),
        ("maybe", "", 0, "result"),
    ],
)
def test_bad_checks_are_refused_and_nothing_is_written(
    world: World, facilities: None, result: str, code: str, day: int, field: str
) -> None:
    case = open_case(world)
    with pytest.raises(VigilError) as e:
        locator.record_check(
            case=case,
            actor=world.erin,
            result=result,
            checked_on=timezone.localdate() + dt.timedelta(days=day),
            facility_code=code,
        )
    assert field in e.value.fields
    assert not LocatorCheck.objects.exists()
    assert "locator_check" not in list(case.events.values_list("kind", flat=True))
