"""seed_demo: `make demo` depends on it, so it runs here on an empty database, twice, and the city it seeds works."""

from __future__ import annotations

import datetime as dt
import io

import h3
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from tests.world import World
from vigil.accounts.models import Group, Membership, Role, User
from vigil.hotline.models import Incident, IncidentState, Report, Verdict
from vigil.network.models import Dispatch, DispatchStatus, Observer, Shift
from vigil.network.selectors import nearest_available_observers
from vigil.network.shifts import on_shift_now
from vigil.ops.management.commands.seed_demo import DEMO_LABEL, OBSERVER_PASSWORD
from vigil.places.models import Zone, ZoneCell


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "groups": Group.objects.count(),
        "zones": Zone.objects.count(),
        "cells": ZoneCell.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "observers": Observer.objects.count(),
        "shifts": Shift.objects.count(),
        "incidents": Incident.objects.count(),
        "reports": Report.objects.count(),
        "dispatches": Dispatch.objects.count(),
    }


@pytest.mark.django_db
def test_it_refuses_to_run_without_debug_or_force() -> None:
    with pytest.raises(CommandError, match="VIGIL_DEBUG"):
        seed()
    assert Group.objects.count() == 0


@pytest.mark.django_db
def test_it_seeds_a_fictional_city_on_an_empty_database_and_prints_the_logins() -> None:
    with override_settings(DEBUG=True):
        out = seed()
    groups = list(Group.objects.all())
    assert len(groups) == 4
    assert all(DEMO_LABEL in g.name for g in groups)
    assert all(Zone.objects.filter(group=g).exists() for g in groups)
    assert 150 <= ZoneCell.objects.count() <= 169
    assert 38 <= Observer.objects.count() <= 45
    languages = {code for o in Observer.objects.all() for code in o.languages}
    assert {"en", "es"} <= languages and len(languages) >= 4
    today = timezone.localdate()
    assert 3 <= Observer.objects.filter(training_expires_on__lt=today).count() <= 6
    assert Observer.objects.filter(
        training_expires_on__gte=today, training_expires_on__lte=today + dt.timedelta(30)
    ).exists()
    assert sum(on_shift_now(g).count() for g in groups) >= 20
    for role in Role:
        password = f"demo-{role}-pass"
        username = f"demo-{role}"
        assert f"{username}  " in out or f"{username} " in out
        assert password in out
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert Membership.objects.filter(user=user, role=role).exists()
    assert User.objects.get(username="demo-obs-amara").check_password(OBSERVER_PASSWORD)
    # Reports went through the real intake: EN and ES, clustered into incidents, two dispatched, one confirmed.
    assert set(Report.objects.values_list("language", flat=True)) == {"en", "es"}
    assert Report.objects.filter(incident__isnull=False).count() == Report.objects.count()
    assert Incident.objects.filter(report_count__gte=2).exists()
    assert Dispatch.objects.values("incident").distinct().count() == 2
    # (The public demo adds confirmed incidents without observers: vigil/ops/demo_public.py.)
    confirmed = Incident.objects.filter(verdict=Verdict.CONFIRMED, dispatches__isnull=False).distinct().get()
    assert confirmed.state == IncidentState.VERDICT
    assert confirmed.dispatches.filter(status=DispatchStatus.LEFT_SAFE).count() == 2
    kinds = list(confirmed.events.values_list("kind", flat=True))
    assert "verdict_recorded" in kinds and "observation_recorded" in kinds
    assert "Public demo: 1 debunk" in out


@pytest.mark.django_db
def test_running_it_twice_resets_the_demo_to_the_same_shape() -> None:
    with override_settings(DEBUG=True):
        seed()
        first = counts()
        out = seed()
    assert "Removed the previous demo (4 groups)" in out
    assert counts() == first


@pytest.mark.django_db
def test_force_seeds_without_debug() -> None:
    seed("--force")
    assert Group.objects.filter(slug__startswith="demo-").count() == 4


def test_it_leaves_other_data_alone_and_yields_to_zones_that_already_exist(world: World) -> None:
    north_cells = set(world.north_zone.cells.values_list("cell", flat=True))
    seed("--force")
    seed("--force")
    assert set(world.north_zone.cells.values_list("cell", flat=True)) == north_cells
    assert User.objects.filter(username="alice").exists()
    assert Group.objects.filter(pk=world.north.pk).exists()
    assert Observer.objects.filter(user=world.carol).exists()


@pytest.mark.django_db
def test_the_dispatch_selection_finds_observers_in_the_demo_city() -> None:
    seed("--force")
    # A fresh incident in each demo zone: the real selection must find a pair of nearby observers for each.
    for zone in Zone.objects.filter(group__slug__startswith="demo-"):
        cell = sorted(zone.cells.values_list("cell", flat=True))[0]
        lat, lon = h3.cell_to_latlng(cell)
        now = timezone.now()
        incident = Incident.objects.create(
            cell=h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_REPORT),
            zone_cell=cell,
            zone=zone,
            lat=lat,
            lon=lon,
            language="es",
            first_report_at=now,
            last_report_at=now,
        )
        chosen = nearest_available_observers(incident=incident, count=2)
        assert len(chosen) == 2, zone.name
        assert all(o.group_id == zone.group_id for o in chosen)
        today = timezone.localdate()
        assert all(o.training_expires_on and o.training_expires_on >= today for o in chosen)


@pytest.mark.django_db
def test_it_seeds_volunteers_in_the_pipeline_and_training_sessions() -> None:
    from vigil.network.models import CertificationRecord, Training, Volunteer

    with override_settings(DEBUG=True):
        out = seed()
        assert {v.status for v in Volunteer.objects.all()} == {"applied", "invited", "trained", "declined"}
        assert Training.objects.count() == 3 and CertificationRecord.objects.count() == 1
        assert "/trainings/?v=" in out and "/door/" in out
        seed()
    assert Volunteer.objects.count() == 6 and Training.objects.count() == 3
def test_the_demo_prints_a_second_factor_and_an_admin_that_needs_it(db: None, settings: object) -> None:
    import re
    from io import StringIO

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from django.core.management import call_command
    from django.test import Client

    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    text = out.getvalue()
    secret = re.search(r"authenticator app: ([A-Z2-7]+)", text)
    admin = re.search(r"as demo-admin / (\S+)", text)
    assert secret is not None and admin is not None
    client = Client()
    response = client.post("/accounts/login/", {"login": "demo-admin", "password": admin.group(1)})
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    code = format_hotp_value(hotp_value(secret.group(1), int(__import__("time").time()) // 30))
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.get("/admin/").status_code == 200
