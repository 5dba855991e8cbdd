"""The first text of the know-your-rights pages (English and Spanish), loaded by a data migration; coordinators edit
it afterwards on /rights/manage/. Written for Vigil in plain words from the facts in public know-your-rights
materials, which each page cites: the ACLU's "Know Your Rights: Immigrants' Rights", the Immigrant Legal Resource
Center's red cards, and the National Immigration Law Center's know-your-rights resources. General information, not
legal advice."""

from __future__ import annotations

SOURCES_EN = """
### Sources

- ACLU, [Know Your Rights: Immigrants' Rights](https://www.aclu.org/know-your-rights/immigrants-rights)
- Immigrant Legal Resource Center, [Red cards](https://www.ilrc.org/red-cards-tarjetas-rojas)
- National Immigration Law Center, [Know your rights resources](https://www.nilc.org/)
"""

SOURCES_ES = """
### Fuentes

- ACLU, [Conozca sus derechos: derechos de los inmigrantes](https://www.aclu.org/know-your-rights/immigrants-rights)
- Immigrant Legal Resource Center, [Tarjetas rojas](https://www.ilrc.org/red-cards-tarjetas-rojas)
- National Immigration Law Center, [Recursos sobre sus derechos](https://www.nilc.org/)
"""

PAGES: dict[str, dict[str, tuple[str, str]]] = {
    "door": {
        "en": (
            "If an agent comes to your door",
            """You do not have to open the door. Talk through the closed door.

- Ask who they are and why they came. Ask whether they are immigration agents.
- Ask them to pass a warrant under the door or hold it up to a window. Only a warrant **signed by a judge**, with
  your address on it, lets them come in without your permission. A form signed by an immigration officer (an
  "administrative warrant") does not.
- If they come in anyway, do not fight or block them. Say clearly: "I do not consent to this search."
- You have the right to stay silent. You may say "I want to remain silent" and "I want to speak to a lawyer".
- Do not lie and never show false papers. Do not sign anything you do not understand or before a lawyer reads it.
- Afterwards, write down what happened and call the hotline.
"""
            + SOURCES_EN,
        ),
        "es": (
            "Si un agente llega a su puerta",
            """No tiene que abrir la puerta. Hable a través de la puerta cerrada.

- Pregunte quiénes son y por qué vinieron. Pregunte si son agentes de inmigración.
- Pídales que pasen una orden por debajo de la puerta o que la muestren por una ventana. Solo una orden
  **firmada por un juez**, con la dirección correcta, les permite entrar sin su permiso. Un formulario firmado por un
  oficial de inmigración (una "orden administrativa") no lo permite.
- Si entran de todos modos, no se resista ni les bloquee el paso. Diga claramente: "No doy mi consentimiento
  para este registro".
- Tiene derecho a guardar silencio. Puede decir "Quiero guardar silencio" y "Quiero hablar con un abogado".
- No mienta y nunca muestre documentos falsos. No firme nada que no entienda o antes de que lo lea un abogado.
- Después, anote lo que pasó y llame a la línea de ayuda.
"""
            + SOURCES_ES,
        ),
    },
    "street": {
        "en": (
            "If you are stopped in the street",
            """Stay calm. Do not run, argue or resist, even if you think the stop is unfair.

- Ask: "Am I free to go?" If the answer is yes, walk away calmly.
- You have the right to stay silent. You do not have to say where you were born, your immigration status or how
  you entered the country. In some states you must give your name if an officer asks during a lawful stop.
- You may refuse a search of yourself or your things. An officer may still pat down your clothing if they
  suspect a weapon; do not resist.
- If you are over 18 and have valid immigration papers, carry them. Never carry or show false papers.
- If you are arrested, say you want to remain silent and want a lawyer.
"""
            + SOURCES_EN,
        ),
        "es": (
            "Si lo paran en la calle",
            """Mantenga la calma. No corra, no discuta ni se resista, aunque crea que la parada es injusta.

- Pregunte: "¿Me puedo ir?". Si la respuesta es sí, váyase con calma.
- Tiene derecho a guardar silencio. No tiene que decir dónde nació, su estatus migratorio ni cómo entró al país.
  En algunos estados debe dar su nombre si un agente se lo pide durante una parada legal.
- Puede negarse a que lo registren a usted o sus cosas. Un agente puede palpar su ropa si sospecha que lleva un
  arma; no se resista.
- Si tiene más de 18 años y documentos migratorios válidos, llévelos consigo. Nunca lleve ni muestre documentos
  falsos.
- Si lo arrestan, diga que quiere guardar silencio y que quiere un abogado.
"""
            + SOURCES_ES,
        ),
    },
    "car": {
        "en": (
            "If you are stopped in a car",
            """Pull over somewhere safe, turn off the engine, turn on the inside light and keep your hands on the wheel.

- The driver must show a driver's licence, the registration and proof of insurance when asked.
- You may refuse a search of the car. Officers may search anyway if they believe it holds evidence of a crime;
  do not resist, and say "I do not consent to this search."
- Passengers may ask whether they are free to go, and may stay silent.
- Nobody in the car has to answer questions about where they were born or their immigration status.
"""
            + SOURCES_EN,
        ),
        "es": (
            "Si lo paran en un carro",
            """Oríllese en un lugar seguro, apague el motor, encienda la luz interior y mantenga las manos en el
volante.

- El conductor debe mostrar la licencia de manejo, el registro y el comprobante de seguro si se lo piden.
- Puede negarse a que registren el carro. Los agentes pueden registrarlo de todos modos si creen que hay
  pruebas de un delito; no se resista y diga "No doy mi consentimiento para este registro".
- Los pasajeros pueden preguntar si se pueden ir, y pueden guardar silencio.
- Nadie en el carro tiene que contestar preguntas sobre dónde nació o su estatus migratorio.
"""
            + SOURCES_ES,
        ),
    },
    "work": {
        "en": (
            "If agents come to your work",
            """Stay calm and do not run: running can be used as a reason to hold you.

- Agents need a warrant signed by a judge, or the employer's permission, to enter the private areas of a
  workplace.
- You have the right to stay silent. You do not have to answer questions about your immigration status or where
  you were born, and you may say you want to speak to a lawyer.
- Do not show false papers and do not sign anything before a lawyer reads it.
- Your rights at work — to be paid, to a safe workplace, to organise — do not depend on your immigration status.
"""
            + SOURCES_EN,
        ),
        "es": (
            "Si llegan agentes a su trabajo",
            """Mantenga la calma y no corra: correr puede usarse como razón para detenerlo.

- Los agentes necesitan una orden firmada por un juez, o el permiso del empleador, para entrar a las áreas
  privadas de un lugar de trabajo.
- Tiene derecho a guardar silencio. No tiene que contestar preguntas sobre su estatus migratorio o dónde nació,
  y puede decir que quiere hablar con un abogado.
- No muestre documentos falsos y no firme nada antes de que lo lea un abogado.
- Sus derechos en el trabajo — a que le paguen, a un lugar seguro, a organizarse — no dependen de su estatus
  migratorio.
"""
            + SOURCES_ES,
        ),
    },
    "detained": {
        "en": (
            "If someone is detained",
            """If you are detained: stay calm, say you want to remain silent and want a lawyer.

- Do not sign anything, above all papers that give up your right to a hearing, before you speak to a lawyer.
- You may contact your country's consulate.
- Learn your A-number (on immigration papers) by heart if you have one, and one phone number of someone you trust.

If someone you know is detained:

- Call the hotline. The network has attorneys on call and can help find the person.
- Families can search ICE's [online detainee locator](https://locator.ice.gov/) with the person's A-number, or
  their name and country of birth.
- Make a plan before anything happens: who cares for the children, where copies of important papers are kept, who
  to call.
"""
            + SOURCES_EN,
        ),
        "es": (
            "Si detienen a alguien",
            """Si lo detienen: mantenga la calma, diga que quiere guardar silencio y que quiere un abogado.

- No firme nada, sobre todo papeles en los que renuncia a su derecho a una audiencia, antes de hablar con un
  abogado.
- Puede comunicarse con el consulado de su país.
- Apréndase de memoria su número A (en sus papeles de inmigración) si lo tiene, y el teléfono de alguien de
  confianza.

Si detienen a alguien que usted conoce:

- Llame a la línea de ayuda. La red tiene abogados de guardia y puede ayudar a encontrar a la persona.
- Las familias pueden buscar en el [localizador de detenidos de ICE](https://locator.ice.gov/) con el número A de
  la persona, o con su nombre y país de nacimiento.
- Haga un plan antes de que pase algo: quién cuida a los niños, dónde guarda copias de papeles importantes, a quién
  llamar.
"""
            + SOURCES_ES,
        ),
    },
    "card": {
        "en": (
            "Know your rights",
            """Show this card through the door or window.

- I will use my right to remain silent (Fifth Amendment). I will not answer questions or sign anything.
- I do not consent to you entering my home, or searching me or my things (Fourth Amendment), unless you show me
  a warrant signed by a judge. Please pass it under the door.
- I want to speak to a lawyer.
""",
        ),
        "es": (
            "Conozca sus derechos",
            """Muestre esta tarjeta por la puerta o la ventana.

- Voy a usar mi derecho a guardar silencio (Quinta Enmienda). No voy a contestar preguntas ni a firmar nada.
- No doy mi consentimiento para que entre a mi casa ni para que me registre a mí o a mis cosas (Cuarta
  Enmienda), a menos que me muestre una orden firmada por un juez. Pásela por debajo de la puerta.
- Quiero hablar con un abogado.
""",
        ),
    },
}
