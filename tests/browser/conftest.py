"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against a live test server.

Besides the `playwright`, `browser` and `artifacts` fixtures this module holds what every browser test watches for
(`Watch`: console errors, uncaught errors, CSP violations, requests to other hosts), signing in through the real
login form, and Spanish strings looked up through the project's own catalogue.

Test modules outside tests/browser import these fixtures by name. Each import registers its own session-scoped
fixture, so Playwright and Chromium are shared per process here: a second `sync_playwright()` started while the first
one runs fails ("Sync API inside the asyncio loop").
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page, Playwright, Request, Response
from playwright.sync_api import sync_playwright as start_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("VIGIL_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(
    os.environ.get("VIGIL_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "data" / "test-artifacts")
)
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}


class _Shared:
    """One Playwright driver and one Chromium per test process, however many modules import the fixtures."""

    driver: Playwright | None = None
    browser: Browser | None = None
    users = 0


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if _Shared.driver is None:
        if not shutil.which(CHROMIUM):
            pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
        _Shared.driver = start_playwright().start()
    _Shared.users += 1
    try:
        yield _Shared.driver
    finally:
        _Shared.users -= 1
        if _Shared.users == 0:
            if _Shared.browser is not None:
                _Shared.browser.close()
            driver, _Shared.driver, _Shared.browser = _Shared.driver, None, None
            driver.stop()


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Browser:
    if _Shared.browser is None:
        _Shared.browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
            ],
        )
    return _Shared.browser


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def spanish(message: str) -> str:
    """`message` as the Spanish pages show it (the msgid itself while the catalogue lacks it)."""
    with translation.override("es"):
        return translation.gettext(message)


# Runs before any script of every page (injected by the browser, so the page's CSP does not apply to it).
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  var t = e.target && e.target.tagName ? e.target : null;
  window.__vigilCspViolation(JSON.stringify({
    directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber,
    sample: e.sample, page: document.location.pathname,
    element: t ? (t.tagName.toLowerCase() + (t.id ? "#" + t.id : "") + (t.className ? "." + t.className : "")) : ""
  }));
}, true);
"""


@dataclass
class Watch:
    """Everything a page must not do, collected per browser context while a test drives it."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)
    requests: int = 0

    def attach(self, context: BrowserContext) -> BrowserContext:
        context.expose_function("__vigilCspViolation", self._csp_violation)
        context.add_init_script(_CSP_LISTENER)
        context.on("console", self._console)
        context.on("weberror", lambda e: self.page_errors.append(str(e.error)))
        context.on("request", self._request)
        context.on("response", self._response)
        return context

    def _csp_violation(self, report: str) -> None:
        self.csp_violations.append(report)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.page.url if message.page else "?"
            about = message.location.get("url", "")
            self.console_errors.append(f"{where}: {message.text}" + (f" [{about}]" if about and about != where else ""))

    def _request(self, request: Request) -> None:
        self.requests += 1
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign_requests.append(request.url)

    def _response(self, response: Response) -> None:
        # Kept to say which address a "Failed to load resource" console error was about; not a problem by itself
        # (a refused form post answers 400 on purpose).
        if response.status >= 400:
            self.failed_responses.append(f"{response.status} {response.request.method} {response.url}")

    def problems(self) -> dict[str, list[str]]:
        found = {
            "console errors": self.console_errors
            + [f"(failed: {r})" for r in self.failed_responses if self.console_errors],
            "uncaught errors": self.page_errors,
            "CSP violations": self.csp_violations,
            "requests to other hosts": self.foreign_requests,
        }
        return {k: v for k, v in found.items() if v}

    def assert_clean(self) -> None:
        assert self.problems() == {}, json.dumps(self.problems(), indent=2, ensure_ascii=False)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def new_context(
    browser: Browser,
    base_url: str,
    *,
    phone: bool = True,
    locale: str = "es-US",
    viewport: dict[str, int] | None = None,
    scale: float = 2,
) -> tuple[BrowserContext, Watch]:
    """A fresh browser profile (phone-sized and touch by default) whose every page is watched."""
    options: dict[str, object] = {"base_url": base_url, "locale": locale}
    if phone:
        options |= {"viewport": viewport or PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": scale}
    else:
        options["viewport"] = viewport or {"width": 1280, "height": 900}
    context = browser.new_context(**options)  # type: ignore[arg-type]
    watch = Watch(origin_of(base_url))
    return watch.attach(context), watch


def sign_in(page: Page, username: str, password: str) -> None:
    """Through the real sign-in form, as a volunteer does: password, then the authenticator app's code (every person
    of the world enrolled tests.world.TOTP_SECRET); lands on "My work"."""
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    if "/accounts/2fa/authenticate/" in page.url:
        page.locator("input[name=code]").fill(_fresh_totp_code(username))
        page.locator("main form button[type=submit]").first.click()
    try:
        page.wait_for_url("**/home/")
    except Error as error:  # say what the page said instead of a bare timeout
        raise AssertionError(f"{username} could not sign in: {page.locator('main').inner_text()}") from error


def _fresh_totp_code(username: str) -> str:
    """The current code, made usable again: allauth refuses a code already used in its period, and a test signs the
    same person in more than once within thirty seconds."""
    from django.core.cache import cache

    from tests.world import totp_code
    from vigil.accounts.models import User

    code = totp_code()
    user_id = User.objects.get(username=username).pk
    cache.delete(f"allauth.mfa.totp.used?user={user_id}&code={code}")
    return code
