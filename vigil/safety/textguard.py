"""The text guard: refuse free text that exposes a person or threatens anyone.

Vigil documents where enforcement activity is happening. It never helps anyone find, name or harm a person — an
officer, a neighbour who called the authorities, anyone. This module reads a report's free text and refuses it when it
ties a named or described person to their home, family, private phone, e-mail, social media, car plate or other private
details, names an officer, or threatens someone. The place where the activity is happening is not private: "ICE at
2100 Bloomington Ave right now" passes, "the agent's name is John Doe and he lives at 12 Oak St" does not.

How it decides (see docs/text-guard.md for the reasoning and the measured precision and recall):

1. Normalise: NFKC, drop invisible characters, strip accents (so Spanish matches with or without them), unify
   apostrophes, collapse whitespace, lower-case (a case-preserving copy is kept to recognise "Agent Torres").
2. Find the people the text speaks of ("mentions") and what kind they are: an officer ("the agent", "la migra"), an
   informer ("the guy who called ICE", "el soplón"), a civilian ("my neighbour", "la señora") or someone taken
   ("they took him"). A pronoun or a possessive ("he lives", "his wife", "su casa") belongs to the nearest mention
   before it — a small, predictable stand-in for co-reference.
3. Look for cues of private details (a residence, a family member, a workplace, a phone number, a plate…) and decide
   with that owner: officers and informers are always protected; a civilian's home or workplace may be named when the
   text reports enforcement activity (a raid at a home is the place of the activity), never otherwise.
4. Threats are refused whoever they target.

Rules for English and Spanish always run together, because reporters mix languages.
"""

from __future__ import annotations

import bisect
import enum
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from vigil.safety import spelling
from vigil.safety._prefilter import Gated, Gates, top_branches

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class Reason(enum.Enum):
    """Why a text was refused. The order here is the order reasons are reported in."""

    THREAT = "threat"
    IDENTITY = "identity"
    PRIVATE_ADDRESS = "private_address"
    FAMILY = "family"
    PRIVATE_PHONE = "private_phone"
    PRIVATE_EMAIL = "private_email"
    SOCIAL_MEDIA = "social_media"
    PLATE = "plate"
    PERSONAL_DETAILS = "personal_details"
    READS_UNSAFE = "reads_unsafe"  # the statistical layer alone: no rule can say more precisely why

    @property
    def message(self) -> StrPromise:
        return _MESSAGES[self]


_MESSAGES: dict[Reason, StrPromise] = {
    Reason.THREAT: _(
        "It reads as a threat against someone. Vigil is for observing and documenting, never for harming anyone."
    ),
    Reason.IDENTITY: _(
        "It names or points to the person blamed for calling the authorities, or names someone from what you know "
        "of their private life. Vigil never helps identify them: describe only what anyone could see at the scene "
        "(uniform, markings, agency, a name or badge number worn on duty)."
    ),
    Reason.PRIVATE_ADDRESS: _(
        "It says where a person lives. Tell us where the activity is happening (a corner, a business, the address "
        "of the raid), not where someone lives."
    ),
    Reason.FAMILY: _(
        "It gives details about a person's family (partner, children, their school or work). Leave them out."
    ),
    Reason.PRIVATE_PHONE: _(
        "It contains a person's phone number. Reports do not keep private phone numbers. If it is your own number "
        "and you want a call-back, put it in the call-back field, which is protected and deleted after a few days."
    ),
    Reason.PRIVATE_EMAIL: _(
        "It contains a person's e-mail address. Leave it out. If it is your own and you want to be contacted, "
        "use the call-back field, which is protected and deleted after a few days."
    ),
    Reason.SOCIAL_MEDIA: _("It points to a person's social media account. Leave it out."),
    Reason.PLATE: _(
        "It gives the plate of a person's own car. Only plates of vehicles used in the operation are kept, for the "
        "legal team: leave out the cars of anyone's private life."
    ),
    Reason.PERSONAL_DETAILS: _(
        "It gives private details about a person (date of birth, workplace, routine, identity numbers). Leave them out."
    ),
    Reason.READS_UNSAFE: _(
        "It reads like a threat or like it exposes a person. Rephrase it to describe only what you saw at the scene."
    ),
}

_KEPT = _("Your text has been kept so you can change it and send it again.")
_LEAD = _("We can't accept this text as it is.")


class Decision(enum.Enum):
    """What becomes of a text: stored and shown, stored but held for an operator, or given back to its writer."""

    ACCEPT = "accept"
    REVIEW = "review"
    REFUSE = "refuse"


REVIEW_REASON = _REVIEW_REASON = _(
    "The text guard is unsure about this text: it may threaten someone or expose a person. It is kept but not shown "
    "to observers or in dispatch messages until an operator approves, redacts or refuses it."
)

_OVERRULED_REASON = _(
    "A rule found what may be {found} in this text, but the text as a whole reads like an ordinary report (an "
    "officer quoted, the sender's own number or family). Check that part: approve it if it exposes or threatens "
    "nobody, otherwise redact it or refuse the report. Until then it is not shown to observers or in dispatch "
    "messages."
)
# What a rule found, for the operator's sentence above.
_FOUND: dict[Reason, StrPromise] = {
    Reason.THREAT: _("a threat"),
    Reason.IDENTITY: _("a person named or pointed to"),
    Reason.PRIVATE_ADDRESS: _("where someone lives or stays"),
    Reason.FAMILY: _("someone's family details"),
    Reason.PRIVATE_PHONE: _("a phone number"),
    Reason.PRIVATE_EMAIL: _("an e-mail address"),
    Reason.SOCIAL_MEDIA: _("a social media account"),
    Reason.PLATE: _("the plate of a private car"),
    Reason.PERSONAL_DETAILS: _("private details (birth date, workplace, routine)"),
    Reason.READS_UNSAFE: _("something unsafe"),
}


@dataclass(frozen=True)
class GuardResult:
    """What the guard decided. `ok` is True when the text may be stored (accepted or held for review); otherwise
    `reasons` says why it was refused. `decision` tells the three outcomes apart; `held` is True for the review band;
    `score` is the statistical layer's probability that the text must be refused (None when a rule decided first);
    `overruled` names what a rule found in a text held because the statistical layer read it as lawful."""

    ok: bool
    reasons: tuple[Reason, ...]
    decision: Decision | None = None
    score: float | None = None
    overruled: tuple[Reason, ...] = ()

    def __post_init__(self) -> None:
        if self.ok == bool(self.reasons):
            raise ValueError("a refusal needs reasons and an accepted text has none")
        if self.overruled and self.decision is not Decision.REVIEW:
            raise ValueError("only a held text has an overruled rule")
        if self.decision is None:
            object.__setattr__(self, "decision", Decision.ACCEPT if self.ok else Decision.REFUSE)
        elif (self.decision is Decision.REFUSE) == self.ok:
            raise ValueError("only a refused text has ok False")

    @property
    def held(self) -> bool:
        """Stored, but not shown to observers or in dispatch messages until an operator reviews it."""
        return self.decision is Decision.REVIEW

    @property
    def review_reason(self) -> StrPromise:
        """For the operator who reviews a held text: why it was held (empty unless held)."""
        if not self.held:
            return format_lazy("")
        if self.overruled:
            found = [_FOUND[reason] for reason in self.overruled]
            return format_lazy(_OVERRULED_REASON, found=format_lazy(", ".join(["{}"] * len(found)), *found))
        return _REVIEW_REASON

    @property
    def message(self) -> StrPromise:
        """The whole explanation for the person who wrote the text, translated when it is rendered."""
        if self.ok:
            return format_lazy("")
        return explain(self.reasons)


def explain(reasons: Iterable[Reason], *, kept: bool = True) -> StrPromise:
    """One explanation for several reasons (each said once, in the usual order), translated when rendered. `kept`
    adds that the text was kept for editing: a channel that keeps nothing (SMS) says so itself."""
    ordered = sorted(set(reasons), key=list(Reason).index)
    parts: list[StrPromise] = [_LEAD, *(reason.message for reason in ordered)]
    if kept:
        parts.append(_KEPT)
    return format_lazy(" ".join(["{}"] * len(parts)), *parts)


OK = GuardResult(ok=True, reasons=())


# ---------------------------------------------------------------------------------------------------------------
# 1. Normalisation


_APOSTROPHES = re.compile("[\u2019\u2018\u02bc`\u00b4\u2032]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
_COMMON_MARKS = re.compile("[\u0300-\u036f]+")


def _fold(text: str) -> str:
    """NFKC, no invisible characters, no accents, plain apostrophes, single spaces; case is kept."""
    folded = unicodedata.normalize("NFKC", text)
    # Regular expressions, not str.translate: translating a text that is not ASCII looks up every character.
    folded = _APOSTROPHES.sub("'", _INVISIBLE.sub("", folded))
    if not folded.isascii():
        # The common accents are one block of combining marks; a regex drops them at C speed. Any other combining mark
        # (other scripts) is found among the text's distinct characters and dropped the same way.
        decomposed = _COMMON_MARKS.sub("", unicodedata.normalize("NFD", folded))
        if not decomposed.isascii():
            marks = {ord(c): None for c in set(decomposed) if unicodedata.combining(c)}
            if marks:
                decomposed = decomposed.translate(marks)
        folded = unicodedata.normalize("NFC", decomposed)
    # str.split() and the regex \s agree on what is white space (Unicode's); join(split()) also drops both ends.
    return spelling.unswap(" ".join(folded.split()))


# ---------------------------------------------------------------------------------------------------------------
# 2. Lexicons (accent-free, lower case) and mentions of people

_OFFICER = (
    r"(?:agents?|officers?|cops?|policem[ae]n|policewom[ae]n|police|deput(?:y|ies)|sheriffs?|troopers?|marshals?"
    r"|feds|ice|ero|hsi|cbp|border patrol|supervisor|one in charge|sgt|sergeant|detectives?|lieutenant"
    r"|agentes?|oficial(?:es)?|policias?|migra|alguacil(?:es)?|federales|patrulla fronteriza|jefe del operativo"
    r"|sargento|teniente)"
)
_INFORMER = (
    r"(?:snitch(?:es)?|informants?|informers?|rats?"
    r"|(?:who|that) (?:called|calls?|reported|snitched on|turned in|told on|ratted(?: out)?) (?:\w+ ){0,2}?"
    r"(?:ice|immigration|the cops|the police|the feds|the migra|la migra|us|me|them|him|her)"
    r"(?: on (?:us|me|them|him|her))?"
    r"|(?:who|that) turned (?:us|me|them|him|her|\w+) in"
    r"|(?:who|that) (?:keeps|kept) (?:calling|reporting|snitching on)(?: (?:ice|immigration|the migra|them))?(?: on)?"
    r"(?: (?:us|me|them|him|her|everyone|everybody))?"
    r"|(?:who|that) (?:tipped|tips) (?:\w+ )?off|(?:who|that) (?:dropped|drops) a dime|(?:who|that) (?:gave|give)"
    r" (?:them|ice|the migra) (?:our|the|his|her|their) address|the one who (?:called|tipped|brought|told)"
    r"|soplon(?:a|es)?|chivat[oa]s?|dedo|chismos[oa] con la migra"
    r"|(?:el|la|los|las) (?:que|q) (?:les )?(?:dio|dieron) el pitazo|(?:el|la) (?:que|q) les (?:paso|dio) la direccion"
    r"|(?:que|quien) (?:llamo|hablo|aviso) a (?:la migra|ice|la policia|inmigracion)"
    r"|(?:que|quien) (?:nos|me|lo|la|los|les) (?:denuncio|reporto|echo de cabeza|puso el dedo))"
)
_CIVILIAN = (
    r"(?:neighbou?rs?|m[ae]n|wom[ae]n|lady|ladies|person|people|workers?|drivers?|tenants?|famil(?:y|ies)|kids?"
    r"|child(?:ren)?|boys?|girls?|baby|fathers?|mothers?|dad|mom|mum|parents?|uncles?|aunts?|cousins?|brothers?"
    r"|sisters?|husbands?|wife|wives|sons?|daughters?|friends?|brother-in-law|sister-in-law|grand(?:ma|pa|mother"
    r"|father)s?|students?|customers?|vecin[oa]s?|senor(?:a|as|es)?|hombres?|mujer(?:es)?|personas?|gente"
    r"|trabajador(?:a|as|es)?|chofer|conductor(?:a)?|familias?|nin[oa]s?|papas?|mamas?|padres?|madres?|ti[oa]s?"
    r"|prim[oa]s?|herman[oa]s?|espos[oa]s?|marido|hij[oa]s?|amig[oa]s?|inquilin[oa]s?|muchach[oa]s?|chic[oa]s?"
    r"|abuel[oa]s?|cunad[oa]s?|clientes?)"
)
_TAKEN = (
    r"(?:(?:took|detained|arrested|grabbed|picked up|handcuffed|cuffed|deported|taking|detaining|arresting|pushed"
    r"|dragged|taken) (?:him|them|her(?= *(?:$|[.,;:!?]| (?:away|to|in|into|from|and|with|out|too|as|at|on|for|by"
    r"|back|this|that|today|yesterday|last|earlier|right|again)\b)))"
    r"|se (?:lo|la|los|las) llevaron|(?:lo|la|los|las) (?:detuvieron|arrestaron|agarraron|esposaron|llevaron))"
)
_FAMILY = (
    r"(?:wife|wives|husband|kids?|children|child|sons?|daughters?|mom|mother|dad|father|parents|family|girlfriend"
    r"|boyfriend|partner|spouse|fiancee?|baby|babies|grandkids|grandchildren|stepson|stepdaughter"
    r"|esposa|esposo|marido|mujer|hij[oa]s?|nin[oa]s|mama|madre|papa|padre|familia|novia|novio|pareja|bebes?"
    r"|niet[oa]s?)"
)
_VOLUNTEER = (
    r"(?:(?:legal )?observer|volunteer|organi[sz]er|interpreter|translator|activist|protester|observador(?:a)?"
    r"|voluntari[oa]|organizador(?:a)?|traductor(?:a)?|interprete|activista|manifestante"
    r"|the (?:one|guy|girl|lady|woman|man) (?:filming|recording|with the (?:phone|camera))"
    r"|(?:el|la) (?:que|q) (?:anda )?grab(?:a|ando|aba))"
)
_ACTIVITY = Gated(
    r"\b(?:agents?|ice|migra|raid(?:ed|ing|s)?|redadas?|operativo|detain(?:ed|ing)?|detenid[oa]s?|arrest(?:ed|ing)?"
    r"|took|taken|taking|grabbed|picked up|handcuff(?:ed)?|llevaron|detuvieron|arrestaron|agarraron|esposaron"
    r"|border patrol|patrulla fronteriza|deport(?:ed|ing)?|knock(?:ing|ed)|tocando|surrounded|rodead[oa]"
    r"|search(?:ed|ing)|revisando|cbp|hsi|ero|officers?|agentes?|oficiales|right now|ahora mismo|ahorita)\b"
)


class _Kind(enum.Enum):
    OFFICER = "officer"
    INFORMER = "informer"
    CIVILIAN = "civilian"
    TAKEN = "taken"  # someone the text says was taken: a civilian known only by a pronoun
    # one of the network's people named singly (an observer, a volunteer, an organiser, an interpreter):
    # their private life is protected as an officer's is, since those who oppose the network target them
    VOLUNTEER = "volunteer"


# Whose private acts with a time (the gym, the school run, a jog) are never given: officers, informers and the
# network's people. Only those: the network's own logs name its people with plates, ages, relatives and schedules
# in the course of their work.
_PROTECTED = frozenset((_Kind.OFFICER, _Kind.INFORMER, _Kind.VOLUNTEER))


class _Mention(NamedTuple):  # a long text mentions people a hundred times: a tuple is made at a fifth of the cost
    start: int
    end: int
    kind: _Kind


_MENTION_PATTERNS: tuple[tuple[_Kind, Gated], ...] = (
    (_Kind.INFORMER, Gated(r"\b" + _INFORMER + r"\b")),
    (_Kind.TAKEN, Gated(r"\b" + _TAKEN + r"\b")),
    (_Kind.OFFICER, Gated(r"\b" + _OFFICER + r"\b")),
    (_Kind.VOLUNTEER, Gated(r"\b" + _VOLUNTEER + r"\b")),
    (_Kind.CIVILIAN, Gated(r"\b" + _CIVILIAN + r"\b")),
)


def _mentions(low: str) -> list[_Mention]:
    found: list[_Mention] = []
    phrases: list[_Mention] = []
    for kind, pattern in _MENTION_PATTERNS:
        for m in pattern.finditer(low):
            start, end = m.span()
            # A mention inside an informer phrase ("who called ICE on us") is part of that phrase.
            if phrases and any(other.start <= start and end <= other.end for other in phrases):
                continue
            mention = _Mention(start, end, kind)
            found.append(mention)
            if kind is not _Kind.CIVILIAN and end - start > 12:
                phrases.append(mention)
    found.sort(key=lambda mention: mention.end)
    return found


_FIRST_PERSON_BEFORE = re.compile(
    r"(?:^|\W)(?:i|we|i'm|we're|i've|we've|i'd|yo|nosotros|my family|our family|mi familia|me and \w+|\w+ and i)"
    r"(?: (?:also|still|just|only|used to|currently|now|right|tambien|todavia|ahora))? ?$"
)
_FIRST_PERSON_POSSESSIVE = re.compile(r"(?:^|\W)(?:my|our|mi|mis|nuestr[oa]s?)(?: \w+)? ?$")


_REPORTED_SPEECH = re.compile(
    r"(?P<verb>\b(?:said|says|told|tells|yelled|yells|shouted|screamed|warned|threatened|dijo|dijeron|dice|decia"
    r"|grito|gritaron|gritaba|amenazo|amenazaron|advirtio|quote(?: (?:from|del|de)(?: [\w-]+){1,6}?)?"
    r"|(?<=\) )to the (?:crowd|residents|people|observers|landlord|neighbou?rs)(?=:)"
    # an officer, then a colon: "agent w vest KIRBY: 'run and see'", "officer to crowd: '...'"
    r"|(?:agents?|officers?|cops?|supervisor|deput(?:y|ies)|sheriff|troopers?|agentes?|oficial(?:es)?|policias?"
    r"|migra|ice|cbp|border patrol)\b(?:[^.!?'\":]|(?<=\d):(?=\d)){0,60}(?<=\w)(?=:)))\b"
    r"(?: (?:to )?(?:him|her|them|us|me|the \w+|al \w+|a la \w+"
    r"|a los \w+|le|les|nos|me))?(?: (?:that|que))?"
    # "dijo el agente cuando le pedimos la orden, palabra por palabra (video en el drive): '...'"
    r"(?:[^.!?'\":]{0,60}?\b(?:agents?|officers?|cops?|supervisor|deputy|sheriff|agentes?|oficial(?:es)?|policias?)\b"
    r"[^.!?'\":]{0,80}(?=:))?"
    r"(?:,? (?:literally|literalmente|textualmente|textual),?)?:? ?"
    r"(?P<open>['\"])(?P<quote>.{2,240}?)(?P=open)(?=$|\s|[.,;:!?)])"
)
_FIRST_PERSON_SPEAKER = re.compile(r"\b(?:i|we|yo|nosotros|i've|we've|i'd|we'd)(?: \w+)? ?$")
# What a sign, a chant or a crowd says is the public's, not an officer's ("sign at the rally says 'hang every ICE
# agent'"): it is read as the reporter's. So is a quote that calls for harm to the agents: an officer's threat is made
# to residents, never to the agents themselves.
_PUBLIC_SPEAKER = re.compile(
    r"\b(?:signs?|banners?|posters?|placards?|flyers?|graffiti|captions?|shirts?|t-shirts?|hoodies?|stickers?|chants?"
    r"|crowd|protesters?|marchers?|pancartas?|carteles?|letreros?|mantas?|volantes?|grafitis?|playeras?|camisetas?"
    r"|coro|manifestantes)(?: (?!" + _OFFICER + r"\b)\S+){0,5}?[,:]? ?$"
)
_AGAINST_THE_AGENTS = Gated(
    r"\b(?:kill|shoot|hang|lynch|string up|gun down|death to|muerte a|maten|mata|matar|cuelguen)\b(?: \S+){0,3}?"
    r" (?:ice|migras?|agents?|officers?|pigs|cops|police|feds|federales|agentes|border patrol|badges)\b"
    r"|\b(?:ice|migras?|agents?|agentes|feds|cops|pigs)\b(?: \S+){0,3}? (?:gotta die|must die|will be shot"
    r"|que mueran)\b"
)


_QUOTE_THEN_OFFICER = re.compile(
    r"(?P<open>['\"])(?P<quote>[^'\"]{2,240}?)(?P=open),? (?:-+ ?)?(?:(?:le|les|nos|me|te) )?"
    r"(?:said|says|yelled|shouted|told \w+|screamed|warned|dijo|dijeron|grito|gritaron|amenazo|advirtio|decia)"
    r"(?: (?:\w+ ){0,3}?)?"
    r"(?:the|an|one|el|la|un|una|otro|otra) (?:\w+ )?(?:agents?|officers?|cops?|supervisor|deputy|agentes?"
    r"|oficial(?:es)?|policias?|migras?)\b"
)


def _unquote(low: str) -> str:
    if "'" not in low and '"' not in low:
        return low
    low = _QUOTE_THEN_OFFICER.sub(
        lambda m: m.group(0)[:1] + " " * (m.end("quote") - m.start("quote")) + m.group(0)[m.end("quote") - m.start() :],
        low,
    )
    return _REPORTED_SPEECH.sub(lambda m: _blank_quote(low, m), low)


def _blank_quote(low: str, m: re.Match[str]) -> str:
    if _FIRST_PERSON_SPEAKER.search(low, max(0, m.start() - 40), m.start("verb")):
        return m.group(0)
    if _PUBLIC_SPEAKER.search(low, max(0, m.start() - 40), m.start("verb")) or _AGAINST_THE_AGENTS.search(
        m.group("quote")
    ):
        return m.group(0)
    head, tail = m.start("quote") - m.start(), m.end("quote") - m.start()
    return m.group(0)[:head] + " " * (tail - head) + m.group(0)[tail:]


class _Reader:
    """One text, normalised, with the people it mentions. Rules ask it who owns a cue."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = _fold(text)
        self.low = self.folded.lower()
        # Lower-casing can change the length of exotic characters; names are then only looked for case-insensitively.
        self.cased = self.folded if len(self.folded) == len(self.low) else None
        self.mentions = _mentions(self.low)
        self._activity: bool | None = None
        self._unquoted: str | None = None
        self._plain: str | None = None
        self._spoken: str | None = None

    @property
    def plain(self) -> str:
        """The lower-cased text with misspellings undone (`vigil.safety.spelling`): what the threat rules read a second
        time and what the model reads."""
        if self._plain is None:
            joined = spelling.join_spaced(self.text)
            parted = spelling.split_hashtags(joined if joined is not None else self.text)
            written = parted if parted is not None else joined
            self._plain = spelling.respell(fold_lower(written) if written is not None else self.low)
        return self._plain

    @property
    def without_reported_speech(self) -> str:
        """The text with what someone else was quoted saying blanked out (same length): an officer's threat, quoted,
        is documentation, not a threat by the reporter. What the reporter says they said themselves stays."""
        if self._unquoted is None:
            self._unquoted = _unquote(self.low)
        return self._unquoted

    @property
    def spoken(self) -> str:
        """The text with what someone else said blanked out, quoted or reported by an officer without quotes ("the
        agent told her they'd take her kids"): the officer's words are documentation."""
        if self._spoken is None:
            self._spoken = _without_officer_speech(self.without_reported_speech, self.mentions)
        return self._spoken

    @property
    def activity(self) -> bool:
        """Whether the text reports enforcement activity (so a civilian's home or work can be its place)."""
        if self._activity is None:
            self._activity = _ACTIVITY.search(self.low) is not None
        return self._activity

    def owner(self, pos: int, *, nouns_only: bool = False, within: int = 160) -> _Kind | None:
        """Kind of the nearest person mentioned before `pos` (the antecedent of a pronoun or the subject)."""
        for mention in reversed(self.mentions):
            if mention.end > pos:
                continue
            if pos - mention.end > within:
                return None
            if nouns_only and mention.kind is _Kind.TAKEN:
                continue
            return mention.kind
        return None

    def first_person(self, pos: int) -> bool:
        before = self.low[max(0, pos - 30) : pos]
        return bool(_FIRST_PERSON_BEFORE.search(before) or _FIRST_PERSON_POSSESSIVE.search(before))

    def exposes(self, owner: _Kind | None) -> bool:
        """Whether a private detail (home, workplace) of this owner must be refused."""
        if owner in (_Kind.CIVILIAN, _Kind.TAKEN):
            return not self.activity
        return True  # officers, informers, and people the text does not say anything else about


# ---------------------------------------------------------------------------------------------------------------
# 3. Rules. Each returns the reasons it finds.

_GAP = r"(?: (?!not\b|never\b|no\b|nobody\b|nadie\b|nunca\b)\S+){0,3}? "

_PERSON_OBJECT = (
    r"(?:him|her|them|(?:that|the|those|these|this|every|all the|all those) (?:\w+ )?"
    r"(?:" + _OFFICER + r"|snitch(?:es)?|rats?|pigs?|guys?|informants?|bastards?|traitors?|fuckers?|observers?"
    r"|volunteers?|organi[sz]ers?|protesters?|activists?))"
)
# "kill the bill", "strangle this funding line", "burn the 287(g) agreement": a measure, not a person
_POLICY = (
    r"(?:bills?|contracts?|deals?|polic(?:y|ies)|laws?|programs?|funding|budgets?|ordinances?|proposals?|agreements?"
    r"|motions?|measures?|partnerships?)"
)
_NOT_A_MEASURE = r"(?! (?:this|the|that|their|his|her|every|an?|our|your|its) (?:\S+ ){0,2}?" + _POLICY + r"\b)"
_VIOLENCE_EN = (
    r"(?:kill"
    + _NOT_A_MEASURE
    + r"|murder|shoot(?! (?:a |some |the |more )?(?:video|footage|photos?|pictures?|pics|film))|stab"
    r"|beat(?! (?:\w+ )?(?:in|at) (?:court|the polls|the ballot box|the election|la corte|las urnas)\b)"
    r"|hurt|burn" + _NOT_A_MEASURE + r"|torch" + _NOT_A_MEASURE + r"|attack|punch|smash" + _NOT_A_MEASURE
    + r"|bash|lynch|hang|slash|firebomb|bomb"
    # "make this blow up", "blow up their phones": publicity and pressure
    r"|blow up(?= (?:the|their|his|her|them|him|that|those|these|every|all|an?|one|some|ice|los|las|el|la)\b)"
    r"(?! (?:\S+ ){0,2}?(?:phones?|lines?|inbox|mentions|dms|e?mails?|socials?|timelines?|twitter|tiktok"
    r"|the internet|the news)\b)|blow (?:them|him|her|it|(?:that|the|their|his|her) \w+) up|strangle" + _NOT_A_MEASURE
    + r"|choke" + _NOT_A_MEASURE + r"|knife|whoop"
    r"|rough (?:\w+ )?up|mess (?:\w+ )?up|f(?:u|\*|#|@)[a-z*#@]{0,3} (?:\w+ )?up|kick (?:his|her|their) ass(?:es)?"
    r"|run (?:\w+ ){0,2}?over|break (?:his|her|their) (?:legs?|arms?|neck|face|jaw|bones)"
    r"|(?:jump|hit|go after|hunt(?: down)?|dox|get)"
    + r" "
    + _PERSON_OBJECT
    + r"(?! (?:out|a |an |help|released|back|home|some|to (?:a|the) (?:lawyer|attorney|hospital|doctor)))"
    r"|teach (?:\w+ ){1,3}?a lesson)"
)
_INTENT_EN = (
    r"(?:let'?s|lets|we(?: will|'ll| should| must| gotta| got to| need to| have to| are going to| are gonna"
    r"|'re going to|'re gonna| gonna| oughta| ought to)|i(?: will|'ll|'m going to|'m gonna| am going to"
    r"| am gonna| gonna| wanna| want to|'d love to)|gonna|(?:some|any|every)(?:one|body) (?:should|needs? to"
    r"|has to|ought to|oughta|gotta|must)|you (?:should|guys should|all should)|y'?all should|people should"
    r"|time to|need to|should)"
)
_VIOLENCE_ES = (
    r"(?:matar(?:lo|la|los|las|le|les)?(?! (?:esa|esta|la|el|este|ese|su|sus|esas|esos) (?:\S+ )?(?:ley(?:es)?"
    r"|propuestas?|iniciativas?|proyectos? de ley|contratos?|acuerdos?|programas?|presupuestos?|reformas?|medidas?)\b)"
    r"|quemar(?:le|les|lo|la|los)?(?! (?:\w+ )?(?:lineas|telefonos|celulares|buzon"
    r"|correos|redes))|golpear(?:lo|la|los|las)?"
    r"|madrear(?:lo|la|los|se)?|partir(?:le|les) (?:la|su) (?:cara|madre|mandarina)"
    r"|romper(?:le|les) (?:la|su|el) (?:cara|madre|hocico|\w+)|chingar(?:lo|la|los|se)?|balacear(?:lo|la|los)?"
    r"|disparar(?:le|les)|dar(?:le|les) (?:una (?:leccion|golpiza|madriza|paliza|calentada)|su merecido"
    r"|en (?:la|su) madre|un (?:balazo|tiro|susto|plomazo))|ponchar(?:le|les)?|linchar(?:lo|la|los)?"
    r"|apunalar(?:lo|la|los)?|acuchillar(?:lo|la|los)?|ensenar(?:le|les) (?:una leccion|quien manda)"
    r"|agarrar(?:lo|la|los) a (?:golpes|palos|balazos)|echar(?:le|les) (?:gasolina|fuego)|atropellar(?:lo|la|los)?"
    r"|ir por (?:el|ella|ellos|ellas)\b)"
)
_INTENT_ES = (
    r"(?:vamos a|voy a|hay que|tenemos que|deberiamos|(?:alguien|alguno|todos) (?:deberia|deberian|tiene que"
    r"|tienen que)|a ver si|vayan a|quiero|queremos|ojala alguien)"
)
_PAY_EXCEPTIONS = r"(?! (?:a |the |his |her |their |for (?:a|the|his|her|their) |bail|bond|rent|fines?|taxes|\$|\d))"
_PAY_EXCEPTIONS += r"(?!(?: for (?:this|that|it|what \w+ did))? (?:in court|en la corte|before a judge|at the polls))"
# "shoot the agents on video", "hang the know-your-rights posters": filming and putting things up are not harm.
_FILMED = r"(?!(?: \S+){0,3} (?:on (?:video|camera|film|tape)|with (?:\S+ )?(?:phones?|cameras?)))"
_HUNG_UP = r"(?!(?: \S+){0,4} (?:posters?|flyers?|signs?|banners?|notices?|pictures?|photos?|decorations?)\b)"
_THREATS = tuple(
    Gated(p)
    for p in (
        r"\b" + _INTENT_EN + _GAP + _VIOLENCE_EN + r"\b",
        r"(?:^|[.!?;,] ?)(?:kill|shoot|burn(?: down)?|torch|bomb|attack|beat|hang|lynch|stab) "
        r"(?:the|that|those|these|this|him|her|them|all|every|their|his)\b"
        r"(?! (?:engine|motor|lights?|music|radio|video|footage|photos?|pictures?|raids?|deportations?|redadas?)\b)"
        r"(?! (?:\S+ ){0,2}?" + _POLICY + r"\b)" + _FILMED + _HUNG_UP,
        r"\b(?:hope|wish|pray)(?: that)? (?:\S+ ){0,3}?(?:dies|die|gets? (?:shot|killed|hurt|stabbed|run over)"
        r"|drops dead|burns)\b",
        r"\bdeserves? (?:to (?:die|be (?:shot|killed|hanged|hung|hurt|beaten|lynched|burned))|a bullet)",
        r"\bshould be (?:shot|killed|hanged|hung|lynched|beaten|burned)\b",
        r"\bdeath to\b",
        r"\bf(?:u|\*|#|@)[a-z*#@]{0,3} (?:him|her|them|(?:that|those|these|the) \w+) up\b",
        r"\bwants? (?:him|her|them|(?:that|those|these|the) \w+) dead\b",
        r"\b(?:quiero|queremos|quisiera) (?:verl[oa]s?|que (?:esten|este)) muert[oa]s?\b",
        r"\bmake (?:\S+ ){1,3}?regret\b",
        r"\b(?:he|she|they|you|u|y'all|(?:that|this|these|those|the) \w+)(?: will|'ll| is going to| are going to"
        r"|'s going to|'re going to| gonna| is gonna| are gonna| going to) (?:\w+ )?pay\b" + _PAY_EXCEPTIONS,
        r"\bmake (?!sure\b)(?:\S+ ){1,3}?pay\b" + _PAY_EXCEPTIONS,
        r"\b(?:will|'ll|gonna|going to) regret\b",
        r"\bwatch (?:your|his|her|their) back\b",
        # "that agent is going to get hurt": harm foretold for an officer or an informer (a worry for a relative, "he
        # is going to get hurt in there", names neither)
        r"\b(?:that|this|these|those|the) (?:" + _OFFICER + r"|" + _INFORMER + r")(?: is| are|'s|'re)?"
        r" (?:going to|gonna|will|'ll) (?:get|be) (?:hurt|killed|shot|stabbed)\b",
        r"\b(?:ese|esa|esos|esas|el|la|los|las) (?:" + _OFFICER + r"|soplon(?:es|a|as)?|chivat[oa]s?|chismos[oa]s?)"
        r" (?:va|van) a (?:salir|terminar|acabar) (?:lastimad|herid|muert|golpead)[oa]s?\b",
        r"\b(?:we|i) know where (?:you|u|y'all) (?:live|work|sleep)\b",
        r"\bfind (?:out )?where (?:he|she|they|the \w+|that \w+) (?:lives?|sleeps?)\b",
        r"\bfollow (?:him|her|them|the \w+|that \w+) (?:home|to (?:his|her|their) (?:house|home|car))\b",
        r"\b(?:let'?s|we should|we'll|we will|we're going to|we're gonna|i'm going to|i'm gonna) (?:go )?(?:over )?"
        r"to (?:the|that) (?:\w+ )?(?:" + _OFFICER + r"|snitch|informant)'s (?:house|home|place|apartment)\b",
        r"\b" + _INTENT_ES + _GAP + _VIOLENCE_ES,
        r"\b(?:lo|la|los|las|le|les) (?:vamos|voy|van) a (?:matar|quemar|golpear|madrear|chingar|balacear|linchar"
        r"|partir|romper|agarrar a (?:golpes|palos)|dar (?:una|su|en)|ensenar (?:una leccion|quien manda|a respetar"
        r"|lo que es))",
        r"(?:^|[.!?;,] ?|\bque )(?:maten|quemen|golpeen|madreen|balaceen|linchen|ahorquen) (?:a |al |el |la |los "
        r"|las |ese |esa |esos |esas |todos|sus? )",
        r"\bojala (?:que )?(?:\S+ ){0,3}?(?:se mueran?(?! de (?:verguenza|risa|envidia|coraje|ganas))|lo maten|la maten"
        r"|los maten|maten|le pase algo"
        r"|les pase algo|lo atropellen|los atropellen"
        r"|se pudran?(?! en (?:la |el |una )?(?:carcel|prision|bote|cana|tambo)))\b",
        r"(?<!\bno )(?<!\bnadie )(?<!\bnunca )(?<!\bni )\bmerecen? (?:morir|la muerte|que lo maten|un balazo)\b",
        r"\bmuerte a\b",
        r"\b(?:me |nos |te )?(?:la|las|lo) (?:va|van|vas) a pagar\b(?! (?:en|ante) (?:la corte|el juez|un juez|los"
        r" tribunales|la ley|las urnas))",
        r"\b(?:va|van|vas) a pagar (?:por (?:esto|eso|lo que)|caro|con (?:su|sangre))",
        r"\bse (?:va|van|vas) a arrepentir\b",
        r"\bse (?:va|van) a acordar de (?:mi|nosotros)\b",
        r"\b(?:sabemos|ya sabemos|se|ya se) donde (?:vives|viven|trabajas|duermes)\b",
        r"\b(?:vamos|voy|hay que ir)(?: a ir)? por (?:el|ella|ellos|ellas)(?= *(?:$|[.,!?;]| y\b| cuando| ahora"
        r"| hoy| manana| esta))",
        r"\b(?:averiguar|encontrar|buscar|seguir(?:lo|la|los)?) (?:\S+ ){0,2}?(?:donde vive|hasta su casa)\b",
        r"\b(?:vamos|hay que ir|vayamos) a (?:la )?casa (?:del|de la|de ese|de esa) (?:\w+ )?"
        r"(?:" + _OFFICER + r"|soplon|chivato)\b",
    )
)


_TARGET = r"(?:an? |the |every |all (?:the )?|los |las |al |a (?:la |los |un |una )?|un |una |esos |)"
_MORE_THREATS = tuple(
    Gated(p)
    for p in (
        # 1. slogans and chants
        r"\b(?:kill|shoot|hang|string up|end) " + _TARGET + r"(?:ice|migra|agents?|officers?|pigs?)\b" + _FILMED,
        r"\b(?:mata|maten|matar|matemos|cuelguen|colguemos) (?:a )?"
        + _TARGET
        + r"(?:ice|migra|migras|agentes?|de ice)\b",
        r"\b(?:only good|unico) (?:\w+ ){0,3}?(?:is a dead|es (?:el )?(?:\w+ )?muerto)\b",
        r"\b(?:dead|muert[oa]s?) (?:agents?|migras?|ice)\b|\bmigra (?:buena|muerta)\b|\bdeserve (?:a|the) bullet\b",
        r"\b(?:a (?:balazos|plomazos|pedradas)|bullets if)\b",
        r"\b(?:(?:que|ojala) se mueran(?! de (?:verguenza|risa|envidia|coraje|ganas))|six feet under|no mercy for)\b",
        r"\bmuert[oa]s? (?:es|son) (?:un[oa]?s? )?(?:\w+ )?menos\b|\bdead (?:\w+ ){0,2}(?:is|=) (?:one|1) less\b",
        r"\b(?:plomo|balas|bala) (?:pa|para) (?:los|las|la|el) (?:de (?:la )?)?(?:ice|migra|agentes?|placas?)\b"
        r"|\bbullets for (?:the |those )?(?:badges|agents|ice|migra|pigs|cops)\b|\bni un (?:agente|migra) vivo\b"
        r"|\bone raid,? ?=? ?one funeral\b|\bthey take ours,? we take theirs\b",
        # 2b. from the independent writers' training texts: weapons brought, sabotage, "better hope"
        r"\b(?:i'?m|i am|we'?re|we are|im) (?:bringing|gonna bring|going to bring) (?:\w+'?s? ){0,2}?(?:shotguns?|guns?"
        r"|rifles?|pistols?|tire irons?|crowbars?)\b|\b(?:voy a traer|traigo|llevo|traigan|lleven) (?:\w+ ){0,2}?"
        r"(?:escopetas?|pistolas?|cuetes?|fierros?|rifles?)\b",
        r"\b(?:les caemos|caerles|les caigamos) con (?:los |unos |las )?(?:bates|palos|piedras|fierros|machetes)\b"
        r"|\blos dejamos tirados\b|\bgo at (?:them|him|her|em) with\b"
        r"|\bcut (?:the|their|his|her) brake lines?\b|\bcort(?:ar|en|arle|arles)(?:le|les)? los frenos\b",
        r"\b(?:las cuentas se cobran|se las (?:vamos|van) a cobrar|better hope (?:he|she|they|you) never"
        r"|(?:que )?disfrute (?:sus|tus) ultimos dias|enjoy (?:your|his|her|their) last days"
        r"|(?:mejor|better) que no (?:ande|camine|salga) (?:sol[oa]|solit[oa])"
        r"|nobody(?:'s| is| will be) (?:filming|watching) out there)\b",
        # 2. verbs of harm the first rules lacked
        r"\b(?:poison|envenen\w*|antifreeze in)\b",
        r"\b(?:throw|grab|bring|aim|toss) (?:\w+ ){0,2}?(?:rocks|bricks|stones|piedras|ladrillos)\b"
        r"|\b(?:rocks|bricks) at\b"
        r"|\b(?:aventar|tirar|echar)(?:le|les)? (?:\w+ ){0,2}?piedras\b|\btirenle\b|\bpedradas\b",
        r"\b(?:ram|ramming|rams) (?:their|the|his|that|it|into)\b"
        r"|\b(?:run|running|drive|driving) (?:\w+ ){0,2}?(?:over|into) "
        r"(?:them|him|her|the agents?|the migra|los|el)\b|\batropell\w+",
        r"\brun (?:the |those |these |that )?(?:agents?|migras?|cops|ice|snitch\w*|them|him|her) (?:over|down)\b"
        r"|\b(?:bats?|pipes|bates|palos) (?:for|to|and)\b|\b(?:bring|grab|take) (?:\w+ )?(?:bats?|pipes)\b"
        r"|\b(?:llevar|traigan|lleven|llevense) (?:\w+ )?(?:bates|palos)\b|\bdenles con\b",
        r"\b(?:set|setting) (?:\w+ ){1,3}?on fire\b|\bmolotov|\bprend(?:er|an|anle|erle)(?:le|les)? fuego\b"
        r"|\bprendanla\b"
        r"|\bechen(?:le|les) gasolina\b",
        r"\b(?:beat|jump|smash|break|take down|tackle) (?:\w+ ){0,2}?(?:agent|snitch|informer|migra)\b"
        r"|\btake them down\b",
        r"\b(?:mat|quem|golpe|madre|chingu|atropell|envenen|agarr|apunal|balace|linch|ahorqu|part|acuchill)"
        r"(?:en|an|a|e|emos)(?:selos|selas|los|las|lo|la|les|le)\b",
        r"\b(?:madriza|putiza|golpiza|partirles la madre|partanles la madre)\b",
        # 3. veiled threats
        r"\bwon'?t (?:make it|be going|get) home\b|\bnot (?:plan on )?(?:getting|making it) home\b",
        r"\baccidents happen\b|\bshame if something happened\b|\bthings happen to\b",
        r"\bsee what happens\b|\b(?:a ver|ya vera|ya veras) (?:lo )?que (?:le|te|les) pas[ae]\b",
        r"\b(?:thinking|pensando) (?:of|about|en) (?:you|him|her|ti|usted) and (?:your|his|her) family\b(?=.{0,60}"
        r"(?:every day|all the time|todos los dias|siempre))|"
        r"\bone eye open\b|\bun ojo abierto\b|\bwatch(?:ing)? (?:their|his|her|your|y'?all'?s?) backs?\b"
        r"|\blook(?:ing)? over (?:his|her|their|your) shoulder\b|\bdays are numbered\b|\bluck is running out\b",
        # made afraid, not being afraid: "make them afraid to go home", not "my kids are scared to leave the house"
        r"\b(?:make|makes|making|keep|keeps|keeping|want|want them|get) (?:\w+ ){0,3}?(?:afraid|scared) (?:to|2) (?:go"
        r"|walk|leave|come) (?:\w+ ){0,2}?(?:home|house|houses|car)\b|\b(?:should|will|'ll|gonna|better) be (?:afraid"
        r"|scared) (?:to|2) (?:go|walk|leave|come) (?:\w+ ){0,2}?(?:home|house|houses|car)\b"
        r"|\b(?:que|para que) (?:\w+ )?(?:tengan|tenga|les de|le de|les entre|le entre) miedo (?:de )?"
        r"(?:volver|regresar|salir)\b|\b(?:meter|meterles|meterle|darles|darle) (?:\w+ )?miedo (?:de |pa |para )?"
        r"(?:volver|regresar|salir)\b|\bno (?:puedan|pueda) dormir\b",
        r"\bno (?:llega|llegara|va a llegar) a su casa\b|\ble llegara su hora\b|\bque se cuide\b|\bte tenemos ubicad",
        r"\bwe know (?:where|what|which) (?:you|your|house|car)\b|(?<!\bno )(?<!\bni )\b(?:ya )?sabemos (?:donde|cual"
        r"|que carro)\b(?! (?:esta|estan|lo|la|los|las|hay|ir|pedir|buscar|conseguir|encontrar|queda|quedan)\b)",
        r"\blearn the hard way\b|\bnobody will miss\b|\bnot (?:be )?(?:safe|living here much longer)\b"
        r"|\bno (?:esta|estan) safe\b|\bno va a durar\b|\blo que le espera\b|\bse va a arrepentir\b",
        # 4. second round: veiled threats said other ways, and harm done in a crowd
        r"\b(?:not be so lucky|won'?t be (?:so )?lucky|better (?:start )?pray(?:ing)?|(?:only )?a matter of time"
        r" (?:for|before|til|until)|enjoy (?:his|her|their) last|likes? hospitals|(?:won'?t|not) be smiling"
        r"|bad things (?:tend to )?happen to|find out what happens when)\b",
        r"\b(?:get|catch|find|got) (?:him|her|them|that \w+|the \w+|\w+) alone\b"
        r"|\b(?:lo|la|los) (?:encuentre|encuentren|agarre|agarren) sol[oa]s?\b|\b(?:este|estar|ande) sol[oa] y\b",
        r"\b(?:ya )?(?:le|lo|la|les|los) tenemos (?:bien )?(?:checad|ubicad|vigilad)[oa]s?\b"
        r"|\bno sabe con quien se metio\b|\baqui no se (?:le )?olvida\b|\btarde o temprano (?:\w+ ){0,4}?sol[oa]\b",
        r"\b(?:we|let'?s|lets|y'?all|everybody|everyone|todos) (?:\w+ )?(?:jump|rush|swarm|attack|beat|drag)"
        r" (?:them|him|her|the agents?|the migra|that \w+)(?: out)?\b(?! (?:in|at) (?:court|the polls|the ballot box"
        r"|the election|la corte|las urnas)\b)|\bdrag (?:the agents?|them|him|her) out\b",
        r"\bechar(?:le|les) (?:la|el) (?:troca|carro|camioneta|coche|van) encima\b"
        r"|\b(?:quiebren|rompan)(?:le|les)? (?:los|las) (?:vidrios|ventanas)\b|\bsac(?:alo|alos|arlo"
        r"|arlos) a la fuerza\b"
        r"|\b(?:denle|denles|dale|dales) (?:duro|en la madre|una calentada)\b|\b(?:rodeenlo|rodeenlos|tumbenlo"
        r"|tumbenlos)\b",
        # 5. fourth round: vehicles and objects as weapons, veiled threats and chants said other ways
        r"\b(?:plow|plough|mow|swerve|slam|floor it|drive|ram) (?:\S+ ){0,3}?(?:into|through|down) (?:them|him|her"
        r"|the (?:\w+ )?(?:agents?|migra|cops|officers?|deputy|snitch))\b|\bmow (?:them|him|her|\w+) down\b",
        r"\bdrop (?:\S+ ){0,2}?(?:blocks|bricks|rocks|stones|concrete) on\b|\bapedre\w+"
        r"|\b\w+(?:los|las|lo|la|le|les) (?:con|a) (?:bates|palos|piedras|machetes|cuchillos|pistolas|pedradas)\b"
        r"|\b(?:rompan|quiebren|revienten|partan)(?:le|les) (?:la|el|los|las) \w+",
        r"\b(?:could|might|may) be (?:his|her|their|your) last\b|\bwish (?:he|she|they|you) never (?:came|showed)\b"
        r"|\bpuede ser (?:la|su) ultim[oa]\b|\b(?:le|les|te) puede pasar (?:cualquier cosa|algo|de todo)\b"
        r"|\bcatch fire around\b|\b(?:remember|recordamos|no olvidamos) (?:your |sus )?(?:faces|caras)\b"
        r"|\bhope (?:his|her|their|your) brakes\b|\b(?:le|les) fallen los frenos\b"
        r"|\b(?:gonna|going to) have a (?:really |real )?bad night\b|\ble va a ir muy mal\b",
        r"\b(?:bring|grab|get|take|traigan|lleven|saquen) (?:your |ur |the |their |sus |las |los )?(?:bear spray"
        r"|pepper spray|mace|gas pimienta|guns?|weapons?"
        r"|knives|pistols?|rifles?|armas|pistolas|cuchillos|machetes)\b|\baim (?:for|at) (?:the |da )?(?:agents?|them"
        r"|him|her|migra|ice|cops)\b"
        r"|\b(?:everyone|everybody|anyone|anybody|whoever|all of you|y'?all|todos los que) (?:\w+ )?(?:with|who (?:has"
        r"|have)|that (?:has|have)|tengan|traigan) (?:a |an |their |your |un |una |sus )?(?:bats?|guns?|pipes|knives"
        r"|weapons?|bates|armas|palos)\b"
        r"|\b(?:throw|toss|chuck|hurl|avienten|tiren) (?:whatever|everything|anything|stuff|bottles|bricks|rocks"
        r"|botellas|todo lo que)\b"
        r"|\b(?:slip|put|sneak|spike|lace) (?:\w+ )?(?:something|somethin|stuff|pills|drugs|algo) (?:in|into|en) "
        r"(?:the |their |his |her |su |sus )?(?:\S+ ){0,3}?(?:food|drinks?|coffee|water|comida|cafe|agua|bebida)\b"
        r"|\bmet(?:er|an|e)(?:le|les) (?:un |unos )?(?:tiros?|balazos?|plomazos?)\b"
        r"|\btacle\w*|\btaclear\w*",
        r"\b(?:see|let'?s see) how long (?:his|her|their|your) luck\b|\bcuanto le(?:s)? dura la suerte\b"
        r"|\bfamil(?:y|ia)(?: \w+){0,4}?,? (?:(?:he|she|they) )?(?:should|better|needs to) think about (?:that|it)\b"
        r"|\bfamilia,? (?:q|que) lo piense\b|\bwhen (?:he|she|they|you) least expects? it\b"
        r"|\bcuando menos (?:se )?lo esper[ae]n?\b|\bbites? back\b|\bend up (?:as |in )(?:a )?(?:headline|hospital"
        r"|body bag|ditch|obituar\w*)\b|\b(?:long|buena|larga) memor(?:y|ies|ia)\b"
        r"|\bwon'?t enjoy (?:his|her|their|your) (?:next )?visit\b|\bno le va a gustar su proxima visita\b"
        r"|\b(?:we'?ll be seeing|we will be seeing|nos vamos a ver con) (?:\S+ ){0,4}?(?:soon|pronto)\b"
        r"|\bhas (?:his|her|your|their) address\b|\bpray (?:that )?nothing happens\b"
        r"|\brece para que no le pase nada\b",
        r"\b(?:burn|fuego a) (?:la |da |the )?(?:ice|migra|agents?)\b|\b(?:ice|migra|agents?) ?= ?(?:targets?|dead"
        r"|muertos?)\b|\bkill (?:da|la) migra\b",
    )
)


# A reckoning said to be outside any court ("…not in court but at the polls" is still the vote)
_NOT_IN_COURT = (
    r"\b(?:not|no|ni) (?:precisamente |exactly |necessarily )?(?:in|en|from|by|ante) (?:a |the |la |el |un )?(?:court"
    r"|corte|judge|juez|tribunal(?:es)?|courtroom)\b(?![^.!?\n]{0,40}\b(?:polls|ballot|urnas|votes?|votos?|press"
    r"|prensa|news|noticias|council|concilio|elections?|elecciones|budget|presupuesto)\b)"
)


# Rounds 16 to 23. Each alternative is its own pattern, gated by its own literals: joined, the commonest literal of one
# alternative ("out", "for") would open the gate to all of them.
_LATER_THREATS = tuple(
    Gated(branch)
    for p in (
        # 6. rounds 16 and 17: chants and signs with other verbs and other words for the agents, death as the way out
        r"\b(?:kill|shoot|hang|lynch|string up|murder|gun down|behead|tar and feather) " + _TARGET + r"(?:\w+ )?"
        r"(?:ice|migras?|agents?|officers?|pigs|cops|police|feds|federales|raiders|border patrol|badges)\b"
        r"(?! (?:posters?|flyers?|signs?|banners?|notices?|tape|raids?|budget|funding|contracts?|warrants?|reports?"
        r"|cars?|vans?|trucks?|vehicles?)\b)"
        + _FILMED
        + r"|\bstring (?:the |those |them |em |\w+ )?(?:\w+ )?up (?:by|from|on|in the)\b"
        r"|\bdrag (?:the |these |those )?(?:\w+ )?(?:agents?|migras?|feds|cops|pigs)(?: \S+){0,2}? (?:down|behind"
        r"|through|across|along)\b"
        r"|\bfeed (?:the |those |them |em )?(?:\w+ )?to the (?:hogs|pigs|dogs|gators|alligators|fish|sharks|crows)\b",
        r"\b(?:out|leave|leaving|go|fuera|se van|se va)\b[^.!?\n]{0,30}?(?:\bin (?:\w+ )?body bags?|\bfeet first"
        r"|\ben bolsas? negras?)\b|\bsend(?:ing)? (?:\S+ ){0,3}?(?:home|back) in (?:\w+ )?body bags?\b"
        r"|\b(?:se (?:va|van) a ir|salen|se van) sin cabeza\b"
        r"|\b(?:migras?|agentes?|ice) partid[oa]s? en dos\b"
        r"|\b(?:ice|migras?|agents?|officers?|feds|cops|pigs|badges|border patrol)\b[^.!?\n]{0,30}?"
        r"(?:\bcarne (?:pa|para|de) (?:los )?(?:zopilotes|buitres|gusanos|perros)"
        r"|\bfood for (?:the )?(?:worms|crows|buzzards|vultures|hogs|fish))\b",
        r"\b(?:abolish|out|fuera|abajo)\b[^.!?\n]{0,40}?(?:\bwith (?:bullets|(?:a |an |my |our )?(?:\d+ gauge|shotguns?"
        r"|rifles?|guns?|ar-?15|ak))\b|\ba (?:palos|tiros|plomazos|balazos)\b|\bcon (?:plomo|balas)\b)",
        r"\b(?:ice|migras?|agents?|officers?|feds|cops|pigs|agentes)(?: (?!said|says|told|dijo|dijeron|detainees?"
        r"|detenid[oa]s|people|prisoners|families|kids|children)\S+){0,2}? (?:gotta|got to|must|need to|needs to"
        r"|have to|has to|should|deserve to|all) (?:all )?die\b"
        r"|(?:^|[.!?;,\"'] ?|\b(?:y|and) )que mueran\b(?! de (?:verguenza|risa|envidia|coraje|ganas))"
        r"|(?<!\bno )(?<!\bnadie )(?<!\bnunca )(?<!\bni )\b(?:tienen|deben|merecen) (?:que )?morir\b"
        r"|\b(?:ice|agents?|officers?|feds|cops|trespassers)(?: \w+){0,2}? will be (?:shot|killed|hanged|hung"
        r"|lynched)\b" + _FILMED + r"|\bfamil(?:y|ies) will bury (?:you|them|him|her)\b"
        r"|\b(?:a|one|un|una) (?:bullet|balazo|tiro|plomazo|bala) (?:for|per|x|por|para|pa) (?:every|each|cada)\b"
        r"|\bque (?:truene|truenen|revienten|exploten) (?:la |los |el |a )?(?:migra|ice|agentes?|de ice)\b"
        r"|\bojala (?:que )?(?:(?!no\b|nadie\b|nunca\b|ni\b)\S+ ){0,3}?(?:se (?:estrelle|estrellen|voltee|volteen|queme"
        r"|quemen|incendie)|choquen?|explote|exploten)\b",
        # veiled: leaving in no state to walk, going missing, nobody missing them, a family told to pray
        r"\b(?:no se (?:van|va) a ir caminando|not walk (?:back )?out|won'?t (?:be )?walk(?:ing)? (?:back )?out"
        r"|won'?t be (?:around|here) (?:\w+ )?(?:long|much longer) if"
        r"|tend to (?:disappear|go missing|vanish)(?! (?:into|in|from|through|inside|off))"
        r"|nobody(?:'d| would)? (?:ever )?miss (?:(?:a few|those|these|the|that) (?:\w+ )?(?:agents?|cops|pigs|feds"
        r"|migras?|snitch\w*)|them|him|her)|nadie (?:los|lo|la|las) va a extranar"
        r"|see how (?:brave|tough|big|bad|macho|valientes?) (?:\S+ ){0,6}?(?:alone|solos?|without (?:the|their|his|her)"
        r" (?:badges?|guns?|vests?))"
        r"|cuid(?:ate|ese|ense) (?:la|las|su|tu|sus) espaldas?)\b"
        r"|\b(?:(?:que|q) su familia|su familia (?:que|q)) (?:\w+ )?(?:vaya|empiece|se ponga|este|va) (?:a )?"
        r"(?:rezando|rezar)\b"
        r"|\b(?:his|her|their) family (?:better|should|had better|needs to) (?:start )?pray(?:ing)?\b"
        r"|\bhope (?:you|your|his|her|their) (?:\w+ ){0,2}?(?:likes?|enjoys?) (?:\w+ ){0,2}?"
        r"(?:hospitals?|cemeter(?:y|ies)|funerals?)\b",
        # harm said as a plan in the present ("si se meten les disparo"), with a vehicle, fire or a bat
        r"(?<!\bse )(?<!\bsabe )(?<!\bsabemos )(?<!\bpregunta )(?<!\bver )\bsi (?:\S+ ){1,8}?(?:le|les|lo|los|la|las)"
        r" (?:disparo|disparamos|embisto|embestimos|mato|matamos|quemo|quemamos|balaceo|balaceamos|madreo|madreamos"
        r"|atropello|atropellamos|rajo|rajamos)\b"
        r"|\b(?:le|les) (?:meto|metemos|pego|pegamos|doy|damos) (?:un|unos|dos|\d+) (?:balazos?|tiros?|plomazos?"
        r"|navajazos?|machetazos?|putazos?|chingadazos?)\b"
        r"|\b(?:le|les) (?:echo|echamos|avientan|aventamos|avienten|tiro|tiramos) (?:la|el|los|las|un|una)"
        r" (?:troca|carro|camioneta|coche|van|trailer|pickup)\b"
        r"|\b(?:los|las|lo|la) (?:embisto|embestimos|embistan)\b"
        r"|\bembist(?:an|amos)(?:los|las|lo|la)\b|\bembiste(?:los|las|lo|la)\b"
        r"|\bvamos con (?:palos|bates|piedras|machetes|fierros)\b"
        r"|\ba (?:golpes|palos|madrazos|chingadazos|putazos|patadas) (?:los|las|lo|la) (?:sacamos|saquen)\b",
        r"\bpour (?:\w+ ){0,3}?(?:diesel|gas|gasoline|petrol|kerosene|lighter fluid|boiling water|acid|bleach)"
        r" (?:\w+ ){0,2}?(?:around|on|over|onto|from)\b"
        r"|\bjump (?:the|those|these|that)(?: \w+){0,2}? (?:agents?|officers?|cops|migra|feds|deput(?:y|ies))\b"
        r"|\b(?:go|going|aim|aiming) for (?:the |their |his |her )?(?:\w+'?s? )?(?:heads?|necks?|throats?)\b"
        r"|\b(?:i'?m|im|we're|we are|i will|i'll|we'll|gonna|going to) (?:be )?swing(?:ing)?"
        r" (?:the|my|a|this|that) (?:\w+ )?(?:bat|pipe|crowbar|machete|tire iron|bate)\b"
        r"|\bwe hurt them\b(?! (?:in|at|where) )|\bdeserves? (?:a|an) (?:beating|ass[- ]?whooping|whooping|beatdown"
        r"|bullet)\b(?! (?:in|at) (?:court|the polls|the ballot|the election))"
        r"|\bmerecen? (?:una )?(?:golpiza|madriza|paliza|putiza)\b(?! (?:en|electoral))"
        r"|\brun (?:the |those |these |them |em )?(?:\w+ )?(?:fuckers|bastards|pigs|motherfuckers|pendejos|cabrones)"
        r" (?:over|down)\b|(?:^|[.!?;,] ?)kill (?:em|'em|everyone|everybody|all of them)\b",
        # 7. round 18: the network's people and the neighbours as targets, weapons ready, vehicles that won't stop
        r"\b(?:observers?|volunteers?|protesters?|organi[sz]ers?|activists?|vests|observador\w*|voluntari\w*"
        r"|manifestantes)\b\W{0,3}(?:= ?(?:targets?|blancos?)\b|(?:are |is |son |es )?(?:target practice"
        r"|tiro al blanco|fair game)\b)|\blegal targets?\b"
        r"|\b(?:i'?m|im|i am|we'?re|we are) not (?:braking|slowing down)\b|\bno (?:voy|vamos) a frenar\b"
        r"|\bi (?:won'?t|will not|don'?t) (?:brake|stop|slow down) for\b|\bspeed up for (?:the )?(?:\w+ )?(?:protesters"
        r"|observers|volunteers|pedestrians|them)\b"
        r"|\b(?:una |unas )?(?:paliza|golpiza|madriza|putiza|calentada|chinga)"
        r" (?:al|a la|a los|a las|pa(?:ra)? (?:el|la|los|las))\b"
        r"|\b(?:tengo|tenemos|traigo|i have|i've got|i got|we have|we've got) (?:la |el |mi |my |a |the |our )?"
        r"(?:escopeta|rifle|pistola|cuete|shotgun|gun|pistol|ar) (?:cargad[oa]|loaded|lista|listo|ready)\b"
        r"|\b(?:should|better|had better|oughta|needs to) watch (?:himself|herself|themselves|yourself|your(?:self)?"
        r" step|his step|her step)\b"
        r"|\bwon'?t always have (?:a crowd|people|someone|cameras|witnesses|backup|protection)\b"
        r"|\bno siempre (?:va|van|vas) a (?:tener|estar) (?:gente|acompanad|protegid|con gente)",
        # 8. round 23 (the desks): the first person plural of a command, what is coming to someone, a punishment to
        # give, and a reckoning said to be outside any court
        r"\b(?:matemos|quememos|golpeemos|madreemos|balaceemos|linchemos|ahorquemos|incendiemos|apedreemos"
        r"|atropellemos|ponchemos) (?!(?:las |los )?naves\b)(?:a |al |el |la |los |las |ese |esa |esos |esas |todos"
        r"|sus? )"
        r"|\b(?:gets?|getting|will get|'ll get|gonna get|going to get) what'?s (?:coming|comin'?)(?: to (?:him|her"
        r"|them|em|you))?\b|\b(?:va|van) a (?:recibir|tener) (?:lo que se merecen?|su merecido)\b"
        r"|\b(?:le|les) (?:de|den|damos|demos|dan|da|daremos|daria|dariamos) un (?:buen )?escarmiento\b"
        r"|\bdar(?:le|les) un (?:buen )?escarmiento\b"
        r"|\b(?:(?:will|'ll|gonna|going to|gotta|must|should) pay|pay for (?:this|that|it|what)|(?:la|las|lo)"
        r" (?:paga|pagan|pagara|pagaran|va a pagar|van a pagar)|merecido|what'?s coming)\b[^.!?\n]{0,30}?"
        + _NOT_IN_COURT,
    )
    for branch in top_branches(p)
)


# What an officer was reported to say, without quotes ("the agent told her they'd take her kids", "nos grito que nos
# iba a atropellar"): the clause after the verb of speech is the officer's words, not the reporter's.
_OFFICER_SPEECH = Gated(
    r"\b(?:said|says|told|tells|tell|telling|yelled|shouted|screamed|warned|threatened|dijo|dijeron|grito|gritaron"
    r"|amenazo"
    r"|amenazaron|advirtio)\b(?: (?:to )?(?:him|her|them|us|me|the \w+|al \w+|a la \w+|le|les|nos|me))?"
    r"(?: (?:that|que|to|con))? (?P<clause>[^.!?;]{2,200})"
)


def _without_officer_speech(low: str, mentions: Sequence[_Mention]) -> str:
    ends = [x.end for x in mentions]  # mentions are sorted by their end
    for m in _OFFICER_SPEECH.finditer(low):
        i = bisect.bisect_right(ends, m.start()) - 1
        if i >= 0 and m.start() - ends[i] <= 60 and mentions[i].kind is _Kind.OFFICER:
            low = low[: m.start("clause")] + " " * (m.end("clause") - m.start("clause")) + low[m.end("clause") :]
    return low


_AROUND_CHANGE = 12  # words read again on each side of a word the spelling pass changed


def _changed_parts(low: str, plain: str) -> tuple[str, list[_Mention]]:
    """The misspelling-undone reading, cut to the words around what the spelling pass changed (a long text with one
    "u" for "you" is not read twice); whole when the pass joined letters typed apart (the words no longer line up)."""
    before, after = low.split(" "), plain.split(" ")
    if len(before) == len(after):
        spans: list[list[int]] = []
        for i, (old, new) in enumerate(zip(before, after, strict=True)):
            if old != new:
                start, end = max(0, i - _AROUND_CHANGE), i + _AROUND_CHANGE + 1
                if spans and start <= spans[-1][1]:
                    spans[-1][1] = end
                else:
                    spans.append([start, end])
        plain = "\n".join(" ".join(after[start:end]) for start, end in spans)
    return _unquote(plain), _mentions(plain)


# Lawful consequences borrow the words of threats: "they'll regret it when the judge sees the videos", "this is gonna
# blow up on the news", "hit them where it hurts: su presupuesto". A match made only of such a word is not a threat
# when its sentence takes the matter to a court, the press or the purse.
_CONSEQUENCE = re.compile(r"\b(?:regret|arrepent\w*|pay|pagar|blow up|hurts?|duele|what'?s coming"
                         r"|merecido|escarmiento)\b")
# "they'll pay, and not in court": a reckoning said to be outside any court is never a lawful consequence
_OUTSIDE_COURT = re.compile(_NOT_IN_COURT)
_LAWFUL_CONTEXT = re.compile(
    r"\b(?:court|judge|juez|jueza|corte|lawyers?|abogad[oa]s?|witness stand|depositions?|legal(?:es)?|news|noticias"
    r"|telemundo|univision|channel \d+|canal \d+|reporters?|periodistas?|budget|presupuesto|funding|fondos|votes?"
    r"|votos?|ballot|elections?|elecciones|senators?|senadores|congress\w*|congresista|lawsuits?|legally|legalmente"
    r"|publicly|publicamente|demandas?|internet|online|social media|redes|press|prensa|headlines?|viral|hearings?"
    r"|audiencias?|council|concilio|cabildo|polls|urnas)\b"
)
_SENTENCE_END = re.compile(r"[.!?\n]")


_BLOODY = re.compile(r"\b(?:blood|sangre|lives|vidas?|dead|muert[oa]s?|bullets?|balas?|pain|dolor|bodies|cuerpos)\b")


def _lawful_consequence(text: str, m: re.Match[str]) -> bool:
    """A consequence word ("pay", "regret", "blow up") whose sentence, or the sentence just before or after it, takes
    the matter to a court, the press or the purse ("they'll pay for this. in court, at the polls"); never one paid in
    blood."""
    if not _CONSEQUENCE.search(text, m.start(), m.end() + 20) or _OUTSIDE_COURT.search(text, m.start(), m.end()):
        return False
    ends = [e.end() for e in _SENTENCE_END.finditer(text, 0, m.start())]
    start = ends[-1] if ends else 0
    end_match = _SENTENCE_END.search(text, m.end())
    end = end_match.start() if end_match else len(text)
    if _BLOODY.search(text, start, end):
        return False
    before = ends[-2] if len(ends) > 1 else 0
    after = _SENTENCE_END.search(text, end + 1) if end_match else None
    around = text[before : after.start() if after else len(text)]
    return _LAWFUL_CONTEXT.search(around) is not None


_THREAT_GATES = Gates((*_THREATS, *_MORE_THREATS, *_LATER_THREATS))


def _threats(reader: _Reader) -> Iterable[Reason]:
    texts = [reader.spoken]
    if reader.plain != reader.low:
        # "k1ll", "matarloss", "k i l l": misspelt on purpose or not
        texts.append(_without_officer_speech(*_changed_parts(reader.low, reader.plain)))
    for text in texts:
        for pattern in _THREAT_GATES.possible(text):
            m = pattern.search(text)
            if m is None:
                continue
            if not _lawful_consequence(text, m) or any(
                not _lawful_consequence(text, later) for later in pattern.finditer(text, m.end())
            ):
                yield Reason.THREAT
                return


# Identity: a name given to an officer, or to someone blamed for calling the authorities.
_NAME_CUE = Gated(
    r"\b(?:(?:is|was|were|'s) (?:named|called)|(?<=guy )called|(?<=man )called|(?<=one )called|(?<=dude )called"
    r"|named|name(?:'s| is| was|:)|se llama(?:ba)?|de nombre|llamad[oa]|nombre (?:es|era)|apellido|last name"
    r"|surname|first name)\b"
)
_NOT_A_NAME = re.compile(
    r" ?:? ?(?:unknown|not |no |n/a|nothing|desconocido|no se|confidential|confidencial|secret|secreto|hidden|covered"
    r"|oculto|tapado|\?|$)"
)
_TITLED_NAME = re.compile(
    r"\b(?i:snitch|informant|soplon|soplona|chivato|chivata|officer|agent|deputy|sgt\.?|sergeant|detective|det\."
    r"|lt\.?|lieutenant|captain|capt\.?|trooper|sheriff"
    r"|oficial|agente|sargento|teniente|capitan|comandante|alguacil)"
    r" ((?:[A-Z][a-zA-Z'\-]+)(?: [A-Z][a-zA-Z'\-]+)?)"
)
_NOT_NAMES = frozenset(
    """ice ero hsi cbp fbi dea atf dhs usbp police policia border patrol federal the a an in at on of and with from
    said was is were had has told came went got took de del la el los las en y con por que se le lo su sus un una
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december lunes martes miercoles jueves viernes sabado domingo enero febrero marzo abril
    mayo junio julio agosto septiembre octubre noviembre diciembre vest vests jacket uniform officer officers agent
    agents deputy sergeant detective lieutenant captain trooper sheriff oficial agente sargento teniente capitan
    comandante alguacil""".split()
)


# One word boundary before one alternation: tried once at each position, not once per branch.
_PRIVATE_KNOWLEDGE = Gated(
    r"\b(?:real name\b|nombre (?:verdadero|real)\b|grew up (?:on|in|at|with|near)\b|crecio (?:en|por|con)\b"
    r"|fue mi (?:maestr[oa]|profe|entrenador[a]?|vecin[oa]|companer[oa])\b|(?:was|is) my (?:old )?(?:teacher|coach"
    r"|classmate|landlord)\b|babysat\b|le cuide\b|(?:know|knew) (?:\w+ ){0,3}?personally\b"
    r"|conozco a (?:\w+ ){0,3}?en persona\b|(?:is|was|like|,) (?:my|mi) (?:coworker|co-worker|neighbou?r|boss"
    r"|friend|cousin|sister|brother|aunt|uncle|companer[oa]|vecin[oa]|jefe|amig[oa]|prim[oa]|herman[oa]|tia"
    r"|tio)(?:'s|s)? (?:husband|wife|son|daughter|ex|boyfriend|girlfriend)\b|(?:es|era|a|,) (?:el|la) (?:esposo"
    r"|esposa|hijo|hija|novio|novia|ex) de mi\b|(?:looked|looks) (?:just |exactly )?like\b(?! ?(?:\d|#|number|no\b))"
    r"(?! ?(?:a|an|it|they|we|this|that|something|nothing)\b| ?[.?!,])|se parec(?:e|ia) a\b"
    r"|is definitely\b|(?:i'?m|estoy) (?:pretty |muy )?(?:sure|segur[oa])\b|(?:i|we) (?:know|knew"
    r"|recogni[sz]ed?) (?:him|her|them|that \w+|the \w+)(?: \w+){0,2}? from\b|(?:i|we) went to (?:school"
    r"|high school|church) with (?:him|her|them)\b|(?:lo|la|los|las) conozco (?:de|del|desde)\b|(?:iba|fue"
    r"|va) (?:en|a) mi (?:escuela|prepa|salon|iglesia)\b|(?:my|our|mi|nuestro|nuestra) (?:old )?(?:classmate"
    r"|companer[oa] de (?:escuela|clase)|cousin's ex)\b|(?:i|we) know (?:his|her|their) (?:family|sister|brother"
    r"|mom|mother|dad|wife|husband|kids)\b|(?:he|she)(?:'s| is|s) my (?:neighbou?r|cousin|classmate|coworker|ex"
    r"|landlord)\b|(?:from|de) (?:my|our|mi|nuestra) (?:church|neighbou?rhood|block|building|gym|iglesia|colonia"
    r"|cuadra)\b|coach(?:ed|es)? my\b|(?:lo|la) conozco\b|(?:iba|fue) (?:en|a) mi (?:salon|clase)\b|su (?:mama"
    r"|papa|familia|esposa|hermana) vive en mi\b|conozco a su (?:familia|mama|hermana|esposa)\b"
    r"|(?:lived|lives|used to live) (?:\w+ ){0,2}doors? (?:from|down from|away from) (?:my|our)\b"
    r"|viv(?:e|ia) a (?:\w+ ){0,2}casas? de (?:mi|la de mi|nuestra)\b"
    r"|we were in (?:pta|church|choir|school|high school|the same class|(?:\w+ )?class) together\b"
    r"|(?:es sin duda|sin duda es|no doubt (?:it'?s|it was|he'?s|she'?s))\b"
    r"|(?:a quien|lo|la) conozco desde (?:que|hace|chic|nin)\w*\b|estudi(?:o|aron|amos) con (?:mi|mis)\b"
    r"|(?:estuvimos|ibamos) (?:juntos|juntas) en (?:la |el )?(?:escuela|prepa|secundaria|iglesia|coro|salon)\b)"
)


def _names_person(reader: _Reader) -> Iterable[Reason]:
    """An officer's name worn on duty is documentation; the name of whoever called the authorities, or a name known
    from someone's private life, is not."""
    known = _PRIVATE_KNOWLEDGE.search(reader.low)
    if known and (
        _NAME_CUE.search(reader.low)
        or _PROPER_NAME.search(reader.folded)
        or any(m.kind in (_Kind.OFFICER, _Kind.INFORMER) for m in reader.mentions)
    ):
        yield Reason.IDENTITY
        return
    # Only a name after an informer's title refuses here: skip the case-insensitive scan when no such title is present.
    if reader.cased is not None and any(title in reader.low for title in _INFORMER_TITLE_WORDS):
        for m in _TITLED_NAME.finditer(reader.cased):
            if m.group(1).split()[0].lower() not in _NOT_NAMES and m.group(0)[:3].lower() in _INFORMER_TITLES:
                yield Reason.IDENTITY
                return
    for m in _NAME_CUE.finditer(reader.low):
        if _NOT_A_NAME.match(reader.low, m.end()):
            continue
        if reader.owner(m.start(), nouns_only=True, within=70) is _Kind.INFORMER:
            yield Reason.IDENTITY
            return
        if _sentence_mentions(reader, m.start()) == {_Kind.INFORMER}:
            yield Reason.IDENTITY
            return
    if _INFORMER_IS.search(reader.low):
        yield Reason.IDENTITY
        return
    # Who called ICE, said other ways ("sold us out", "the tip came from", "trajo a la migra"), with a name or a
    # pointer (a house, a shop) in the same sentence.
    looked: set[tuple[int, int]] = set()
    for m in _INFORMER_ACT.finditer(reader.low):
        start = max(reader.low.rfind(c, 0, m.start()) for c in ".!?;\n") + 1
        ends = [i for i in (reader.low.find(c, m.end()) for c in ".!?;\n") if i >= 0]
        end = min(ends) if ends else len(reader.low)
        if (start, end) in looked:
            continue  # one look per sentence, however many such phrases it holds
        looked.add((start, end))
        if _NOBODY_KNOWS.search(reader.low, start, end):
            continue
        cased = reader.cased[start:end] if reader.cased is not None else ""
        if _PROPER_NAME.search(cased) or _POINTER.search(reader.low, start, end):
            yield Reason.IDENTITY
            return
    # "Someone called ICE. It was Walt, the one at 12 Oak St": the caller named in the next breath.
    for m in _SOMEONE_CALLED.finditer(reader.low):
        then = _IT_WAS.search(reader.low, m.end(), m.end() + 80)
        if then is None:
            continue
        cased = reader.cased[then.end() : then.end() + 40] if reader.cased is not None else ""
        if _NAME_AHEAD.match(cased) or _POINTER.search(reader.low, then.end(), then.end() + 60):
            yield Reason.IDENTITY
            return
    seen: set[tuple[int, int]] = set()
    for mention in reader.mentions:
        if mention.kind is not _Kind.INFORMER:
            continue
        start = max(reader.low.rfind(c, 0, mention.start) for c in ".!?;\n") + 1
        ends = [i for i in (reader.low.find(c, mention.end) for c in ".!?;\n") if i >= 0]
        end = min(ends) if ends else len(reader.low)
        if (start, end) in seen:
            continue  # one look per sentence, however many informer phrases it holds
        seen.add((start, end))
        if _NOBODY_KNOWS.search(reader.low, start, end):
            continue
        cased = reader.cased[start:end] if reader.cased is not None else ""
        if _POINTER.search(reader.low, start, end) or _PROPER_NAME.search(cased) or _TITLED_FIRST.search(cased):
            yield Reason.IDENTITY
            return


# What points at a person: a unit or house number, a shop they keep, the floor they live on.
_POINTER = Gated(
    r"\b(?:apt|apartment|unit|depto|departamento|cuarto|room|#) ?\d+\w?\b|\b(?:la|el|los|las) del (?:\d+\w?|\w+ piso)\b"
    r"|\bin (?:\d+\w?|apt \d+)\b|\b\d+ [a-z]+ (?:st|street|ave|avenue|rd|road|ln|lane|way|ct|dr|blvd)\b"
    r"|\b(?:calle|avenida|privada) \w+(?: \d+)?\b|\b(?:de|en) la (?:tienda|llanteria|panaderia|carniceria|esquina"
    r"|farmacia|lavanderia|tortilleria|fonda|estetica)\b|\bdel (?:taller|salon|mercado|restaurante)\b"
    r"|\b(?:from|at|owns|runs|manages) the (?:corner )?(?:store|shop|bodega|car wash|laundromat|restaurant|deli)\b"
    r"|\bthe (?:manager|owner|landlord|super|cashier)\b|\bel (?:dueno|encargado|gerente|casero)\b"
    r"|\b(?:upstairs|downstairs|next door|across the (?:street|hall)|de arriba|de abajo|de al lado|de enfrente)\b"
)
_NOBODY_KNOWS = Gated(
    r"\b(?:don'?t|do not|doesn'?t|never|no one|nobody|no) (?:\w+ )?(?:know|knows|sure)\b"
    r"|\bno (?:sabemos|se sabe|se) (?:quien|si)\b|\bnadie sabe\b|\bsomeone\b|\balguien\b"
)
_SOMEONE_CALLED = Gated(
    r"\b(?:someone|somebody|a neighbou?r|alguien|un vecino|una vecina) (?:\w+ ){0,3}?(?:called|reported|tipped off"
    r"|snitched on|turned (?:us|them|him|her) in|llamo a|le hablo a|les hablo a|les aviso|aviso a|denuncio"
    r"|nos denuncio)\b"
)
_IT_WAS = re.compile(r"\b(?:it was|that was|it's|fue|era)\b(?! (?:not|no|nobody|nadie|unknown|someone|alguien)\b) ")
_NAME_AHEAD = re.compile(r"[A-Z][a-z]{2,}\b")
_TITLED_FIRST = re.compile(
    r"(?:^|[\s,])(?:fue|it was|was|es|is) [A-Z][a-z]{2,}\b|\b[A-Z][a-z]{2,} (?:es|is|fue|was) (?:la|el|the one"
    r"|quien|who)\b"
)
_INFORMER_TITLES = frozenset(("sni", "inf", "sop", "chi"))
_INFORMER_TITLE_WORDS = ("snitch", "informant", "soplon", "chivat")
_PROPER_NAME = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b")
# "the neighbour who called ICE is Walt Brody", "it was Walt who reported them", "fue Irma quien los denuncio"
_INFORMER_IS = Gated(
    r"\b" + _INFORMER + r"(?: \w+){0,3}? (?:is|was|es|era|fue) (?!(?:a |an |the |un |una |el |la |gone|here|there"
    r"|not |no |ya |aqui|alli)\b)[a-z]+"
    r"|\b(?:it was|fue) (?!(?:the|a|an|el|la|los|las|un|una|ice|they|them|him|her|us|me|my|mi|su|uno|one|agents?"
    r"|agentes?|migra)\b)[a-z]+(?: [a-z]+)? (?:who|that|quien|el que|la que) "
    r"(?:(?:los|las|lo|la|nos|me|les|le|them|us) )?"
    r"(?:called|reported|snitched|told|tipped"
    r"|turned|ratted|gave|llamo|denuncio|aviso|hablo|nos echo|les dio)\b"
)


_INFORMER_ACT = Gated(
    r"\b(?:went|go|goes|ran|runs) to (?:the )?(?:cops|police|feds|ice|immigration|migra) (?:about|on)\b"
    r"|\bsold (?:us|them|him|her|\w+) out\b|\b(?:the )?(?:tip|tipoff|tip-off|call) came from\b"
    r"|\b(?:brought|sent|led|pointed|sicced) (?:the )?(?:ice|migra|agents|feds|cops|immigration)(?: \w+){0,2}?"
    r" (?:to|after|at|on)\b|\bgave (?:the feds|ice|them|the agents|immigration) (?:\w+ )?names\b"
    r"|\b(?:el|la) (?:pitazo|chisme|aviso|soplo|tip) (?:vino|salio) de\b"
    r"|\b(?:trajo|mando|llevo|echo) a la migra\b|\bnos (?:vendio|acuso|delato|entrego|echo de cabeza)\b"
    r"|\b(?:les|le) (?:dijo|dio|paso) (?:\w+ ){0,3}?(?:a los agentes|a la migra|a ice|a los federales|a inmigracion)\b"
    r"|\bla culpa es de\b|\b(?:les )?dio los nombres\b"
    r"|\blet (?:ice|the migra|la migra|the agents|immigration|the feds|them) in\b|\bthe caller (?:was|is)\b"
    r"|\b(?:is|es) (?:the|la) (?:reason|razon) (?:why |por la que |que )?(?:ice|la migra|immigration|the agents"
    r"|los agentes|the feds)\b|\b(?:who|que|person|persona|el que|la que) (?:got|hizo que) (?:\w+ ){0,6}?"
    r"(?:deported|deportaran|detained|arrested|detuvieran|picked up)\b"
    r"|\bfeeding (?:the feds|ice|immigration|them|the agents|la migra) (?:info|information|names|tips)\b"
    r"|\bles pasa(?:ba)? informacion a (?:los federales|la migra|ice|inmigracion|los agentes)\b"
    r"|\b(?:reporting|reports|reported|reportando|reporta|denunciando|denuncia) (?:\w+ ){0,2}?(?:people|gente"
    r"|neighbou?rs|vecinos|workers|trabajadores|us|a la gente) (?:to|a) (?:ice|immigration|inmigracion|la migra"
    r"|the feds|los federales)\b|\b(?:got|consiguio|sacaron|saco) (?:our|my|the|nuestra|mi|la|las) (?:address|names"
    r"|direccion|nombres) (?:from|de|por)\b|\bcalled it in\b|\bmade the call\b|\bhizo la llamada\b"
    r"|\b(?:points|pointed) out (?:who|which)\b|\bsenala(?:ba)? (?:a )?quien\b"
    r"|\b(?:told|tells) (?:immigration|ice|the feds|la migra) (?:that )?(?:the|we|they|he|she|our|my)\b"
    r"|\b(?:le )?dijo a (?:inmigracion|ice|la migra|los federales) que\b"
    r"|\b(?:tip|aviso|pitazo|llamada) (?:about|de|sobre) (?:\S+ ){0,8}?(?:came from|vino de)\b"
    r"|\b(?:fue|was|it was) (?:el|la|the) (?:\w+ ){1,2}?(?:el que|la que|quien|who) (?:los |las |nos |lo |la |me |les "
    r"|us |them )?(?:llamo|denuncio|aviso|called|reported|tipped)\b"
)


def _sentence_mentions(reader: _Reader, pos: int) -> set[_Kind]:
    start = max(reader.low.rfind(c, 0, pos) for c in ".!?;\n") + 1
    ends = [i for i in (reader.low.find(c, pos) for c in ".!?;\n") if i >= 0]
    end = min(ends) if ends else len(reader.low)
    return {m.kind for m in reader.mentions if start <= m.start and m.end <= end}


# Residence: where a person lives.
_RESIDENCE_CUES = tuple(
    Gated(p)
    for p in (
        r"\b(?:lives?|living|resides?|staying|stays|moved|sleeps) (?:right |just |now |still )?(?:at|on|in|near|by"
        r"|over|above|below|off|next to|across from|around|behind|with|a (?:block|few blocks|couple blocks)"
        r"|(?:\w+ )?doors? (?:from|down from)|down the (?:street|block) from|around the corner from)\b"
        r"(?! (?:fear|terror|the shadows|peace|the us|this country|the country|a country|an? \w+ country|hiding"
        r"|the sidewalk|the street"
        r"|the corner"
        r"|the line|the phone|the call|scene|site|alert|a safe distance|public property))",
        r"\b(?:home|house|residential|personal|private) address\b",
        r"\b(?:his|her|their|\w+'s) address\b",
        r"\b(?:his|her|their|\w+'s) (?:house|home|place|apartment|apt|condo|residence|trailer)(?: is|'s)"
        r"(?! (?:being|surrounded|full|where|now being))",
        r"\b(?:know|found out|find out|tell you|here's|here is|this is|that's|is) where (?P<subject>(?:\w+ ){1,3}?)"
        r"lives?\b",
        r"\b(?:vive|viven|vivia|vivian|reside|residen|se queda|se esta quedando|se mudo|duerme) (?:en|por|cerca|junto"
        r"|arriba|abajo|enfrente|frente|al lado|a un lado|con|a (?:dos|tres|unas?|pocas) (?:cuadras|casas))\b"
        # who keeps the children if a parent is taken: a family plan, not where anyone stays
        r"(?<!quien se queda con)(?<!quien se quedaria con)"
        r"(?! (?:mi|mis|los|las|el|la|nuestros|nuestras|sus?) (?:\w+ )?"
        r"(?:hij[oa]s?|nin[oa]s?|bebes?|chamac[oa]s?|muchach[oa]s?|chiquit[oa]s?)\b)",
        # the raid's own address: "domicilio del operativo", "redada en el domicilio de la calle Cipres 9"
        r"(?<!redada en )(?<!redada en el )(?<!operativo en )(?<!operativo en el )(?<!entraron al )\bdomicilio\b"
        r"(?! (?:del operativo|de la redada|de la detencion|del arresto|reportado|allanado|donde (?:fue|es|estan"
        r"|entraron|llegaron)|de la calle|en la calle)|:)",
        r"\bse mud(?:o|aron) (?:a|al) (?:\d+|la|el|los|las)\b|\brents? at (?:the )?\b|\b(?:his|her|their) residence\b",
        r"\b(?:sleep|sleeps|crashes|booked|is staying|are staying) (?:\w+ ){0,2}?(?:at|in) (?:the |a |his |her |room )?"
        r"(?:\w+ ){0,2}?(?:motel|hotel|inn|suites|lodge|room|girlfriend's|boyfriend's|place)\b",
        r"\b(?:se quedan|se queda|duermen|duerme|hospedad[oa]s?|se esta quedando|se estan quedando) (?:\w+ ){0,2}?"
        r"(?:en|con) (?:el |la |un |una |su )?(?:motel|hotel|cuarto|habitacion|casa|depa|departamento|\w+ suites)\b",
        r"\b(?:crash(?:es|ing)?|bunk(?:s|ed|ing)?|checked in(?:to)?|spends? the nights?|spent the night|(?:goes|drives"
        r"|heads|went) home to|parks (?:\w+ ){0,5}?and goes in|renta(?:n)? (?:un|el|la|una) (?:\w+ )?(?:cuarto|sotano"
        r"|depa|departamento|casa|apartamento|recamara|traila)|pasa(?:n)? la noche en|se hosped(?:a|an))\b",
        r"\brents? (?:a|an|the) (?:\w+ )?(?:place|room|apartment|house|basement|unit|trailer) (?:at|on|in|behind)\b"
        r"|\b(?:ahi|alli|aqui) (?:vive|viven|duerme|duermen|se queda|se quedan)\b"
        r"|\b(?:that'?s|thats|that is) where (?:he|she|they) (?:lives?|sleeps?|stays?)\b"
        r"|\b(?:has|tiene) (?:a|an|una|un) (?:trailer|traila|casa|depa|cabin|cabana) (?:\w+ )?(?:at|on|in|behind"
        r"|en|atras de|por)\b|\bpasa las noches en\b|\bspends? (?:his|her|their) nights at\b",
        r"\b(?:su|tu) direccion\b",
        r"\bdireccion (?:del|de la|de los|de ese|de esa|de el) (?:\w+ )?(?:" + _OFFICER + r"|" + _CIVILIAN + r")\b",
        r"\b(?:su|la) casa (?:(?:del|de la|de los|de ese|de esa|de el) \w+(?: \w+)? )?(?:esta|queda|es) (?:en|por|la"
        r"|el|cerca|junto|a un lado|frente)\b",
        r"\b(?:se|sabemos|sabe|averigue|averiguamos|este es|aqui es|es) donde (?:vive|viven)\b(?P<subject>)",
    )
)
_HOME_OF_PROTECTED = Gated(
    r"\b(?:" + _OFFICER + r"|snitch|informant)(?:'s|s') (?:\w+ )?(?:house|home|place|apartment|address|residence)\b"
    r"|\b(?:casa|domicilio|direccion|departamento) (?:del|de la|de los|de ese|de esa|de el) (?:\w+ )?"
    r"(?:" + _OFFICER + r"|soplon(?:a)?|chivat[oa])\b"
)
_OWN_PLACE = re.compile(r"\b(?:my|our|mi|nuestra|nuestro) (?:place|house|home|apartment|casa|depa|departamento)\b")
_NOT_AN_ADDRESS = re.compile(
    r" ?(?:(?:in|on|en) )?(?:the same|el mismo|la misma) (?:building|street|block|complex|edificio|calle|cuadra"
    r"|complejo|colonia)\b"
)
_FOLLOWING_SUBJECT = re.compile(r" (?:el|la|ese|esa|the|that) (?:\w+ )?(?:de (?:la|el) )?(\w+)")


def _reveals_home(reader: _Reader) -> Iterable[Reason]:
    spoken = reader.spoken  # what officers were reported to say is theirs, not a reporter's exposure
    if _HOME_OF_PROTECTED.search(spoken):
        yield Reason.PRIVATE_ADDRESS
        return
    for cue in _RESIDENCE_CUES:
        for m in cue.finditer(spoken):
            subject = m.groupdict().get("subject")
            if subject is not None:
                # "I know where the agent lives": the subject is inside the cue, not before it.
                if re.match(r"(?:i|we|yo|nosotros) ", subject):
                    continue
                own = _mentions(subject)
                owner = own[-1].kind if own else reader.owner(m.start() + 1)
            elif reader.first_person(m.start()):
                continue
            else:
                owner = reader.owner(m.start() + 1)
            if (
                _NOT_AN_ADDRESS.match(spoken, m.end())
                or _OWN_PLACE.search(m.group(0))
                or _OWN_PLACE.match(spoken, m.end() + (spoken[m.end() : m.end() + 1] == " "))
            ):
                # "staying at my place", "vive en el mismo edificio": the writer's own home, or no place at all
                continue
            # Spanish often puts the subject after the verb: "donde vive el agente", "vive ahí la señora".
            after = _FOLLOWING_SUBJECT.match(reader.low, m.end())
            if after and re.fullmatch(_OFFICER, after.group(1)):
                owner = _Kind.OFFICER
            if reader.exposes(owner):
                yield Reason.PRIVATE_ADDRESS
                return


# Family of a person.
_FAMILY_OF_PROTECTED = Gated(
    r"\b(?:" + _OFFICER + r"|snitch|informant)(?:'s|s') (?:\w+ )?" + _FAMILY + r"\b"
    r"|\b" + _FAMILY + r" (?:del|de la|de los|de las|de ese|de esa|de este|de esta|de aquel|de el) (?:\w+ )?"
    r"(?:" + _OFFICER + r"|soplon(?:a)?|chivat[oa])\b"
    r"|\b" + _OFFICER + r" (?:has|have|tiene|tienen) (?:\S+ ){0,2}?" + _FAMILY + r"\b"
)
_ENFORCED_ON = Gated(
    r"(?:took|detained|arrested|grabbed|picked up|handcuffed|cuffed|deported|dragged|pushed|taking|detaining"
    r"|arresting|deporting|take|quitar(?:le)?|llevaron a|llevan a|detuvieron a|arrestaron a|agarraron a|esposaron a"
    r"|deportaron a) $"
)
_POSSESSED_FAMILY = Gated(r"\b(?:his|her|their|su|sus) (?:\w+ )?" + _FAMILY + r"\b")
_FAMILY_LOCATED = Gated(
    r"\b(?:his|her|their|su|sus|(?:the|el|la) \w+'s|\w+'s) (?:\w+ ){0,2}?" + _FAMILY + r"(?: \S+){0,4}? "
    r"(?:goes to|go to|attends?|studies at|study at|works? at|works? in|plays? (?:\w+ )?at|is at school"
    r"|van a|va a|vive en|viven en|estudian? en|trabajan? en|asisten? a|juegan? en)\b"
)


# Curses that name a mother are nobody's mother: "chinguen a su madre", "hijos de su puta madre", "me vale madre".
_CURSE = re.compile(
    r"\b(?:(?:chinga\w*|chingu\w*|vayan?se a la|mienten|mentarles?|recordarles?|hij[oa]s? de) (?:a )?(?:tu|su|sus|la)"
    r" (?:puta |reputa )?madres?|(?:su|tu) (?:puta|reputa) madre|(?:me|nos|les?) vale(?:n)? madres?|valer madres?"
    r"|poca madre|a toda madre|ni madres?|en su madre|son of a bitch|motherf\w*|yo mama)\b"
)


def _reveals_family(reader: _Reader) -> Iterable[Reason]:
    spoken = reader.spoken
    if "madre" in spoken or "mother" in spoken or "mama" in spoken:
        spoken = _CURSE.sub(lambda m: " " * len(m.group(0)), spoken)
    if _FAMILY_OF_PROTECTED.search(spoken):
        yield Reason.FAMILY
        return
    for m in _POSSESSED_FAMILY.finditer(spoken):
        if _ENFORCED_ON.search(reader.low, max(0, m.start() - 30), m.start()):
            continue  # "they took her husband": the family member is the one taken, not the agents' family
        if reader.owner(m.start() + 1) in (_Kind.OFFICER, _Kind.INFORMER):
            yield Reason.FAMILY
            return
    for m in _FAMILY_LOCATED.finditer(spoken):
        if reader.first_person(m.start() + 1):
            continue
        if reader.exposes(reader.owner(m.start() + 1)):
            yield Reason.FAMILY
            return


# Phone numbers, e-mail, social media.
_PHONE = Gated(r"(?<![\w/.:,-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\) ?)?\d{2,4}(?:[ .-]\d{2,5}){1,4}(?![\w/:-]|[.,]\d)")
_TWO_DIGITS = re.compile(r"\d\d")
# Seven, ten or eleven digits run together are a phone number after a word for one.
_BARE_DIGITS = Gated(r"(?<![\w.,/-])(?:\d{7}|\d{10,11})(?![\w.,/-])")
_PHONE_WORD = re.compile(
    r"\b(?:numbers?|phone|cell|tel|whatsapp|texted|text|call|numero|celular|cel|telefono)\b\D{0,12}$"
)
# A government vehicle's plate is written like a phone number ("GSA 11-88203", "placa federal G26-4018"): it is
# documentation (docs/text-guard.md), unless a phone word stands between.
_AGENCY_PLATE_BEFORE = re.compile(
    r"\b(?:gsa|g-?plates?|govt|gov|government|u\.?s\.? government|federal(?:es)?|gobierno|us govt)\b"
    r"(?:(?!phone|cell|tel|numero de|whats|call|llam|text)[^.;]){0,14}$"
)
_SSN = re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])")
_ORGANISATION = re.compile(
    r"\b(?:hotline|line|linea|helpline|legal aid|lawyers?|attorneys?|abogad[oa]s?|organi[sz]ations?|organizacion"
    r"|office|oficina|clinic|clinica|consulate|consulado|aclu|rapid response|respuesta rapida|ayuda|know your rights"
    r"|derechos|church|iglesia|center|centro|network|red|defensores|coalition|coalicion|union|sindicato|24 ?h"
    r"|24 ?hours|24 horas|24/7)\b"
)
_PERSON_NEAR_NUMBER = re.compile(
    r"\b(?:his|her|their|my|mi|su|sus|me|him|\w+'s|cell|cel|celular|whatsapp|personal|private|privado|casa"
    r"|home|llamenme|marquenme|textme|escribanme|call me|text me)\b"
)
_EMAIL = Gated(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ORG_MAILBOX = re.compile(r"(?:info|contact|contacto|help|ayuda|hotline|intake|legal|office|oficina|hola|hello)@")
_HANDLE = Gated(r"(?<![\w@.])@[a-z0-9_][a-z0-9_.]{1,29}\b")
_SOCIAL = Gated(
    r"\b(?:facebook|fb|instagram|tiktok|twitter|x|snapchat|linkedin|threads|youtube)\.com/\S+"
    r"|\b(?:his|her|their|su|sus|\w+'s|el|la) (?:facebook|instagram|insta|ig|twitter|tiktok|snapchat|snap|linkedin"
    r"|profile|perfil|cuenta|account|handle|page|pagina) (?:is|es|:|del|de la|handle|name)\b"
    r"|\b(?:find|look|search|found|look up|busquen(?:lo|la)?|buscalo|encontre(?:lo)?)(?: \w+){0,2}? (?:on|in|en)"
    r" (?:facebook|fb|instagram|insta|tiktok|twitter|snapchat|linkedin|las redes|social media)\b"
)


_SPELLED_NUMBER = Gated(
    r"\b(?:(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|cero|uno|dos|tres|cuatro|cinco|seis|siete|ocho"
    r"|nueve)\b[ ,.-]*){7,}"
)


def _is_range(number: str) -> bool:
    """ "1200-1300" is a block of a street, not a phone number."""
    parts = re.split(r"[ .-]", number)
    if len(parts) != 2 or len(parts[0]) != len(parts[1]) or not all(p.isdigit() for p in parts):
        return False
    low, high = int(parts[0]), int(parts[1])
    return low < high <= low + 1000


def _contact_details(reader: _Reader) -> Iterable[Reason]:
    low = reader.low
    # Every phone number has two digits in a row: most texts skip the scan, which tries every position.
    digits_in_a_row = _TWO_DIGITS.search(low) is not None
    phones = _PHONE.finditer(low) if digits_in_a_row else iter(())
    numbers = [m for m in phones if not _SSN.fullmatch(m.group(0)) and not _is_range(m.group(0))]
    # An A-number's digits are refused as an identity number (`_personal_details`), not as a phone number.
    a_numbers = [a.span() for a in _A_NUMBER.finditer(low)] if numbers else []
    numbers = [m for m in numbers if not any(start <= m.start() < end for start, end in a_numbers)]
    numbers += list(_SPELLED_NUMBER.finditer(low))
    bare = _BARE_DIGITS.finditer(low) if digits_in_a_row else iter(())
    numbers += [m for m in bare if _PHONE_WORD.search(low, max(0, m.start() - 25), m.start())]
    for m in numbers:
        digits = sum(c.isdigit() for c in m.group(0)) or 7
        if not 7 <= digits <= 15:
            continue
        before = low[max(0, m.start() - 60) : m.start()]
        near = low[max(0, m.start() - 25) : m.start()] + " " + low[m.end() : m.end() + 12]
        if _ORGANISATION.search(before) and not _PERSON_NEAR_NUMBER.search(near):
            continue
        if _AGENCY_PLATE_BEFORE.search(low, max(0, m.start() - 30), m.start()):
            continue
        yield Reason.PRIVATE_PHONE
        break
    emails = list(_EMAIL.finditer(low))
    for m in emails:
        before = low[max(0, m.start() - 60) : m.start()]
        near = low[max(0, m.start() - 25) : m.start()]
        if (_ORG_MAILBOX.match(m.group(0)) or _ORGANISATION.search(before)) and not _PERSON_NEAR_NUMBER.search(near):
            continue
        yield Reason.PRIVATE_EMAIL
        break
    without_emails = _EMAIL.compiled.sub(" ", low) if emails else low
    if _SOCIAL.search(without_emails) or _HANDLE.search(without_emails):
        yield Reason.SOCIAL_MEDIA


# Licence plates: the plate of a vehicle used in the operation is documentation; a private car's is not.
_PRIVATE_CAR = Gated(
    r"\b(?:his|her|their|my neighbou?r's|(?:(?:the|that) )?\w+'s|su|sus)"
    r" (?:own |personal |private |wife's |husband's )?"
    r"(?:\w+ ){0,2}?(?:car|truck|pickup|ride|jeep|minivan|camry|civic|corolla|charger|ford|honda|chevy|troca|carro"
    r"|coche|auto|suv|mustang|jetta|sentra)\b"
    r"|\b(?:carro|coche|troca|camioneta|auto|van|jeep) (?:personal |particular |propi[oa] )?(?:del|de la|de su|de ese"
    r"|de esa) (?:\w+ )?(?:agentes?|oficial(?:es)?|policias?|alguacil(?:es)?|sargento|teniente|soplon(?:a)?"
    r"|chivat[oa]|espos[oa]|vecin[oa])\b"
    r"|\b(?:personal|private|own|off[- ]duty|fuera de servicio|particular)\b"
    r"|\b(?:drives?|driving|maneja|manejan) (?:home|a (?:su )?casa|an? \w+ \w+|un \w+|una \w+)"
    r"|\b(?:parked|parks|estacionad[oa]) (?:\w+ ){0,2}?(?:at|in front of|outside|en|afuera de|frente a) "
    r"(?:his|her|their|su) (?:house|home|place|casa)\b"
    r"|\b(?:snitch|informant|soplon|chivat)|\b(?:his|her|their) (?:licen[cs]e )?(?:plates?|tags?)\b"
)


_PLATE_WORD = Gated(
    r"\b(?:licen[cs]e(?: plates?)?|plates?|tags?|registration|reg|placas?|matricula|chapas?|numero de placas?)\b"
)
_PLATE_FILLER = re.compile(
    r"(?: (?:del|de la|de su|de el|of (?:the|his|her|their|that)|on (?:the|his|her|their|that)) \w+){0,2}"
    r"(?: ?(?:(?:number|numbers|no|num|is|was|were|are|read|reads|said|says|es|son|numero|de|del|decia|dice|eran"
    r"|era|the|la|las|los|el|on it)\b\.?|#|:|-))*"
)
_NOT_PLATE_LETTERS = r"(?!(?:en|de|el|la|los|las|on|in|at|and|y|the|por|con|del|st|rd|th|nd|am|pm|ave|no)\b)"
_PLATE_NUMBER = re.compile(
    r" ?(?:" + _NOT_PLATE_LETTERS + r"[a-z]{1,3}[ -]?\d{2,4}(?:[ -]?" + _NOT_PLATE_LETTERS + r"[a-z]{1,3})?"
    r"|\d{2,4}[ -]?" + _NOT_PLATE_LETTERS + r"[a-z]{2,3}|\d[a-z]{2,3}[ -]?\d{2,4}"
    r"|(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{5,8})"
    r"(?![\w-])"
)


def _plates(reader: _Reader) -> Iterable[Reason]:
    low = reader.low
    for m in _PLATE_WORD.finditer(low):
        filler = _PLATE_FILLER.match(low, m.end())
        at = filler.end() if filler else m.end()
        if _PLATE_NUMBER.match(low, at) and (
            _PRIVATE_CAR.search(low, max(0, m.start() - 90), m.end() + 60) or reader.owner(m.start()) is _Kind.INFORMER
        ):
            yield Reason.PLATE
            return


# Other personal details: birth dates, identity numbers, workplaces.
_BIRTH = Gated(
    r"\b(?:born (?:on )?(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|in (?:19|20)\d\d)|date of birth|dob"
    r"|d\.o\.b|birthday|birth date|birthdate|fecha de nacimiento|nacio (?:el|en (?:19|20)\d\d)|cumpleanos)"
)
_ID_NUMBER = Gated(
    r"\b(?:ssn|social security(?: number)?|seguro social|driver'?s licen[cs]e(?: number)?|licencia de manejo)"
    r"(?: \w+){0,2}? ?:? ?\d"
)
# An A-number (the detained person's alien registration number: "A# 219-006-442", "A-12-345-678") belongs in the
# case's sealed A-number field, never in free text; its digits are not a phone number.
_A_NUMBER = Gated(
    r"(?<![\w-])(?:a ?#|a-|a-? ?(?:number|no\.?|num\.?)|alien (?:registration )?(?:number|no\.?|#)"
    r"|numero (?:a|de extranjero|de registro de extranjero)) ?:? ?#? ?\d{2,3}[ .-]?\d{3}[ .-]?\d{3}(?![\w-])"
)
_WORKPLACE = Gated(
    r"\b(?:moonlights?|has a (?:second|side|other) job|(?:second|side|other) job|segundo trabajo) (?:as|at|in|en"
    r"|de|como)\b"
    r"|\b(?:works?|working|trabaja|trabajan|trabajaba) (?:part[- ]time |full[- ]time |nights |weekends |on weekends "
    r"|los fines de semana |de noche |de dia |medio tiempo )?(?:at|in|for|as|en|para|de|como)\b"
    # "trabaja en la mañana", "works in the evening": when, not where
    r"(?! (?:the |la |las |el )?(?:mornings?|evenings?|afternoons?|nights?|day(?:time)?|mananas?|tardes?|noches?"
    r"|dias?|turno|shifts?)\b)"
    r"(?! (?:ice|dhs|cbp|hsi|ero|immigration|inmigracion|la migra|the government|el gobierno|border patrol"
    r"|la patrulla|the feds|los federales))"
)


# A date of birth is given when a number or a month follows its cue; "we have his date of birth" (a family asking the
# detainee locator for help) gives none.
_BIRTH_VALUE = re.compile(
    r"[^.!?\n]{0,25}?(?:\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|ene|abr|ago|dic)[a-z]*\b)"
)


def _personal_details(reader: _Reader) -> Iterable[Reason]:
    low = reader.low
    for m in _BIRTH.finditer(low):
        if not m.group(0)[-1].isdigit() and not _BIRTH_VALUE.match(low, m.end()):
            continue
        if not reader.first_person(m.start()):
            yield Reason.PERSONAL_DETAILS
            return
    if _SSN.search(low) or _ID_NUMBER.search(low) or _A_NUMBER.search(low):
        yield Reason.PERSONAL_DETAILS
        return
    for m in _WORKPLACE.finditer(low):
        if reader.first_person(m.start()):
            continue
        if reader.exposes(reader.owner(m.start() + 1)):
            yield Reason.PERSONAL_DETAILS
            return


# Routines: where a person can be found, and when.
_ROUTINE = Gated(
    r"\b(?:every|each|todos los|todas las|cada) (?:day|morning|night|sunday|monday|week|weekday|dia|dias|manana|mananas"
    r"|noche|noches|domingo|domingos|lunes|semana)s?\b|\b(?:on )?(?:sundays|mondays|weekdays|weekends)\b|\bdiario\b"
    r"|\b(?:always|siempre) (?:at|a las|en)\b|\b(?:los|las) (?:lunes|domingos|sabados|martes|mananas)\b"
    r"|\b\d{1,2}(?::\d\d)? ?(?:am|pm)? sharp\b|\bentre semana\b"
    r"|\b(?:every|each|cada) (?:other )?(?:friday|thursday|tuesday|wednesday|saturday|weekend|viernes|jueves|martes"
    r"|miercoles|sabado|quince dias)\b|\bmost (?:days|nights|mornings)\b|\bcasi todos los dias\b"
    r"|\btodos los (?:martes|miercoles|jueves|viernes|sabados)\b|\blike clockwork\b|\bcomo (?:un )?reloj\b"
    r"|\bnever misses\b|\bnunca falta\b|\balways (?:stops|goes|eats|parks)"
    r"\b|\bsiempre se (?:para|va|estaciona)\b|\bsame route\b|\bmisma ruta\b"
)
_ROUTINE_PLACE = Gated(
    r"\b(?:gym|gimnasio|ymca|the y|pool|alberca|church|iglesia|misa|mass|pew|banca|coffee|cafe|jogs?|runs|corre|correr"
    r"|walks? (?:his|her) dog|perro|works? out|lifts|crossfit|bar|leaves the house|sale de su casa|sits|se sienta"
    r"|tacos|lottery|loteria|laundry|ropa|barber|peluqueria|haircut|bus|camion|cervezas|beers|lunch|breakfast"
    r"|desayuna|almuerza|walks|camina|drive-thru|drive thru|stops at|se para en|pasa por|nursing home|asilo"
    r"|route|ruta|beer|cerveza|lo encuentras|you'?ll find|you can find|catch him|hace el super|supermercado"
    r"|grocery|groceries|mandado|barberia|billar|pool hall|bowls|bowling|league|liga|choir|coro|swims|nada en|zumba"
    r"|aerobics|trotar|trota|basketball|baloncesto|basquet|cancha|futbol|soccer|pasea al perro|flea market|pulgas"
    r"|diner|drops (?:his|her|the) kids|deja a los ninos)\b"
)
# "he", "she", "él", "ella" as the subject: one person's habits, not a place's or a crowd's
_ONE_PERSON = re.compile(r"\b(?:he|she|he's|she's|hes|shes|him|el|ella|esta solit[oa]|anda)\b")


def _routine(reader: _Reader) -> Iterable[Reason]:
    for m in _ROUTINE.finditer(reader.low):
        window = reader.low[max(0, m.start() - 90) : m.end() + 60]
        if not _ROUTINE_PLACE.search(window):
            continue
        owner = reader.owner(m.start() + 1, within=120)
        if reader.first_person(m.start()):
            continue
        if owner in (_Kind.OFFICER, _Kind.INFORMER) or (
            owner is None and not reader.activity and _ONE_PERSON.search(window)
        ):
            yield Reason.PERSONAL_DETAILS
            return


# A private-life act (the gym, a pew, the school run, the dog, coffee on the way to work) with a time or a habit is a
# routine: where someone can be found, and when.
_PRIVATE_ACT = Gated(
    r"\b(?:walks? (?:his|her|the) dog|jogs|runs (?:the|on|along|by)|works? out|workout|hits the gym|treadmill|lifts"
    r"|picks? up (?:coffee|his|her|their|the kids?)|gets? (?:coffee|donuts|breakfast)"
    r"|(?:does|do|doing) (?:the )?(?:school )?drop[- ]?off|(?:is in|waits in|sits in) the (?:pick[- ]?up|car) line"
    r"|school run|pews?|ushers?|(?:goes|go) to (?:mass|church|service)|mass at|service at|leaves? (?:the house"
    r"|home)|swim practice|laundry|donut shop|before (?:his |her )?shift|before sunrise"
    r"|saca(?:r)? (?:a pasear )?al perro"
    r"|va al (?:gimnasio|gym)|va a la alberca|corre (?:por|todas|todos)|deja a su(?:s)? hij[oa]s?"
    r"|recoge a su(?:s)? hij[oa]s?"
    r"|se sienta en|banca|misa|sale de su casa|compra (?:su )?cafe|recoge su cafe|antes de su turno"
    r"|coach(?:es)? (?:at|the)|entrena (?:en|a|al))\b"
)
_HABIT_OR_TIME = Gated(
    r"\b(?:\d{1,2}(?::\d\d)? ?(?:am|pm|a\.m\.|p\.m\.)|noon|midnight|every|each|daily|always|usually|siempre"
    r"|diario|todos los|todas las|cada|most (?:days|nights|mornings)|mornings|sundays?|saturdays?|weekdays|weekends"
    r"|mon|tue|wed|thu|fri|lunes|martes|miercoles|jueves|viernes|sabados|domingos?|entre semana|a las \d|at \d"
    r"|around \d|about \d|like \d|como a las|(?:misa|mass|servicio|service) (?:de |at )?(?:las )?\d"
    r"|before (?:sunrise|shift|work)|antes de su turno|los fines(?: de semana)?|fines de semana)\b"
)


def _routine_acts(reader: _Reader) -> Iterable[Reason]:
    for m in _PRIVATE_ACT.finditer(reader.low):
        start = max(reader.low.rfind(c, 0, m.start()) for c in ".!?;\n") + 1
        ends = [i for i in (reader.low.find(c, m.end()) for c in ".!?;\n") if i >= 0]
        sentence = reader.low[start : min(ends) if ends else len(reader.low)]
        if not _HABIT_OR_TIME.search(sentence) or reader.first_person(m.start()):
            continue
        owner = reader.owner(m.start() + 1, within=120)
        if owner in _PROTECTED or (owner is None and not reader.activity):
            yield Reason.PERSONAL_DETAILS
            return


# An age given with a name or beside an officer or informer is private knowledge of that person.
_AGE = Gated(
    r"(?:\(\d{2}\)|\b\d{2} ?(?:years? old|yrs? old|y/?o|anos)\b|\bage \d{2}\b|\bde \d{2} anos\b"
    # a bare number is an age only where a description goes on: "jose, 34, from the taqueria", "about 45 and bald";
    # not "96 alerts received, 51 confirmed", "about 15 minutes"
    r"|(?:\b(?:about|like|around|unos)|,) [1-9]\d\b(?=$|[,;)]|\.(?!\d)| (?:from|de|del|who|que|q|and|y|with|con|lives"
    r"|vive|works|trabaja|years|anos|maybe|tops|or so|mas o menos|bald|calvo|white|black|latino|guero|moreno"
    r"|tall|alto|short|bajo|heavy|gordo|skinny|flaco)\b))"
)


_SOMEONE_OF_AGE = re.compile(r"\b(?:a|an|un|una) $")
_YOUNG_AFTER = re.compile(
    r" ?(?:kids?|boys?|girls?|child|teens?|teenagers?|students?|nin[oa]s?|chic[oa]s?|muchach[oa]s?|jovenes|joven"
    r"|adolescentes?|bebes?|baby|son|daughter|hij[oa])\b"
)


def _ages(reader: _Reader) -> Iterable[Reason]:
    for m in _AGE.finditer(reader.low):
        if reader.first_person(m.start()):
            continue
        if _SOMEONE_OF_AGE.search(reader.low, max(0, m.start() - 16), m.start()) or _YOUNG_AFTER.match(
            reader.low, m.end()
        ):
            continue  # "at a 15 yr old", "un joven de 19 anos", "a 16 yr old kid": someone the text does not name
        if reader.owner(m.start() + 1, nouns_only=True, within=80) in (_Kind.OFFICER, _Kind.INFORMER):
            yield Reason.PERSONAL_DETAILS
            return


_RULES = (
    _threats,
    _names_person,
    _routine,
    _routine_acts,
    _ages,
    _reveals_home,
    _reveals_family,
    _contact_details,
    _plates,
    _personal_details,
)
_ORDER = {reason: i for i, reason in enumerate(Reason)}


_MODEL_MIN_WORDS = 4
# A rule's refusal is overruled into review only for a text this long: the model reads a short one too thinly.
_OVERRULE_MIN_WORDS = 12
# An officer's or informer's home or lodging said in so many words ("the agent lives at 12 Oak St") leaves the rules
# no doubt to overrule (the overrule is for their readings of who a home belongs to): refused however long the text.
_SAID_HOME = Gated(
    r"\b(?:officer|agent|deputy|sheriff|trooper|cop|snitch|informant|informer|rat|agente|oficial|policia|soplon"
    r"|soplona|chivato|chivata)(?:'s)? (?:(?!said|says|told|dijo)\w+ ){0,2}?(?:lives|vive|stays|sleeps|duerme|rents"
    r"|renta|se queda|se esta quedando|is staying|esta viviendo|is living)\b"
)


def overrulable(low: str, words: int) -> bool:
    """Whether a rule's refusal of this text (`low` its folded reading, `words` long) may be overruled into review:
    what the guard does, and what the thresholds' cross-validation replays."""
    return words >= _OVERRULE_MIN_WORDS and not _SAID_HOME.search(low)

# Lawful pressure is accepted (docs/text-guard.md): when no rule refused and the model is only unsure, a text that
# takes the matter to a court, a lawyer, a hearing, a council or a consulate is accepted rather than held.
_LAWFUL_CHANNEL = Gated(
    r"\b(?:court|courtroom|courthouse|hearing|judge|lawyers?|attorneys?|legal (?:aid|team)|sue|lawsuit|complaint"
    r"|city council|council member|consulate|rapid response|know your rights|corte|audiencia|juez|abogad[oa]s?"
    r"|demanda(?:r|rlos)?|queja|concilio|consulado|respuesta rapida|conozca sus derechos|equipo legal)\b"
)


def _model_reading(reader: _Reader) -> str:
    """What the statistical layer reads: the misspelling-undone text with what others said blanked out. When the
    spelling pass changed words one for one, each word is the plain reading's, or the blanked one where the rules'
    reading blanked any of it (what others said is found once, on the text as written); otherwise the plain reading
    is read for speech again."""
    plain, low, spoken = reader.plain, reader.low, reader.spoken
    if plain == low:
        return spoken
    plain_words, low_words = plain.split(" "), low.split(" ")
    if len(plain_words) != len(low_words):
        return _without_officer_speech(_unquote(plain), _mentions(plain))
    # A word the spelling pass left as it was is the blanked reading's word: only the changed words are looked at.
    out: list[str] = []
    done = start = 0
    for written, respelt in zip(low_words, plain_words, strict=True):
        end = start + len(written)
        if written != respelt and spoken[start:end] == written:
            out += (spoken[done:start], respelt)
            done = end
        start = end + 1
    return "".join(out) + spoken[done:] if out else spoken


def model_reading(text: str) -> str:
    """`_model_reading` of a raw text: what training reads, so the model learns what it is later shown."""
    return _model_reading(_Reader(text))


def plain(text: str) -> str:
    """The guard's lower-cased reading of `text` with misspellings undone (see `vigil.safety.spelling`)."""
    return _Reader(text).plain


def fold_lower(text: str) -> str:
    """The text as the guard reads it: folded (see `_fold`) and lower-cased. The statistical layer reads this too."""
    return _fold(text).lower()


def _rule_reasons(reader: _Reader) -> tuple[Reason, ...]:
    found: set[Reason] = set()
    for rule in _RULES:
        found.update(rule(reader))
    return tuple(sorted(found, key=_ORDER.__getitem__))


def rule_reasons(text: str) -> tuple[Reason, ...]:
    """What the rules alone refuse `text` for (empty when none does): what training replays the guard with."""
    return _rule_reasons(_Reader(text)) if text and not text.isspace() else ()


def check(text: str, *, language: str | None = None) -> GuardResult:
    """Decide whether `text` may be stored, held for review or refused. `language` ("en", "es") is accepted for
    callers that know it; both languages' rules always run, because reports mix them.

    (1) The rules run first: each refusal they find has a precise reason. A text `overrulable` (of
    `_OVERRULE_MIN_WORDS` words or more, not saying outright where an officer or informer lives) that a rule refuses
    but that the statistical layer reads, as a whole, as clearly lawful (score below its
    `overrule_below`) is held for an operator instead, the rule's reasons named for them: the two layers disagree, so
    a person decides, and nobody else sees the text meanwhile. (2) If no rule refuses, the statistical layer scores
    the text: at or above its refusal threshold the text is refused with `Reason.READS_UNSAFE`; in the band below it,
    the text is accepted but held for an operator; under the band it is accepted."""
    if not text or text.isspace():
        return OK
    reader = _Reader(text)
    found = _rule_reasons(reader)
    words = len(reader.low.split())
    if found and not overrulable(reader.low, words):
        return GuardResult(ok=False, reasons=found)
    from vigil.safety import statistical  # numpy loads on the first text that reaches the model

    model = statistical.shipped()
    score = model.score(statistical.prepare(_model_reading(reader)))
    if found:
        if score < model.overrule_below:
            return GuardResult(ok=True, reasons=(), decision=Decision.REVIEW, score=score, overruled=found)
        return GuardResult(ok=False, reasons=found)
    # A fragment of three words or fewer (one field of a form: "by the river") carries too little for the model to
    # refuse it alone: it is held instead.
    if score >= model.refuse_at and words >= _MODEL_MIN_WORDS:
        return GuardResult(ok=False, reasons=(Reason.READS_UNSAFE,), decision=Decision.REFUSE, score=score)
    if score >= model.review_at and not _LAWFUL_CHANNEL.search(reader.low):
        return GuardResult(ok=True, reasons=(), decision=Decision.REVIEW, score=score)
    return GuardResult(ok=True, reasons=(), decision=Decision.ACCEPT, score=score)


def reasons_of(results: Sequence[GuardResult]) -> tuple[Reason, ...]:
    """All distinct reasons over several checked fields, in the usual order."""
    found = {reason for result in results for reason in result.reasons}
    return tuple(sorted(found, key=_ORDER.__getitem__))
