"""Writes of the hotline intake: taking a report on any channel, placing it, filling it in.

Each service validates everything first and raises django.core.exceptions.ValidationError (a dict of field -> errors
with codes) before writing anything, then writes in one transaction: a refused report leaves no row behind.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
import threading
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace

import h3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.access import AnyUser, audit
from vigil.hotline import clustering, events
from vigil.hotline.access import CONTACT_PURPOSE
from vigil.hotline.models import Channel, Incident, PlacedBy, Report, ReviewOutcome, SmsConversation
from vigil.lib.errors import VigilError
from vigil.places import config, geocoder, service_area
from vigil.places.match import Match
from vigil.safety.validators import guarded

# Crockford's base32: no I, L, O, U, so a receipt read aloud or copied by hand is not ambiguous.
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_LENGTH = 8  # 40 bits: unguessable at any rate the API's limits allow
_RECEIPT_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})

SEEN_AT_FUTURE_SLACK = dt.timedelta(minutes=5)  # phones' clocks drift
SEEN_AT_MAX_AGE = dt.timedelta(hours=24)  # older news is not for a rapid-response hotline
CONTACT_MAX_CHARS = 120

# SALUTE free-text fields and their longest accepted values (the model's column sizes; long texts use the setting).
SHORT_FIELDS: Mapping[str, int] = {"size": 200, "location_text": 300, "uniform": 300, "equipment": 300}
LONG_FIELDS = ("activity", "text")
TEXT_FIELDS = ("size", "activity", "location_text", "uniform", "equipment", "text")


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


_RECEIPT_ATTEMPTS = 5


def random_receipt() -> str:
    """A random receipt code; the unique index on Report.receipt is what makes it unique (see submit_report).

    Its 8 characters are the 40 bits of one read of the system's random source, 5 bits each (32 symbols): uniform."""
    bits = int.from_bytes(secrets.token_bytes(RECEIPT_LENGTH * 5 // 8), "big")
    return "".join(RECEIPT_ALPHABET[(bits >> (5 * i)) & 31] for i in range(RECEIPT_LENGTH))


def normalise_receipt(raw: str) -> str | None:
    """A receipt as typed by a person ("abcd-efgh", "ABCD EFGH", O for 0) in canonical form; None if it can't be one."""
    code = "".join(ch for ch in raw.upper() if ch not in "- ").translate(_RECEIPT_LOOKALIKES)
    if len(code) != RECEIPT_LENGTH or any(ch not in RECEIPT_ALPHABET for ch in code):
        return None
    return code


def format_receipt(code: str) -> str:
    """How a receipt is shown: two groups of four, easy to read out on the phone."""
    return f"{code[:4]}-{code[4:]}"


def _clean_text(
    name: str,
    value: str | None,
    limit: int,
    errors: dict[str, list[ValidationError]],
    held: list[str] | None = None,
) -> str:
    """The field's text, cleaned and guarded. A refusal goes into `errors`; a text the guard holds for review is
    accepted and its field name appended to `held`."""
    text = (value or "").strip()
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    if any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\r\t" for ch in text):
        errors.setdefault(name, []).append(
            ValidationError(_("This text contains control characters; please retype it."), code="control_chars")
        )
        return text
    if len(text) > limit:
        errors.setdefault(name, []).append(
            ValidationError(
                _("This text is too long: %(length)d characters, at most %(limit)d."),
                code="too_long",
                params={"length": len(text), "limit": limit},
            )
        )
        return text
    try:
        result = guarded(text)
    except ValidationError as refused:
        errors.setdefault(name, []).extend(refused.error_list)
    else:
        if result.held and held is not None:
            held.append(name)
    return text


def check_coordinates(lat: float | None, lon: float | None) -> dict[str, list[ValidationError]]:
    """Errors for a coordinate pair that cannot be a place on Earth (or a phone's failed fix); empty if fine."""
    errors: dict[str, list[ValidationError]] = {}
    if lat is None and lon is None:
        return errors
    if lat is None or lon is None:
        errors["lat" if lat is None else "lon"] = [
            ValidationError(_("Give both latitude and longitude, or neither."), code="half_coordinates")
        ]
        return errors
    if not math.isfinite(lat) or not -90 <= lat <= 90:
        errors["lat"] = [ValidationError(_("Latitude must be between -90 and 90."), code="bad_latitude")]
    if not math.isfinite(lon) or not -180 <= lon <= 180:
        errors["lon"] = [ValidationError(_("Longitude must be between -180 and 180."), code="bad_longitude")]
    if not errors and lat == 0 and lon == 0:
        errors["lat"] = [
            ValidationError(_("0, 0 is not a real location (the phone found no position)."), code="null_island")
        ]
    return errors


@dataclass(frozen=True)
class CleanReport:
    channel: str
    language: str
    fields: dict[str, str]
    lat: float | None
    lon: float | None
    seen_at: dt.datetime
    contact: str
    held_fields: tuple[str, ...] = ()


def clean_report(
    *,
    channel: str,
    language: str,
    size: str,
    activity: str,
    location_text: str,
    lat: float | None,
    lon: float | None,
    uniform: str,
    seen_at: dt.datetime | None,
    equipment: str,
    text: str,
    contact: str,
    require_location: bool,
) -> CleanReport:
    """Validate a report's input; raise VigilError.invalid({field: [errors]}) listing everything wrong at once."""
    errors: dict[str, list[ValidationError]] = {}
    now = timezone.now()
    if channel not in Channel.values:
        errors["channel"] = [ValidationError(_("Unknown channel."), code="bad_channel")]
    lang = (language or "").strip().lower().replace("_", "-").split("-")[0]
    if lang not in language_codes():
        errors["language"] = [
            ValidationError(
                _("Unknown language %(language)s; use one of %(choices)s."),
                code="bad_language",
                params={"language": language[:16], "choices": ", ".join(language_codes())},
            )
        ]
    values = {"size": size, "activity": activity, "location_text": location_text}
    values |= {"uniform": uniform, "equipment": equipment, "text": text}
    fields: dict[str, str] = {}
    held: list[str] = []
    for name in TEXT_FIELDS:
        limit = SHORT_FIELDS.get(name, settings.VIGIL_MAX_TEXT_CHARS)
        fields[name] = _clean_text(name, values[name], limit, errors, held)
    errors |= check_coordinates(lat, lon)
    when = seen_at or now
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when > now + SEEN_AT_FUTURE_SLACK:
        errors["seen_at"] = [ValidationError(_("The time seen is in the future."), code="future")]
    elif when < now - SEEN_AT_MAX_AGE:
        errors["seen_at"] = [
            ValidationError(
                _("The time seen is more than 24 hours ago; this hotline is for what is happening now."), code="too_old"
            )
        ]
    contact_clean = (contact or "").strip()
    if len(contact_clean) > CONTACT_MAX_CHARS or any(unicodedata.category(ch) in ("Cc", "Cs") for ch in contact_clean):
        errors["contact"] = [
            ValidationError(
                _("A call-back contact is a phone number or an email address, at most %(limit)d characters."),
                code="bad_contact",
                params={"limit": CONTACT_MAX_CHARS},
            )
        ]
    if not any(fields.values()) and not errors:
        errors["activity"] = [ValidationError(_("Tell us what you see."), code="empty")]
    if require_location and lat is None and not fields["location_text"] and "location_text" not in errors:
        errors.setdefault("location_text", []).append(
            ValidationError(
                _("Tell us where: tap the map, use your location, or write an address or cross-streets."),
                code="no_location",
            )
        )
    if errors:
        raise VigilError.invalid(errors)
    return CleanReport(
        channel=channel,
        language=lang,
        fields=fields,
        lat=lat,
        lon=lon,
        seen_at=when,
        contact=contact_clean,
        held_fields=tuple(held),
    )


def submit_report(
    *,
    channel: str,
    language: str,
    size: str = "",
    activity: str = "",
    location_text: str = "",
    lat: float | None = None,
    lon: float | None = None,
    uniform: str = "",
    seen_at: dt.datetime | None = None,
    equipment: str = "",
    text: str = "",
    contact: str = "",
    entered_by: AnyUser | None = None,
    require_location: bool = True,
    sender_hash: str | None = None,
) -> Report:
    """Take one report: validate, guard the text, place it, seal the contact, store it and put it into an incident.

    A report with coordinates joins or opens an incident at once. One with a location only in words is placed by the
    local geocoder when it has one confident match (placed_by "words", the match kept to show staff); otherwise it is
    kept "unplaced" (no incident yet) and heads the operators' queue, with the geocoder's suggestions, until someone
    places it on the map (place_report). Vigil never sends addresses to a third-party geocoder.
    `require_location=False` (SMS) accepts a first message without any location; the conversation asks for it.
    `sender_hash` (SMS) is the keyed hash of the sender's number, kept VIGIL_SENDER_MEMORY_DAYS for the queue's rank.
    """
    clean = clean_report(
        channel=channel,
        language=language,
        size=size,
        activity=activity,
        location_text=location_text,
        lat=lat,
        lon=lon,
        uniform=uniform,
        seen_at=seen_at,
        equipment=equipment,
        text=text,
        contact=contact,
        require_location=require_location,
    )
    words: Match | None = None
    if clean.lat is None and clean.fields["location_text"]:
        words = place_from_words(clean.fields["location_text"], language=clean.language)
        if words is not None:
            clean = replace(clean, lat=words.lat, lon=words.lon)
    now = timezone.now()
    # A report that doesn't say when gets exactly its receipt time: seen_at == received_at means "time not given".
    seen = clean.seen_at if seen_at is not None else now
    cell = (
        h3.latlng_to_cell(clean.lat, clean.lon, settings.VIGIL_H3_RES_REPORT)
        if clean.lat is not None and clean.lon is not None
        else ""
    )
    cfg = config.current()  # read before the transaction, where the process may keep it a few seconds
    # A fresh receipt is unique but for a 1-in-2^40 chance: rather than asking the database first on every report, the
    # unique index refuses a duplicate and the whole transaction (incident included) runs again with another code.
    attempt = 0
    while True:
        attempt += 1
        receipt = random_receipt()
        try:
            return _store_report(
                clean,
                receipt=receipt,
                cell=cell,
                seen_at=seen,
                now=now,
                entered_by=entered_by,
                cfg=cfg,
                words=words,
                sender_hash=sender_hash,
            )
        except IntegrityError:
            if attempt >= _RECEIPT_ATTEMPTS or not Report.objects.filter(receipt=receipt).exists():
                raise


_SQLITE_WRITER = threading.Lock()


@contextmanager
def _one_writer_per_process() -> Iterator[None]:
    """On SQLite, let one thread of this process at a time start an intake write.

    SQLite takes one writer at a time anyway (BEGIN IMMEDIATE); a thread that finds the database locked sleeps in
    growing steps (up to 100 ms) before it tries again. Threads of one web process queue here instead and are woken
    the moment the one before them is done, so only the processes compete for the database's lock."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with _SQLITE_WRITER:
        yield


def _store_report(
    clean: CleanReport,
    *,
    receipt: str,
    cell: str,
    seen_at: dt.datetime,
    now: dt.datetime,
    entered_by: AnyUser | None,
    cfg: config.Config,
    words: Match | None = None,
    sender_hash: str | None = None,
) -> Report:
    with _one_writer_per_process(), transaction.atomic():
        sealed: bytes | None = None
        expires: dt.datetime | None = None
        if clean.contact:
            from vigil.vault import seal

            sealed = seal(clean.contact, purpose=CONTACT_PURPOSE)
            expires = now + dt.timedelta(days=cfg.contact_retention_days)
        report = Report(
            receipt=receipt,
            channel=clean.channel,
            language=clean.language,
            entered_by_id=entered_by.pk if entered_by is not None and entered_by.is_authenticated else None,
            lat=clean.lat,
            lon=clean.lon,
            cell=cell,
            seen_at=seen_at,
            contact_sealed=sealed,
            contact_expires_at=expires,
            received_at=now,
            held=bool(clean.held_fields),
            review_reason=", ".join(clean.held_fields),
            sender_hash=sender_hash or None,
            sender_expires_at=now + dt.timedelta(days=settings.VIGIL_SENDER_MEMORY_DAYS) if sender_hash else None,
            **clean.fields,
        )
        if words is not None:
            _mark_placed_from_words(report, words)
        if report.lat is not None and not service_area.serves(report.cell):
            report.outside_area = True  # kept, answered with where to get help, and in nobody's queue
            report.save()
        elif report.lat is not None:
            placement = clustering.place(report, actor=entered_by, cfg=cfg)  # saves the report inside its incident
            if words is not None:
                _record_placed_from_words(placement.incident, report, words)
        else:
            report.save()
    return report


def place_from_words(text: str, *, language: str) -> Match | None:
    """The local gazetteer's one confident match for a place in words, or None (none, or several to choose from)."""
    return geocoder.geocode(text, lang=language).confident


def _mark_placed_from_words(report: Report, words: Match) -> None:
    report.lat, report.lon = words.lat, words.lon
    report.cell = h3.latlng_to_cell(words.lat, words.lon, settings.VIGIL_H3_RES_REPORT)
    report.placed_by = PlacedBy.WORDS
    report.place_match = words.label[:200]
    report.place_confidence = words.confidence


def _record_placed_from_words(incident: Incident, report: Report, words: Match) -> None:
    events.record(
        incident,
        "report_placed",
        report=report.pk,
        by=PlacedBy.WORDS.value,
        match=words.label,
        confidence=words.confidence,
    )


def place_report(*, report: Report, lat: float, lon: float, actor: AnyUser, match: str = "") -> Report:
    """Put an unplaced report on the map (an operator or dispatcher read its location words) and cluster it.

    `match` is the gazetteer's label of the suggestion they picked, if they picked one."""
    errors = check_coordinates(lat, lon)
    if errors:
        raise VigilError.invalid(errors)
    with transaction.atomic():
        fresh = Report.objects.select_for_update().get(pk=report.pk)
        if fresh.lat is not None or fresh.incident_id is not None:
            raise VigilError.invalid(
                {"lat": [ValidationError(_("This report is already on the map."), code="already_placed")]}
            )
        fresh.lat, fresh.lon = lat, lon
        fresh.cell = h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_REPORT)
        fresh.placed_by = PlacedBy.OPERATOR
        fresh.place_match = match.strip()[:200]
        fresh.save(update_fields=["lat", "lon", "cell", "placed_by", "place_match"])
        placement = clustering.place(fresh, actor=actor)
        if fresh.place_match:
            events.record(
                placement.incident,
                "report_placed",
                actor=actor,
                report=fresh.pk,
                by="operator",
                match=fresh.place_match,
            )
        else:
            events.record(placement.incident, "report_placed", actor=actor, report=fresh.pk)
        audit(actor, "report.place", object_type="hotline.Report", object_id=fresh.pk)
    return fresh


def fill_report(*, report: Report, field: str, value: str, actor: AnyUser | None = None) -> Report:
    """Fill one missing SALUTE field of a report (SMS follow-ups). Coordinates in `lat`,`lon` form place it."""
    if field not in TEXT_FIELDS:
        raise ValueError(f"not a fillable field: {field}")
    errors: dict[str, list[ValidationError]] = {}
    held: list[str] = []
    limit = SHORT_FIELDS.get(field, settings.VIGIL_MAX_TEXT_CHARS)
    cleaned = _clean_text(field, value, limit, errors, held)
    if errors:
        raise VigilError.invalid(errors)
    with transaction.atomic():
        fresh = Report.objects.select_for_update().get(pk=report.pk)
        current = getattr(fresh, field)
        joined = f"{current}\n{cleaned}".strip() if current else cleaned
        if len(joined) > limit:
            raise VigilError.invalid({field: [ValidationError(_("This text is too long."), code="too_long")]})
        setattr(fresh, field, joined)
        changed = [field]
        if held:
            fresh.held = True
            fresh.review_reason = _joined_fields(fresh.review_reason, field)
            changed += ["held", "review_reason"]
        fresh.save(update_fields=changed)
        if fresh.incident is not None:
            events.record(fresh.incident, "report_updated", actor=actor, report=fresh.pk, field=field)
        elif field == "location_text" and fresh.lat is None:
            # An SMS reporter answered "where?" in words: place it now if the gazetteer is sure.
            words = place_from_words(cleaned, language=fresh.language)
            if words is not None:
                _mark_placed_from_words(fresh, words)
                fresh.save(update_fields=["lat", "lon", "cell", "placed_by", "place_match", "place_confidence"])
                placement = clustering.place(fresh)
                _record_placed_from_words(placement.incident, fresh, words)
    return fresh


def _joined_fields(current: str, *more: str) -> str:
    names = [name for name in current.split(", ") if name]
    return ", ".join(names + [name for name in more if name not in names])


def held_fields(report: Report) -> list[str]:
    """The free-text fields of a report the text guard held for review (the fields it still has text in)."""
    return [name for name in report.review_reason.split(", ") if name in TEXT_FIELDS]


def review_report(
    *, report: Report, actor: AnyUser, outcome: str, fields: Mapping[str, str] | None = None
) -> Report:
    """An operator's decision on a report the text guard held: approve it as it is, redact it (the edited texts are
    guarded again and must not be refused), or refuse it (the held texts are removed; the report is kept). Audited."""
    if outcome not in ReviewOutcome.values:
        raise ValueError(f"not a review outcome: {outcome}")
    changes: dict[str, str] = {}
    if outcome == ReviewOutcome.REDACTED:
        errors: dict[str, list[ValidationError]] = {}
        for name, value in (fields or {}).items():
            if name not in TEXT_FIELDS:
                raise ValueError(f"not a text field: {name}")
            limit = SHORT_FIELDS.get(name, settings.VIGIL_MAX_TEXT_CHARS)
            changes[name] = _clean_text(name, value, limit, errors)
        if errors:
            raise VigilError.invalid(errors)
    with transaction.atomic():
        fresh = Report.objects.select_for_update().get(pk=report.pk)
        if not fresh.held:
            raise VigilError(
                _("This report is not held for review (someone may have reviewed it already)."), status=409
            )
        if outcome == ReviewOutcome.REFUSED:
            changes = {name: "" for name in held_fields(fresh)}
        for name, value in changes.items():
            setattr(fresh, name, value)
        fresh.held = False
        fresh.reviewed_by_id = actor.pk
        fresh.reviewed_at = timezone.now()
        fresh.review_outcome = outcome
        fresh.save(update_fields=[*changes, "held", "reviewed_by", "reviewed_at", "review_outcome"])
        changed = sorted(name for name in changes)
        if fresh.incident is not None:
            events.record(fresh.incident, "report_reviewed", actor=actor, report=fresh.pk, outcome=outcome)
        audit(
            actor, "report.review", object_type="hotline.Report", object_id=fresh.pk, outcome=outcome, fields=changed
        )
    return fresh


def locate_report(*, report: Report, lat: float, lon: float) -> Report:
    """Give a report sent without coordinates the coordinates its reporter sent later (SMS), and cluster it."""
    errors = check_coordinates(lat, lon)
    if errors:
        raise VigilError.invalid(errors)
    with transaction.atomic():
        fresh = Report.objects.select_for_update().get(pk=report.pk)
        if fresh.lat is not None:
            return fresh
        fresh.lat, fresh.lon = lat, lon
        fresh.cell = h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_REPORT)
        fresh.save(update_fields=["lat", "lon", "cell"])
        clustering.place(fresh)
    return fresh


def set_seen_at(*, report: Report, seen_at: dt.datetime) -> Report:
    """Correct when the activity was seen (an SMS reporter answered the question)."""
    now = timezone.now()
    if timezone.is_naive(seen_at):
        seen_at = timezone.make_aware(seen_at)
    if seen_at > now + SEEN_AT_FUTURE_SLACK or seen_at < now - SEEN_AT_MAX_AGE:
        raise VigilError.invalid(
            {"seen_at": [ValidationError(_("That time is not within the last 24 hours."), code="bad_time")]}
        )
    with transaction.atomic():
        fresh = Report.objects.select_for_update().get(pk=report.pk)
        fresh.seen_at = seen_at
        fresh.save(update_fields=["seen_at"])
        if fresh.incident is not None:
            events.record(fresh.incident, "report_updated", report=fresh.pk, field="seen_at")
    return fresh


def end_stale_sms_conversations(*, now: dt.datetime | None = None) -> int:
    """Delete SMS conversations idle for longer than VIGIL_SMS_CONVERSATION_MINUTES: the keyed hash of the sender's
    number is kept no longer than needed. Returns how many were deleted."""
    cutoff = (now or timezone.now()) - dt.timedelta(minutes=settings.VIGIL_SMS_CONVERSATION_MINUTES)
    with transaction.atomic():
        deleted, _rows = SmsConversation.objects.filter(updated_at__lt=cutoff).delete()
    return deleted
