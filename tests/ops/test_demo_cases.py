"""The legal-help part of seed_demo: facilities, a rota, an accepted case with hearings and a linked plan whose
printed code and passphrase open it, a case waiting for an attorney with the reason; seeding twice replaces them."""

from __future__ import annotations

import io
import re

from django.core.management import call_command
from django.test import override_settings

from vigil.cases import plans
from vigil.cases.models import Case, Facility, FamilyPlan, Hearing, OnCall


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


@override_settings(VIGIL_NOTIFY_BACKENDS=["inbox"])
def test_the_demo_seeds_a_case_and_a_plan_that_opens_with_the_printed_code(db: None) -> None:
    out = _seed()
    match = re.search(r"code ([A-Z0-9-]{14})  passphrase ([a-z0-9-]{19})", out)
    assert match, out
    plan = plans.open_plan(code=match.group(1), passphrase=match.group(2))
    assert plan is not None and plan.case is not None
    case = plan.case
    assert case.state == "accepted" and case.attorney is not None and case.attorney.username == "demo-attorney"
    assert Hearing.objects.filter(case=case).count() == 3
    assert sorted(case.deadlines.values_list("trigger", flat=True)) == ["arrival", "bond_decision"]
    assert Hearing.objects.get(case=case, outcome="bond_denied").result
    waiting = Case.objects.exclude(pk=case.pk).get()
    assert waiting.state == "accepted" and waiting.attorney is None and waiting.unpaged == "no_jurisdiction"
    assert f"Case #{waiting.pk} (fictional) is accepted with no facility known yet" in out
    assert case.facility is not None and Facility.objects.filter(code__startswith="DEMO-").count() == 3
    assert OnCall.objects.count() == 1
    _seed()
    assert Case.objects.count() == 2 and FamilyPlan.objects.count() == 1 and Facility.objects.count() == 3
