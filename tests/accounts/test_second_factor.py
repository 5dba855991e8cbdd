"""Staff sign in with a password and a second factor; without one they may only enrol (vigil/accounts/mfa.py)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.world import PASSWORD, World, make_user, signed_in, totp_code
from vigil.accounts import mfa
from vigil.accounts.models import Role, User

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _fresh_cache(db: None) -> None:
    cache.clear()  # allauth refuses a TOTP code already used in its period


def _password(client: Client, username: str, password: str = PASSWORD) -> str:
    response = client.post(LOGIN, {"login": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return str(response["Location"])


def _reauthenticate(client: Client) -> None:
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def _verified(client: Client) -> bool:
    return bool(client.session.get(mfa.SESSION_KEY))


def test_a_password_alone_is_not_enough_for_an_enrolled_person(world: World) -> None:
    client = Client()
    assert _password(client, "bob").startswith("/accounts/2fa/authenticate/")
    assert client.get(reverse("console:queue")).status_code == 302
    assert not _verified(client)


def test_the_right_code_verifies_the_session(world: World) -> None:
    client = Client()
    _password(client, "bob")
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response.status_code == 302 and response["Location"] == "/home/"
    assert _verified(client)
    assert client.get(reverse("console:queue")).status_code == 200


def test_a_wrong_code_keeps_them_out(world: World) -> None:
    client = Client()
    _password(client, "bob")
    near = {totp_code(ahead=step) for step in (-1, 0, 1)}  # the codes the tolerance accepts
    wrong = next(code for code in ("000000", "111111", "222222", "333333") if code not in near)
    response = client.post("/accounts/2fa/authenticate/", {"code": wrong})
    assert response.status_code == 200
    assert client.get(reverse("console:queue"))["Location"].startswith(LOGIN)


def test_a_code_cannot_be_used_twice(world: World) -> None:
    code = totp_code()
    first = Client()
    _password(first, "bob")
    first.post("/accounts/2fa/authenticate/", {"code": code})
    second = Client()
    _password(second, "bob")
    assert second.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200
    assert not _verified(second)


def test_staff_without_a_factor_can_only_enrol(world: World) -> None:
    make_user("nina", world.north, Role.DISPATCHER)
    Authenticator.objects.filter(user__username="nina").delete()
    client = Client()
    assert _password(client, "nina") == "/home/"
    for page in ["/home/", reverse("console:queue"), reverse("evidence:index"), "/admin/"]:
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/second-factor/"), page
    enrol = client.get("/accounts/second-factor/?next=/console/")
    assert enrol.status_code == 200
    assert reverse("mfa_add_webauthn") in enrol.content.decode()
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith("/accounts/reauthenticate/")
    _reauthenticate(client)
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


@pytest.mark.django_db(transaction=True)  # allauth announces a new factor after commit
def test_enrolling_an_app_verifies_the_session_and_shows_recovery_codes_once(world: World) -> None:
    make_user("nina", world.north, Role.DISPATCHER)
    Authenticator.objects.filter(user__username="nina").delete()
    client = Client()
    _password(client, "nina")
    _reauthenticate(client)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(__import__("time").time()) // 30))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_view_recovery_codes")
    assert _verified(client)
    assert client.get(reverse("console:queue")).status_code == 200
    first = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    codes = Authenticator.objects.get(user__username="nina", type="recovery_codes").wrap().get_unused_codes()
    assert codes[0] in first
    again = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert codes[0] not in again
    assert client.get(reverse("mfa_download_recovery_codes")).status_code in (403, 404)


def test_a_recovery_code_verifies_once(world: World) -> None:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    codes = RecoveryCodes.activate(world.bob).get_unused_codes()
    client = Client()
    _password(client, "bob")
    client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert _verified(client)
    other = Client()
    _password(other, "bob")
    other.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert not _verified(other)


def test_the_last_factor_cannot_be_removed(world: World) -> None:
    client = signed_in(world.bob)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=world.bob, type="totp").exists()
    assert response.status_code in (200, 302, 403)


def test_changing_a_factor_asks_to_sign_in_again(world: World) -> None:
    client = signed_in(world.bob)  # a session without a fresh authentication on record
    response = client.get(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    # An e-mail address cannot be added without re-authenticating (allauth refuses an unverified one outright).
    client.post(reverse("account_email"), {"action_add": "", "email": "bob2@example.org"})
    assert not EmailAddress.objects.filter(user=world.bob, email="bob2@example.org").exists()


def test_a_person_without_a_role_is_not_asked(world: World) -> None:
    client = Client()
    assert _password(client, "nobody") == "/home/"
    assert client.get("/home/").status_code == 200


def test_the_admin_needs_the_second_factor_too(world: World) -> None:
    User.objects.create_superuser("root", "root@example.org", "root-password-123")
    client = Client()
    assert client.get("/admin/login/")["Location"].startswith(LOGIN)
    _password(client, "root", "root-password-123")
    assert client.get("/admin/")["Location"].startswith("/accounts/second-factor/")


def test_a_verified_session_is_not_carried_over_to_a_password_only_sign_in(world: World) -> None:
    make_user("nina", world.north, Role.DISPATCHER)
    Authenticator.objects.filter(user__username="nina").delete()
    client = Client()
    session = client.session
    session[mfa.SESSION_KEY] = True  # planted before signing in
    session.save()
    _password(client, "nina")
    assert not _verified(client)


def test_case_pages_refuse_an_unverified_session(world: World) -> None:
    client = signed_in(world.erin, verified=False)
    response = client.get(reverse("evidence:index"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/second-factor/")


def test_the_api_answers_403_to_an_unverified_session(world: World) -> None:
    client = signed_in(world.bob, verified=False)
    assert client.get("/api/v1/docs").status_code == 403


def test_the_verify_page_sends_an_enrolled_person_to_their_factor(world: World) -> None:
    client = signed_in(world.bob, verified=False)
    response = client.get("/accounts/second-factor/?next=/console/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_reauthenticate"))
    evil = client.get("/accounts/second-factor/?next=https://evil.example/")
    assert "evil.example" not in evil["Location"].split("?next=")[0] and "evil" not in evil["Location"]


def test_totp_secrets_are_sealed_in_the_database(world: World) -> None:
    from tests.world import TOTP_SECRET

    stored = Authenticator.objects.get(user=world.bob, type="totp").data["secret"]
    assert TOTP_SECRET not in stored and stored.startswith("vault:")
    client = Client()
    _password(client, "bob")
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert _verified(client)  # and it still opens


@pytest.mark.parametrize(("periods_ago", "accepted"), [(1, True), (3, False)])
def test_a_code_typed_as_its_period_ends_still_counts_but_an_old_one_does_not(
    world: World, periods_ago: int, accepted: bool
) -> None:
    client = Client()
    _password(client, "bob")
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(ahead=-periods_ago)})
    assert _verified(client) is accepted
