from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar

from tests.cases.helpers import open_case
from tests.world import World
from vigil.cases import calendar
from vigil.cases.models import Deadline, DeadlineRule, Hearing
from vigil.lib.errors import VigilError
from vigil.network.models import Notification


def test_the_shipped_rules_cite_their_sources(db: None) -> None:
    rules = list(DeadlineRule.objects.all())
    assert len(rules) == 6 and all(r.source and r.days > 0 for r in rules)
    appeal = DeadlineRule.objects.get(trigger="ij_decision")
    assert appeal.days == 30 and "1003.38" in appeal.source


def test_a_decision_makes_its_deadlines_from_the_rule_table(world: World) -> None:
    case = open_case(world)
    decided = timezone.localdate() - dt.timedelta(days=2)
    rows = calendar.record_trigger(case=case, actor=world.erin, trigger="bia_decision", occurred_on=decided)
    due = sorted((d.due_on - decided).days for d in rows)
    assert due == [30, 30, 90]
    assert {d.source for d in rows} >= {"8 U.S.C. § 1252(b)(1)", "8 C.F.R. § 1003.2(c)(2)"}


def test_an_edited_rule_applies_from_then_on_only(world: World) -> None:
    case = open_case(world)
    today = timezone.localdate()
    first = calendar.record_trigger(case=case, actor=world.erin, trigger="ij_decision", occurred_on=today)[0]
    rule = DeadlineRule.objects.get(trigger="ij_decision")
    calendar.save_rule(rule=rule, trigger=rule.trigger, title=rule.title, days=33, source="Test order", active=True)
    other = open_case(world, "Other Person (fictional)")  # the same decision on one case is recorded once
    second = calendar.record_trigger(case=other, actor=world.erin, trigger="ij_decision", occurred_on=today)[0]
    first.refresh_from_db()
    assert (first.due_on - today).days == 30 and (second.due_on - today).days == 33
    assert second.source == "Test order"


def test_an_inactive_rule_makes_no_deadline(world: World) -> None:
    DeadlineRule.objects.filter(trigger="arrival").update(active=False)
    case = open_case(world)
    assert (
        calendar.record_trigger(case=case, actor=world.erin, trigger="arrival", occurred_on=timezone.localdate()) == []
    )


def test_a_rule_needs_a_source_and_sane_days(db: None) -> None:
    with pytest.raises(VigilError) as e:
        calendar.save_rule(rule=None, trigger="arrival", title="x", days=0, source=" ", active=True)
    assert set(e.value.fields) == {"days", "source"}


def test_a_trigger_in_the_future_is_refused(world: World) -> None:
    case = open_case(world)
    with pytest.raises(VigilError):
        calendar.record_trigger(
            case=case, actor=world.erin, trigger="ij_decision", occurred_on=timezone.localdate() + dt.timedelta(days=1)
        )
    assert not Deadline.objects.exists()


def test_reminders_go_out_seven_days_and_one_day_before_once_each(world: World) -> None:
    case = open_case(world)
    today = timezone.localdate()
    calendar.record_trigger(
        case=case, actor=world.erin, trigger="ij_decision", occurred_on=today - dt.timedelta(days=20)
    )
    assert calendar.send_reminders(today) == 0  # due in 10 days
    assert calendar.send_reminders(today + dt.timedelta(days=3)) == 1  # 7 days left
    assert calendar.send_reminders(today + dt.timedelta(days=4)) == 0
    assert calendar.send_reminders(today + dt.timedelta(days=9)) == 1  # 1 day left
    assert calendar.send_reminders(today + dt.timedelta(days=9)) == 0
    notes = Notification.objects.filter(user=world.erin, kind="case_deadline")
    assert notes.count() == 2 and "Maria" not in " ".join(n.body for n in notes)


def test_a_hearing_is_reminded_and_its_result_recorded(world: World) -> None:
    case = open_case(world)
    hearing = calendar.add_hearing(
        case=case,
        actor=world.erin,
        kind="bond",
        court="Fort Example Immigration Court (fictional)",
        judge="Judge Example (fictional)",
        starts_at=timezone.now() + dt.timedelta(days=1, hours=2),
    )
    assert calendar.send_reminders() == 1
    calendar.record_result(hearing=hearing, actor=world.erin, result="Bond granted at $1,500.")
    assert Hearing.objects.get(pk=hearing.pk).result == "Bond granted at $1,500."
    with pytest.raises(VigilError):
        calendar.add_hearing(case=case, actor=world.erin, kind="party", court="", judge="", starts_at=timezone.now())


def test_the_feed_lists_hearings_and_deadlines_by_case_number_only(world: World) -> None:
    case = open_case(world, "Zebulon Feedmarker (fictional)")
    calendar.add_hearing(
        case=case, actor=world.erin, kind="master", court="Court A (fictional)", judge="", starts_at=timezone.now()
    )
    calendar.record_trigger(case=case, actor=world.erin, trigger="ij_decision", occurred_on=timezone.localdate())
    body = calendar.feed(world.erin)
    parsed = Calendar.from_ical(body)
    summaries = [str(c.get("summary")) for c in parsed.walk("VEVENT")]
    assert len(summaries) == 2 and all(s.startswith(f"Case #{case.pk}:") for s in summaries)
    assert b"Zebulon" not in body


def test_feed_tokens_are_stored_hashed_and_revocable(world: World) -> None:
    token = calendar.new_feed_token(user=world.erin)
    assert calendar.feed_owner(token) == world.erin
    from vigil.cases.models import CalendarToken

    assert not CalendarToken.objects.filter(token_sha256=token).exists() and len(token) >= 40
    again = calendar.new_feed_token(user=world.erin)
    assert calendar.feed_owner(token) is None and calendar.feed_owner(again) == world.erin
    calendar.revoke_feed(user=world.erin)
    assert calendar.feed_owner(again) is None
