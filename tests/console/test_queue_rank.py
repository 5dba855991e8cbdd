"""Corroboration before attention: the queue ranks incidents by signals a flood cannot fake cheaply, says why on each
row, keeps unzoned incidents in their own tab and shows the default view a page at a time."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.test import RequestFactory, override_settings
from django.utils import translation

from tests.factories import at_ring, km_north, make_incident, send
from tests.intake.test_sms import SENDER, SITE, TOKEN, _params, _send
from tests.world import NORTH_CENTER, UNZONED, World, make_user
from vigil.accounts.models import Group, Membership, Role, User
from vigil.console.selectors import QUEUE_PAGE, queue_incidents, queue_view
from vigil.hotline.models import Channel, Incident, Report, Verdict
from vigil.network import attention
from vigil.network.models import DispatchStatus, Shift
from vigil.vault.retention import purge_expired


def _row_ids(html: str) -> list[int]:
    return [int(m) for m in re.findall(r'data-incident="(\d+)"', html)]


def _row(html: str, incident: Incident) -> str:
    row = html[html.index(f'data-incident="{incident.pk}"') :]
    return row[: row.index("</tr>")]


def _no_observers_on_shift() -> None:
    Shift.objects.update(ended_at=None, started_at=None)


def test_corroborated_incidents_rank_above_newer_single_channel_and_api_only_ones(world: World) -> None:
    _no_observers_on_shift()
    api_only = make_incident(world.north_zone, km_north(1.0), channels=[Channel.API, Channel.API], minutes_ago=1)
    web = make_incident(world.north_zone, km_north(-1.0), channels=[Channel.WEB], minutes_ago=3)
    raid = make_incident(world.north_zone, NORTH_CENTER, channels=[Channel.SMS, Channel.OPERATOR], minutes_ago=40)

    assert [i.pk for i in queue_incidents(world.bob)] == [raid.pk, web.pk, api_only.pk]
    ranked = {i.pk: i for i in queue_incidents(world.bob)}
    # 3 (operator) + 2 (a second channel) + 1 (not API only); 1; 0.
    assert [ranked[i.pk].attention for i in (raid, web, api_only)] == [6, 1, 0]  # type: ignore[attr-defined]
    html = world.client_for(world.bob).get("/console/").content.decode()
    assert _row_ids(html) == [raid.pk, web.pk, api_only.pk]
    assert "a hotline operator took a report" in _row(html, raid)
    assert "reported through 2 channels" in _row(html, raid)
    assert "one channel, not corroborated yet" in _row(html, web)
    assert "API reports only: ranked lowest" in _row(html, api_only)


def test_an_observer_who_went_to_the_scene_ranks_first(world: World) -> None:
    _no_observers_on_shift()
    busy = make_incident(world.north_zone, NORTH_CENTER, channels=[Channel.WEB, Channel.SMS], minutes_ago=2)
    seen = make_incident(world.north_zone, km_north(1.2), channels=[Channel.WEB], minutes_ago=30)
    send(seen, world.carol.observer, DispatchStatus.ON_SCENE)
    assert [i.pk for i in queue_incidents(world.bob)] == [seen.pk, busy.pk]
    assert "an observer went to the scene" in _row(world.client_for(world.bob).get("/console/").content.decode(), seen)


def test_an_observer_on_shift_nearby_counts_a_little(world: World) -> None:
    near = make_incident(world.north_zone, NORTH_CENTER, channels=[Channel.WEB], minutes_ago=20)
    Shift.objects.update(cell=near.zone_cell)  # carol and chris on shift in the centre's cell
    far = make_incident(world.north_zone, at_ring(near, attention.NEARBY_RINGS + 1), channels=[Channel.WEB])
    ranked = queue_incidents(world.bob)
    assert [i.pk for i in ranked] == [near.pk, far.pk]
    assert ranked[0].att_observer_nearby and not ranked[1].att_observer_nearby  # type: ignore[attr-defined]
    assert not attention.is_corroborated(ranked[0])  # nearby is a hint, not corroboration a flood must pay for
    assert "an observer on shift nearby" in attention.reasons(ranked[0])


@pytest.fixture
def _twilio(fresh_rate_limits: None) -> Iterator[None]:
    with override_settings(TWILIO_AUTH_TOKEN=TOKEN, SITE_URL=SITE):
        yield


def _sms_report(text: str, at: tuple[float, float], sender: str = SENDER) -> Report:
    """A texted report placed by the answer to "where?", then STOP to end the questions (a next text is a new one)."""
    _send(_params(text, sender=sender))
    _send(_params(f"{at[0]:.5f}, {at[1]:.5f}", sender=sender))
    _send(_params("STOP", sender=sender))
    return Report.objects.get(text=text)


@pytest.mark.usefixtures("_twilio")
def test_a_known_sms_sender_with_a_confirmed_past_report_ranks_above_an_unknown_one(world: World) -> None:
    _no_observers_on_shift()
    past = _sms_report("agents stopping cars", NORTH_CENTER).incident
    assert past is not None
    Incident.objects.filter(pk=past.pk).update(verdict=Verdict.CONFIRMED, state="verdict")

    unknown = _sms_report("agents questioning drivers", km_north(1.5), sender="+16125550999").incident
    known = _sms_report("agents detaining workers", km_north(-1.5)).incident
    assert unknown is not None and known is not None and known.pk != past.pk
    open_ids = [i.pk for i in queue_incidents(world.bob, state="open")]
    assert open_ids == [known.pk, unknown.pk]
    row = _row(world.client_for(world.bob).get("/console/").content.decode(), known)
    assert "an SMS sender with confirmed past reports" in row


@pytest.mark.usefixtures("_twilio")
def test_the_sender_is_kept_only_as_a_keyed_hash_and_erased_on_schedule(world: World) -> None:
    report = _sms_report("agents arresting people", NORTH_CENTER)
    assert report.sender_hash and SENDER not in report.sender_hash and SENDER.lstrip("+") not in report.sender_hash
    assert report.sender_expires_at is not None
    # Not in the admin either, where it could be read or edited to tie reports together.
    request = RequestFactory().get("/")
    request.user = User.objects.create_superuser("root-admin", password="x" * 20)
    assert "sender_hash" not in admin.site._registry[Report].get_form(request, report).base_fields
    purge_expired(now=report.sender_expires_at)
    report.refresh_from_db()
    assert report.sender_hash is None and report.sender_expires_at is None


def test_unzoned_incidents_have_their_own_tab_with_a_count(world: World) -> None:
    zoned = make_incident(world.north_zone, NORTH_CENTER, channels=[Channel.API])
    outside = [make_incident(None, UNZONED, channels=[Channel.SMS, Channel.OPERATOR]) for _ in range(3)]
    client = world.client_for(world.bob)
    page = client.get("/console/").content.decode()
    # Unzoned incidents never take the place of a zoned one, however well corroborated they are.
    assert _row_ids(page) == [zoned.pk]
    assert 'data-unzoned="3"' in page
    tab = client.get("/console/?zone=none").content.decode()
    assert sorted(_row_ids(tab)) == sorted(i.pk for i in outside)
    assert 'aria-current="page">Outside every zone' in tab


def test_a_network_without_zones_lists_everything_in_one_list(world: World) -> None:
    group = Group.objects.create(name="Zoneless (fictional)", slug="zoneless")
    dispatcher = make_user("zoe", group, Role.DISPATCHER)
    assert Membership.objects.filter(user=dispatcher).exists()
    outside = make_incident(None, UNZONED)
    assert _row_ids(world.client_for(dispatcher).get("/console/").content.decode()) == [outside.pk]


def test_the_default_view_shows_a_page_and_counts_the_rest(world: World) -> None:
    for n in range(QUEUE_PAGE + 3):
        at = (NORTH_CENTER[0] + n * 1e-4, NORTH_CENTER[1])
        make_incident(world.north_zone, at, channels=[Channel.WEB, Channel.SMS], minutes_ago=30 + n)
    client = world.client_for(world.bob)
    page = client.get("/console/").content.decode()
    assert len(_row_ids(page)) == QUEUE_PAGE and 'data-more="3"' in page and "3 more incidents" in page
    every = client.get("/console/?all=1").content.decode()
    assert len(_row_ids(every)) == QUEUE_PAGE + 3 and "data-more" not in every
    assert queue_view(world.bob).more == 3


def test_the_reasons_are_in_spanish_for_a_spanish_dispatcher(world: World) -> None:
    _no_observers_on_shift()
    raid = make_incident(world.north_zone, NORTH_CENTER, channels=[Channel.SMS, Channel.OPERATOR])
    client = world.client_for(world.bob)
    html = client.get("/console/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    with translation.override("es"):
        expected = str(translation.gettext("a hotline operator took a report"))
    assert expected != "a hotline operator took a report"
    assert expected in _row(html, raid)
