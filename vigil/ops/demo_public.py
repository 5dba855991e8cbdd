"""Demo data for the public side (fictional): a debunked rumour, confirmed incidents old enough to publish (three
in one area, so the map shows it; two in another, so the map hides it) and two weeks of reports for the
statistics. Runs after the demo city is seeded; the incidents sit in the demo zones, so resetting the demo removes
them, and the debunks are marked "(demo)"."""

from __future__ import annotations

import datetime as dt
import itertools

import h3
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vigil.accounts.models import User
from vigil.hotline import events
from vigil.hotline.models import Channel, Incident, IncidentState, Report, Verdict
from vigil.places.models import Zone
from vigil.public.models import Debunk
from vigil.public.services import publish_debunk

_receipts = itertools.count(1)


def _incident(zone: Zone, cell: str, *, hours_ago: float, verdict: str, channel: str, language: str) -> Incident:
    lat, lon = h3.cell_to_latlng(cell)
    first = timezone.now() - dt.timedelta(hours=hours_ago)
    incident = Incident.objects.create(
        cell=h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_REPORT),
        zone_cell=h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_ZONE),
        zone=zone,
        lat=lat,
        lon=lon,
        state=IncidentState.VERDICT,
        verdict=verdict,
        language=language,
        report_count=1,
        first_report_at=first,
        last_report_at=first,
    )
    Report.objects.create(
        receipt=f"DEMOPUB{next(_receipts):05d}{int(first.timestamp()) % 1000:03d}",
        channel=channel,
        language=language,
        incident=incident,
        size="A few people in vests (demo)",
        activity="Fictional demo report for the public statistics",
        location_text="Demo city",
        lat=lat,
        lon=lon,
        cell=incident.cell,
        seen_at=first,
        received_at=first,
    )
    events.record(incident, "incident_opened", at=first, channel=channel)
    events.record(incident, "verdict_recorded", at=first + dt.timedelta(minutes=25 + hours_ago % 40), verdict=verdict)
    return incident


def seed_public_demo() -> str:
    zones = list(Zone.objects.filter(group__slug__startswith="demo-").order_by("pk"))
    if len(zones) < 2:
        return "Public demo: no demo zones, nothing seeded."
    Debunk.objects.filter(area__endswith="(demo)").delete()
    with transaction.atomic():
        first, second = (sorted(z.cells.values_list("cell", flat=True)) for z in zones[:2])
        shown = first[len(first) // 2]
        hidden = second[len(second) // 2]
        for hours in (8, 11, 15):  # three confirmed in one resolution-7 area: published
            _incident(zones[0], shown, hours_ago=hours, verdict=Verdict.CONFIRMED, channel=Channel.WEB, language="en")
        for hours in (9, 20):  # two in another: under k, never shown
            _incident(zones[1], hidden, hours_ago=hours, verdict=Verdict.CONFIRMED, channel=Channel.SMS, language="es")
        channels = [Channel.WEB, Channel.SMS, Channel.OPERATOR, Channel.WEB, Channel.API]
        verdicts = [Verdict.FALSE_ALARM, Verdict.FALSE_ALARM, Verdict.NOT_IMMIGRATION, Verdict.UNABLE_TO_VERIFY]
        for day in range(1, 15):
            for n in range(3 + day % 4):
                _incident(
                    zones[n % len(zones)],
                    first[(day * 7 + n) % len(first)],
                    hours_ago=24 * day + n,
                    verdict=verdicts[(day + n) % len(verdicts)],
                    channel=channels[(day + n) % len(channels)],
                    language="es" if n % 3 == 0 else "en",
                )
    rumour = _incident(
        zones[0], first[0], hours_ago=0.4, verdict=Verdict.FALSE_ALARM, channel=Channel.WEB, language="en"
    )
    dispatcher = User.objects.filter(username="demo-dispatcher").first()
    if dispatcher is None:
        return "Public demo: no demo dispatcher, no debunk published."
    publish_debunk(
        incident=rumour,
        actor=dispatcher,
        area=f"{zones[0].name} (demo)",
        statements={
            "en": "The vans were a film crew with permits, not immigration agents. (Demo: fictional.)",
            "es": "Las camionetas eran de un equipo de filmación con permiso, no agentes de inmigración. "
            "(Demo: ficticio.)",
        },
    )
    return "Public demo: 1 debunk, 3 published confirmed incidents (+2 withheld under k), 14 days of statistics."
