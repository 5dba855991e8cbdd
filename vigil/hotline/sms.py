"""SMS intake in Twilio's webhook format: check the signature, read a free-form message, ask for what is missing.

A first message becomes a report at once (whatever it says), and the reply carries the receipt code and asks for the
first missing SALUTE part. Each answer fills the part asked for, then the next missing part is asked, one at a time,
in the order below, each at most once. The sender's number is never stored: the conversation is found again by a
keyed hash of it (HMAC with a key derived from the vault master key), and the conversation row is deleted when the
questions are done, on STOP, or when it goes stale (tasks.end_stale_sms_conversations). A message the provider sends
again (the same MessageSid) gets the first answer and changes nothing (vigil/hotline/replay.py).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from vigil.hotline import replay, services
from vigil.hotline.access import within_rate
from vigil.hotline.models import Channel, Report, SmsConversation
from vigil.lib.errors import VigilError
from vigil.places import service_area
from vigil.safety.textguard import Reason, explain
from vigil.vault import keyed_hash

# The SALUTE parts asked for, most useful first ("location" = coordinates or words; "time" = when it was seen).
ASK_ORDER = ("location", "activity", "size", "uniform", "time", "equipment")
SENDER_MAX_CHARS = 64
BODY_MAX_CHARS = 4000  # Twilio joins long messages up to 1600 characters; more is not a real SMS

STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "ALTO", "PARAR", "PARE", "BASTA"}
HELP_WORDS = {"HELP", "INFO", "AYUDA"}
SPANISH_WORDS = {"ES", "ESPAÑOL", "ESPANOL", "SPANISH"}
ENGLISH_WORDS = {"EN", "ENGLISH", "INGLES", "INGLÉS"}


@dataclass(frozen=True)
class Outcome:
    body: str
    status: int = 200
    content_type: str = "text/xml; charset=utf-8"


@dataclass
class Parsed:
    """What could be picked out of a free-form message."""

    language: str = "en"
    size: str = ""
    activity: str = ""
    location_text: str = ""
    uniform: str = ""
    equipment: str = ""
    lat: float | None = None
    lon: float | None = None
    seen_at: dt.datetime | None = None
    found: set[str] = field(default_factory=set)


# --- Reading a message -------------------------------------------------------------------------------------------

_ES_MARKERS = {
    "la", "el", "los", "las", "hay", "esta", "estan", "calle", "esquina", "agentes", "migra", "ahora", "carros",
    "camionetas", "frente", "con", "por", "una", "del", "cerca", "policia", "llevaron", "vi", "que", "y",
    "son", "hombres", "mi", "casa", "tienda", "afuera", "ahorita", "hace", "tocando", "puertas", "deteniendo",
}  # fmt: skip
_EN_MARKERS = {
    "the", "at", "on", "is", "are", "and", "of", "in", "agents", "now", "there", "near", "street", "they", "with",
    "outside", "cars", "vans", "police", "people", "taking", "ago", "minutes", "my", "store", "corner", "right",
}  # fmt: skip


def _fold(text: str) -> str:
    """Lower case without accents, for matching words in either language."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def detect_language(text: str) -> str:
    words = re.findall(r"[a-zñ]+", _fold(text))
    es = sum(w in _ES_MARKERS for w in words) + 2 * len(re.findall(r"[ñáéíóú¿¡]", text.lower()))
    en = sum(w in _EN_MARKERS for w in words)
    return "es" if es > en else "en"


_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "a": 1, "an": 1, "uno": 1, "una": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "several": 0, "many": 0, "varios": 0, "varias": 0, "muchos": 0,
}  # fmt: skip
_COUNT = r"(\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_PEOPLE = r"(agents?|officers?|cops?|police(?:men)?|men|guys|ice|agentes?|oficiales?|policias?|hombres|migras?)"
_VEHICLES = (
    r"(vans?|cars?|trucks?|suvs?|vehicles?|buses|bus|camionetas?|carros?|coches?|autos?|vehiculos?|patrullas?|trocas?)"
)
_UNIFORM = re.compile(
    r"\b(ice|ero|hsi|cbp|migra|border patrol|patrulla fronteriza|police|policia|sheriff'?s?|fbi|dea|atf|marshals?|"
    r"vests?|chalecos?|uniforms?|uniformes?|plain ?clothes|ropa de civil|masks?|mascaras?|tactical gear)\b"
)
_EQUIPMENT = re.compile(
    r"\b(unmarked|sin (?:placas|marcas)|rifles?|guns?|weapons?|armas?|pistolas?|handcuffs|zip ?ties|esposas|"
    r"helicopters?|helicopteros?|drones?|battering ram|cameras?|camaras?|" + _VEHICLES[1:-1] + r")\b"
)
_ACTIVITY = re.compile(
    r"\b(arrest\w*|detain\w*|taking|took|stopp\w*|stops?|checkpoint|raid\w*|knock\w*|question\w*|chas\w*|"
    r"handcuff\w*|waiting|parked|surround\w*|entering|entered|deten\w*|detuv\w*|arrest\w*|llev\w*|parando|"
    r"reten|redadas?|tocando|pregunt\w*|persigu\w*|esposa\w+|esperando|estacionad\w*|rodea\w*|entrando|entraron)\b"
)
_LOCATION = re.compile(
    r"\b(?:at|on|near|by|in front of|outside|corner of|behind|across from|en la esquina de|esquina de|en|"
    r"cerca de|frente a|enfrente de|afuera de|detras de)\s+([^.,;!?\n]{3,80})"
)
_COORDS = re.compile(r"(-?\d{1,2}\.\d{2,})\s*,\s*(-?\d{1,3}\.\d{2,})")
_NOW = re.compile(r"\b(now|right now|happening|ahora|ahorita|ahora mismo|en este momento|en vivo)\b")
_AGO = re.compile(r"(?:hace\s+)?(\d{1,3})\s*(min\w*|h|hrs?|hours?|horas?)\b(?:\s+ago)?")
_CLOCK = re.compile(r"\b(\d{1,2}):(\d{2})\s*(am|pm|a\.m\.|p\.m\.)?")


def _sentence_with(text: str, start: int, limit: int) -> str:
    left = max(text.rfind(ch, 0, start) for ch in ".!?\n") + 1
    rights = [i for i in (text.find(ch, start) for ch in ".!?\n") if i != -1]
    right = min(rights) if rights else len(text)
    return text[left:right].strip()[:limit]


def parse_time(text: str, *, now: dt.datetime | None = None) -> dt.datetime | None:
    now = now or timezone.now()
    folded = _fold(text)
    clock = _CLOCK.search(folded)
    if clock:
        hour, minute, half = int(clock.group(1)), int(clock.group(2)), (clock.group(3) or "").replace(".", "")
        if half == "pm" and hour < 12:
            hour += 12
        if half == "am" and hour == 12:
            hour = 0
        if hour < 24 and minute < 60:
            local = timezone.localtime(now)
            seen = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
            if seen > local + services.SEEN_AT_FUTURE_SLACK:
                seen -= dt.timedelta(days=1)
            return seen
    ago = _AGO.search(folded)
    if ago and ("ago" in ago.group(0) or "hace" in ago.group(0)):
        amount = int(ago.group(1))
        delta = dt.timedelta(minutes=amount) if ago.group(2).startswith("m") else dt.timedelta(hours=amount)
        if delta < services.SEEN_AT_MAX_AGE:
            return now - delta
    if _NOW.search(folded):
        return now
    return None


def parse_coordinates(text: str) -> tuple[float, float] | None:
    match = _COORDS.search(text)
    if not match:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    if services.check_coordinates(lat, lon):
        return None
    return lat, lon


def parse(text: str) -> Parsed:
    """Pick SALUTE parts out of a free-form message, in English or Spanish."""
    folded = _fold(text)  # same length as the text for Latin scripts, close enough for slicing sentences
    if len(folded) != len(text):
        folded_for_slices = text.lower()
    else:
        folded_for_slices = folded
    out = Parsed(language=detect_language(text))
    counts: list[str] = []
    for pattern in (rf"\b{_COUNT}\s+(?:\w+\s+)?{_PEOPLE}\b", rf"\b{_COUNT}\s+(?:\w+\s+)?{_VEHICLES}\b"):
        for match in re.finditer(pattern, folded):
            counts.append(match.group(0))
    if counts:
        out.size = ", ".join(dict.fromkeys(counts))[: services.SHORT_FIELDS["size"]]
        out.found.add("size")
    uniforms = [m.group(0) for m in _UNIFORM.finditer(folded)]
    if uniforms:
        out.uniform = ", ".join(dict.fromkeys(u.upper() if len(u) <= 3 else u for u in uniforms))
        out.uniform = out.uniform[: services.SHORT_FIELDS["uniform"]]
        out.found.add("uniform")
    equipment = [m.group(0) for m in _EQUIPMENT.finditer(folded)]
    if equipment:
        out.equipment = ", ".join(dict.fromkeys(equipment))[: services.SHORT_FIELDS["equipment"]]
        out.found.add("equipment")
    activity = _ACTIVITY.search(folded_for_slices)
    if activity:
        out.activity = _sentence_with(text, activity.start(), settings.VIGIL_MAX_TEXT_CHARS)
        out.found.add("activity")
    coords = parse_coordinates(text)
    if coords:
        out.lat, out.lon = coords
        out.found.add("location")
    for match in _LOCATION.finditer(folded_for_slices):
        place = text[match.start(1) : match.end(1)].strip()
        cut = [m.start() for m in (_NOW.search(_fold(place)), _AGO.search(_fold(place))) if m]
        place = place[: min(cut)].strip() if cut and len(_fold(place)) == len(place) else place
        if place and not _CLOCK.fullmatch(_fold(place)) and not re.fullmatch(r"[\d\s:apm.]+", _fold(place)):
            out.location_text = place[: services.SHORT_FIELDS["location_text"]]
            out.found.add("location")
            break
    seen = parse_time(text)
    if seen is not None:
        out.seen_at = seen
        out.found.add("time")
    return out


# --- Conversation ------------------------------------------------------------------------------------------------


def sender_hash(number: str) -> str:
    """A keyed hash of the sender's number (the key comes from the vault's master key, kept apart from the data): the
    same number gives the same hash; the hash gives no number, even to someone who tries every number."""
    canonical = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    return keyed_hash(canonical, purpose="sms-sender")


def question(part: str) -> str:
    questions = {
        "location": _("Where is it? Send an address, cross-streets or a place name."),
        "activity": _("What are they doing?"),
        "size": _("How many agents and vehicles do you see?"),
        "uniform": _("What are they wearing? Any words on vests (ICE, POLICE)?"),
        "time": _("When did you see it? Reply NOW if it is happening now."),
        "equipment": _("What vehicles or equipment do they have?"),
    }
    return questions[part]


def _is_missing(report: Report, part: str) -> bool:
    if part == "location":
        return report.lat is None and not report.location_text
    if part == "time":
        return report.seen_at == report.received_at  # submit_report's mark for "the reporter didn't say when"
    return not getattr(report, part)


def _next_part(report: Report, after: str | None) -> str | None:
    """The first missing part after the one just asked: each part is asked at most once."""
    start = ASK_ORDER.index(after) + 1 if after in ASK_ORDER else 0
    for part in ASK_ORDER[start:]:
        if _is_missing(report, part):
            return part
    return None


def _twiml(message: str) -> Outcome:
    response = MessagingResponse()
    response.message(message)
    return Outcome(str(response))


def _refusal(refused: VigilError) -> str:
    """One reply, in the language active (the sender's): why, each reason once, and that nothing was kept."""
    reasons: list[Reason] = []
    others: list[str] = []
    for errors in refused.fields.values():
        for error in errors:
            for item in error.error_list:
                if item.code == "text_guard" and item.params:
                    reasons += [Reason(code) for code in str(item.params["reasons"]).split(", ") if code]
                else:
                    text = str(item.message) % item.params if item.params else str(item.message)
                    if text not in others:
                        others.append(text)
    parts = [str(explain(reasons, kept=False))] if reasons else []
    parts += others[: max(0, 2 - len(parts))]
    if not parts:
        parts = [refused.message]
    return " ".join(parts) + " " + _("Nothing was saved. Please send it again.")


def _start(body: str, key: str) -> Outcome:
    parsed = parse(body)
    with translation.override(parsed.language):
        try:
            report = services.submit_report(
                channel=Channel.SMS,
                language=parsed.language,
                size=parsed.size,
                activity=parsed.activity,
                location_text=parsed.location_text,
                lat=parsed.lat,
                lon=parsed.lon,
                uniform=parsed.uniform,
                seen_at=parsed.seen_at,
                equipment=parsed.equipment,
                text=body,
                require_location=False,
                sender_hash=key,
            )
        except VigilError as refused:
            return _twiml(_refusal(refused))
        receipt = services.format_receipt(report.receipt)
        if report.outside_area:
            return _twiml(
                _("Report received, code %(receipt)s.") % {"receipt": receipt} + " " + service_area.help_text()
            )
        part = _next_part(report, None)
        if part is None:
            return _twiml(_("Report received, code %(receipt)s. Thank you. Stay safe.") % {"receipt": receipt})
        SmsConversation.objects.update_or_create(
            sender_hash=key, defaults={"report": report, "language": parsed.language, "awaiting": part}
        )
        return _twiml(_("Report received, code %(receipt)s.") % {"receipt": receipt} + " " + question(part))


def _answer(conversation: SmsConversation, body: str) -> Outcome:
    report = conversation.report
    part = conversation.awaiting
    with translation.override(conversation.language):
        try:
            if part == "location":
                coords = parse_coordinates(body)
                if coords is not None:
                    report = services.locate_report(report=report, lat=coords[0], lon=coords[1])
                words = _COORDS.sub("", body).strip(" ,;")
                if words:
                    report = services.fill_report(report=report, field="location_text", value=words)
            elif part == "time":
                seen = parse_time(body)
                if seen is not None:
                    report = services.set_seen_at(report=report, seen_at=seen)
                else:
                    report = services.fill_report(
                        report=report, field="text", value=_("Time: %(answer)s") % {"answer": body}
                    )
            else:
                report = services.fill_report(report=report, field=part, value=body)
        except VigilError as refused:
            return _twiml(_refusal(refused) + " " + question(part))
        following = _next_part(report, part)
        if following is None:
            conversation.delete()
            return _twiml(
                _("Thank you. Your report %(receipt)s is complete. Stay safe.")
                % {"receipt": services.format_receipt(report.receipt)}
            )
        conversation.awaiting = following
        conversation.save(update_fields=["awaiting", "updated_at"])
        return _twiml(question(following))


def _keyword(word: str, conversation: SmsConversation | None, body: str) -> Outcome | None:
    language = conversation.language if conversation else detect_language(body)
    if word in STOP_WORDS:
        if conversation:
            conversation.delete()
        with translation.override("es" if word in {"ALTO", "PARAR", "PARE", "BASTA"} else language):
            return _twiml(_("You will get no more questions from us. Text again any time to report."))
    if word in HELP_WORDS:
        with translation.override("es" if word == "AYUDA" else language):
            return _twiml(
                _(
                    "Rapid response hotline: text what you see (how many agents, what they do, where, uniforms). "
                    "ES for Spanish. STOP to stop questions. Never send anyone's name or home address."
                )
            )
    if word in SPANISH_WORDS or word in ENGLISH_WORDS:
        chosen = "es" if word in SPANISH_WORDS else "en"
        with translation.override(chosen):
            if conversation is None:
                return _twiml(_("OK. Text what you see: how many agents, what they do, where."))
            conversation.language = chosen
            conversation.save(update_fields=["language", "updated_at"])
            return _twiml(question(conversation.awaiting))
    return None


def handle(request: HttpRequest) -> Outcome:
    """The whole webhook: configuration, signature, shape of the request, then the conversation."""
    token = settings.TWILIO_AUTH_TOKEN
    if not token:
        return Outcome("SMS intake is not configured.\n", 503, "text/plain")
    signature = request.META.get("HTTP_X_TWILIO_SIGNATURE", "")
    url = settings.SITE_URL.rstrip("/") + request.get_full_path()
    if not signature or not RequestValidator(token).validate(url, request.POST, signature):
        return Outcome("Invalid or missing X-Twilio-Signature.\n", 403, "text/plain")
    sender = request.POST.get("From", "").strip()
    body = request.POST.get("Body")
    if not sender or len(sender) > SENDER_MAX_CHARS or body is None or len(body) > BODY_MAX_CHARS:
        return Outcome("Malformed message: From and Body are required.\n", 400, "text/plain")
    key = sender_hash(sender)
    body = body.strip()
    sid = request.POST.get("MessageSid", "").strip()
    if not sid or len(sid) > SENDER_MAX_CHARS:
        return _converse(key, body)
    # The provider retries a message it thinks was not delivered, and a captured request can be replayed: the same
    # MessageSid gets the answer it got the first time, and no second report.
    try:
        answer = replay.once(
            kind="sms",
            key=sid,
            request=f"{key}\x00{body}",
            produce=lambda: _as_answer(_converse(key, body)),
        )
    except VigilError:
        return Outcome("This MessageSid was already used for another message.\n", 409, "text/plain")
    return Outcome(answer.body, answer.status, answer.content_type)


def _as_answer(outcome: Outcome) -> replay.Answer:
    return replay.Answer(outcome.status, outcome.content_type, outcome.body)


def _converse(key: str, body: str) -> Outcome:
    if not within_rate(key, scope="sms"):
        with translation.override(detect_language(body)):
            return _twiml(_("Too many messages in a minute. Please wait a minute and send it again."))
    with transaction.atomic():
        conversation = SmsConversation.objects.select_for_update().filter(sender_hash=key).first()
        window = dt.timedelta(minutes=settings.VIGIL_SMS_CONVERSATION_MINUTES)
        if conversation is not None and conversation.updated_at < timezone.now() - window:
            conversation.delete()
            conversation = None
        keyword = _keyword(_fold(body).upper().strip(" .!"), conversation, body) if len(body) <= 12 else None
        if keyword is not None:
            return keyword
        if not body:
            with translation.override(conversation.language if conversation else "en"):
                return _twiml(_("Text what you see: how many agents, what they do, where. ES for Spanish."))
        if conversation is not None:
            return _answer(conversation, body)
        return _start(body, key)
