"""Seed a fictional demo city around settings.MAP_CENTER: groups, zones, ~40 observers, shifts, people for every role
and a few incidents that went through the real intake, dispatch and verdict services.

Every name is invented and every group carries "Demo city — fictional data". Running it again RESETS the demo: all
demo data (groups with a `demo-` slug, users named `demo-…`, incidents in demo zones, dispatches of demo observers)
is deleted and seeded afresh, with shift times relative to now. Nothing else is touched.

It refuses to run unless VIGIL_DEBUG is on or --force is given, so it never seeds a production database by accident.
The demo passwords are public (printed, documented): demo use only.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from typing import Any

import h3
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from vigil.accounts.models import Group, Membership, Role, User
from vigil.hotline import triage
from vigil.hotline.models import Channel, Incident, Report, Verdict
from vigil.hotline.services import submit_report
from vigil.lib.errors import VigilError
from vigil.network import dispatch as network_dispatch
from vigil.network import shifts as shifts
from vigil.network.models import Dispatch, Observer, Shift
from vigil.ops import demo_cases
from vigil.ops.demo_accounts import seed_demo_accounts
from vigil.ops.demo_observers import seed_observers
from vigil.ops.demo_places import seed_demo_places
from vigil.ops.demo_public import seed_public_demo
from vigil.places.models import Zone, ZoneCell

DEMO_LABEL = "Demo city — fictional data"
SLUG_PREFIX = "demo-"
USER_PREFIX = "demo-"
OBSERVER_PASSWORD = "demo-observer-pass"  # noqa: S105 - public demo password, printed and documented
SEED = 20260704
ZONE_RINGS = 7  # the disk around the centre that the four demo zones share: 169 cells of ~0.74 km²

# (slug, name, the quadrant of the central disk its zone covers, zone name)
GROUPS = [
    ("demo-riverside", "Riverside Rapid Response", "north-east", "Riverside & Foundry"),
    ("demo-old-mill", "Old Mill Neighbours", "north-west", "Old Mill & Tannery Row"),
    ("demo-lakeview", "Lakeview Watch", "south-west", "Lakeview & Heron Park"),
    ("demo-cedar-flats", "Cedar Flats Defence Network", "south-east", "Cedar Flats & Quarry Hill"),
]

# People with a role, one per role (the observer among them is on shift near the centre, ready for a dispatch).
ROLE_USERS = [
    ("demo-coordinator", Role.COORDINATOR, "Imre", "Vantongeren"),
    ("demo-dispatcher", Role.DISPATCHER, "Odalys", "Brinkwater"),
    ("demo-operator", Role.OPERATOR, "Teodor", "Amsel"),
    ("demo-observer", Role.OBSERVER, "Wren", "Calloway-Ruiz"),
    ("demo-attorney", Role.ATTORNEY, "Mirela", "Quastenberg"),
    ("demo-auditor", Role.AUDITOR, "Anselm", "Dorrity"),
    ("demo-network_admin", Role.NETWORK_ADMIN, "Ingrid", "Halvorsen-Pike"),
]
# Which demo groups each role user belongs to (slugs); the observer belongs to one group only.
ROLE_GROUPS = {
    Role.COORDINATOR: [g[0] for g in GROUPS],
    Role.DISPATCHER: [g[0] for g in GROUPS],
    Role.OPERATOR: [g[0] for g in GROUPS],
    Role.OBSERVER: ["demo-riverside"],
    Role.ATTORNEY: [g[0] for g in GROUPS],
    Role.AUDITOR: [g[0] for g in GROUPS],
    Role.NETWORK_ADMIN: [GROUPS[0][0]],
}

# Forty invented observers: (first name, last name, languages).
OBSERVERS = [
    ("Amara", "Quillfeather", ["en", "es"]),
    ("Bastien", "Orlowe", ["en"]),
    ("Calla", "Menderhay", ["en"]),
    ("Dorian", "Flaxby", ["en", "fr"]),
    ("Esmé", "Taverno", ["es", "en"]),
    ("Fitz", "Arrowdale", ["en"]),
    ("Gianna", "Pellucci", ["en", "es"]),
    ("Halvard", "Brisk", ["en"]),
    ("Ines", "Marrowgate", ["es"]),
    ("Jory", "Kettlewell", ["en"]),
    ("Kaveh", "Sundqvist", ["en", "ar"]),
    ("Liora", "Fenwhistle", ["en", "es"]),
    ("Mateo", "Quenby", ["es", "en"]),
    ("Nadia", "Hollowell", ["en", "so"]),
    ("Osric", "Lanternby", ["en"]),
    ("Paloma", "Riverstone", ["es", "en"]),
    ("Quinlan", "Ashgrove", ["en"]),
    ("Rosalind", "Tedesco", ["en", "es"]),
    ("Soren", "Mapleton", ["en"]),
    ("Tamsin", "Okonkwo-Bray", ["en"]),
    ("Ulises", "Carbonel", ["es"]),
    ("Vesna", "Ludgate", ["en", "es"]),
    ("Wilhelmina", "Crake", ["en"]),
    ("Xiomara", "Del Prado", ["es", "en"]),
    ("Yusuf", "Amberlane", ["en", "so"]),
    ("Zinnia", "Holloway-Park", ["en"]),
    ("Anouk", "Bellweather", ["en", "fr"]),
    ("Benedikt", "Starling", ["en"]),
    ("Catalina", "Ferraz", ["es", "en"]),
    ("Desmond", "Quarrie", ["en"]),
    ("Elodie", "Varga", ["en"]),
    ("Fausto", "Lemaire", ["es", "en"]),
    ("Greta", "Thistlewood", ["en"]),
    ("Hamza", "Oaksley", ["en", "ar"]),
    ("Ilse", "Nakamura-Finch", ["en"]),
    ("Joaquín", "Albarda", ["es"]),
    ("Kirra", "Pemberton", ["en"]),
    ("Lior", "Vasquez-Hale", ["en", "es"]),
    ("Mai", "Thornbury", ["en", "vi"]),
    ("Nikolai", "Brandvold", ["en"]),
]
EXPIRED = {3, 17, 29, 36}  # training lapsed: listed, flagged, never dispatched
EXPIRING = {8, 22, 33}  # expires within 30 days: flagged
NO_CODE = {12}  # has not accepted the code of conduct yet
OFF_SHIFT = {5, 14, 25, 38}  # trained but not on shift now

# Reports through the real intake: (group slug, offset from the zone's middle in metres (north, east), channel,
# language, SALUTE fields). Fictional streets; nothing about any person.
REPORTS: list[tuple[str, tuple[float, float], str, str, dict[str, str]]] = [
    (
        "demo-riverside",
        (150, -120),
        Channel.WEB,
        "en",
        {
            "size": "About six officers, two vehicles",
            "activity": "Officers in vests stopping people outside the Foundry Street laundromat",
            "location_text": "Foundry St and 4th Ave (demo city)",
            "uniform": "Dark vests marked POLICE ICE",
            "equipment": "Two grey SUVs without plates in front",
        },
    ),
    (
        "demo-riverside",
        (210, -60),
        Channel.SMS,
        "es",
        {
            "activity": "Agentes con chalecos frente a la lavandería de la calle Foundry, están pidiendo papeles",
            "location_text": "Calle Foundry y Avenida 4 (ciudad de demostración)",
            "size": "Cinco o seis agentes",
        },
    ),
    (
        "demo-old-mill",
        (-100, 200),
        Channel.OPERATOR,
        "es",
        {
            "size": "Tres vehículos",
            "activity": "Camionetas sin marcas estacionadas junto a la parada del autobús de Tannery Row",
            "location_text": "Tannery Row y Mill Road (ciudad de demostración)",
            "uniform": "Ropa de civil con chalecos",
        },
    ),
    (
        "demo-lakeview",
        (0, 0),
        Channel.WEB,
        "en",
        {
            "size": "Four agents",
            "activity": "Agents waiting at the entrance of the Heron Park apartments",
            "location_text": "Heron Park Blvd and Lake Terrace (demo city)",
            "uniform": "Green jackets with patches",
            "equipment": "One white van",
        },
    ),
    (
        "demo-cedar-flats",
        (-250, 100),
        Channel.API,
        "en",
        {
            "activity": "Police car and tow truck at the Quarry Hill gas station",
            "location_text": "Quarry Hill Rd and Cedar Ave (demo city)",
            "size": "One car",
        },
    ),
    (
        "demo-cedar-flats",
        (300, -300),
        Channel.WEB,
        "es",
        {
            "activity": "Dicen que hay agentes en la escuela de Cedar Flats pero no veo a nadie",
            "location_text": "Escuela de Cedar Flats (ciudad de demostración)",
        },
    ),
]


@dataclass
class Seeded:
    groups: dict[str, Group]
    zones: dict[str, Zone]
    logins: list[tuple[str, str, str, str]]
    observers: int
    on_shift: int
    incidents: int


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    return lat + north_m / 111_320, lon + east_m / (111_320 * math.cos(math.radians(lat)))


def _quadrant(center: tuple[float, float], cell: str) -> str:
    lat, lon = h3.cell_to_latlng(cell)
    north = "north" if lat >= center[0] else "south"
    east = "east" if lon >= center[1] else "west"
    return f"{north}-{east}"


class Command(BaseCommand):
    help = (
        "Seed (or reset) a fictional demo city around VIGIL_MAP_CENTER and print its logins. "
        "Refuses unless VIGIL_DEBUG is on or --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Seed even though VIGIL_DEBUG is off.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or options["force"]):
            raise CommandError(
                "seed_demo writes a fictional city with public passwords. It runs only with VIGIL_DEBUG=1 "
                "or --force; never against a production database."
            )
        demo_cases.reset()
        removed = reset_demo()
        if removed:
            self.stdout.write(f"Removed the previous demo ({removed} groups); seeding afresh.")
        seeded = seed_demo()
        self.stdout.write(seed_demo_places())
        self.stdout.write(
            f"{DEMO_LABEL}: {len(seeded.groups)} groups, {len(seeded.zones)} zones, {seeded.observers} observers "
            f"({seeded.on_shift} on shift now), {seeded.incidents} incidents."
        )
        self.stdout.write("")
        self.stdout.write("Demo logins (demo only — these passwords are public):")
        widths = [
            max(len(row[i]) for row in [("username", "password", "role", "groups"), *seeded.logins]) for i in range(4)
        ]
        header = ("username", "password", "role", "groups")
        for row in [header, tuple("-" * w for w in widths), *seeded.logins]:
            self.stdout.write("  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip())
        self.stdout.write(f"Every demo observer (demo-obs-…) signs in with {OBSERVER_PASSWORD}.")
        seed_observers(self.stdout.write)
        demo_cases.seed(self.stdout)
        self.stdout.write(seed_public_demo())
        seed_demo_accounts(self.stdout.write, prefix=USER_PREFIX)


def reset_demo() -> int:
    """Delete everything the demo seeded; returns the number of demo groups removed."""
    with transaction.atomic():
        groups = Group.objects.filter(slug__startswith=SLUG_PREFIX)
        zone_ids = list(Zone.objects.filter(group__in=groups).values_list("pk", flat=True))
        demo_users = User.objects.filter(username__startswith=USER_PREFIX)
        incidents = Incident.objects.filter(zone_id__in=zone_ids)
        Report.objects.filter(incident__in=incidents).delete()
        # Merged incidents point at their target; delete targets and sources alike.
        Incident.objects.filter(merged_into__in=incidents).delete()
        incidents.delete()
        # Dispatches protect their observers; an unzoned incident may have drawn demo observers too.
        Dispatch.objects.filter(observer__user__in=demo_users).delete()
        demo_users.delete()
        count = groups.count()
        groups.delete()
    return count


def seed_demo() -> Seeded:
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, not security
    now = timezone.now()
    today = timezone.localdate(now)
    center = (float(settings.MAP_CENTER[0]), float(settings.MAP_CENTER[1]))
    with transaction.atomic():
        groups, zones = _groups_and_zones(center)
        logins = _role_users(groups)
        observers = _observers(groups, rng=rng, today=today)
        zone_cells = {slug: list(zone.cells.values_list("cell", flat=True)) for slug, zone in zones.items()}
    # Going on shift, reports, dispatches and verdicts go through the real services (each its own transaction).
    on_shift = _shifts(observers, zone_cells, rng=rng, now=now, center=center)
    incidents = _incidents(zones, groups)
    return Seeded(
        groups=groups,
        zones=zones,
        logins=logins,
        observers=sum(len(v) for v in observers.values()),
        on_shift=on_shift,
        incidents=incidents,
    )


def _groups_and_zones(center: tuple[float, float]) -> tuple[dict[str, Group], dict[str, Zone]]:
    res = settings.VIGIL_H3_RES_ZONE
    origin = h3.latlng_to_cell(center[0], center[1], res)
    # Cells another (real) zone already holds stay with it.
    taken = set(ZoneCell.objects.values_list("cell", flat=True))
    groups: dict[str, Group] = {}
    zones: dict[str, Zone] = {}
    for slug, name, quadrant, zone_name in GROUPS:
        group = Group.objects.create(name=f"{name} ({DEMO_LABEL})", slug=slug)
        zone = Zone.objects.create(group=group, name=zone_name)
        cells = [
            c
            for c in sorted(h3.grid_disk(origin, ZONE_RINGS))
            if c not in taken and (_quadrant(center, c) == quadrant or (c == origin and quadrant == GROUPS[0][2]))
        ]
        ZoneCell.objects.bulk_create([ZoneCell(zone=zone, cell=c) for c in cells])
        taken.update(cells)
        groups[slug], zones[slug] = group, zone
    return groups, zones


def _role_users(groups: dict[str, Group]) -> list[tuple[str, str, str, str]]:
    logins = []
    for username, role, first, last in ROLE_USERS:
        password = f"demo-{role}-pass"
        user = User.objects.create_user(
            username=username,
            password=password,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.invalid",
            language="es" if role == Role.OPERATOR else "en",
        )
        slugs = ROLE_GROUPS[role]
        Membership.objects.bulk_create([Membership(user=user, group=groups[s], role=role) for s in slugs])
        logins.append((username, password, str(role), "all demo groups" if len(slugs) > 1 else groups[slugs[0]].name))
    return logins


def _observers(
    groups: dict[str, Group], *, rng: random.Random, today: dt.date
) -> dict[str, list[tuple[int, Observer]]]:
    """The demo observers by group slug, each with its index in OBSERVERS (-1 for the demo-observer role user)."""
    by_group: dict[str, list[tuple[int, Observer]]] = {slug: [] for slug in groups}
    slugs = list(groups)
    for index, (first, last, languages) in enumerate(OBSERVERS):
        slug = slugs[index % len(slugs)]
        username = f"{USER_PREFIX}obs-{first.lower().replace('é', 'e').replace('í', 'i')}"
        user = User.objects.create_user(
            username=username,
            password=OBSERVER_PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.invalid",
            language=languages[0],
        )
        Membership.objects.create(user=user, group=groups[slug], role=Role.OBSERVER)
        if index in EXPIRED:
            trained = today - dt.timedelta(days=365 + rng.randint(5, 120))
        elif index in EXPIRING:
            trained = today - dt.timedelta(days=365 - rng.randint(3, 25))
        else:
            trained = today - dt.timedelta(days=rng.randint(10, 300))
        observer = Observer.objects.create(
            user=user,
            group=groups[slug],
            languages=languages,
            trained_on=trained,
            training_expires_on=trained + dt.timedelta(days=365),
            code_accepted_at=None
            if index in NO_CODE
            else timezone.now() - dt.timedelta(days=(today - trained).days - 1),
            notify_by=["inbox"],
        )
        by_group[slug].append((index, observer))
    # The role user "demo-observer" is an observer of Riverside too.
    demo_observer = User.objects.get(username="demo-observer")
    by_group["demo-riverside"].insert(
        0,
        (
            -1,
            Observer.objects.create(
                user=demo_observer,
                group=groups["demo-riverside"],
                languages=["en", "es"],
                trained_on=today - dt.timedelta(days=40),
                training_expires_on=today + dt.timedelta(days=325),
                code_accepted_at=timezone.now() - dt.timedelta(days=40),
                notify_by=["inbox"],
            ),
        ),
    )
    return by_group


def _shifts(
    observers: dict[str, list[tuple[int, Observer]]],
    zone_cells: dict[str, list[str]],
    *,
    rng: random.Random,
    now: dt.datetime,
    center: tuple[float, float],
) -> int:
    """A week of scheduled shifts per observer; most trained observers are on shift now, each in a cell of its zone."""
    on_shift = 0
    origin = h3.latlng_to_cell(center[0], center[1], settings.VIGIL_H3_RES_ZONE)
    for slug, group_observers in observers.items():
        cells = zone_cells[slug]
        for index, observer in group_observers:
            start_today = timezone.localtime(now).replace(hour=8, minute=0, second=0, microsecond=0)
            for day in (1, 2, 4, 6):
                begin = start_today + dt.timedelta(days=day, hours=rng.choice([0, 2, 4, 8, 10]))
                Shift.objects.create(observer=observer, starts_at=begin, ends_at=begin + dt.timedelta(hours=4))
            can_work = index not in EXPIRED and index not in OFF_SHIFT
            if not can_work or not cells:
                continue
            begin = now - dt.timedelta(minutes=rng.randint(20, 180))
            Shift.objects.create(
                observer=observer, starts_at=begin, ends_at=begin + dt.timedelta(hours=rng.choice([4, 5, 6]))
            )
            cell = origin if observer.user.username == "demo-observer" and origin in cells else rng.choice(cells)
            shifts.go_on_shift(observer=observer, cell=cell, now=now)
            on_shift += 1
    return on_shift


def _incidents(zones: dict[str, Zone], groups: dict[str, Group]) -> int:
    """Reports through the real intake; one incident dispatched and waiting, one taken to a confirmed verdict."""
    operator = User.objects.get(username="demo-operator")
    dispatcher = User.objects.get(username="demo-dispatcher")
    incidents: list[Incident] = []
    for slug, (north, east), channel, language, fields in REPORTS:
        cells = list(zones[slug].cells.values_list("cell", flat=True))
        if not cells:
            continue
        mid_lat, mid_lon = h3.cell_to_latlng(sorted(cells)[len(cells) // 2])
        lat, lon = _offset(mid_lat, mid_lon, north, east)
        report = submit_report(
            channel=channel,
            language=language,
            lat=lat,
            lon=lon,
            seen_at=timezone.now() - dt.timedelta(minutes=10),
            entered_by=operator if channel == Channel.OPERATOR else None,
            size=fields.get("size", ""),
            activity=fields.get("activity", ""),
            location_text=fields.get("location_text", ""),
            uniform=fields.get("uniform", ""),
            equipment=fields.get("equipment", ""),
        )
        if report.incident is not None and report.incident not in incidents:
            incidents.append(report.incident)
    by_group = {groups[slug].pk: slug for slug in groups}
    for incident in incidents:
        group_id = Zone.objects.filter(pk=incident.zone_id or 0).values_list("group_id", flat=True).first()
        slug = by_group.get(group_id or 0, "")
        if slug == "demo-old-mill":
            # Sent, waiting for the observers to accept.
            _dispatch(incident, dispatcher)
        elif slug == "demo-lakeview":
            # The whole loop: sent, accepted, on scene, checked in, observed, proposed, left safe, confirmed.
            for dispatch in _dispatch(incident, dispatcher):
                observer_user = dispatch.observer.user
                network_dispatch.accept_dispatch(dispatch=dispatch, actor=observer_user, code_acknowledged=True)
                network_dispatch.mark_arrived(dispatch=dispatch, actor=observer_user)
                network_dispatch.check_in(dispatch=dispatch, actor=observer_user)
                network_dispatch.record_observation(
                    dispatch=dispatch,
                    actor=observer_user,
                    size="Four agents, one van",
                    activity="Agents questioning residents at the building entrance; no arrests seen yet",
                    uniform="Green jackets, patches reading ERO",
                    note="Kept our distance across the street; filmed from the sidewalk.",
                )
                network_dispatch.propose_verdict(
                    dispatch=dispatch, actor=observer_user, verdict=Verdict.CONFIRMED, note="We both saw the agents."
                )
                network_dispatch.check_out_safe(dispatch=dispatch, actor=observer_user)
            triage.record_verdict(
                incident=incident,
                verdict=Verdict.CONFIRMED,
                note="Confirmed by two observers on scene.",
                actor=dispatcher,
            )
    return len(incidents)


def _dispatch(incident: Incident, dispatcher: User) -> list[Dispatch]:
    try:
        return network_dispatch.dispatch_observers(incident=incident, actor=dispatcher)
    except VigilError:
        return []
