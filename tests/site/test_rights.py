"""Know-your-rights: pages per language from the database, edited by coordinators with a preview and a history,
sanitised whatever is typed; a wallet card and a poster as PDF per language; a third language added by a test."""

from __future__ import annotations

import subprocess
import tempfile

import lxml.html
import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import translation

from tests.world import World
from vigil.public import services
from vigil.public.models import RightsPage, RightsVersion
from vigil.public.topics import PAGES

ATTACKS = (
    "## Heading\n\n<script>alert('x')</script>\n\n"
    '<img src=x onerror="alert(1)">\n\n'
    "[click me](javascript:alert(2))\n\n"
    "[ok](https://www.aclu.org/know-your-rights/immigrants-rights)\n\n"
    '<a href="https://evil.example" onclick="steal()">raw link</a>\n'
)


def assert_harmless(html: str) -> None:
    """No element that runs script, no event-handler attribute, no script URL: typed markup is only text."""
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in tree.iter():
        assert element.tag not in ("script", "img", "iframe", "object", "style"), element.tag
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), name
            assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:")), value


def pdf_text(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(content)
        pdf.flush()
        return subprocess.run(["pdftotext", pdf.name, "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("topic", PAGES)
def test_every_topic_is_published_in_english_and_spanish_with_its_sources(world: World, topic: str) -> None:
    english = Client().get(f"/rights/{topic}/?lang=en").content.decode()
    spanish = Client().get(f"/rights/{topic}/?lang=es").content.decode()
    assert "aclu.org" in english and "ilrc.org" in english and "nilc.org" in english
    assert "Sources" in english and "Fuentes" in spanish
    assert RightsPage.objects.get(topic=topic, language="es").title in spanish


def test_the_index_lists_the_topics_and_an_unknown_topic_is_404(world: World) -> None:
    page = Client().get("/rights/").content.decode()
    for topic in PAGES:
        assert f'href="/rights/{topic}/"' in page
    assert Client().get("/rights/nothing/").status_code == 404
    assert Client().get("/rights/card/").status_code == 404  # the card's text is printed, not a page


def test_alice_previews_then_saves_and_the_history_keeps_both_versions(world: World) -> None:
    alice = world.client_for(world.alice)
    url = "/rights/manage/door/en/"
    assert alice.get(url).status_code == 200
    preview = alice.post(url, {"title": "At the door", "body": "Keep the door **closed**.", "preview": "1"})
    assert preview.status_code == 200
    assert "<strong>closed</strong>" in preview.content.decode()
    assert RightsPage.objects.get(topic="door", language="en").version == 1  # a preview saves nothing
    saved = alice.post(url, {"title": "At the door", "body": "Keep the door **closed**.", "save": "1"})
    assert saved.status_code == 302
    page = RightsPage.objects.get(topic="door", language="en")
    assert (page.version, page.title, page.updated_by) == (2, "At the door", world.alice)
    assert list(RightsVersion.objects.filter(page=page).values_list("number", flat=True)) == [2, 1]
    assert "<strong>closed</strong>" in Client().get("/rights/door/").content.decode()
    history = alice.get(url).content.decode()
    assert "Version 2" in history and "Version 1" in history


@pytest.mark.parametrize("who", ["bob", "carol", "mallory", "nobody"])
def test_only_coordinators_edit(world: World, who: str) -> None:
    client = world.client_for(getattr(world, who))
    assert client.get("/rights/manage/").status_code == 404
    assert client.post("/rights/manage/door/en/", {"title": "x", "body": "y", "save": "1"}).status_code == 404
    assert RightsPage.objects.get(topic="door", language="en").version == 1


def test_script_injection_is_stored_as_typed_and_rendered_harmless(world: World) -> None:
    alice = world.client_for(world.alice)
    alice.post("/rights/manage/street/en/", {"title": "Street <script>x</script>", "body": ATTACKS, "save": "1"})
    page = RightsPage.objects.get(topic="street", language="en")
    assert page.body == ATTACKS.strip()  # the history keeps what was typed
    html = page.body_html
    assert_harmless(html)
    assert (
        '<a href="https://www.aclu.org/know-your-rights/immigrants-rights" rel="noopener noreferrer nofollow">' in html
    )
    public = Client().get("/rights/street/").content.decode()
    assert "<script>alert" not in public and "&lt;script&gt;x&lt;/script&gt;" in public
    preview = alice.post("/rights/manage/street/en/", {"title": "t", "body": ATTACKS, "preview": "1"}).content.decode()
    assert_harmless(preview.split('id="preview">', 1)[1].split("</section>", 1)[0])


def test_a_rights_page_that_exposes_someone_is_refused(world: World) -> None:
    response = world.client_for(world.alice).post(
        "/rights/manage/door/en/",
        {"title": "Door", "body": "Agent John Doe lives at 12 Oak St with his wife and kids.", "save": "1"},
    )
    assert response.status_code == 400
    assert RightsPage.objects.get(topic="door", language="en").version == 1


@pytest.mark.parametrize(("lang", "expected"), [("en", "remain silent"), ("es", "guardar silencio")])
@override_settings(VIGIL_HOTLINE_NUMBERS=["612-555-0100"])
def test_the_wallet_card_prints_in_each_language(world: World, lang: str, expected: str) -> None:
    response = Client().get(f"/rights/card.pdf?lang={lang}")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert expected in " ".join(text.split())
    assert "612-555-0100" in text


@pytest.mark.parametrize(("lang", "expected"), [("en", "Know your rights"), ("es", "Conozca sus derechos")])
def test_the_poster_prints_with_a_qr_code_to_the_site(world: World, lang: str, expected: str) -> None:
    text = pdf_text(Client().get(f"/rights/poster.pdf?lang={lang}").content)
    assert expected in text
    assert f"{settings.SITE_URL}/rights/?lang={lang}" in "".join(text.split())


def test_the_poster_qr_code_encodes_the_site_address() -> None:
    from vigil.site.printing import site_qr_data_uri

    uri = site_qr_data_uri("http://127.0.0.1:8000/rights/?lang=es")
    assert uri.startswith("data:image/svg+xml;base64,")


THIRD = [*settings.LANGUAGES, ("fr", "French")]


@override_settings(LANGUAGES=THIRD)
def test_a_third_language_is_added_by_writing_its_pages(world: World) -> None:
    """docs/public.md, "Adding a language": list it in LANGUAGES, write its pages, translate the catalogue."""
    client = Client()
    # Before anything is written in French, pages fall back to English and say so.
    before = client.get("/rights/door/?lang=fr").content.decode()
    assert '<html lang="fr">' in before and 'lang="en"' in before
    alice = world.client_for(world.alice)
    assert "French" in alice.get("/rights/manage/").content.decode()
    for topic in ("door", "card"):
        with translation.override("fr"):
            response = alice.post(
                f"/rights/manage/{topic}/fr/",
                {
                    "title": "Si un agent frappe à votre porte",
                    "body": "Vous avez le droit de garder le silence.",
                    "save": "1",
                },
            )
        assert response.status_code == 302
    after = Client().get("/rights/door/?lang=fr").content.decode()
    assert "Vous avez le droit de garder le silence." in after
    assert "garder le silence" in pdf_text(Client().get("/rights/card.pdf?lang=fr").content)
    assert Client().get("/rights/?lang=fr")["Content-Language"] == "fr"


def test_saving_in_a_language_the_site_does_not_speak_is_refused(world: World) -> None:
    from vigil.lib.errors import VigilError

    with pytest.raises(VigilError):
        services.save_rights_page(topic="door", language="xx", title="t", body="b", actor=world.alice)
    assert world.client_for(world.alice).get("/rights/manage/door/xx/").status_code == 404


def test_with_no_page_in_the_database_the_shipped_text_is_shown(world: World) -> None:
    RightsPage.objects.all().delete()
    english = Client().get("/rights/door/?lang=en").content.decode()
    assert "You do not have to open the door." in english
    assert "No tiene que abrir la puerta." in Client().get("/rights/door/?lang=es").content.decode()
    assert "remain silent" in " ".join(pdf_text(Client().get("/rights/card.pdf?lang=en").content).split())
