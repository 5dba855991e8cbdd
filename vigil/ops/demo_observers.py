"""Demo volunteers and trainings: applicants in every state of the pipeline and two sessions (fictional, labelled).

Called by seed_demo after the demo groups exist; everything hangs off the demo groups, so resetting the demo (which
deletes those groups) deletes it too. Prints an applicant's personal registration link and the door's check-in link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from vigil.accounts.models import Group, Membership, Role
from vigil.network import trainings, volunteers
from vigil.network.dispatch import absolute_url
from vigil.network.models import Volunteer, VolunteerStatus

# (name, contact, language, languages, neighbourhood, availability, the state they reach)
APPLICANTS = [
    ("Noor Pemberly (demo)", "noor.demo@example.org", "en", ["en", "ar"], "Foundry", ["weekends"], "applied"),
    ("Tomasa Quirell (demo)", "+16125550171", "es", ["es", "en"], "Riverside", ["weekday_evenings"], "applied"),
    ("Lio Brandvold (demo)", "lio.demo@example.org", "en", ["en"], "Foundry", ["on_call"], "invited"),
    ("Marisol Ekwueme (demo)", "+16125550172", "es", ["es"], "Riverside", ["weekends", "on_call"], "invited"),
    (
        "Yusra Delacroix (demo)",
        "yusra.demo@example.org",
        "en",
        ["en", "so"],
        "Riverside",
        ["weekday_daytime"],
        "trained",
    ),
    ("Pavel Anquist (demo)", "pavel.demo@example.org", "en", ["en", "ru"], "Foundry", ["weekends"], "declined"),
]


def seed_observers(write: Callable[[str], None]) -> None:
    group = Group.objects.filter(slug="demo-riverside").first()
    coordinator = Membership.objects.filter(group=group, role=Role.COORDINATOR).select_related("user").first()
    if group is None or coordinator is None:
        return
    actor = coordinator.user
    now = timezone.now()
    saturday = (now + dt.timedelta(days=(5 - now.weekday()) % 7 or 7)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    upcoming = trainings.schedule(
        actor=actor, group=group, kind="legal_observer", title="Legal-observer training (demo)",
        starts_at=saturday, ends_at=saturday + dt.timedelta(hours=3), online=False,
        place="Riverside public library, community room (demo)", language="es", capacity=20,
    )  # fmt: skip
    past = trainings.schedule(
        actor=actor, group=group, kind="legal_observer", title="Legal-observer training, last month (demo)",
        starts_at=now - dt.timedelta(days=30), ends_at=now - dt.timedelta(days=30) + dt.timedelta(hours=3),
        online=True, place="", language="en", capacity=30,
    )  # fmt: skip
    trainings.schedule(
        actor=actor, group=group, kind="refresher", title="Refresher (demo)",
        starts_at=saturday + dt.timedelta(days=14), ends_at=saturday + dt.timedelta(days=14, hours=2), online=True,
        place="", language="en", capacity=40,
    )  # fmt: skip
    made: list[Volunteer] = []
    for name, contact, language, languages, area, slots, state in APPLICANTS:
        volunteer = volunteers.sign_up(
            group=group, name=name, contact=contact, language=language, languages=languages, neighbourhood=area,
            availability=slots, note="", consent=True, now=now - dt.timedelta(days=40),
        )  # fmt: skip
        if state in ("invited", "trained"):
            # As if the invitation had gone out (the demo writes to nobody).
            Volunteer.objects.filter(pk=volunteer.pk).update(status=VolunteerStatus.INVITED)
            volunteer.refresh_from_db()
        if state == "invited":
            trainings.register(training=upcoming, volunteer=volunteer)
        if state == "trained":
            registration = trainings.register(training=past, volunteer=volunteer, now=now - dt.timedelta(days=35))
            trainings.mark_attended(actor=actor, registration=registration, now=now - dt.timedelta(days=30))
        if state == "declined":
            volunteers.decline(actor=actor, volunteer=volunteer)
        made.append(volunteer)
    invited = next(v for v in made if v.name.startswith("Lio"))
    write(f"Volunteers: {len(made)} demo applicants in {group.name}'s pipeline, 3 training sessions.")
    write(
        f"  an invited applicant's registration link: {absolute_url('volunteer:trainings')}?v="
        f"{volunteers.registration_token(invited)}"
    )
    write(
        f"  the door check-in link of the next session: "
        f"{absolute_url('volunteer:door', upcoming.pk, upcoming.check_in_token)}"
    )
