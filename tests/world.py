"""Shared fixtures: a small fictional network and named people with roles.

Two groups cover neighbouring zones of a fictional city (coordinates are central Minneapolis, chosen only so the
map has streets). People:
- alice: coordinator of Northside, and the network administrator (network-wide settings)
- bob: dispatcher of Northside
- carol, chris: observers of Northside (trained, code accepted, on shift near the zone's centre)
- dave: operator of Northside
- erin: attorney of Northside
- frank: auditor of Northside
- mallory: dispatcher of Southside — should have no access to Northside's stuff
- nobody: signed in, no role at all
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import h3
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.test import Client
from django.utils import timezone

from vigil.accounts import mfa
from vigil.accounts.models import Group, Membership, Role, User
from vigil.network.models import Observer, Shift
from vigil.places.models import Zone, ZoneCell

NORTH_CENTER = (44.9990, -93.2700)


SOUTH_CENTER = (44.9400, -93.2600)
# Outside every zone but within the network's service area (the zones plus VIGIL_SERVICE_MARGIN_RINGS): a report
# here makes an unzoned incident. Farther away a report is outside the area (vigil/places/service_area.py).
UNZONED = (45.0330, -93.2700)


PASSWORD = "correct horse battery"


@dataclass
class World:
    north: Group
    south: Group
    north_zone: Zone
    south_zone: Zone
    alice: User
    bob: User
    carol: User
    chris: User
    dave: User
    erin: User
    frank: User
    mallory: User
    nobody: User

    def client_for(self, user: User) -> Client:
        """A client signed in as `user` whose session passed the second factor (as after a real sign-in)."""
        return signed_in(user)


# Every person of the world with a role has enrolled an authenticator app with this (fictional) secret; the browser
# tests' sign_in types `totp_code()` after the password, as a volunteer would.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def signed_in(user: User, *, verified: bool = True) -> Client:
    """A test client signed in as `user`; `verified=False` leaves the session as after a password only."""
    client = Client()
    client.force_login(user)
    if verified:
        verify_session(client)
    return client


def verify_session(client: Client) -> Client:
    """Mark `client`'s session as having passed a second factor, as allauth's sign-in does."""
    session = client.session
    session[mfa.SESSION_KEY] = True
    session.save()
    return client


def enrol_totp(user: User) -> None:
    TOTP.activate(user, TOTP_SECRET)


def totp_code(*, ahead: int = 0) -> str:
    """The authenticator app's current code (`ahead` periods later: the previous code may already be used)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD + ahead
    return str(format_hotp_value(hotp_value(TOTP_SECRET, counter)))


def make_zone(group: Group, name: str, center: tuple[float, float], k: int = 3) -> Zone:
    zone = Zone.objects.create(group=group, name=name)
    origin = h3.latlng_to_cell(center[0], center[1], settings.VIGIL_H3_RES_ZONE)
    ZoneCell.objects.bulk_create(ZoneCell(zone=zone, cell=c) for c in h3.grid_disk(origin, k))
    return zone


def make_user(username: str, group: Group | None = None, role: Role | None = None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.org")
    if group is not None and role is not None:
        Membership.objects.create(user=user, group=group, role=role)
        enrol_totp(user)
    return user


def make_observer(username: str, group: Group, at: tuple[float, float], languages: list[str] | None = None) -> User:
    user = make_user(username, group, Role.OBSERVER)
    today = timezone.localdate()
    observer = Observer.objects.create(
        user=user,
        group=group,
        languages=languages or ["en"],
        trained_on=today - dt.timedelta(days=30),
        training_expires_on=today + dt.timedelta(days=335),
        code_accepted_at=timezone.now() - dt.timedelta(days=30),
        notify_by=["inbox"],
    )
    now = timezone.now()
    Shift.objects.create(
        observer=observer,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=3),
        started_at=now - dt.timedelta(hours=1),
        cell=h3.latlng_to_cell(at[0], at[1], settings.VIGIL_H3_RES_ZONE),
    )
    return user
