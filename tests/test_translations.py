"""The Spanish catalogue: complete, no fuzzy entries, placeholders intact, compiled, and what people read is Spanish.

The catalogue is read with a small parser of our own (no polib), and the compiled .mo is read with the standard
library's `gettext`, so these tests need no gettext tools except the one that re-extracts the source's strings.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import translation
from twilio.request_validator import RequestValidator

from tests.world import NORTH_CENTER, World
from vigil.hotline import sms
from vigil.hotline.models import Report
from vigil.network.models import Notification
from vigil.safety.textguard import Reason

LOCALE = Path(settings.BASE_DIR) / "locale"
PO = LOCALE / "es" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "es" / "LC_MESSAGES" / "django.mo"


# --- A tiny .po reader ---------------------------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def label(self) -> str:
        return (f"[{self.msgctxt}] " if self.msgctxt is not None else "") + repr(self.msgid)


_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$")


def _string(literal: str) -> str:
    value = ast.literal_eval(literal)
    assert isinstance(value, str), literal
    return value


def read_po(path: Path) -> list[Entry]:
    """Entries of a .po file (the header is the entry whose msgid is empty)."""
    entries: list[Entry] = []
    for block in re.split(r"\n[ \t]*\n", path.read_text(encoding="utf-8").strip()):
        entry = Entry()
        target: tuple[str, int] | None = None
        for raw in block.splitlines():
            line = raw
            if line.startswith("#~"):
                entry.obsolete = True
                line = line[2:].lstrip()
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
                continue
            if not line or line.startswith("#"):
                continue
            match = _KEYWORD.match(line)
            if match:
                keyword, index, literal = match.group(1), match.group(2), match.group(3)
                target = (keyword.split("[")[0], int(index or 0))
                _append(entry, target, _string(literal))
            elif line.startswith('"') and target is not None:
                _append(entry, target, _string(line))
            else:
                raise AssertionError(f"{path}: cannot read line {raw!r}")
        entries.append(entry)
    return entries


def _append(entry: Entry, target: tuple[str, int], text: str) -> None:
    name, index = target
    if name == "msgid":
        entry.msgid += text
    elif name == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + text
    elif name == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + text
    else:
        entry.msgstr[index] = entry.msgstr.get(index, "") + text


def messages(path: Path = PO) -> list[Entry]:
    return [e for e in read_po(path) if e.msgid and not e.obsolete]


def header(path: Path = PO) -> dict[str, str]:
    head = next(e for e in read_po(path) if not e.msgid)
    pairs = (line.split(":", 1) for line in head.msgstr[0].splitlines() if ":" in line)
    return {key.strip(): value.strip() for key, value in pairs}


# --- What a translation must keep ----------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]|%[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{\w*\}")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _tokens(text: str) -> Counter[str]:
    tokens = Counter(_PLACEHOLDER.findall(text.replace("%%", "")))
    tokens.update(_TAG.findall(text))
    return tokens


def test_the_spanish_catalogue_says_spanish_with_two_plural_forms() -> None:
    head = header()
    assert head["Language"] == "es"
    assert head["Content-Type"] == "text/plain; charset=UTF-8"
    assert head["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    with translation.override("en"):
        assert ("es", "Spanish") in [(code, str(name)) for code, name in settings.LANGUAGES]


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    entries = messages()
    assert len(entries) > 500  # the whole interface, not a sample
    fuzzy = [e.label for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries (check, then remove the flag): {fuzzy}"
    missing = []
    for entry in entries:
        forms = 2 if entry.msgid_plural is not None else 1
        if sorted(entry.msgstr) != list(range(forms)) or not all(entry.msgstr.values()):
            missing.append(entry.label)
    assert not missing, f"untranslated: {missing}"


def test_placeholders_and_html_are_kept_in_every_translation() -> None:
    wrong = []
    for entry in messages():
        if entry.msgid_plural is None:
            if _tokens(entry.msgstr[0]) != _tokens(entry.msgid):
                wrong.append(entry.label)
            continue
        allowed = _tokens(entry.msgid) | _tokens(entry.msgid_plural)
        if _tokens(entry.msgstr[1]) != _tokens(entry.msgid_plural) or not set(_tokens(entry.msgstr[0])) <= set(allowed):
            wrong.append(entry.label)
    assert not wrong, f"placeholders or tags differ: {wrong}"


def test_the_token_check_catches_a_dropped_or_renamed_placeholder() -> None:
    assert _tokens("Incidente %(id)s") == _tokens("Incident %(id)s")
    assert _tokens("Incidente %(pk)s") != _tokens("Incident %(id)s")
    assert _tokens("Incidente") != _tokens("Incident %(id)s")
    assert _tokens('al <a href="%(url)s">incidente</a>') == _tokens('into <a href="%(url)s">incident</a>')
    assert _tokens("al incidente") != _tokens('into <a href="%(url)s">incident</a>')
    assert _tokens("a unos %(km).1f km") == _tokens("about %(km).1f km")


def test_the_parser_reads_plurals_contexts_flags_and_obsolete_entries(tmp_path: Path) -> None:
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n\n'
        '#, fuzzy, python-format\nmsgctxt "verb"\nmsgid ""\n"Report "\n"%(n)s"\nmsgstr "Reportar %(n)s"\n\n'
        'msgid "%(n)s day"\nmsgid_plural "%(n)s days"\nmsgstr[0] "%(n)s día"\nmsgstr[1] "%(n)s \\"días\\""\n\n'
        '#~ msgid "Gone"\n#~ msgstr "Ido"\n',
        encoding="utf-8",
    )
    context, plural, gone = read_po(po)[1:]
    assert (context.msgctxt, context.msgid, context.flags) == ("verb", "Report %(n)s", {"fuzzy", "python-format"})
    assert plural.msgstr == {0: "%(n)s día", 1: '%(n)s "días"'}
    assert gone.obsolete and gone.msgstr == {0: "Ido"}
    assert header(po) == {"Language": "es"}


def test_the_compiled_catalogue_matches_the_po() -> None:
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in messages():
        if entry.msgid_plural is not None:
            got = [compiled.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
            want = [entry.msgstr[0], entry.msgstr[1]]
        elif entry.msgctxt is not None:
            got, want = [compiled.pgettext(entry.msgctxt, entry.msgid)], [entry.msgstr[0]]
        else:
            got, want = [compiled.gettext(entry.msgid)], [entry.msgstr[0]]
        if got != want:
            stale.append(entry.label)
    assert not stale, f"django.mo is older than django.po; run compilemessages: {stale}"
    assert compiled.info()["plural-forms"] == "nplurals=2; plural=(n != 1);"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (apt-get install gettext)")
def test_every_string_marked_in_the_source_is_in_the_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-extract the strings as the catalogue was made, in a copy of the source, and find nothing new to translate.

    makemessages writes into any `locale/` folder above the files it reads, so it runs on a copy, never in place.
    """
    base = Path(settings.BASE_DIR)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "migrations")
    for folder in ("vigil", "templates"):
        shutil.copytree(base / folder, tmp_path / folder, ignore=skip)
    copy = tmp_path / "locale" / "es" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(PO, copy)
    before = PO.read_bytes()
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=["es"], no_location=True, verbosity=0)
    assert PO.read_bytes() == before
    fresh = messages(copy)
    new = [e.label for e in fresh if "fuzzy" in e.flags or not all(e.msgstr.values()) or not e.msgstr]
    assert not new, f"strings not yet in locale/es (run makemessages and translate them): {new}"


# --- What people read -----------------------------------------------------------------------------------------------


def _form(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "language": "es",
        "size": "4 agentes, 2 camionetas",
        "activity": "Están parando carros frente a la lavandería",
        "location_text": "Lake y la 5ta",
        "lat": str(NORTH_CENTER[0]),
        "lon": str(NORTH_CENTER[1]),
        "uniform": "chalecos que dicen POLICE ICE",
        "seen_at": "",
        "equipment": "camionetas grises",
        "text": "",
        "contact": "",
    }
    data.update(over)
    return data


@pytest.mark.usefixtures("fresh_rate_limits")
def test_the_report_form_is_in_spanish_for_a_spanish_browser(world: World) -> None:
    html = Client().get("/report", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").content.decode()
    assert 'lang="es"' in html
    for spanish in ("Reporte lo que ve", "¿Cuántos?", "¿Qué están haciendo?", "¿Cuándo lo vio?", "Enviar reporte"):
        assert spanish in html
    for english in ("Report what you see", "How many?", "Send report"):
        assert english not in html
    assert "No escriba el nombre, la dirección de la casa ni el teléfono de nadie." in html


@pytest.mark.usefixtures("fresh_rate_limits")
def test_the_report_form_is_in_english_for_an_english_browser(world: World) -> None:
    html = Client().get("/report", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Report what you see" in html and "Reporte lo que ve" not in html


@pytest.mark.usefixtures("fresh_rate_limits")
def test_a_spanish_report_gets_its_receipt_and_next_steps_in_spanish(world: World) -> None:
    response = Client().post("/report", _form())
    assert response.status_code == 201
    html = response.content.decode()
    receipt = Report.objects.get().receipt
    assert f"{receipt[:4]}-{receipt[4:]}" in html
    assert "Su código de comprobante:" in html and "Qué pasa ahora" in html
    assert "tiene derecho a guardar silencio" in html
    assert "What happens next" not in html


@pytest.mark.usefixtures("fresh_rate_limits")
def test_the_text_guard_refuses_in_spanish_and_keeps_the_text(world: World) -> None:
    text = "El agente se llama Juan Ficticio y vive en la calle Roble 12"
    response = Client().post("/report", _form(activity=text))
    assert response.status_code == 400
    html = response.content.decode()
    assert "No podemos aceptar este texto tal como está." in html
    assert "Dice dónde vive una persona." in html
    assert "Su texto se conservó para que pueda cambiarlo y enviarlo de nuevo." in html
    assert "Juan Ficticio" in html  # what they typed is still in the form
    assert "We can't accept this text" not in html
    assert not Report.objects.exists()


def test_every_text_guard_reason_has_its_own_spanish_explanation() -> None:
    with translation.override("es"):
        spanish = {reason: str(reason.message) for reason in Reason}
    with translation.override("en"):
        english = {reason: str(reason.message) for reason in Reason}
    for reason in Reason:
        assert spanish[reason] != english[reason], reason
    assert len(set(spanish.values())) == len(Reason)
    assert "amenaza" in spanish[Reason.THREAT] and "placa" in spanish[Reason.PLATE]


TOKEN = "test-auth-token-for-translations"
SITE = "https://hotline.example.org"


def _sms(body: str, sender: str = "+16125550177") -> str:
    params = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32, "From": sender}
    params["To"] = "+16125550100"
    params["Body"] = body
    signature = RequestValidator(TOKEN).compute_signature(f"{SITE}/hooks/sms", params)
    response = Client().post("/hooks/sms", params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 200, response.content
    match = re.search(r"<Message>(.*)</Message>", response.content.decode(), re.S)
    assert match, response.content
    return match.group(1)


@pytest.mark.usefixtures("fresh_rate_limits")
@override_settings(TWILIO_AUTH_TOKEN=TOKEN, SITE_URL=SITE)
def test_an_sms_in_spanish_is_answered_in_spanish(world: World) -> None:
    reply = _sms("Hay agentes de la migra deteniendo gente ahora")
    receipt = Report.objects.get().receipt
    assert reply.startswith(f"Reporte recibido, código {receipt[:4]}-{receipt[4:]}."), reply
    assert reply.endswith("¿Dónde está pasando? Envíe una dirección, las calles que se cruzan o el nombre de un lugar.")
    assert "Ayuda" not in reply and "Report received" not in reply

    help_reply = _sms("AYUDA")
    assert help_reply.startswith("Línea de respuesta rápida:") and "ALTO" in help_reply and "STOP" in help_reply
    assert _sms("ALTO") == "No le enviaremos más preguntas. Escríbanos cuando quiera para reportar."


@pytest.mark.usefixtures("fresh_rate_limits")
@override_settings(TWILIO_AUTH_TOKEN=TOKEN, SITE_URL=SITE)
def test_an_sms_refused_by_the_guard_says_why_in_spanish_and_saves_nothing(world: World) -> None:
    reply = _sms("El agente se llama Juan Ficticio y vive en la calle Roble 12")
    assert "No podemos aceptar este texto tal como está." in reply
    assert reply.endswith("No se guardó nada. Envíelo de nuevo, por favor."), reply
    assert not Report.objects.exists()


def test_the_keywords_named_in_the_spanish_sms_help_are_ones_the_hotline_understands() -> None:
    understood = sms.STOP_WORDS | sms.HELP_WORDS | sms.SPANISH_WORDS | sms.ENGLISH_WORDS
    with translation.override("es"):
        help_reply = sms._keyword("AYUDA", None, "AYUDA")
        time_question = sms.question("time")
    assert help_reply is not None
    named = set(re.findall(r"\b[A-ZÁÉÍÓÚÑ]{2,}\b", help_reply.body.split("<Message>")[1]))
    assert {"ALTO", "EN"} <= named <= understood, named - understood
    # The time question tells Spanish speakers to answer AHORA: the reply parser must take it as "now".
    assert "AHORA" in time_question and sms.parse_time("AHORA") is not None


def test_sms_questions_are_all_translated() -> None:
    for part in sms.ASK_ORDER:
        with translation.override("es"):
            spanish = sms.question(part)
        with translation.override("en"):
            english = sms.question(part)
        assert spanish != english and spanish.startswith("¿"), part


def test_plural_forms_choose_the_right_spanish_word() -> None:
    with translation.override("es"):
        assert translation.ngettext("%(days)d day", "%(days)d days", 1) % {"days": 1} == "1 día"
        assert translation.ngettext("%(days)d day", "%(days)d days", 3) % {"days": 3} == "3 días"
        assert translation.ngettext("%(days)d day", "%(days)d days", 0) % {"days": 0} == "0 días"


def test_a_volunteer_page_is_in_spanish_for_a_spanish_browser(world: World) -> None:
    html = world.client_for(world.carol).get("/home/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="es"' in html and "Cerrar sesión" in html and "Sign out" not in html


def test_the_observer_page_offers_shift_lengths_in_spanish(world: World) -> None:
    """Choices built when the module loads would stay in English: they must be translated for each request."""
    client = world.client_for(world.carol)
    spanish = client.get("/observer/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert ">4 h</option>" in spanish and "4 hours" not in spanish and "Está de turno" in spanish
    english = client.get("/observer/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "4 hours" in english and ">4 h</option>" not in english


def test_an_observer_who_reads_spanish_is_offered_a_dispatch_in_spanish(world: World) -> None:
    """The offer goes out in the observer's own language (inbox, e-mail, SMS), whatever the dispatcher reads."""
    world.carol.language = "es"
    world.carol.save(update_fields=["language"])
    assert Client().post("/report", _form()).status_code == 201
    incident = Report.objects.get().incident
    assert incident is not None
    bob = world.client_for(world.bob)
    bob.post(f"/console/incident/{incident.pk}/dispatch", {"count": "2"}, HTTP_ACCEPT_LANGUAGE="en")
    offers = {n.user.username: n for n in Notification.objects.filter(kind="dispatch_offer")}
    assert set(offers) == {"carol", "chris"}
    assert offers["carol"].subject.startswith("Asignación de Vigil: responda en menos de")
    assert "necesita observadores" in offers["carol"].body and "Código de conducta:" in offers["carol"].body
    assert offers["chris"].subject.startswith("Vigil dispatch: please answer within")
