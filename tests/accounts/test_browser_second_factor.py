"""Enrolling a passkey (Chromium's virtual authenticator, through CDP) and an authenticator app in a real browser,
signing in with each, and being kept from case pages before enrolling. Served on http://localhost (a secure context
for WebAuthn), relying-party id "localhost"."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.test import override_settings
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import browser, new_context, playwright  # noqa: F401 - fixtures
from tests.world import PASSWORD, World, make_user
from vigil.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:  # noqa: F811
    assert "localhost" in live_server.url
    context, watch = new_context(browser, live_server.url, phone=False, locale="en-US")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    with override_settings(MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN=True):
        yield page
    watch.assert_clean()
    context.close()


def _password(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def _sign_out(page: Page) -> None:
    page.locator("header form button[type=submit]", has_text="Sign out").click()
    page.wait_for_load_state()


def _reauthenticate_if_asked(page: Page) -> None:
    if "/accounts/reauthenticate/" in page.url:
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()


def _newcomer(world: World, name: str) -> None:
    make_user(name, world.north, Role.DISPATCHER)
    Authenticator.objects.filter(user__username=name).delete()


def test_a_volunteer_enrols_a_passkey_and_signs_in_with_it(page: Page, world: World) -> None:
    _newcomer(world, "nina")
    _password(page, "nina")
    # Before enrolling, every page of their work sends them to set up a second factor.
    page.goto("/console/")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/"))
    page.get_by_role("link", name=re.compile("Add a passkey")).click()
    page.wait_for_load_state()
    _reauthenticate_if_asked(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/webauthn/add/"))
    page.locator("#mfa_webauthn_add").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"), timeout=10_000)
    assert Authenticator.objects.filter(user__username="nina", type="webauthn").exists()
    page.goto("/console/")
    expect(page).to_have_url(re.compile(r"/console/$"))
    # Signing in again: password, then the passkey.
    _sign_out(page)
    _password(page, "nina")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("#mfa_webauthn_authenticate").click()
    expect(page).to_have_url(re.compile(r"/home/"), timeout=10_000)
    page.goto("/console/")
    expect(page).to_have_url(re.compile(r"/console/$"))


def test_a_volunteer_enrols_an_authenticator_app_and_signs_in_with_its_code(page: Page, world: World) -> None:
    _newcomer(world, "omar")
    _password(page, "omar")
    page.goto("/accounts/second-factor/")
    page.get_by_role("link", name=re.compile("authenticator app")).click()
    page.wait_for_load_state()
    _reauthenticate_if_asked(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    _sign_out(page)
    cache.clear()  # the enrolment's code may not be used again in its thirty seconds; a new one may
    _password(page, "omar")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("input[name=code]").fill(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/home/"))
    page.goto("/console/")
    expect(page).to_have_url(re.compile(r"/console/$"))
