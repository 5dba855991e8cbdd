"""Second factors in a real browser: an attorney with no second factor signs in with her password and is refused her
case page (sent to enrol instead); she enrols a passkey (Chromium's virtual authenticator, through CDP) or an
authenticator app, signs out, signs in with it, and the case page opens. Every page is watched for console errors,
CSP violations and requests to other hosts.

WebAuthn needs a secure context: the live server answers on http://localhost (a browser's loopback exception), and
allauth is told to accept that origin as debug mode would (`MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import LazySettings
from playwright.sync_api import Browser, BrowserContext, CDPSession, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import Watch, new_context
from tests.cases.helpers import open_case
from tests.world import PASSWORD, World
from vigil.cases.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
PERSON = "Maria Garcia Lopez (fictional)"


@pytest.fixture
def desk(
    transactional_db: None, live_server: LiveServer, browser: Browser, settings: LazySettings
) -> Iterator[tuple[BrowserContext, Watch, Page]]:
    assert live_server.url.startswith("http://localhost:"), live_server.url
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    context, watch = new_context(browser, live_server.url, phone=False, locale="en-US")
    page = context.new_page()
    yield context, watch, page
    context.close()


@pytest.fixture
def case_without_factor(world: World) -> Case:
    """Erin's case; Erin herself has no second factor yet (the world enrols one for everybody: removed here)."""
    case = open_case(world, PERSON)
    Authenticator.objects.filter(user=world.erin).delete()
    return case


def _virtual_authenticator(page: Page) -> CDPSession:
    cdp = page.context.new_cdp_session(page)
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
    return cdp


def _password_sign_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("erin")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def _confirm_password_if_asked(page: Page) -> None:
    """Changing a second factor asks for the password again (re-authentication), as a person would type it."""
    if "/accounts/reauthenticate/" in page.url:
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()


def _refused_the_case(page: Page, case: Case) -> None:
    page.goto(f"/cases/{case.pk}/")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/\?next=%2Fcases%2F\d+%2F$"))
    assert PERSON not in page.content() and f"Case #{case.pk}" not in page.content()


def _opens_the_case(page: Page, case: Case) -> None:
    response = page.goto(f"/cases/{case.pk}/")
    assert response is not None and response.status == 200
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.locator("main")).to_contain_text(f"Case #{case.pk}")
    expect(page.locator("main")).to_contain_text("Conflict check")


def _sign_out(page: Page) -> None:
    page.goto("/home/")
    page.locator("form[action$='/logout/'] button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto("/home/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_an_attorney_enrols_a_passkey_and_signs_in_with_it(
    world: World, case_without_factor: Case, desk: tuple[BrowserContext, Watch, Page]
) -> None:
    _context, watch, page = desk
    case = case_without_factor
    _virtual_authenticator(page)

    # (1) A password alone: signed in, but only to enrol; the case page stays closed.
    _password_sign_in(page)
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/"))
    _refused_the_case(page, case)

    # (2) She adds a passkey that can sign her in by itself.
    page.get_by_role("link", name=re.compile("Add a passkey")).click()
    page.wait_for_load_state()
    _confirm_password_if_asked(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/webauthn/add/"))
    page.locator("input[name=name]").fill("Office laptop")
    page.locator("input[name=passwordless]").check()
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    keys = Authenticator.objects.filter(user=world.erin, type=Authenticator.Type.WEBAUTHN)
    assert keys.count() == 1
    _opens_the_case(page, case)  # enrolling proved she holds it

    # (3) Signed out, she signs in with the passkey alone: the session counts as verified.
    _sign_out(page)
    page.goto("/accounts/login/")
    page.locator("#passkey_login").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    _opens_the_case(page, case)

    # (4) A password alone still is not enough: it asks for the passkey before anything else.
    _sign_out(page)
    _password_sign_in(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    _refused_the_case_before_the_factor(page, case)
    watch.assert_clean()


def _refused_the_case_before_the_factor(page: Page, case: Case) -> None:
    """Mid sign-in (password given, factor not yet): the case page asks for sign-in, it does not open."""
    page.goto(f"/cases/{case.pk}/")
    assert f"/cases/{case.pk}/" not in page.url.split("?")[0]
    assert PERSON not in page.content() and f"Case #{case.pk}" not in page.content()


def _code(secret: str, *, ahead: int = 0) -> str:
    return str(format_hotp_value(hotp_value(secret, int(time.time()) // 30 + ahead)))


def test_an_attorney_enrols_an_authenticator_app_and_signs_in_with_it(
    world: World, case_without_factor: Case, desk: tuple[BrowserContext, Watch, Page]
) -> None:
    _context, watch, page = desk
    case = case_without_factor

    _password_sign_in(page)
    _refused_the_case(page, case)

    # She sets up an authenticator app: the page shows the secret, her app (here: the test) shows the code.
    page.goto("/accounts/second-factor/")
    page.get_by_role("link", name=re.compile("authenticator app")).click()
    page.wait_for_load_state()
    _confirm_password_if_asked(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    page.locator("input[name=code]").fill(_code(secret))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/totp/activate/" not in url)
    assert Authenticator.objects.filter(user=world.erin, type=Authenticator.Type.TOTP).exists()
    # The recovery codes are shown once, right after the first factor.
    assert Authenticator.objects.filter(user=world.erin, type=Authenticator.Type.RECOVERY_CODES).exists()
    _opens_the_case(page, case)

    # Signed out and in again: password, then a code from the app (the next period's: the current one was used).
    _sign_out(page)
    _password_sign_in(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    _refused_the_case_before_the_factor(page, case)
    page.goto("/accounts/2fa/authenticate/")
    page.locator("input[name=code]").fill(_code(secret, ahead=1))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)
    _opens_the_case(page, case)
    watch.assert_clean()
