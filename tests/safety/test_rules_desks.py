"""Rules added for what the desks' round 23 and round 24 showed in their training parts: a command in the first person
plural ("quememos las vans"), what is coming to someone, a punishment to give ("un escarmiento"), a reckoning said to
be outside any court; an A-number in free text (an identity number, kept in the case's sealed field, not a phone
number); a time of day after "works" is not a workplace; a measure killed, strangled or burnt ("matar esa ley",
"strangle this funding line", "burn the 287(g) agreement") is lawful pressure. The texts are new paraphrases, not the
rounds' texts, and each refusal has a lawful look-alike."""

from __future__ import annotations

import pytest

from vigil.safety.textguard import Reason, check, rule_reasons


@pytest.mark.parametrize(
    "text",
    [
        "Matemos a esos dos agentes cuando salgan del juzgado.",
        "quememos la camioneta del operativo esta noche, nadie va a ver",
        "Apedreemos las vans de la migra en la esquina de la lavandería.",
        "Nota de cierre: deportado. Ese oficial va a recibir su merecido, ya verán.",
        "Closed, removed Tuesday. The DO will get what's coming to him, one way or another.",
        "that informer on Birch is gonna get what's coming to her",
        "Alguien tiene que darle un escarmiento al supervisor del operativo.",
        "Que le den un buen escarmiento a ese soplón.",
        "He'll pay for what he did to that family, and not in a courtroom.",
        "Esos agentes la van a pagar, pero no ante un juez.",
        "el que la hace la paga, y no en la corte",
    ],
)
def test_new_threats_are_refused(text: str) -> None:
    assert Reason.THREAT in check(text).reasons


@pytest.mark.parametrize(
    "text",
    [
        "Quememos las naves: todos a la junta del concilio el jueves.",
        "They will get what's coming to them in court, the judge has the video now.",
        "Ojalá el juez les dé un escarmiento a esos agentes en la audiencia de mañana.",
        "Van a recibir su merecido en la corte, la abogada tiene todo documentado.",
        "They'll pay for this, not in court but at the polls in November.",
        "The case is not in court yet; the family pays the bond first, then we file.",
        "Closing reason: released on bond, family paid at the window, not in court.",
    ],
)
def test_lawful_look_alikes_are_not_threats(text: str) -> None:
    assert Reason.THREAT not in rule_reasons(text)
    assert check(text).ok


@pytest.mark.parametrize(
    "text",
    [
        "A# 214-330-918, en el centro de procesamiento de Pinegate.",
        "Client's A-number 208 114 653, transferred last night.",
        "A-207-552-190 hearing moved to the 14th",
        "número de extranjero 20711465, sigue en Tolliver",
        "alien registration no. 219-441-006 per the family",
    ],
)
def test_an_a_number_is_an_identity_number_not_a_phone(text: str) -> None:
    result = check(text)
    assert result.reasons == (Reason.PERSONAL_DETAILS,)


@pytest.mark.parametrize(
    "text",
    [
        "Llamaron a 219 personas de la lista, contestaron 40.",
        "Call the legal aid hotline at 555-0142 for a lawyer.",
        "A van, plate GOV 2231, and a second one with no plate.",
    ],
)
def test_numbers_that_are_not_a_numbers(text: str) -> None:
    assert Reason.PERSONAL_DETAILS not in rule_reasons(text)


@pytest.mark.parametrize(
    "text",
    [
        "Esposa del cliente pide llamada después de las 3 porque trabaja en la mañana.",
        "His sister works in the evening, so call her before noon about the bond.",
        "La mamá trabaja de noche, prefiere mensajes de texto.",
    ],
)
def test_when_someone_works_is_not_a_workplace(text: str) -> None:
    assert Reason.PERSONAL_DETAILS not in rule_reasons(text)


@pytest.mark.parametrize(
    "text",
    [
        "La esposa del agente trabaja en la farmacia de la calle Olmo.",
        "the snitch works at the tire shop on Route 9, mornings",
    ],
)
def test_a_workplace_is_still_refused(text: str) -> None:
    assert not check(text).ok


@pytest.mark.parametrize(
    "text",
    [
        "Call your senator today: we have to strangle this funding line in committee.",
        "Tenemos que matar esa ley en el congreso antes de que se vote.",
        "burn the county's 287(g) agreement (at the vote, people) 🔥",
        "Let's torch their partnership with ICE at the next council meeting.",
        "Hay que matar el proyecto de ley de detención en el senado estatal.",
    ],
)
def test_a_measure_is_not_a_person(text: str) -> None:
    assert Reason.THREAT not in rule_reasons(text)


@pytest.mark.parametrize(
    "text",
    [
        "Let's strangle that agent when he walks out.",
        "burn the ICE van on Fifth tonight",
        "Vamos a matar al agente que se llevó a mi hermano.",
        "we should torch their office after dark",
    ],
)
def test_a_person_or_a_thing_still_is(text: str) -> None:
    assert Reason.THREAT in rule_reasons(text)


@pytest.mark.parametrize(
    "text",
    [
        "the agent lives at 12 Oak St, 3 agents at Lake St arresting people outside the laundromat",
        "Long day. Raid at the plant, 14 taken, legal has the list. Also the snitch stays at the Starlite, room 9.",
        "Redada en la obra, se llevaron a seis, la abogada tiene los nombres. El agente Ruiz vive en la calle Olmo 12.",
    ],
)
def test_an_officers_or_informers_home_said_outright_is_refused_not_held(text: str) -> None:
    result = check(text)
    assert not result.ok and Reason.PRIVATE_ADDRESS in result.reasons, result
