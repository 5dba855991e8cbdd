"""The rumour feed as Atom (RFC 4287) and JSON Feed 1.1 (docs/public-feed.schema.json): debunks and confirmed
activity, both already through vigil.safety.publication. Every time in them is on the hour."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import formats, timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigil.public import selectors
from vigil.safety import publication

FEED_EPOCH = "2026"


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str  # "debunk" | "confirmed"
    title: str
    text: str
    url: str
    updated: dt.datetime
    language: str
    extra: dict[str, object]


def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def _tag(what: str) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "vigil.invalid"
    return f"tag:{host},{FEED_EPOCH}:{what}"


def _hour_text(at: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(at), "DATETIME_FORMAT")


def debunk_title(d: selectors.PublicDebunk) -> str:
    return _("%(verdict)s: %(area)s, around %(hour)s") % {
        "verdict": d.verdict_label,
        "area": d.area,
        "hour": _hour_text(d.hour),
    }


def confirmed_title(cell: publication.CellCount, window_days: int) -> str:
    return ngettext(
        "%(count)d confirmed incident of immigration enforcement in one area in %(days)d days",
        "%(count)d confirmed incidents of immigration enforcement in one area in %(days)d days",
        cell.count.value,
    ) % {"count": cell.count.value, "days": window_days}


def confirmed_text(cell: publication.CellCount, delay_hours: int) -> str:
    lat, lon = cell.centre
    return _(
        "In the map area around %(lat).3f, %(lon).3f (about 5 km²), between %(first)s and %(last)s. "
        "Confirmed by trained observers; published %(delay)d hours or more after the last report."
    ) % {
        "lat": lat,
        "lon": lon,
        "first": _hour_text(cell.first_hour),
        "last": _hour_text(cell.last_hour),
        "delay": delay_hours,
    }


def entries(language: str) -> list[Entry]:
    found: list[Entry] = []
    for d in selectors.debunks(language=language):
        found.append(
            Entry(
                id=_tag(f"debunk/{d.pk}"),
                kind="debunk",
                title=debunk_title(d),
                text=d.statement,
                url=f"{_site()}/rumours/#debunk-{d.pk}",
                updated=publication.to_hour(d.published_at),
                language=d.statement_language,
                extra={"verdict": d.verdict, "area": d.area, "hour": d.hour.isoformat()},
            )
        )
    rules = selectors.rules()
    delay = int(rules.delay.total_seconds() // 3600)
    for cell in selectors.confirmed_cells():
        lat, lon = cell.centre
        found.append(
            Entry(
                # A new entry each time the cell's latest confirmed hour moves on.
                id=_tag(f"confirmed/{cell.cell}/{cell.last_hour:%Y%m%dT%H}"),
                kind="confirmed",
                title=confirmed_title(cell, rules.window.days),
                text=confirmed_text(cell, delay),
                url=f"{_site()}/map/#{cell.cell}",
                updated=cell.last_hour,
                language=language,
                extra={
                    "cell": cell.cell,
                    "count": cell.count.value,
                    "centre": [lat, lon],
                    "first_hour": cell.first_hour.isoformat(),
                    "last_hour": cell.last_hour.isoformat(),
                },
            )
        )
    found.sort(key=lambda e: e.updated, reverse=True)
    return found


def _newest(found: list[Entry]) -> dt.datetime:
    return max((e.updated for e in found), default=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


def atom(language: str) -> bytes:
    found = entries(language)
    feed = Atom1Feed(
        title=_("Vigil rumour control"),
        link=f"{_site()}/rumours/",
        description=_("Rumours checked by the hotline, and confirmed activity published late and coarse."),
        language=language,
        feed_url=f"{_site()}/rumours/feed.atom?lang={language}",
        feed_guid=_tag(f"rumours/{language}"),
        author_name=_("Vigil hotline"),
    )
    for e in found:
        feed.add_item(
            title=e.title,
            link=e.url,
            description=e.text or e.title,
            unique_id=e.id,
            updateddate=e.updated,
            pubdate=e.updated,
            categories=[e.kind],
        )
    # The feed's own time is its newest entry's (on the hour), not the moment of rendering.
    feed.latest_post_date = lambda: _newest(found)  # type: ignore[method-assign]
    return feed.writeString("utf-8").encode()


def json_feed(language: str) -> bytes:
    found = entries(language)
    body: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": _("Vigil rumour control"),
        "home_page_url": f"{_site()}/rumours/",
        "feed_url": f"{_site()}/rumours/feed.json?lang={language}",
        "description": _("Rumours checked by the hotline, and confirmed activity published late and coarse."),
        "language": language,
        "authors": [{"name": _("Vigil hotline")}],
        "items": [
            {
                "id": e.id,
                "url": e.url,
                "title": e.title,
                "content_text": e.text or e.title,
                "date_published": e.updated.isoformat(),
                "date_modified": e.updated.isoformat(),
                "language": e.language,
                "tags": [e.kind],
                "_vigil": {"kind": e.kind, **e.extra},
            }
            for e in found
        ],
    }
    return json.dumps(body, ensure_ascii=False, indent=1).encode()
