"""Rules added for what rounds 16 and 17 of outside texts showed: chants and signs with other verbs and other words for
the agents, death as the way out ("in body bags", "feet first"), veiled threats with no violent verb, harm planned in
the Spanish present ("si se meten les disparo"); what a sign, a chant or a crowd says is the public's, not an
officer's. The texts here are new paraphrases, not the rounds' texts, and each refusal has a lawful look-alike."""

from __future__ import annotations

import pytest

from vigil.safety.textguard import Reason, check


@pytest.mark.parametrize(
    "text",
    [
        # chants, signs and captions
        "pintamos el muro: QUE TRUENEN LOS DE ICE",
        "new chant for saturday: lynch the feds, every last one",
        "sticker idea: send the migra home in body bags",
        "la migra se va en bolsa negra de este barrio",
        "ICE out of Maple Hollow, feet first",
        "poster says 'ICE agents must die' and I'm putting it up tomorrow",
        "Banner for the march reads 'shoot the border patrol'",
        "the sign at the rally said 'hang the cops of ICE', can you share it",
        "abolish ICE with a shotgun lol",
        "fuera la migra a balazos",
        "a bullet for each family they split, write that on the wall",
        "una bala por cada familia separada, ponlo en la manta",
        "ojalá que se voltee la troca de la migra en la curva",
        "the feds deserve to die slow",
        "ice agents gotta die",
        "kill 'em all",
        "feed the agents to the gators, that's the chant",
        # veiled threats
        "those agents won't be around here long if they keep knocking on doors, mark my words",
        "nobody would miss those agents if they vanished",
        "su familia que vaya rezando por él",
        "his family better start praying for him",
        "hope your kids like visiting the cemetery, agent",
        "cuídate las espaldas, oficial",
        "esta vez no se van a ir caminando del barrio",
        # plans of harm
        "si vuelven a tocar la puerta les disparo desde la ventana",
        "le meto dos balazos al primero que baje de la van",
        "mañana les aventamos la camioneta cuando salgan del estacionamiento",
        "embístanlas con el carro cuando crucen",
        "vamos con bates a la esquina de la lavandería",
        "pour gasoline on their van and light it",
        "let's jump those two agents by the store when they get out",
        "aim for their heads when they come out",
        "I'm swinging my bat at the first agent who touches my mom",
        "they deserve an ass whooping and I'm the one to give it",
        "merecen una madriza esos de la migra",
        "run those fuckers over if they block the road",
        # harm foretold for an officer or an informer
        "Case closed. That agent is going to get hurt, I promise you.",
        "the snitch on 4th is gonna get hurt real soon",
        "Cerrado. Ese agente va a salir lastimado, se lo prometo.",
        "esa chismosa va a terminar golpeada",
    ],
)
def test_chants_veiled_threats_and_plans_are_refused_as_threats(text: str) -> None:
    result = check(text)
    assert not result.ok, (text, result)
    assert Reason.THREAT in result.reasons, (text, result)


@pytest.mark.parametrize(
    "text",
    [
        "we filmed the agents with our phones from across the street",
        "shoot the agents on video from the sidewalk, don't get close",
        "hang the know your rights posters at the laundromat",
        "we will bury ICE in lawsuits and FOIA requests",
        "drag these agents into court, that's what the lawyers are for",
        "three people died in ICE detention this year and came back in body bags to their families",
        "ICE detainees will die without their insulin, call the field office now",
        "nadie merece morir así en un centro de detención",
        "no tienen que morir más personas en custodia, firma la carta",
        "ojalá que no choquen con esta lluvia, los observadores van en camino",
        "ojalá no se estrellen los voluntarios, la carretera está fea",
        "the agents won't be around long, they said they're leaving at 5",
        "documents tend to disappear in the detention system, keep copies",
        "people who get detained tend to disappear into the system for weeks",
        "nobody would miss the meeting tonight, it's important",
        "su familia está rezando por él, gracias por la vigilia",
        "no sabemos si le disparó al perro o al aire, el video no se ve bien",
        "la patrulla los embistió por detrás cuando huían, hay video",
        "they deserve a beating at the polls in november",
        "merecen una paliza electoral en noviembre",
        "run the numbers over again, I think there were 6 agents not 5",
        "ICE officers will be shot on camera by every observer on the block",
        "we hurt them where it hurts: the contract vote",
        "protesters chanted 'ICE out of Oakdale' for two hours, all peaceful",
        "the crowd chanted 'shame, shame' at the agents",
        "my son is scared he is going to get hurt in there",
        "The agent said someone is going to get hurt if we did not move back.",
        "el oficial dijo que alguien iba a salir lastimado",
        "mi hijo tiene miedo, dice que va a salir lastimado adentro",
    ],
)
def test_their_lawful_look_alikes_are_accepted(text: str) -> None:
    result = check(text)
    assert result.ok, (text, result)
    assert Reason.THREAT not in result.reasons, (text, result)


@pytest.mark.parametrize(
    "text",
    [
        "caller says agent told her 'we'll be back for the rest of you'",
        "caller says the agent shouted 'we know where your kids go to school' through the window",
        "el vecino dice que el agente le gritó 'te vamos a matar si corres'",
    ],
)
def test_an_officers_threat_relayed_by_a_caller_is_still_documentation(text: str) -> None:
    result = check(text)
    assert result.ok, (text, result)
    assert Reason.THREAT not in result.reasons, (text, result)


def test_a_quote_on_a_sign_is_the_publics_not_an_officers() -> None:
    assert check("the agent said 'hang every one of them', we filmed it").ok
    assert not check("the sign by the school says 'hang every ICE agent'").ok


# Round 18: people who oppose the network use its form against its own people and against neighbours.
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("that observer with the green vest jogs along the river trail at 6 every morning", Reason.PERSONAL_DETAILS),
        ("la observadora de lentes va al gimnasio de la 8 todos los días a las 5", Reason.PERSONAL_DETAILS),
        ("el voluntario que graba vive en la calle Olmo 233", Reason.PRIVATE_ADDRESS),
        ("volunteers = target practice", Reason.THREAT),
        ("LEGAL OBSERVER? LEGAL TARGET.", Reason.THREAT),
        ("next protester who stands in front of my truck, I'm not braking", Reason.THREAT),
        ("no voy a frenar si se me atraviesan los de los chalecos", Reason.THREAT),
        ("una golpiza al que anda grabando, el sábado", Reason.THREAT),
        ("I've got my rifle loaded for when those volunteers come knocking again", Reason.THREAT),
        ("tengo la pistola lista para cuando vuelvan los de la red", Reason.THREAT),
        ("that translator should watch himself walking home", Reason.THREAT),
        ("your observer won't always have a crowd around her", Reason.THREAT),
        ("bring pepper spray saturday, we empty it on the organizers", Reason.THREAT),
        ("let's jump that observer after the raid", Reason.THREAT),
        ("call his private number 5550143 all night, he deserves it", Reason.PRIVATE_PHONE),
    ],
)
def test_the_networks_people_are_protected_as_officers_are(text: str, reason: Reason) -> None:
    result = check(text)
    assert not result.ok, (text, result)
    assert reason in result.reasons, (text, result)


@pytest.mark.parametrize(
    "text",
    [
        "our observers will be at the church every Sunday morning at 9, sign up for a shift",
        "the observer logged the van, plate 4PZN-660, same one as last week",
        "Observer K. filmed from the sidewalk at 6:10, badge 2290 visible",
        "I brought my daughter to the observer training last night, she wants to be a legal observer like her mother",
        "the interpreter will meet the family at the courthouse at 8:30",
        "I'm not stopping until every family has a lawyer",
        "the agents sprayed pepper spray at the crowd, two protesters hurt, we have video",
        "the organizers asked volunteers to bring water and chairs",
        "call the hotline at 5550123 if you see agents",
        "the agent told the observer to step back and she did",
        "volunteers are targets of harassment online, be careful",
        "observers are easy targets for scammers, never share your code",
    ],
)
def test_the_networks_own_logistics_and_logs_are_accepted(text: str) -> None:
    result = check(text)
    assert result.ok and not result.held, (text, result)
