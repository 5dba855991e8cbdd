"""Demo legal help: fictional facilities, an on-call rota, a case with a locator check, hearings and deadlines, and a
family preparedness plan linked to it. Everything is invented and labelled "(fictional)".

`reset()` runs before the demo groups are removed (cases keep their group protected); `seed(out)` runs after the
demo city exists and prints the case number and the plan's code and passphrase (public: demo use only).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from vigil.accounts.models import Group, Membership, Role, User
from vigil.cases import calendar, facilities, locator, oncall, plans, screening, services
from vigil.cases.models import Case, FamilyPlan
from vigil.cases.services import FamilyInput, PersonInput
from vigil.hotline.models import Incident, Verdict

DEMO_FACILITIES = Path(__file__).resolve().parents[1] / "cases" / "data" / "facilities-demo.csv"
COURT = "Fort Example Immigration Court (fictional)"


class Out(Protocol):
    def write(self, msg: str) -> object: ...


def reset() -> int:
    """Delete the cases (and their plans) of demo groups; returns how many cases went."""
    with transaction.atomic():
        cases = Case.objects.filter(group__slug__startswith="demo-")
        FamilyPlan.objects.filter(case__in=cases).delete()
        count, _rows = cases.delete()
    return count


def seed(out: Out) -> None:
    result = facilities.import_text(DEMO_FACILITIES.read_text(encoding="utf-8"))
    attorney = User.objects.filter(username="demo-attorney").first()
    coordinator = User.objects.filter(username="demo-coordinator").first()
    operator = User.objects.filter(username="demo-operator").first()
    membership = Membership.objects.filter(user=attorney, role=Role.ATTORNEY).select_related("group").first()
    if attorney is None or coordinator is None or operator is None or membership is None:
        out.write("Legal help demo skipped: the demo attorney, coordinator or operator is missing.")
        return
    group: Group = membership.group
    now = timezone.now()
    oncall.add_on_call(
        actor=coordinator,
        group=group,
        attorney=attorney,
        jurisdiction=COURT,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=7),
    )
    person = PersonInput(
        name="Ana Demo-Ruiz (fictional)",
        aliases=["Anita Ruiz (fictional)"],
        a_number="A-000-000-001",
        birth_date=dt.date(1990, 1, 1),
        country_of_birth="Examplestan (fictional)",
        language="es",
        needs="Takes blood pressure medicine every morning; two children at home with a neighbour.",
        family=[
            FamilyInput(name="Luis Demo-Ruiz (fictional)", phone="+1 555 0123", relationship="brother", language="es")
        ],
    )
    incident = Incident.objects.filter(zone__group=group, verdict=Verdict.CONFIRMED).first()
    if incident is not None:
        case = services.open_from_incident(incident=incident, actor=coordinator, person=person)
    else:
        case = services.open_case(group=group, opened_by=operator, source="hotline", person=person)
    Case.objects.filter(pk=case.pk).update(jurisdiction=COURT)
    case.refresh_from_db()
    services.start_screening(case=case, actor=coordinator)
    screening.decide(
        case=case, actor=coordinator, decision="accepted", reason="Demo: no conflict, detained, bond eligible."
    )
    page = oncall.open_pages_for(attorney).filter(case=case).first()
    if page is not None:
        oncall.acknowledge(page=page, attorney=attorney)
    case.refresh_from_db()
    today = timezone.localdate()
    locator.record_check(case=case, actor=attorney, result="found", checked_on=today, facility_code="DEMO-NRP")
    calendar.add_hearing(
        case=case, actor=attorney, kind="bond", court=COURT, judge="Judge Example (fictional)",
        starts_at=now + dt.timedelta(days=2, hours=1),
    )  # fmt: skip
    calendar.add_hearing(
        case=case, actor=attorney, kind="master", court=COURT, judge="Judge Example (fictional)",
        starts_at=now + dt.timedelta(days=12),
    )  # fmt: skip
    calendar.record_trigger(case=case, actor=attorney, trigger="arrival", occurred_on=today - dt.timedelta(days=300))
    earlier = calendar.add_hearing(
        case=case, actor=attorney, kind="bond", court=COURT, judge="Judge Example (fictional)",
        starts_at=now - dt.timedelta(days=3),
    )  # fmt: skip
    calendar.record_result(  # fires the bond appeal deadline of the rule table
        hearing=earlier, actor=attorney, result="Demo: bond denied; redetermination asked.", outcome="bond_denied"
    )
    waiting = services.open_case(
        group=group,
        opened_by=operator,
        source="hotline",
        person=PersonInput(name="Beto Demo-Sin-Centro (fictional)", language="es"),
    )
    services.start_screening(case=waiting, actor=coordinator)
    screening.decide(case=waiting, actor=coordinator, decision="accepted", reason="Demo: facility not known yet.")
    _plan, code, passphrase = plans.create_plan(
        content=plans.PlanContent(
            contacts=[plans.Contact(name="Luis Demo-Ruiz (fictional)", phone="+1 555 0123", relationship="brother")],
            notify_phone="+1 555 0123",
            caregiver_name="Rosa Neighbour (fictional)",
            caregiver_phone="+1 555 0124",
            children="Two children, 6 and 9 (fictional)",
            medical="Blood pressure medicine every morning.",
            wishes="Keep the children together with Rosa; call Luis first.",
        ),
        language="es",
    )
    plans.link_plan(case=case, actor=attorney, code=code)
    out.write(
        f"Legal help (fictional): {result.created + result.updated + result.unchanged} facilities, "
        f"demo-attorney on call for {COURT}, case #{case.pk} accepted with hearings and a deadline."
    )
    out.write(
        f"Case #{waiting.pk} (fictional) is accepted with no facility known yet: nobody is paged; it waits under "
        "'Accepted cases that need an attorney' on demo-coordinator's /cases/."
    )
    out.write(f"Family plan (demo only, public): code {code}  passphrase {passphrase}  — open it at /plan/.")
    out.write(f"It is linked to case #{case.pk}; demo-coordinator and demo-attorney each approve to release it.")
