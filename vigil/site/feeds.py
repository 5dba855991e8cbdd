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


def confirmed_title(day: publication.CellDay) -> str:
    return ngettext(
        "%(count)d confirmed incident of immigration enforcement on %(day)s",
        "%(count)d confirmed incidents of immigration enforcement on %(day)s",
        day.count.value,
    ) % {"count": day.count.value, "day": formats.date_format(day.day, "DATE_FORMAT")}


def confirmed_text(day: publication.CellDay, delay_hours: int) -> str:
    lat, lon = publication.cell_centre(day.cell)
    return _(
        "In the map area around %(lat).3f, %(lon).3f (about 5 km²), last report around %(hour)s. "
        "Confirmed by trained observers; published %(delay)d hours or more afterwards."
    ) % {"lat": lat, "lon": lon, "hour": _hour_text(day.last_hour), "delay": delay_hours}


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
    delay = int(selectors.rules().delay.total_seconds() // 3600)
    for day in selectors.confirmed_days():
        lat, lon = publication.cell_centre(day.cell)
        found.append(
            Entry(
                id=_tag(f"confirmed/{day.cell}/{day.day.isoformat()}"),
                kind="confirmed",
                title=confirmed_title(day),
                text=confirmed_text(day, delay),
                url=f"{_site()}/map/#{day.cell}",
                updated=day.last_hour,
                language=language,
                extra={"cell": day.cell, "count": day.count.value, "centre": [lat, lon], "day": day.day.isoformat()},
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
