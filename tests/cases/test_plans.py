from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.http import Http404
from django.test import override_settings
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks
from pytest_django import Settings as SettingsWrapper

from tests.cases.helpers import open_case
from tests.world import World
from vigil.accounts.models import AuditEvent
from vigil.cases import locator, plans
from vigil.cases.facilities import import_text
from vigil.cases.models import Case, FamilyPlan, PlanDocument
from vigil.cases.plans import Contact, PlanContent
from vigil.lib.errors import VigilError

HEADER = "code,name,address,phone,field_office,immigration_court,federal_district\n"


def _plan(**over: object) -> tuple[FamilyPlan, str, str]:
    content = PlanContent(
        contacts=[Contact(name="Tia Rosa (fictional)", phone="+1 612 555 0177", relationship="aunt")],
        notify_phone="+1 612 555 0178",
        caregiver_name="Tia Rosa (fictional)",
        caregiver_phone="+1 612 555 0177",
        children="Two, ages 6 and 9",
        medical="Metformin 500 mg",
        wishes="Keep the children together.",
    )
    for k, v in over.items():
        setattr(content, k, v)
    return plans.create_plan(content=content, language="es")


def test_a_plan_opens_with_its_code_and_passphrase_only(db: None) -> None:
    plan, code, passphrase = _plan()
    assert len(plans.normal_code(code)) == 12 and len(passphrase) == 19
    assert plans.open_plan(code=code.lower().replace("-", " "), passphrase=passphrase) == plan
    assert plans.open_plan(code=code, passphrase=passphrase + "x") is None
    assert plans.open_plan(code="AAAA-BBBB-CCCC", passphrase=passphrase) is None
    assert plans.content_of(plan).wishes == "Keep the children together."


def test_a_plan_keeps_the_familys_own_private_details_and_checks_phone_fields(db: None) -> None:
    # A plan is the family's own private life for its own legal team (sealed): the text guard does not refuse it.
    plan, _code, _passphrase = _plan(wishes="Que los niños se queden juntos. Call my sister at 612-555-0100")
    assert "612-555-0100" in plans.content_of(plan).wishes
    with pytest.raises(VigilError) as e:
        _plan(notify_phone="call me")
    assert "notify_phone" in e.value.fields
    assert FamilyPlan.objects.count() == 1


PLAN_MARKERS = ("Blorptastic Guardian", "Quuxmedicine", "Wishmarker Zeta", "612 555 0166", "Kidmarker")


def test_a_database_dump_holds_no_plaintext_of_the_plan_its_code_or_passphrase(db: None) -> None:
    plan, code, passphrase = _plan(
        caregiver_name="Blorptastic Guardian",
        medical="Quuxmedicine daily",
        wishes="Wishmarker Zeta",
        caregiver_phone="+1 612 555 0166",
        children="Kidmarker",
    )
    plans.add_document(plan=plan, name="Docmarker-name.pdf", media_type="application/pdf", data=b"%PDF Docmarker-body")
    markers = [*PLAN_MARKERS, code, plans.normal_code(code), passphrase, "Docmarker"]
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names come from the schema
            for row in cursor.fetchall():
                for value in row:
                    raw = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
                    found += [(table, m) for m in markers if m.encode() in raw or m.casefold().encode() in raw]
    assert found == []


def test_updating_renews_and_an_expired_plan_is_purged(db: None) -> None:
    plan, _code, _passphrase = _plan()
    FamilyPlan.objects.filter(pk=plan.pk).update(expires_at=timezone.now() + dt.timedelta(days=3))
    plan.refresh_from_db()
    plans.update_plan(plan=plan, content=plans.content_of(plan))
    plan.refresh_from_db()
    assert plan.expires_at > timezone.now() + dt.timedelta(days=364)
    other, _c, _p = _plan()
    plans.add_document(plan=other, name="a.pdf", media_type="application/pdf", data=b"%PDF")
    assert plans.purge_expired(timezone.now() + dt.timedelta(days=366)) == 2
    assert not FamilyPlan.objects.exists() and not PlanDocument.objects.exists()
    assert plans.purge_expired() == 0


def test_the_family_deletes_the_plan_at_once(db: None) -> None:
    plan, code, passphrase = _plan()
    plans.add_document(plan=plan, name="a.pdf", media_type="application/pdf", data=b"%PDF")
    plans.delete_plan(plan=plan)
    assert not FamilyPlan.objects.exists() and not PlanDocument.objects.exists()
    assert plans.open_plan(code=code, passphrase=passphrase) is None


@override_settings(VIGIL_PLAN_DOCUMENT_MAX_BYTES=1024)
def test_documents_are_size_capped_and_typed(db: None) -> None:
    plan, _c, _p = _plan()
    with pytest.raises(VigilError) as e:
        plans.add_document(plan=plan, name="big.pdf", media_type="application/pdf", data=b"x" * 1025)
    assert e.value.status == 413
    with pytest.raises(VigilError):
        plans.add_document(plan=plan, name="x.exe", media_type="application/x-msdownload", data=b"MZ")
    doc = plans.add_document(plan=plan, name="ok.png", media_type="image/png", data=b"\x89PNG" + b"0" * 100)
    assert plans.document_data(doc) == ("ok.png", b"\x89PNG" + b"0" * 100)
    assert PlanDocument.objects.count() == 1


def _confirmed_case(world: World) -> Case:
    case = open_case(world)
    import_text(HEADER + "F1,Facility One (fictional),,,,Court A (fictional),\n")
    locator.record_check(
        case=case, actor=world.erin, result="found", checked_on=timezone.localdate(), facility_code="F1"
    )
    return case


def test_release_needs_a_confirmed_detention_and_both_approvals(
    world: World,
    settings: SettingsWrapper,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    settings.TWILIO_ACCOUNT_SID = "ACtest"
    sent: list[tuple[str, str]] = []

    def fake_sms(*, to: str, body: str) -> str:
        sent.append((to, body))
        return "SM1"

    monkeypatch.setattr("vigil.network.notify.send_sms", fake_sms)
    _plan_row, code, _p = _plan()
    case = open_case(world)
    plans.link_plan(case=case, actor=world.erin, code=code)
    with pytest.raises(VigilError, match="not confirmed"):
        plans.approve_release(case=case, actor=world.erin)
    import_text(HEADER + "F1,Facility One (fictional),,,,Court A (fictional),\n")
    locator.record_check(
        case=case, actor=world.erin, result="found", checked_on=timezone.localdate(), facility_code="F1"
    )
    with django_capture_on_commit_callbacks(execute=True):
        plans.approve_release(case=case, actor=world.erin)
    with pytest.raises(Http404):
        plans.released_plan(world.erin, case)
    with pytest.raises(VigilError, match="already"):
        plans.approve_release(case=case, actor=world.erin)
    with pytest.raises(VigilError):
        plans.approve_release(case=case, actor=world.bob)
    assert sent == []
    with django_capture_on_commit_callbacks(execute=True):
        plans.approve_release(case=case, actor=world.alice)
    released, content = plans.released_plan(world.erin, case)
    assert released.released_at is not None and content.medical == "Metformin 500 mg"
    with pytest.raises(Http404):
        plans.released_plan(world.bob, case)
    actions = set(AuditEvent.objects.filter(object_type="cases.FamilyPlan").values_list("action", flat=True))
    assert actions == {"plan.link", "plan.approve", "plan.release", "plan.read"}
    assert len(sent) == 1 and sent[0][0] == "+1 612 555 0178" and "plan" in sent[0][1]


def test_a_plan_cannot_be_linked_to_two_cases_or_by_a_wrong_code(world: World) -> None:
    _plan_row, code, _p = _plan()
    first = _confirmed_case(world)
    second = open_case(world, "Other Person (fictional)")
    plans.link_plan(case=first, actor=world.erin, code=code)
    with pytest.raises(VigilError, match="another case"):
        plans.link_plan(case=second, actor=world.erin, code=code)
    with pytest.raises(VigilError, match="No plan"):
        plans.link_plan(case=second, actor=world.erin, code="ZZZZ-ZZZZ-ZZZZ")
