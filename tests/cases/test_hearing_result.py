"""A hearing's result fires the matching rules of the deadline rule table: once, with the rule's source, reminded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.world import World
from vigil.cases import calendar
from vigil.cases.models import Case, Deadline, DeadlineRule, Hearing
from vigil.lib.errors import VigilError
from vigil.network.models import Notification


def _hearing(world: World, case: Case, *, days_ago: int = 2, kind: str = "individual") -> Hearing:
    return calendar.add_hearing(
        case=case,
        actor=world.erin,
        kind=kind,
        court="Fort Example Immigration Court (fictional)",
        judge="Judge Example (fictional)",
        starts_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def test_a_judges_decision_fires_the_appeal_deadline_with_its_source(world: World) -> None:
    case = open_case(world)
    hearing = _hearing(world, case, days_ago=3)
    calendar.record_result(hearing=hearing, actor=world.erin, result="Removal ordered.", outcome="ij_decision")
    rule = DeadlineRule.objects.get(trigger="ij_decision")
    deadline = Deadline.objects.get(case=case)
    day = timezone.localdate(hearing.starts_at)
    assert deadline.rule == rule and deadline.hearing == hearing and deadline.trigger == "ij_decision"
    assert deadline.triggered_on == day and deadline.due_on == day + dt.timedelta(days=rule.days)
    assert deadline.title == rule.title and deadline.source == rule.source and "1003.38" in deadline.source
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["hearing_result", "trigger_recorded"]
    assert Hearing.objects.get(pk=hearing.pk).outcome == "ij_decision"


@pytest.mark.parametrize("outcome", ["bond_denied", "bond_granted"])
def test_a_bond_decision_fires_the_bond_appeal_rule(world: World, outcome: str) -> None:
    case = open_case(world)
    hearing = _hearing(world, case, kind="bond")
    calendar.record_result(hearing=hearing, actor=world.erin, result="Bond decided.", outcome=outcome)
    rules = set(DeadlineRule.objects.filter(trigger="bond_decision").values_list("pk", flat=True))
    assert set(Deadline.objects.filter(case=case).values_list("rule_id", flat=True)) == rules and rules


def test_recording_the_same_result_twice_makes_the_deadlines_once(world: World) -> None:
    case = open_case(world)
    hearing = _hearing(world, case)
    for _ in range(2):
        calendar.record_result(hearing=hearing, actor=world.erin, result="Bond denied.", outcome="bond_denied")
    calendar.record_result(hearing=hearing, actor=world.erin, result="Bond denied (corrected).", outcome="bond_granted")
    assert Deadline.objects.filter(case=case).count() == DeadlineRule.objects.filter(trigger="bond_decision").count()
    assert case.events.filter(kind="trigger_recorded").count() == 1


def test_the_database_refuses_a_second_deadline_of_one_rule_for_one_hearing(world: World) -> None:
    case = open_case(world)
    hearing = _hearing(world, case)
    calendar.record_result(hearing=hearing, actor=world.erin, result="Decided.", outcome="ij_decision")
    first = Deadline.objects.get(case=case)
    with pytest.raises(IntegrityError), transaction.atomic():
        Deadline.objects.create(
            case=case, rule=first.rule, hearing=hearing, trigger=first.trigger, triggered_on=first.triggered_on,
            title=first.title, source=first.source, due_on=first.due_on,
        )  # fmt: skip


@pytest.mark.parametrize("outcome", ["continued", "other", ""])
def test_an_outcome_that_is_no_trigger_makes_no_deadline(world: World, outcome: str) -> None:
    case = open_case(world)
    calendar.record_result(hearing=_hearing(world, case), actor=world.erin, result="Reset.", outcome=outcome)
    assert not Deadline.objects.filter(case=case).exists()


def test_an_inactive_rule_does_not_fire(world: World) -> None:
    DeadlineRule.objects.filter(trigger="ij_decision").update(active=False)
    case = open_case(world)
    calendar.record_result(hearing=_hearing(world, case), actor=world.erin, result="Decided.", outcome="ij_decision")
    assert not Deadline.objects.filter(case=case).exists()


def test_an_unknown_outcome_is_refused_and_nothing_is_written(world: World) -> None:
    case = open_case(world)
    hearing = _hearing(world, case)
    with pytest.raises(VigilError) as e:
        calendar.record_result(hearing=hearing, actor=world.erin, result="Decided.", outcome="won")
    assert "outcome" in e.value.fields
    assert Hearing.objects.get(pk=hearing.pk).result == "" and not Deadline.objects.exists()


def test_deadlines_of_a_result_are_reminded_like_any_other(world: World) -> None:
    case = open_case(world)
    rule = DeadlineRule.objects.get(trigger="ij_decision")
    hearing = _hearing(world, case, days_ago=rule.days - 5)  # due in five days: the 7-day reminder is due
    calendar.record_result(hearing=hearing, actor=world.erin, result="Decided.", outcome="ij_decision")
    assert calendar.send_reminders() == 1
    note = Notification.objects.get(user=world.erin, kind="case_deadline")
    assert rule.source in note.body and f"#{case.pk}" in note.subject
    assert calendar.send_reminders() == 0  # each threshold once


def test_a_result_recorded_before_the_hearings_day_dates_from_today(world: World) -> None:
    case = open_case(world)
    hearing = _hearing(world, case, days_ago=-3)
    calendar.record_result(hearing=hearing, actor=world.erin, result="Decided early.", outcome="ij_decision")
    assert Deadline.objects.get(case=case).triggered_on == timezone.localdate()


def test_the_result_page_records_the_outcome_and_fires_the_rules(world: World) -> None:
    case = open_case(world)
    hearing = _hearing(world, case)
    client = world.client_for(world.erin)
    url = reverse("legal:hearing_result", args=[hearing.pk])
    form = client.get(url)
    assert form.status_code == 200 and b'name="outcome"' in form.content
    assert client.post(url, {"result": "Decided."}).status_code == 400  # the outcome is asked for
    response = client.post(url, {"result": "Removal ordered.", "outcome": "ij_decision"})
    assert response.status_code == 302
    page = client.get(reverse("legal:case", args=[case.pk])).content.decode()
    assert DeadlineRule.objects.get(trigger="ij_decision").source in page
    assert world.client_for(world.bob).get(url).status_code == 404
    assert world.client_for(world.mallory).post(url, {"result": "x", "outcome": "ij_decision"}).status_code == 404


def test_the_same_decision_recorded_by_hand_after_the_result_adds_nothing(world: World) -> None:
    case = open_case(world)
    hearing = _hearing(world, case)
    calendar.record_result(hearing=hearing, actor=world.erin, result="Decided.", outcome="ij_decision")
    day = timezone.localdate(hearing.starts_at)
    assert calendar.record_trigger(case=case, actor=world.erin, trigger="ij_decision", occurred_on=day) == []
    assert Deadline.objects.filter(case=case).count() == 1


def test_a_trigger_sent_twice_makes_its_deadlines_once_but_another_day_counts(world: World) -> None:
    case = open_case(world)
    day = timezone.localdate() - dt.timedelta(days=4)
    for _ in range(2):
        calendar.record_trigger(case=case, actor=world.erin, trigger="bia_decision", occurred_on=day)
    count = DeadlineRule.objects.filter(trigger="bia_decision", active=True).count()
    assert Deadline.objects.filter(case=case).count() == count
    calendar.record_trigger(case=case, actor=world.erin, trigger="bia_decision", occurred_on=day + dt.timedelta(days=1))
    assert Deadline.objects.filter(case=case).count() == 2 * count
