"""The publication policy, on plain values: late, coarse, counted, k or more, never mixed; debunks at once."""

from __future__ import annotations

import datetime as dt

import h3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.safety import publication
from vigil.safety.publication import Confirmed, MixedCounts, Policy, PublicationRefused

NOW = dt.datetime(2026, 12, 1, 18, 37, 12, tzinfo=dt.UTC)
RULES = publication.policy(delay_hours=6, min_count=3)
# Points a few hundred metres apart inside one resolution-7 cell, and one ~10 km away.
HERE = (44.9990, -93.2700)
AWAY = (45.0900, -93.2700)


def fine(point: tuple[float, float], north_m: float = 0) -> str:
    return str(h3.latlng_to_cell(point[0] + north_m / 111_195, point[1], 9))


def confirmed(point: tuple[float, float], hours_ago: float, north_m: float = 0) -> Confirmed:
    last = NOW - dt.timedelta(hours=hours_ago)
    return Confirmed(cell=fine(point, north_m), first_report_at=last - dt.timedelta(minutes=20), last_report_at=last)


def test_a_delay_under_an_hour_is_refused_whatever_the_setting() -> None:
    with pytest.raises(ValueError):
        Policy(delay=dt.timedelta(minutes=59), min_count=3)
    assert Policy(delay=dt.timedelta(hours=1), min_count=3).delay == dt.timedelta(hours=1)


def test_a_threshold_under_two_is_refused() -> None:
    with pytest.raises(ValueError):
        publication.policy(delay_hours=6, min_count=1)


def test_a_confirmed_incident_is_not_public_until_the_delay_has_passed() -> None:
    item = confirmed(HERE, hours_ago=5.99)
    assert not publication.is_public(item, now=NOW, rules=RULES)
    assert publication.is_public(item, now=NOW + dt.timedelta(minutes=1), rules=RULES)


def test_three_incidents_in_one_cell_are_one_coarse_cell_counted_three() -> None:
    items = [confirmed(HERE, 7), confirmed(HERE, 8, north_m=200), confirmed(HERE, 9, north_m=-200)]
    cells = publication.confirmed_cells(items, now=NOW, rules=RULES)
    assert len(cells) == 1
    (cell,) = cells
    assert h3.get_resolution(cell.cell) == 7
    assert cell.cell == h3.latlng_to_cell(HERE[0], HERE[1], 7)
    assert cell.count == publication.verified(3)
    # Times to the hour: the earliest first report (9 h ago minus 20 min, 09:17) and the latest last report.
    assert cell.first_hour == dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    assert cell.last_hour == dt.datetime(2026, 12, 1, 11, 0, tzinfo=dt.UTC)


def test_a_cell_with_fewer_than_k_incidents_is_left_out() -> None:
    items = [confirmed(HERE, 7), confirmed(HERE, 8), confirmed(HERE, 9), confirmed(AWAY, 7), confirmed(AWAY, 8)]
    cells = publication.confirmed_cells(items, now=NOW, rules=RULES)
    assert [c.cell for c in cells] == [h3.latlng_to_cell(HERE[0], HERE[1], 7)]
    looser = publication.policy(delay_hours=6, min_count=2)
    assert len(publication.confirmed_cells(items, now=NOW, rules=looser)) == 2


def test_fresh_incidents_do_not_count_towards_a_public_cell() -> None:
    # Two old and one fresh: the cell has only two public incidents, under k.
    items = [confirmed(HERE, 7), confirmed(HERE, 8), confirmed(HERE, 1)]
    assert publication.confirmed_cells(items, now=NOW, rules=RULES) == []


def test_incidents_older_than_the_window_are_left_out() -> None:
    items = [confirmed(HERE, 7), confirmed(HERE, 8), confirmed(HERE, 6 + 24 * 7 + 1)]
    assert publication.confirmed_cells(items, now=NOW, rules=RULES) == []


def test_a_cell_centre_is_the_coarse_cell_centre_rounded_to_three_decimals() -> None:
    cell = str(h3.latlng_to_cell(HERE[0], HERE[1], 7))
    lat, lon = publication.cell_centre(cell)
    exact = h3.cell_to_latlng(cell)
    assert (lat, lon) == (round(exact[0], 3), round(exact[1], 3))
    assert h3.latlng_to_cell(lat, lon, 7) == cell
    with pytest.raises(ValueError):
        publication.cell_centre(fine(HERE))


def test_verified_and_unverified_counts_never_mix() -> None:
    assert publication.verified(2) + publication.verified(3) == publication.verified(5)
    assert publication.unverified(2) + publication.unverified(1) == publication.unverified(3)
    with pytest.raises(MixedCounts):
        _ = publication.verified(2) + publication.unverified(3)


def test_times_are_floored_to_the_hour_and_must_be_aware() -> None:
    assert publication.to_hour(NOW) == dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.UTC)
    with pytest.raises(ValueError):
        publication.to_hour(dt.datetime(2026, 12, 1, 18, 5))  # noqa: DTZ001 - naive on purpose


def test_a_debunk_goes_out_at_once_with_an_area_name_and_the_hour() -> None:
    notice = publication.debunk(
        verdict="false_alarm", area="  Powderhorn   Park ", at=NOW, statement={"en": "Utility crew, not ICE.", "es": ""}
    )
    assert notice.area == "Powderhorn Park"
    assert notice.hour == dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.UTC)
    assert dict(notice.statement) == {"en": "Utility crew, not ICE."}


@pytest.mark.parametrize("verdict", ["confirmed", "unable_to_verify", ""])
def test_only_false_alarms_and_other_agencies_are_debunked(verdict: str) -> None:
    with pytest.raises(PublicationRefused):
        publication.debunk(verdict=verdict, area="Northside", at=NOW, statement={"en": "Not ICE."})


@pytest.mark.parametrize(
    "area",
    ["2100 Bloomington Ave", "near 44.9990, -93.2700", "55407", "Lake St & 28th", "", "x" * 61],
)
def test_a_debunk_never_names_a_point(area: str) -> None:
    with pytest.raises(PublicationRefused):
        publication.debunk(verdict="false_alarm", area=area, at=NOW, statement={"en": "Not ICE."})


def test_a_debunk_statement_has_no_coordinates_and_passes_the_text_guard() -> None:
    with pytest.raises(PublicationRefused):
        publication.debunk(
            verdict="false_alarm", area="Northside", at=NOW, statement={"en": "It was at 44.99901,-93.27001."}
        )
    with pytest.raises(PublicationRefused):
        publication.debunk(
            verdict="false_alarm",
            area="Northside",
            at=NOW,
            statement={"en": "The guy who called ICE lives at 12 Oak St with his wife."},
        )
    with pytest.raises(PublicationRefused):
        publication.debunk(verdict="false_alarm", area="Northside", at=NOW, statement={"en": " "})


def test_statistics_withhold_small_numbers() -> None:
    assert publication.withheld(0, 3) == 0
    assert publication.withheld(2, 3) is None
    assert publication.withheld(3, 3) == 3
    assert publication.share(1, 2, rules=RULES) is None
    assert publication.share(3, 4, rules=RULES) == 0.75
    minutes = [dt.timedelta(minutes=m) for m in (10, 30, 50, 70)]
    assert publication.median_minutes(minutes, rules=RULES) == 40
    assert publication.median_minutes(minutes[:2], rules=RULES) is None


def test_only_whole_days_that_ended_before_the_delay_are_counted() -> None:
    # 18:37 UTC minus 6 h is 12:37 UTC on Dec 1: Dec 1 has not ended before it, Nov 30 has.
    days = publication.published_days(now=NOW, rules=RULES, tz=dt.UTC, days=3)
    assert days == [dt.date(2026, 11, 28), dt.date(2026, 11, 29), dt.date(2026, 11, 30)]
    late = NOW.replace(hour=23, minute=0)  # 17:00 Dec 1 cutoff: still Dec 1
    assert publication.published_days(now=late, rules=RULES, tz=dt.UTC, days=1) == [dt.date(2026, 11, 30)]


def test_reports_per_day_counts_by_channel_and_withholds_small_counts() -> None:
    day = dt.date(2026, 11, 30)
    at = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
    received = [(at, "web")] * 4 + [(at, "sms")] * 2 + [(at - dt.timedelta(days=5), "web")]
    assert publication.reports_per_day(received, days=[day], tz=dt.UTC, rules=RULES) == {"sms": [None], "web": [4]}


points = st.tuples(st.floats(44.90, 45.05), st.floats(-93.35, -93.20))
ages = st.floats(0, 24 * 9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(points, ages), max_size=40), st.integers(1, 48), st.integers(2, 6))
def test_whatever_the_incidents_no_cell_is_fresh_fine_or_under_k(
    raw: list[tuple[tuple[float, float], float]], delay: int, k: int
) -> None:
    rules = publication.policy(delay_hours=delay, min_count=k)
    items = [confirmed(p, age) for p, age in raw]
    for cell in publication.confirmed_cells(items, now=NOW, rules=rules):
        assert h3.get_resolution(cell.cell) == 7
        assert cell.count.kind == "verified" and cell.count.value >= k
        assert cell.last_hour <= NOW - dt.timedelta(hours=delay)
        assert cell.first_hour.minute == cell.last_hour.minute == 0
