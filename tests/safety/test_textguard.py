"""Unit tests of the text guard: each reason in English and Spanish, the places of activity it must let through,
normalisation, and the shape of its answer."""

from __future__ import annotations

import dataclasses

import pytest
from django.utils import translation
from django.utils.functional import Promise
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.safety import statistical
from vigil.safety.textguard import OK, Decision, GuardResult, Reason, check, explain

REFUSED = [
    # (reason, language, text)
    (Reason.PRIVATE_ADDRESS, "en", "The agent in the green vest lives at 19 Larch Way"),
    (Reason.PRIVATE_ADDRESS, "en", "That deputy's house is the yellow one on Fern Street"),
    (Reason.PRIVATE_ADDRESS, "es", "El oficial de ICE vive en la calle Sauce 31"),
    (Reason.PRIVATE_ADDRESS, "es", "La casa del agente queda en la privada Encino 8"),
    (Reason.PRIVATE_PHONE, "en", "The officer's cell number is 555-0119"),
    (Reason.PRIVATE_PHONE, "en", "you can reach me at (555) 555-0150"),
    (Reason.PRIVATE_PHONE, "es", "El celular del agente es 555 0181"),
    (Reason.PRIVATE_PHONE, "es", "márquenme al 555-0165"),
    (Reason.PRIVATE_PHONE, "en", "his cell is five five five, zero one four four"),
    (Reason.PRIVATE_PHONE, "es", "su cel es cinco cinco cinco cero uno cuatro cuatro"),
    (Reason.PRIVATE_EMAIL, "en", "The deputy's personal email is rgaines@example.com"),
    (Reason.PRIVATE_EMAIL, "es", "El correo del oficial es oficial.ramos@example.net"),
    (Reason.PLATE, "en", "The officer's pickup has plate number KJH 4471"),
    (Reason.PLATE, "es", "La troca del agente trae placas RTX-5590"),
    (Reason.FAMILY, "en", "The agent's kids go to Maplewood Elementary"),
    (Reason.FAMILY, "es", "La esposa del oficial trabaja en la farmacia de la calle 9"),
    (Reason.IDENTITY, "en", "I know him from church, his name is Dale Whitcomb"),
    (Reason.IDENTITY, "en", "it was Walt who called them, the guy from the laundromat"),
    (Reason.IDENTITY, "es", "Lo conozco de la iglesia, se llama Rogelio Nava"),
    (Reason.IDENTITY, "es", "fue Irma quien los denuncio"),
    (Reason.IDENTITY, "en", "The neighbour who called ICE on us is named Walt Brody"),
    (Reason.IDENTITY, "es", "La soplona se llama Irma Lujan"),
    (Reason.SOCIAL_MEDIA, "en", "The agent's instagram is @deportdale"),
    (Reason.SOCIAL_MEDIA, "es", "Su perfil es facebook.com/rogelio.nava.9"),
    (Reason.PERSONAL_DETAILS, "en", "The officer was born on 9/30/1982"),
    (Reason.PERSONAL_DETAILS, "es", "El soplón trabaja en la panadería de la calle Olmo"),
    (Reason.THREAT, "en", "let's get him"),
    (Reason.THREAT, "en", "he'll pay"),
    (Reason.THREAT, "en", "We're going to burn that snitch's car"),
    (Reason.THREAT, "es", "vamos a quemar su casa"),
    (Reason.THREAT, "es", "Hay que golpearlo cuando salga"),
    (Reason.THREAT, "es", "Esos agentes me las van a pagar"),
    # what the first rules missed on an independent set (issue 9), each kind in both languages
    (Reason.THREAT, "en", "Save a life, kill an ICE"),
    (Reason.THREAT, "es", "salva una vida, mata a un migra"),
    (Reason.THREAT, "en", "bring rocks and throw them at the vans"),
    (Reason.THREAT, "en", "somebody should poison their coffee"),
    (Reason.THREAT, "en", "run the agents over when they cross"),
    (Reason.THREAT, "en", "bring bats, we meet them at the corner"),
    (Reason.THREAT, "es", "mátenlos a todos"),
    (Reason.THREAT, "es", "quémenlos en sus camionetas"),
    (Reason.THREAT, "en", "that agent won't make it home tonight"),
    (Reason.THREAT, "en", "accidents happen to people like him"),
    (Reason.THREAT, "en", "keep it up and see what happens to you"),
    (Reason.THREAT, "en", "tell him to sleep with one eye open"),
    (Reason.THREAT, "en", "we need to make them afraid to go home"),
    (Reason.THREAT, "es", "que duerma con un ojo abierto el soplón"),
    (Reason.THREAT, "es", "hay que hacer que les dé miedo volver a sus casas"),
    (Reason.PRIVATE_ADDRESS, "en", "the agents are staying at the Starlite Motel, room 214"),
    (Reason.PRIVATE_ADDRESS, "es", "los agentes se quedan en el motel Starlite, cuarto 214"),
    (Reason.PERSONAL_DETAILS, "en", "that deputy works out at the Iron Lodge gym every day at 5 am"),
    (Reason.PERSONAL_DETAILS, "es", "el agente va al gimnasio de la calle Sauce todos los días a las 5"),
    (Reason.PLATE, "en", "the snitch's car is a white Corolla, plate 4KJ 229"),
    (Reason.PLATE, "es", "el carro del soplón tiene placas 4KJ 229"),
    (Reason.IDENTITY, "en", "the neighbor who called ICE is Brian Kessler"),
    (Reason.IDENTITY, "es", "la que llamó a la migra es Irma Luján"),
]

PASSED = [
    ("en", "agents at the corner of Lake and 5th"),
    ("en", "ICE at 2100 Bloomington Ave right now"),
    ("en", "3 vans outside the Walmart on Lake St"),
    ("en", "they took my neighbour from his house at 123 Elm"),
    ("en", "3 vans, 6 agents, since 7:45, about 20 minutes"),
    ("en", "For a lawyer call the legal aid hotline 555-0100"),
    ("en", "Grey van with government plates, no markings"),
    ("en", "An officer with badge 3318 was giving orders"),
    ("en", "The agents threatened to arrest the people filming"),
    ("en", "We should get observers to the school on Penn right now"),
    ("es", "migra en la esquina de Lake y la 5ta"),
    ("es", "la migra está en la casa de mi vecino ahora mismo"),
    ("es", "ahora mismo hay 4 agentes en el 2100 de Bloomington"),
    ("es", "Se llevaron al señor de la tienda, su familia está afuera llorando"),
    ("es", "Para abogados llamen a la línea de ayuda 555-0111"),
    ("es", "Camioneta blanca sin placas y dos carros con placas de gobierno"),
    ("es", "Dijeron que van a volver mañana"),
    ("en", "Agents going door to door on the 3100-3200 block of Cedar"),
    ("es", "Entre el 1400-1500 de la calle Lake hay agentes"),
    ("en", "They detained a man, his name is Luis, his family is asking for a lawyer"),
    # the new policy: what anyone could see at the scene is documentation for the legal team
    ("en", "The officer's name is Dale Whitcomb, it was on his vest"),
    ("en", "Deputy Harlan shoved the woman"),
    ("es", "El agente se llama Rogelio Nava, lo dijo cuando la abogada le preguntó"),
    ("es", "La oficial Marta Quiroga dio las órdenes"),
    ("en", "the van they put him in had plate 4KJ 229"),
    ("es", "la camioneta del operativo tenía placas RTX-5590"),
    ("en", "the agent told her 'move or I'll break your arm'"),
    ("es", "el agente le dijo 'muévase o le rompo el brazo'"),
    ("en", "they will pay for this in court, we have it on video"),
    ("es", "esto lo van a pagar en la corte, tenemos todo grabado"),
    ("en", "fuck ICE, they took a dad in front of his kids"),
]


@pytest.mark.parametrize(("reason", "language", "text"), REFUSED)
def test_it_refuses_each_kind_of_exposure_and_threat_in_both_languages(
    reason: Reason, language: str, text: str
) -> None:
    result = check(text, language=language)
    assert not result.ok
    assert reason in result.reasons


@pytest.mark.parametrize(("language", "text"), PASSED)
def test_it_lets_places_of_activity_and_ordinary_report_details_through(language: str, text: str) -> None:
    assert check(text, language=language).decision is Decision.ACCEPT


def test_it_refuses_a_name_tied_to_a_home_for_the_home_and_the_informer_s_name_too() -> None:
    assert check("the agent's name is X and he lives at 12 Oak St").reasons == (Reason.PRIVATE_ADDRESS,)
    assert check("the snitch's name is Walt Brody and he lives at 12 Oak St").reasons == (
        Reason.IDENTITY,
        Reason.PRIVATE_ADDRESS,
    )


def test_it_lets_a_raid_at_a_home_through_but_not_the_home_of_whoever_called_ice() -> None:
    assert check("ICE took my neighbour this morning. He lives at 40 Elm Ct and his kids are alone").ok
    assert not check("My neighbour called ICE on us. He lives at 40 Elm Ct").ok


def test_it_keeps_the_plate_of_an_operation_vehicle_but_not_of_a_private_car() -> None:
    assert check("Unmarked Tahoe, government plates").ok
    assert check("Unmarked Tahoe used in the raid, plate GOV 2231").ok
    assert Reason.PLATE in check("His personal truck, plate GOV 2231, parked at his house").reasons


def test_it_keeps_badge_numbers_and_names_worn_on_duty() -> None:
    assert check("badge number 4410 on his vest").ok
    assert check("badge number 4410, his name tag said Porter").ok


def test_a_relative_taken_by_agents_is_not_taken_for_the_agents_family() -> None:
    assert check("Agents took her husband, she is alone with the baby").ok
    assert check("Se llevaron a su esposo, ella está sola").ok
    assert Reason.FAMILY in check("The agent in charge, his wife works at the clinic on 5th").reasons


def test_the_reporter_s_own_family_is_not_refused() -> None:
    assert check("My kids go to Lincoln Elementary and agents were at the gate this morning").ok
    assert check("Mis hijos van a la escuela Lincoln y había agentes en la puerta").ok


@pytest.mark.parametrize(
    "text",
    [
        "EL AGENTE VIVE EN LA CALLE SAUCE 31",  # shouting
        "El agente vive en la calle Sauce 31",  # accents or none: same
        "El agénte víve en la calle Sauce 31",
        "The snitch\u2019s name is Dale Whitcomb",  # typographic apostrophe
        "The agent li\u200bves at 19 Larch Way",  # zero-width space inside a word
        "The agent   lives\nat 19 Larch Way",  # odd spacing
        "\uff54he agent lives at 19 Larch Way",  # full-width letter, NFKC
    ],
)
def test_it_sees_through_case_accents_apostrophes_invisible_characters_and_spacing(text: str) -> None:
    assert not check(text).ok


def test_exposure_over_two_sentences_is_refused() -> None:
    assert not check("The agent in the grey vest was the one yelling. He lives at 19 Larch Way.").ok
    assert not check("El agente de la gorra fue el que gritó. Vive en la calle Sauce 31.").ok


def test_a_refusal_by_the_model_alone_gets_the_general_reason() -> None:
    result = GuardResult(ok=False, reasons=(Reason.READS_UNSAFE,), decision=Decision.REFUSE, score=0.9)
    with translation.override("en"):
        assert "reads like a threat" in str(result.message)


def test_the_review_band_keeps_the_text_but_holds_it_with_a_reason() -> None:
    held = GuardResult(ok=True, reasons=(), decision=Decision.REVIEW, score=0.5)
    assert held.ok and held.held and not held.reasons
    with translation.override("en"):
        assert "operator" in str(held.review_reason)
        assert str(held.message) == ""
    assert str(OK.review_reason) == "" and not OK.held
    with pytest.raises(ValueError, match="refused"):
        GuardResult(ok=True, reasons=(), decision=Decision.REFUSE)


def test_check_answers_with_one_of_three_decisions_and_the_model_score() -> None:
    decisions = {check(text).decision for _, text in PASSED} | {check(text).decision for _, _, text in REFUSED}
    assert decisions <= set(Decision)
    scored = check("3 vans outside the Walmart on Lake St")
    assert scored.score is not None and 0.0 <= scored.score <= 1.0
    assert (scored.decision is Decision.REVIEW) == (statistical.shipped().review_at <= scored.score)


def test_empty_text_passes() -> None:
    assert check("") == OK
    assert check("   \n ") == OK
    assert OK.decision is Decision.ACCEPT


def test_the_result_is_a_frozen_dataclass_with_consistent_fields() -> None:
    result = check("he'll pay")
    assert isinstance(result, GuardResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.ok = True  # type: ignore[misc]
    with pytest.raises(ValueError, match="reasons"):
        GuardResult(ok=False, reasons=())
    with pytest.raises(ValueError, match="reasons"):
        GuardResult(ok=True, reasons=(Reason.THREAT,))


def test_reasons_come_in_a_stable_order_without_repeats() -> None:
    result = check("His plate is ABC 1234 and his number is 555-0133, let's get him")
    assert result.reasons == tuple(sorted(set(result.reasons), key=list(Reason).index))
    assert {Reason.THREAT, Reason.PRIVATE_PHONE, Reason.PLATE} <= set(result.reasons)


def test_messages_are_lazy_and_say_why_and_that_the_text_was_kept() -> None:
    result = check("The snitch's name is Dale Whitcomb and he lives at 19 Larch Way")
    assert isinstance(result.message, Promise)
    for reason in Reason:
        assert isinstance(reason.message, Promise)
    with translation.override("en"):
        text = str(result.message)
    assert str(Reason.IDENTITY.message) in text
    assert str(Reason.PRIVATE_ADDRESS.message) in text
    assert "kept" in text
    assert str(OK.message) == ""


def test_every_reason_has_its_own_message() -> None:
    with translation.override("en"):
        messages = {str(reason.message) for reason in Reason}
    assert len(messages) == len(Reason)


def test_the_message_follows_the_language_active_when_it_is_shown() -> None:
    result = check("he'll pay")
    with translation.override("es"):
        spanish = str(result.message)
    with translation.override("en"):
        english = str(result.message)
    assert english.startswith("We can't accept this text")
    # Resolved at display time, from the catalogue: every reason has its Spanish there.
    assert spanish.startswith("No podemos aceptar este texto")
    for reason in Reason:
        with translation.override("en"):
            english_reason = str(reason.message)
        with translation.override("es"):
            assert str(reason.message) != english_reason, reason
    with translation.override("es"):
        assert "no está seguro" in str(GuardResult(ok=True, reasons=(), decision=Decision.REVIEW).review_reason)


def test_explain_says_each_reason_once_and_may_leave_out_that_the_text_was_kept() -> None:
    with translation.override("en"):
        once = str(explain([Reason.THREAT, Reason.THREAT, Reason.PRIVATE_ADDRESS], kept=False))
        assert once.count("threat against someone") == 1 and "kept" not in once
        assert once.index("threat") < once.index("lives")
        assert "kept" in str(explain([Reason.THREAT]))


# Second round (issue 9): kinds the first round missed, and their lawful opposites, in both languages.
SECOND_ROUND_REFUSED = [
    (Reason.THREAT, "en", "the deputy might not be so lucky next time he comes around here"),
    (Reason.THREAT, "en", "someone is gonna get that agent alone one of these days"),
    (Reason.THREAT, "en", "next time they come we jump them all at once"),
    (Reason.THREAT, "es", "a ese agente ya lo tenemos bien checado, nomas esperen"),
    (Reason.THREAT, "es", "vamos a echarles la troca encima a los de ICE"),
    (Reason.PERSONAL_DETAILS, "en", "the ICE guy walks his dog on Tamarack St at 9:40pm"),
    (Reason.PERSONAL_DETAILS, "en", "the deputy picks up his kid at Maplewood Elementary at 3:15 every day"),
    (Reason.PERSONAL_DETAILS, "es", "el agente va al gimnasio a las 5 de la manana antes de su turno"),
    (Reason.PERSONAL_DETAILS, "es", "el soplon recoge a sus hijos en la escuela Maplewood a las 3"),
    (Reason.PERSONAL_DETAILS, "en", "the agent moonlights as security at the Costco in Ridgeport"),
    (Reason.PERSONAL_DETAILS, "en", "the officer is kyle demarco, 38 years old"),
    (Reason.PERSONAL_DETAILS, "es", "el agente tiene unos 45 anos, se llama Rogelio"),
    (Reason.PRIVATE_ADDRESS, "en", "the ICE crew is bunked at the Pinecrest Inn, ask for room 108"),
    (Reason.PRIVATE_ADDRESS, "en", "the agent crashes at 36 Birchwood Ln most nights"),
    (Reason.PRIVATE_ADDRESS, "es", "el agente renta un cuarto en la calle Alamillo 3120"),
    (Reason.PRIVATE_ADDRESS, "es", "los agentes se hospedan en el motel Starlite, cuarto 214"),
    (Reason.IDENTITY, "en", "the neighbor who keeps calling on us is Marla Quist"),
    (Reason.IDENTITY, "en", "the lady in apt 3 is the one who tipped them off"),
    (Reason.IDENTITY, "en", "Brent Hollis 52 works for ICE hes my neighbor"),
    (Reason.IDENTITY, "es", "fue Irma la del 3 la que les dio el pitazo"),
    (Reason.IDENTITY, "es", "el agente es de mi colonia, lo conozco de la iglesia"),
    (Reason.IDENTITY, "mixed", "Alguien llamo a ICE. It was Colleen Vance, la del 903 Larch Way."),
    (Reason.IDENTITY, "en", "Someone called ICE on us. It was Walt, the guy upstairs."),
    (Reason.IDENTITY, "es", "Alguien nos denuncio. Fue Irma, la del 3."),
]
SECOND_ROUND_ACCEPTED = [
    ("es", "vamos a la corte el martes a apoyar a la familia"),
    ("es", "hay que ir a la audiencia de Rosa, es a las 9"),
    ("es", "esto no se queda asi, vamos a la corte"),
    ("en", "let's pack the courtroom and show the judge he has community"),
    ("en", "the agent yelled 'back up or i'll shoot' at the crowd"),
    ("es", "el agente le dijo 'te voy a romper la cara si no te callas'"),
    ("en", "Agents were at the elementary school on Penn Ave during drop-off at 7:50"),
    ("en", "A man was pushed to the ground by an officer at Cedar and 22nd about 10 min ago"),
    ("es", "la van de la migra tiene placas GOV 2231"),
    ("en", "the vest said HOLLIS on the back, badge 2231"),
    ("en", "going there now to record, staying on the sidewalk"),
    ("en", "someone called ICE on the building, we don't know who"),
    ("es", "no se quien los llamo pero ya estan tocando en la calle Sauce 19"),
]


@pytest.mark.parametrize(("reason", "language", "text"), SECOND_ROUND_REFUSED)
def test_the_second_round_rules_refuse_with_their_reason(reason: Reason, language: str, text: str) -> None:
    result = check(text, language=language)
    assert not result.ok and reason in result.reasons, (text, result)


@pytest.mark.parametrize(("language", "text"), SECOND_ROUND_ACCEPTED)
def test_the_lawful_opposites_are_accepted_and_not_held(language: str, text: str) -> None:
    result = check(text, language=language)
    assert result.decision is Decision.ACCEPT, (text, result)


def test_what_the_reporter_says_they_said_is_not_reported_speech() -> None:
    assert Reason.THREAT in check("i told them 'we will burn your cars tonight'").reasons
    assert check("the agent told him 'we will burn your car'").ok


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_it_never_fails_on_any_text_and_always_answers_the_same(text: str) -> None:
    first = check(text)
    assert first == check(text)
    assert first.ok == (not first.reasons)
    assert first.held == (first.decision is Decision.REVIEW)


# A rule's refusal of a long text the model reads as clearly lawful is held for an operator, the rule's reason named.
OVERRULED = [
    (
        Reason.PRIVATE_PHONE,
        "need a Spanish-speaking observer at the laundromat on Fifth and Birch, three agents in vests are questioning "
        "people at the door, please call me back at 555-0134, I am the one in the red jacket",
    ),
    (
        Reason.PRIVATE_PHONE,
        "necesito un observador en la lavanderia de la Quinta y Birch, hay tres agentes con chalecos preguntando a la "
        "gente en la puerta, llamenme al 555-0134 por favor, soy la del chaleco rojo",
    ),
]


@pytest.mark.parametrize(("found", "text"), OVERRULED)
def test_a_rule_the_model_clearly_disagrees_with_holds_the_text_for_an_operator(found: Reason, text: str) -> None:
    result = check(text)
    assert result.ok and result.held and result.reasons == ()
    assert result.overruled == (found,)
    assert result.score is not None and result.score < statistical.shipped().overrule_below
    with translation.override("en"):
        assert "phone number" in str(result.review_reason) and "redact" in str(result.review_reason)
    with translation.override("es"):
        assert "número de teléfono" in str(result.review_reason)


def test_a_short_text_or_one_the_model_also_doubts_stays_refused() -> None:
    # Eleven words or fewer: the model reads too little to overrule the rule.
    assert check("his cell is 555-0145, call him").reasons == (Reason.PRIVATE_PHONE,)
    # Long, but the model reads it as an exposure too.
    long_exposure = (
        "the agent who was at the bakery this morning lives at 19 Larch Way, the blue house with the boat in the "
        "driveway, I saw him going in there with his kids last night"
    )
    assert not check(long_exposure).ok and Reason.PRIVATE_ADDRESS in check(long_exposure).reasons


def test_only_a_held_result_names_an_overruled_rule() -> None:
    with pytest.raises(ValueError, match="overruled"):
        GuardResult(ok=True, reasons=(), overruled=(Reason.THREAT,))
