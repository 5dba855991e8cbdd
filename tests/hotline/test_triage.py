"""vigil.hotline.triage: merge, split, verdicts, close, reopen — counts, events, transitions, nothing half-written."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.factories import add_report, make_incident, send
from tests.world import NORTH_CENTER, World
from vigil.hotline import triage
from vigil.hotline.models import Channel, Incident, IncidentEvent, IncidentState, Report, Verdict
from vigil.lib.errors import VigilError
from vigil.network.models import Dispatch

NEAR = (NORTH_CENTER[0] + 0.002, NORTH_CENTER[1] + 0.001)


def _kinds(incident: Incident) -> list[str]:
    return list(IncidentEvent.objects.filter(incident=incident).values_list("kind", flat=True))


def _snapshot() -> tuple[object, ...]:
    """Everything triage may write, to prove a refused request wrote nothing."""
    return (
        list(Incident.objects.order_by("pk").values()),
        list(Report.objects.order_by("pk").values_list("pk", "incident_id")),
        list(Dispatch.objects.order_by("pk").values_list("pk", "incident_id", "status")),
        IncidentEvent.objects.count(),
    )


def test_it_merges_reports_counts_times_and_position_into_the_target(world: World) -> None:
    target = make_incident(world.north_zone, NORTH_CENTER, channels=[Channel.WEB, Channel.SMS], minutes_ago=10)
    source = make_incident(world.north_zone, NEAR, channels=[Channel.OPERATOR], minutes_ago=30)
    source_reports = set(source.reports.values_list("pk", flat=True))

    merged = triage.merge_incidents(target=target, sources=[source], actor=world.bob)

    assert merged.report_count == 3 == merged.reports.count()
    assert source_reports <= set(merged.reports.values_list("pk", flat=True))
    assert merged.first_report_at == source.first_report_at  # the older source's report now comes first
    assert merged.last_report_at == max(target.last_report_at, source.last_report_at)
    lats = list(Report.objects.filter(incident=merged).values_list("lat", flat=True))
    assert merged.lat == pytest.approx(sum(x for x in lats if x is not None) / 3)
    assert merged.zone == world.north_zone
    source.refresh_from_db()
    assert source.state == IncidentState.CLOSED
    assert source.merged_into == merged
    assert source.report_count == 0
    merged_event = IncidentEvent.objects.get(incident=merged, kind="merged")
    assert merged_event.actor == world.bob
    assert merged_event.data["sources"] == [source.pk]
    assert sorted(merged_event.data["reports"]) == sorted(source_reports)
    assert IncidentEvent.objects.get(incident=source, kind="merged_into").data["target"] == merged.pk


def test_it_merges_several_sources_at_once(world: World) -> None:
    target = make_incident(world.north_zone, NORTH_CENTER)
    sources = [make_incident(world.north_zone, NEAR, channels=[Channel.API] * n) for n in (1, 2)]
    merged = triage.merge_incidents(target=target, sources=sources, actor=world.bob)
    assert merged.report_count == 4
    assert all(Incident.objects.get(pk=s.pk).merged_into_id == merged.pk for s in sources)


def test_it_moves_dispatches_to_the_merged_incident_and_keeps_it_verifying(world: World) -> None:
    target = make_incident(world.north_zone, NORTH_CENTER)
    source = make_incident(world.north_zone, NEAR, state=IncidentState.VERIFYING)
    dispatch = send(source, world.carol.observer)

    merged = triage.merge_incidents(target=target, sources=[source], actor=world.bob)

    dispatch.refresh_from_db()
    assert dispatch.incident_id == merged.pk
    assert merged.state == IncidentState.VERIFYING
    assert _kinds(merged)[-2:] == ["merged", "state_changed"]


def test_it_leaves_a_duplicate_dispatch_of_the_same_observer_on_the_source(world: World) -> None:
    target = make_incident(world.north_zone, NORTH_CENTER, state=IncidentState.VERIFYING)
    source = make_incident(world.north_zone, NEAR, state=IncidentState.VERIFYING)
    on_target = send(target, world.carol.observer)
    on_source = send(source, world.carol.observer)
    triage.merge_incidents(target=target, sources=[source], actor=world.bob)
    on_target.refresh_from_db()
    on_source.refresh_from_db()
    assert on_target.incident_id == target.pk and on_source.incident_id == source.pk


def test_it_refuses_to_merge_an_incident_with_itself_and_writes_nothing(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER)
    before = _snapshot()
    with pytest.raises(VigilError, match="itself"):
        triage.merge_incidents(target=incident, sources=[incident], actor=world.bob)
    assert _snapshot() == before


def test_it_refuses_an_empty_merge(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER)
    with pytest.raises(VigilError):
        triage.merge_incidents(target=incident, sources=[], actor=world.bob)


def test_it_refuses_to_merge_closed_incidents_and_rolls_back_the_others(world: World) -> None:
    target = make_incident(world.north_zone, NORTH_CENTER)
    fine = make_incident(world.north_zone, NEAR)
    done = make_incident(world.north_zone, NEAR, state=IncidentState.CLOSED)
    before = _snapshot()
    with pytest.raises(triage.IllegalTransition):
        triage.merge_incidents(target=target, sources=[fine, done], actor=world.bob)
    assert _snapshot() == before


def test_it_refuses_to_merge_into_an_incident_with_a_verdict(world: World) -> None:
    target = make_incident(world.north_zone, NORTH_CENTER, state=IncidentState.VERDICT)
    source = make_incident(world.north_zone, NEAR)
    with pytest.raises(triage.IllegalTransition):
        triage.merge_incidents(target=target, sources=[source], actor=world.bob)


def test_it_splits_chosen_reports_into_a_new_incident(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER, channels=[Channel.WEB, Channel.SMS, Channel.API])
    far = add_report(incident, channel=Channel.OPERATOR, at=(NORTH_CENTER[0] + 0.01, NORTH_CENTER[1]))
    keep = list(incident.reports.exclude(pk=far.pk).values_list("pk", flat=True))

    new = triage.split_reports(incident=incident, report_ids=[far.pk], actor=world.bob)

    incident.refresh_from_db()
    assert new.pk != incident.pk
    assert new.state == IncidentState.NEW
    assert list(new.reports.values_list("pk", flat=True)) == [far.pk]
    assert new.report_count == 1 and new.lat == pytest.approx(far.lat)
    assert new.first_report_at == far.received_at == new.last_report_at
    assert incident.report_count == 3 and sorted(incident.reports.values_list("pk", flat=True)) == sorted(keep)
    assert incident.last_report_at < far.received_at
    split = IncidentEvent.objects.get(incident=incident, kind="split")
    assert split.data == {"new_incident": new.pk, "reports": [far.pk]} and split.actor == world.bob
    assert IncidentEvent.objects.get(incident=new, kind="split_from").data["source"] == incident.pk


def test_it_refuses_to_split_all_reports(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER, channels=[Channel.WEB, Channel.SMS])
    before = _snapshot()
    with pytest.raises(VigilError, match="at least one"):
        triage.split_reports(
            incident=incident, report_ids=list(incident.reports.values_list("pk", flat=True)), actor=world.bob
        )
    assert _snapshot() == before


def test_it_refuses_to_split_reports_of_another_incident(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER, channels=[Channel.WEB, Channel.SMS])
    other = make_incident(world.north_zone, NEAR)
    before = _snapshot()
    with pytest.raises(VigilError, match="not part"):
        triage.split_reports(incident=incident, report_ids=[other.reports.get().pk], actor=world.bob)
    with pytest.raises(VigilError):
        triage.split_reports(incident=incident, report_ids=[], actor=world.bob)
    assert _snapshot() == before


def test_it_records_a_verdict_after_verification(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER, state=IncidentState.VERIFYING)
    triage.record_verdict(incident=incident, verdict=Verdict.CONFIRMED, note=" Two agents seen. ", actor=world.bob)
    incident.refresh_from_db()
    assert (incident.state, incident.verdict, incident.verdict_note) == ("verdict", "confirmed", "Two agents seen.")
    event = IncidentEvent.objects.get(incident=incident, kind="verdict_recorded")
    assert event.actor == world.bob and event.data["verdict"] == "confirmed" and event.data["previous"] == "verifying"


def test_it_records_a_verdict_straight_from_new(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER)
    triage.record_verdict(incident=incident, verdict=Verdict.FALSE_ALARM, note="", actor=world.bob)
    incident.refresh_from_db()
    assert incident.state == IncidentState.VERDICT and incident.verdict == Verdict.FALSE_ALARM


def test_it_records_a_changed_verdict_as_its_own_event(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER)
    triage.record_verdict(incident=incident, verdict=Verdict.UNABLE_TO_VERIFY, note="", actor=world.bob)
    triage.record_verdict(incident=incident, verdict=Verdict.NOT_IMMIGRATION, note="City police", actor=world.alice)
    incident.refresh_from_db()
    assert incident.verdict == Verdict.NOT_IMMIGRATION
    change = IncidentEvent.objects.get(incident=incident, kind="verdict_changed")
    assert change.data["previous_verdict"] == "unable_to_verify" and change.actor == world.alice
    with pytest.raises(VigilError, match="already recorded"):
        triage.record_verdict(incident=incident, verdict=Verdict.NOT_IMMIGRATION, note="City police", actor=world.bob)


@pytest.mark.parametrize("verdict", ["", "maybe", "CONFIRMED", "closed"])
def test_it_refuses_unknown_verdicts(world: World, verdict: str) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER)
    before = _snapshot()
    with pytest.raises(VigilError):
        triage.record_verdict(incident=incident, verdict=verdict, note="", actor=world.bob)
    assert _snapshot() == before


def test_it_refuses_an_oversized_note(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER)
    with pytest.raises(VigilError, match="too long"):
        triage.record_verdict(incident=incident, verdict=Verdict.CONFIRMED, note="x" * 2001, actor=world.bob)


def test_it_refuses_a_verdict_on_a_closed_incident(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER, state=IncidentState.CLOSED)
    with pytest.raises(triage.IllegalTransition):
        triage.record_verdict(incident=incident, verdict=Verdict.CONFIRMED, note="", actor=world.bob)


def test_it_closes_only_after_a_verdict(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER)
    with pytest.raises(triage.IllegalTransition, match="verdict"):
        triage.close_incident(incident=incident, actor=world.bob)
    triage.record_verdict(incident=incident, verdict=Verdict.FALSE_ALARM, note="", actor=world.bob)
    triage.close_incident(incident=incident, actor=world.bob)
    incident.refresh_from_db()
    assert incident.state == IncidentState.CLOSED and incident.verdict == Verdict.FALSE_ALARM
    assert _kinds(incident)[-2:] == ["verdict_recorded", "closed"]
    with pytest.raises(triage.IllegalTransition, match="already closed"):
        triage.close_incident(incident=incident, actor=world.bob)


def test_it_reopens_a_verdict_into_verifying_with_an_event(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER)
    triage.record_verdict(incident=incident, verdict=Verdict.FALSE_ALARM, note="caller mistaken", actor=world.bob)
    triage.reopen_incident(incident=incident, actor=world.bob, reason="new calls")
    incident.refresh_from_db()
    assert (incident.state, incident.verdict, incident.verdict_note) == ("verifying", "", "")
    event = IncidentEvent.objects.get(incident=incident, kind="reopened")
    assert event.data == {
        "previous": "verdict",
        "previous_verdict": "false_alarm",
        "reason": "new calls",
    }


def test_it_reopens_a_closed_incident(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER)
    triage.record_verdict(incident=incident, verdict=Verdict.CONFIRMED, note="", actor=world.bob)
    triage.close_incident(incident=incident, actor=world.bob)
    triage.reopen_incident(incident=incident, actor=world.bob)
    incident.refresh_from_db()
    assert incident.state == IncidentState.VERIFYING


@pytest.mark.parametrize("state", [IncidentState.NEW, IncidentState.VERIFYING])
def test_it_refuses_to_reopen_an_open_incident(world: World, state: str) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER, state=state)
    with pytest.raises(triage.IllegalTransition, match="already open"):
        triage.reopen_incident(incident=incident, actor=world.bob)


def test_it_refuses_to_reopen_or_judge_a_merged_incident(world: World) -> None:
    target = make_incident(world.north_zone, NORTH_CENTER)
    source = make_incident(world.north_zone, NEAR)
    triage.merge_incidents(target=target, sources=[source], actor=world.bob)
    source.refresh_from_db()
    attempts: list[Callable[[], object]] = [
        lambda: triage.reopen_incident(incident=source, actor=world.bob),
        lambda: triage.record_verdict(incident=source, verdict=Verdict.CONFIRMED, note="", actor=world.bob),
        lambda: triage.close_incident(incident=source, actor=world.bob),
        lambda: triage.split_reports(incident=source, report_ids=[1], actor=world.bob),
    ]
    for attempt in attempts:
        with pytest.raises(triage.IllegalTransition):
            attempt()


def test_it_starts_verifying_a_new_incident_once(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER)
    triage.start_verifying(incident=incident, actor=world.bob)
    incident.refresh_from_db()
    assert incident.state == IncidentState.VERIFYING
    assert IncidentEvent.objects.get(incident=incident, kind="state_changed").data == {
        "previous": "new",
        "state": "verifying",
    }
    with pytest.raises(triage.IllegalTransition):
        triage.start_verifying(incident=incident, actor=world.bob)


def test_it_refuses_a_note_that_exposes_a_person_and_writes_nothing(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER)
    before = _snapshot()
    with pytest.raises(VigilError) as refusal:
        triage.record_verdict(
            incident=incident,
            verdict=Verdict.CONFIRMED,
            note="The agent's name is John Miller and he lives at 12 Oak St",
            actor=world.bob,
        )
    assert str(refusal.value)
    assert _snapshot() == before


def test_it_accepts_a_note_about_where_the_activity_happened(world: World) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER)
    note = "ICE at 2100 Bloomington Ave right now, two vans, observers filmed from across the street"
    triage.record_verdict(incident=incident, verdict=Verdict.CONFIRMED, note=note, actor=world.bob)
    incident.refresh_from_db()
    assert incident.verdict_note == note


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("new", {"dispatch", "merge", "split", "verify", "judge"}),
        ("verifying", {"dispatch", "merge", "split", "judge"}),
        ("verdict", {"judge", "close", "reopen"}),
        ("closed", {"reopen"}),
    ],
)
def test_the_actions_a_page_offers_follow_the_transitions(world: World, state: str, expected: set[str]) -> None:
    incident = make_incident(world.north_zone, NORTH_CENTER, state=state)
    actions = triage.allowed_actions(incident, report_count=2)
    assert {name for name, allowed in vars(actions).items() if allowed} == expected
    assert not triage.allowed_actions(incident, report_count=1).split
    incident.merged_into = make_incident(world.north_zone, NORTH_CENTER)
    assert not any(vars(triage.allowed_actions(incident, report_count=2)).values())
