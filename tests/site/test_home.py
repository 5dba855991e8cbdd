"""The public home: what to do, the hotline number(s), the report button, rights, rumours, volunteering; EN/ES."""

from __future__ import annotations

from django.test import Client, override_settings

from tests.world import World


@override_settings(VIGIL_HOTLINE_NUMBERS=["612-555-0100", "612 555 0199"])
def test_the_home_has_everything_a_neighbour_needs(world: World) -> None:
    page = Client().get("/").content.decode()
    assert 'href="/report"' in page
    assert 'href="tel:6125550100"' in page and "Call 612-555-0100" in page
    assert 'href="tel:6125550199"' in page
    assert "What to do if you see enforcement" in page
    assert 'href="/rights/door/"' in page
    assert 'href="/rumours/"' in page
    assert 'href="/volunteer/"' in page


def test_without_a_hotline_number_it_says_to_use_the_form(world: World) -> None:
    assert "use the report form" in Client().get("/").content.decode()


def test_lang_es_gives_the_page_in_spanish_and_remembers_it(world: World) -> None:
    client = Client()
    response = client.get("/?lang=es")
    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in response.content.decode()
    assert "¿Ve una operación de inmigración?" in response.content.decode()
    assert response.cookies["django_language"].value == "es"
    assert "¿Ve una operación de inmigración?" in client.get("/").content.decode()


def test_the_language_links_stay_on_the_same_page_and_carry_form_state(world: World) -> None:
    page = Client().get("/rights/").content.decode()
    assert '<a href="/rights/?lang=es" data-keep-form lang="es" hreflang="es">español</a>' in page


def test_a_public_page_holds_no_csrf_token_so_it_can_be_kept(world: World) -> None:
    response = Client().get("/")
    assert b"csrfmiddlewaretoken" not in response.content
    assert "csrftoken" not in response.cookies
    assert "max-age=30" in response["Cache-Control"]


def test_signed_in_people_get_their_own_page_not_the_kept_one(world: World) -> None:
    Client().get("/")
    page = world.client_for(world.bob).get("/").content.decode()
    assert "Sign out" in page


def test_the_report_form_keeps_its_post_language_switch_with_form_carrying(world: World) -> None:
    page = Client().get("/report").content.decode()
    assert 'class="inline lang" data-keep-form' in page
    assert "vigil/keep-form.js" in page
