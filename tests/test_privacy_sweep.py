"""Sweeps over the whole project: nothing stores reporters' addresses, nothing non-public is open to strangers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.world import World

# Pages anyone may open without signing in: public by design, none shows an incident's location.
PUBLIC = {
    "",
    "healthz",
    "favicon.ico",
    "report",
    "report/places",  # the gazetteer's streets and landmarks (open data), for the public form's place finder
    "basemap/city.pmtiles",  # the basemap: streets from open data
    "accounts/login/",
    "hooks/sms",
    "i18n/setlang/",
    "log/checkpoint",
    "log/key",
    "log/proof/consistency",
    "log/proof/inclusion",
    "api/v1/openapi.json",
    "api/v1/docs",
    "api/v1/reports",
    # Volunteers: the sign-up, the welcome link (its token is the key), sessions open for registration (times, kinds,
    # public venues), the door's check-in page (its token is the key).
    "volunteer/",
    "volunteer/welcome/<uidb64>/<token>/",
    "volunteer/welcome/done/",
    "trainings/",
    "trainings/feed.ics",
    "trainings/<int:training_id>/register/",
    "trainings/<int:training_id>/door/<str:token>/",
    # The observer app's manifest and service worker: installable before signing in; they hold no data.
    "observer/manifest.webmanifest",
    "observer/sw.js",
    "plan/",  # the family plan: creating one is public; opening one needs its code and passphrase
    # The public side: everything through vigil.safety.publication (tests/site/test_public_sweep.py proves it).
    "rumours/",
    "rumours/feed.atom",
    "rumours/feed.json",
    "rumours/alerts/",
    "rumours/alerts/push",
    "sw.js",
    "map/",
    "map/cells.json",
    "stats/",
    "rights/",
    "rights/card.pdf",
    "rights/poster.pdf",
    "rights/<str:topic>/",
}
# Sign-in's own public pages (allauth): signing out, password reset by e-mail, the closed sign-up page.
PUBLIC |= {
    "accounts/logout/",
    "accounts/inactive/",
    "accounts/signup/",
    "accounts/confirm-email/",
    "accounts/password/reset/",
    "accounts/password/reset/done/",
    "accounts/password/reset/key/done/",
}
# Pages any signed-in user may open (they show only the user's own things: their account, factors, sessions).
ANY_SIGNED_IN = {
    "home/",
    "observer/push/key",  # the push key: the server's public VAPID key, nothing personal
    "accounts/logout/",
    "accounts/reauthenticate/",
    "accounts/email/",
    "accounts/password/change/",
    "accounts/2fa/",
    "accounts/2fa/webauthn/",
    "accounts/2fa/webauthn/add/",
    "accounts/2fa/totp/activate/",
    "accounts/sessions/",
}
_SUSPECT_FIELD = re.compile(r"(^|_)(ip|ip_address|remote_addr|user_agent|useragent|x_forwarded_for)($|_)")


def test_no_model_has_a_field_for_network_addresses_or_user_agents() -> None:
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.Field):
                continue
            assert not isinstance(field, models.GenericIPAddressField), f"{model.__name__}.{field.name}"
            assert not _SUSPECT_FIELD.search(field.name), f"{model.__name__}.{field.name}"


def test_the_web_server_access_log_format_has_no_client_address() -> None:
    from vigil.ops import gunicorn_config

    run = open("scripts/run.sh").read()
    assert "-c python:vigil.ops.gunicorn_config" in run  # the web server runs with these settings
    fmt = gunicorn_config.access_log_format
    assert "%(h)s" not in fmt and "%(a)s" not in fmt and "%({" not in fmt
    assert gunicorn_config.logger_class == "vigil.ops.weblog.Logger"


def _routes(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _concrete(route: str) -> str | None:
    """A request path for a route, with 1 / a uuid / 'x' for parameters; None for regex routes we can't fill."""
    if route.startswith("^") or "(?P" in route:
        return None
    path = re.sub(r"<int:[^>]+>", "1", route)
    path = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000001", path)
    path = re.sub(r"<(str:|slug:)?[^>]+>", "x", path)
    return "/" + path


@pytest.mark.django_db
def test_every_page_that_is_not_public_turns_strangers_away(world: World) -> None:
    anonymous = Client()
    nobody = world.client_for(world.nobody)
    checked = 0
    for route, _pattern in _routes(get_resolver()):
        if route.startswith("admin/") or route in PUBLIC or route.startswith("static/"):
            continue
        path = _concrete(route)
        if path is None:
            continue
        for who, client in (("anonymous", anonymous), ("nobody", nobody)):
            response = client.get(path)
            allowed = {302, 400, 404, 405}
            if who == "nobody" and route in ANY_SIGNED_IN:
                allowed.add(200)
            assert response.status_code in allowed, f"{who} got {response.status_code} for {path}"
            if response.status_code == 302 and who == "nobody" and route.startswith("accounts/"):
                # Account pages send a signed-in person on to another of their own pages (or home), never away.
                assert response["Location"].startswith("/") and not response["Location"].startswith("//")
            elif response.status_code == 302:
                assert "/accounts/login/" in response["Location"], f"{who} redirected to {response['Location']}"
        checked += 1
    assert checked > 0
