"""The publication policy: what of the hotline's work may reach the public, and how coarse it is by then.

Every public output — the rumour feed (HTML, Atom, JSON), the map's cells, the public statistics — is made from what
these functions return. Public selectors hand them plain values (cells, times, channels); nothing public reads an
incident's point, a report's text or its receipt. The functions are pure: no database, no clock (``now`` is passed).

The rules, each held by tests/safety/test_publication.py:

1. Debunks (verdict "false alarm" or "not immigration") go out at once, with an area *name* — never a point, never a
   house number — and the time floored to the hour.
2. Confirmed incidents go out only once ``delay`` has passed since their last report; the delay is never under
   MIN_DELAY (an hour), whatever a coordinator sets.
3. They go out as H3 cells at RESOLUTION (7, ~5 km²), with times floored to the hour: a cell's id and its centre
   rounded to CENTRE_DECIMALS, never an incident's own point.
4. Counts only, and no cell with fewer than ``min_count`` (k) incidents in the window; small numbers in the
   statistics are withheld the same way.
5. Verified counts (confirmed incidents) and unverified counts (reports received) are different types: adding one
   to the other raises MixedCounts, so no total can mix them.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import h3
from django.utils.translation import gettext_lazy as _

from vigil.lib.errors import VigilError
from vigil.safety.textguard import check

RESOLUTION = 7
MIN_DELAY = dt.timedelta(hours=1)
MIN_COUNT = 2
DEFAULT_WINDOW = dt.timedelta(days=7)
# Three decimals of a degree is ~100 m: far finer than a resolution-7 cell (edge ~1.2 km), so a rounded centre
# still names its cell, and far coarser than any point a report carries.
CENTRE_DECIMALS = 3
DEBUNK_VERDICTS = ("false_alarm", "not_immigration")
MAX_AREA_CHARS = 60
MAX_STATEMENT_CHARS = 280

Kind = Literal["verified", "unverified"]

# A number pair such as "44.98, -93.27" or a run of two or more digits (a house number, a postcode) makes a point.
_POINT = re.compile(r"-?\d{1,3}\.\d{2,}\s*[,;/ ]\s*-?\d{1,3}\.\d{2,}")
_DIGITS = re.compile(r"\d{2,}")


class PublicationRefused(VigilError):
    """What was asked to be published would break the publication policy; the message says what to change."""

    code = "publication_refused"


class MixedCounts(TypeError):
    """A verified and an unverified count were combined."""


@dataclass(frozen=True)
class Policy:
    """The policy in force: the coordinators' settings, checked against the floors the code keeps."""

    delay: dt.timedelta
    min_count: int
    window: dt.timedelta = DEFAULT_WINDOW

    def __post_init__(self) -> None:
        if self.delay < MIN_DELAY:
            raise ValueError("the publication delay is never under an hour")
        if self.min_count < MIN_COUNT:
            raise ValueError("a public cell never shows fewer than two incidents")
        if self.window <= dt.timedelta(0):
            raise ValueError("the window must be positive")

    def cutoff(self, now: dt.datetime) -> dt.datetime:
        """Nothing confirmed whose last report came after this instant is public yet."""
        return now - self.delay


def policy(*, delay_hours: int, min_count: int, window_days: int = DEFAULT_WINDOW.days) -> Policy:
    return Policy(delay=dt.timedelta(hours=delay_hours), min_count=min_count, window=dt.timedelta(days=window_days))


# --- counts that do not mix -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    kind: Kind
    value: int

    def __add__(self, other: object) -> Count:
        if not isinstance(other, Count):
            return NotImplemented
        if other.kind != self.kind:
            raise MixedCounts(f"cannot add a {other.kind} count to a {self.kind} count")
        return Count(self.kind, self.value + other.value)


def verified(n: int) -> Count:
    return Count("verified", n)


def unverified(n: int) -> Count:
    return Count("unverified", n)


def withheld(value: int, min_count: int) -> int | None:
    """A count as published: None (shown as "fewer than k") when it is under the threshold but not zero."""
    return None if 0 < value < min_count else value


# --- time and place -------------------------------------------------------------------------------------------------


def to_hour(at: dt.datetime) -> dt.datetime:
    """`at` floored to the hour, in UTC (an aware datetime in, an aware datetime out)."""
    if at.tzinfo is None:
        raise ValueError("publication times must be timezone-aware")
    return at.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def coarse_cell(cell: str) -> str:
    """The resolution-7 cell holding `cell` (a finer H3 cell, as incidents and reports carry)."""
    res = h3.get_resolution(cell)
    if res < RESOLUTION:
        raise ValueError("cell is coarser than the public resolution")
    return cell if res == RESOLUTION else str(h3.cell_to_parent(cell, RESOLUTION))


def cell_centre(cell: str) -> tuple[float, float]:
    """(lat, lon) of a resolution-7 cell's centre, rounded to CENTRE_DECIMALS: the only coordinates made public."""
    if h3.get_resolution(cell) != RESOLUTION:
        raise ValueError("only resolution-7 cells have a public centre")
    lat, lon = h3.cell_to_latlng(cell)
    return round(lat, CENTRE_DECIMALS), round(lon, CENTRE_DECIMALS)


def cell_outline(cell: str) -> list[tuple[float, float]]:
    """The cell's corners as (lat, lon), rounded like its centre; for drawing it on the map."""
    if h3.get_resolution(cell) != RESOLUTION:
        raise ValueError("only resolution-7 cells are drawn")
    return [(round(a, CENTRE_DECIMALS), round(b, CENTRE_DECIMALS)) for a, b in h3.cell_to_boundary(cell)]


# --- debunks: at once, an area name, the hour -----------------------------------------------------------------------


@dataclass(frozen=True)
class Debunk:
    verdict: str
    area: str
    hour: dt.datetime
    statement: Mapping[str, str]  # language code → statement


def check_area(area: str) -> str:
    """An area as published: a neighbourhood's name. Refuses coordinates, house numbers and postcodes."""
    area = " ".join(area.split())
    if not area:
        raise PublicationRefused(_("Name the neighbourhood (for example “Northside”)."))
    if len(area) > MAX_AREA_CHARS:
        raise PublicationRefused(_("Keep the area to a neighbourhood's name (60 characters at most)."))
    if _POINT.search(area) or _DIGITS.search(area):
        raise PublicationRefused(
            _("Give a neighbourhood's name, not an address, a postcode or coordinates: nothing public is a point.")
        )
    return area


def check_statement(text: str) -> str:
    text = text.strip()
    if not text:
        raise PublicationRefused(_("Write a short statement for the public."))
    if len(text) > MAX_STATEMENT_CHARS:
        raise PublicationRefused(_("Keep the statement short (280 characters at most)."))
    if _POINT.search(text):
        raise PublicationRefused(_("Leave coordinates out of the statement: nothing public is a point."))
    guarded = check(text)
    if not guarded.ok:
        raise PublicationRefused(guarded.message)
    return text


def debunk(*, verdict: str, area: str, at: dt.datetime, statement: Mapping[str, str]) -> Debunk:
    """A debunk as it may be published: only for the two verdicts that clear a rumour, coarse in place and time."""
    if verdict not in DEBUNK_VERDICTS:
        raise PublicationRefused(_("Only a false alarm or a “not immigration” verdict can be published as a debunk."))
    texts = {lang: check_statement(text) for lang, text in statement.items() if text.strip()}
    if not texts:
        raise PublicationRefused(_("Write a short statement for the public."))
    return Debunk(verdict=verdict, area=check_area(area), hour=to_hour(at), statement=texts)


# --- confirmed incidents: late, coarse, counted, k or more ----------------------------------------------------------


@dataclass(frozen=True)
class Confirmed:
    """What a public selector passes in about one confirmed incident (its fine cell and its report times)."""

    cell: str
    first_report_at: dt.datetime
    last_report_at: dt.datetime


@dataclass(frozen=True)
class CellCount:
    cell: str
    count: Count
    first_hour: dt.datetime
    last_hour: dt.datetime

    @property
    def centre(self) -> tuple[float, float]:
        return cell_centre(self.cell)


def is_public(item: Confirmed, *, now: dt.datetime, rules: Policy) -> bool:
    return item.last_report_at <= rules.cutoff(now)


def _public(items: Iterable[Confirmed], now: dt.datetime, rules: Policy) -> list[Confirmed]:
    cutoff = rules.cutoff(now)
    start = cutoff - rules.window
    return [i for i in items if start < i.last_report_at <= cutoff]


def confirmed_cells(items: Iterable[Confirmed], *, now: dt.datetime, rules: Policy) -> list[CellCount]:
    """Cells with at least k confirmed incidents whose last report lies in the window ending `delay` before now."""
    grouped: dict[str, list[Confirmed]] = defaultdict(list)
    for item in _public(items, now, rules):
        grouped[coarse_cell(item.cell)].append(item)
    cells = [
        CellCount(
            cell=cell,
            count=verified(len(group)),
            first_hour=to_hour(min(i.first_report_at for i in group)),
            last_hour=to_hour(max(i.last_report_at for i in group)),
        )
        for cell, group in grouped.items()
        if len(group) >= rules.min_count
    ]
    return sorted(cells, key=lambda c: (-c.count.value, c.cell))


# --- statistics -----------------------------------------------------------------------------------------------------


def published_days(*, now: dt.datetime, rules: Policy, tz: dt.tzinfo, days: int) -> list[dt.date]:
    """The last `days` local days that ended at least `delay` ago: only whole, old days are counted in public."""
    cutoff = rules.cutoff(now).astimezone(tz)
    last = cutoff.date() - dt.timedelta(days=1)  # the day of the cutoff has not ended before it
    return [last - dt.timedelta(days=n) for n in range(days - 1, -1, -1)]


def reports_per_day(
    received: Iterable[tuple[dt.datetime, str]], *, days: Sequence[dt.date], tz: dt.tzinfo, rules: Policy
) -> dict[str, list[int | None]]:
    """Unverified counts of reports per channel per day (one list per channel, aligned with `days`), small ones
    withheld."""
    wanted = set(days)
    counts: Counter[tuple[str, dt.date]] = Counter()
    channels: set[str] = set()
    for at, channel in received:
        day = at.astimezone(tz).date()
        if day in wanted:
            counts[(channel, day)] += 1
            channels.add(channel)
    return {
        channel: [withheld(unverified(counts[(channel, day)]).value, rules.min_count) for day in days]
        for channel in sorted(channels)
    }


def share(part: int, whole: int, *, rules: Policy) -> float | None:
    """part/whole, or None when the whole is under k (a share of two verdicts says too much about each)."""
    if whole < rules.min_count:
        return None
    return part / whole


def median_minutes(durations: Iterable[dt.timedelta], *, rules: Policy) -> int | None:
    """The median of the durations in whole minutes, or None with fewer than k of them."""
    values = [d.total_seconds() / 60 for d in durations]
    if len(values) < rules.min_count:
        return None
    return round(statistics.median(values))
