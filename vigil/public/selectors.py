"""Reads for the public side. Everything handed to a public page has passed vigil.safety.publication: debunks carry
an area name and an hour, confirmed activity comes as resolution-7 cells counted k or more, statistics are whole old
days with small numbers withheld. Nothing here returns an incident's point, a report's text or a receipt."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import get_language

from vigil.hotline.models import Channel, Incident, IncidentEvent, Report, Verdict
from vigil.places import config
from vigil.public import markdown, rights_content
from vigil.public.models import Debunk, DebunkVerdict, RightsPage
from vigil.public.topics import PAGES, TOPICS
from vigil.safety import publication

FEED_DEBUNKS = 50
STATS_DAYS = 30


def rules() -> publication.Policy:
    cfg = config.current()
    return publication.policy(delay_hours=cfg.publication_delay_hours, min_count=cfg.publication_min_count)


# --- debunks ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicDebunk:
    pk: int
    verdict: str
    verdict_label: str
    area: str
    hour: dt.datetime
    statement: str
    statement_language: str
    published_at: dt.datetime


def _statement(statements: dict[str, str], language: str) -> tuple[str, str]:
    if language in statements:
        return statements[language], language
    for code in (settings.LANGUAGE_CODE, *sorted(statements)):
        if code in statements:
            return statements[code], code
    return "", language


def debunks(*, language: str | None = None, limit: int = FEED_DEBUNKS) -> list[PublicDebunk]:
    """Published debunks, newest first, each with its statement in `language` where written (else another)."""
    lang = language or get_language() or settings.LANGUAGE_CODE
    found = []
    # Shown only while the incident's verdict still clears the rumour: a verdict changed to "confirmed", a reopened
    # or a merged incident takes its debunk off at once (the row stays, for the history).
    still_clears = Q(incident__isnull=True) | Q(
        incident__verdict__in=publication.DEBUNK_VERDICTS, incident__merged_into__isnull=True
    )
    for row in Debunk.objects.filter(still_clears, withdrawn_at__isnull=True).only(
        "pk", "verdict", "area", "hour", "statements", "published_at"
    )[:limit]:
        text, text_lang = _statement(dict(row.statements), lang)
        found.append(
            PublicDebunk(
                pk=row.pk,
                verdict=row.verdict,
                verdict_label=str(DebunkVerdict(row.verdict).label),
                area=row.area,
                hour=publication.to_hour(row.hour),
                statement=text,
                statement_language=text_lang,
                published_at=row.published_at,
            )
        )
    return found


def debunk_of(incident: Incident) -> Debunk | None:
    """The incident's published debunk, for the dispatcher's page (staff only)."""
    return Debunk.objects.filter(incident=incident, withdrawn_at__isnull=True).first()


# --- confirmed activity ---------------------------------------------------------------------------------------------


def _confirmed(now: dt.datetime, policy: publication.Policy) -> list[publication.Confirmed]:
    cutoff = policy.cutoff(now)
    rows = Incident.objects.filter(
        verdict=Verdict.CONFIRMED,
        merged_into__isnull=True,
        last_report_at__lte=cutoff,
        last_report_at__gt=cutoff - policy.window,
    ).values_list("cell", "first_report_at", "last_report_at")
    return [publication.Confirmed(cell=c, first_report_at=f, last_report_at=last) for c, f, last in rows if c]


def confirmed_cells(now: dt.datetime | None = None) -> list[publication.CellCount]:
    policy = rules()
    moment = now or timezone.now()
    return publication.confirmed_cells(_confirmed(moment, policy), now=moment, rules=policy)


# --- public statistics ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicStats:
    days: list[dt.date]
    reports_by_channel: dict[str, list[int | None]]  # unverified: reports received
    channel_labels: dict[str, str]
    verdicts: int
    false_alarm_share: float | None  # of the verdicts given on those days
    median_minutes_to_verdict: int | None
    min_count: int
    delay_hours: int


def public_stats(now: dt.datetime | None = None, *, days: int = STATS_DAYS) -> PublicStats:
    policy = rules()
    moment = now or timezone.now()
    tz = timezone.get_current_timezone()
    span = publication.published_days(now=moment, rules=policy, tz=tz, days=days)
    start = dt.datetime.combine(span[0], dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(span[-1] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    received = Report.objects.filter(received_at__gte=start, received_at__lt=end).values_list("received_at", "channel")
    by_channel = publication.reports_per_day(received, days=span, tz=tz, rules=policy)
    # Verdicts first given on those days: the first "verdict_recorded" event of each incident.
    firsts = (
        IncidentEvent.objects.filter(kind="verdict_recorded", incident__merged_into__isnull=True)
        .values("incident_id")
        .annotate(at=Min("at"))
        .filter(at__gte=start, at__lt=end)
    )
    first_at = {row["incident_id"]: row["at"] for row in firsts}
    judged = Incident.objects.filter(pk__in=list(first_at)).values_list("pk", "verdict", "first_report_at")
    verdicts = [(verdict, first_at[pk] - first) for pk, verdict, first in judged if verdict]
    false_alarms = sum(1 for verdict, _d in verdicts if verdict == Verdict.FALSE_ALARM)
    return PublicStats(
        days=span,
        reports_by_channel=by_channel,
        channel_labels={str(c.value): str(c.label) for c in Channel},
        verdicts=len(verdicts),
        false_alarm_share=publication.share(false_alarms, len(verdicts), rules=policy),
        median_minutes_to_verdict=publication.median_minutes((d for _v, d in verdicts), rules=policy),
        min_count=policy.min_count,
        delay_hours=int(policy.delay.total_seconds() // 3600),
    )


# --- know your rights ------------------------------------------------------------------------------------------------


def rights_page(topic: str, language: str) -> RightsPage | None:
    """The topic's page in `language`, else in the site's default language, else any; None if none was written."""
    if topic not in TOPICS:
        return None
    pages = {p.language: p for p in RightsPage.objects.filter(topic=topic)}
    for code in (language, settings.LANGUAGE_CODE, *sorted(pages)):
        if code in pages:
            return pages[code]
    return _shipped(topic, language)


def _shipped(topic: str, language: str) -> RightsPage | None:
    """The text Vigil ships (vigil.public.rights_content), unsaved, for a database where nobody wrote the page."""
    texts = rights_content.PAGES.get(topic, {})
    for code in (language, settings.LANGUAGE_CODE):
        if code in texts:
            title, body = texts[code]
            return RightsPage(topic=topic, language=code, title=title, body=body, body_html=markdown.render(body))
    return None


def rights_index(language: str) -> list[tuple[str, RightsPage | None]]:
    return [(slug, rights_page(slug, language)) for slug in PAGES]
