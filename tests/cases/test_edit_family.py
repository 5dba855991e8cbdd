"""Correcting a case's family contacts after it opened: added, corrected, removed; sealed, indexed, validated and
audited as the person's details are."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.cases.helpers import open_case
from tests.world import World
from vigil.accounts.models import AuditEvent
from vigil.cases import services
from vigil.cases.models import Case, FamilyContact, NameIndex
from vigil.cases.selectors import conflicts_for
from vigil.cases.services import FamilyInput
from vigil.lib.errors import VigilError
from vigil.vault import unseal


def _case(world: World) -> Case:
    return open_case(world, "Ana Ruiz (fictional)", family=["Luis Ruiz (fictional)"])


def _only_contact(case: Case) -> FamilyContact:
    return FamilyContact.objects.get(case=case)


def _state(case: Case) -> tuple[object, ...]:
    contacts = FamilyContact.objects.filter(case=case).order_by("pk")
    return (
        [(c.pk, bytes(c.name_sealed), bytes(c.phone_sealed), c.relationship, c.language) for c in contacts],
        sorted(NameIndex.objects.filter(case=case).values_list("kind", "form", "digest")),
        case.events.count(),
        AuditEvent.objects.filter(action__startswith="case.family").count(),
    )


def _opened(contact: FamilyContact) -> tuple[str, str, str, str]:
    phone = unseal(contact.phone_sealed, purpose=services.P_FAMILY_PHONE) if bytes(contact.phone_sealed) else ""
    return (
        unseal(contact.name_sealed, purpose=services.P_FAMILY_NAME),
        phone,
        contact.relationship,
        contact.language,
    )


def test_a_contact_is_added_sealed_and_found_by_the_conflict_check(world: World) -> None:
    case = _case(world)
    assert conflicts_for(["Marta Quiñones (fictional)"]) == []
    added = services.add_family_contact(
        case=case,
        actor=world.erin,
        contact=FamilyInput(name=" Marta Quiñones (fictional) ", phone="+1 612 555 0199", relationship="tía",
                            language="es"),
    )  # fmt: skip
    assert _opened(FamilyContact.objects.get(pk=added.pk)) == (
        "Marta Quiñones (fictional)",
        "+1 612 555 0199",
        "tía",
        "es",
    )
    assert b"Marta" not in bytes(added.name_sealed) and b"0199" not in bytes(added.phone_sealed)
    assert [(c.case_id, c.kind, c.form) for c in conflicts_for(["Marta Quiñones (fictional)"])] == [
        (case.pk, "family", "exact")
    ]
    assert [c.form for c in conflicts_for(["marta quinones fictional"])] == ["norm"]  # accents and order
    assert [c.case_id for c in conflicts_for(["Luis Ruiz (fictional)"])] == [case.pk]  # the first is still found
    event = case.events.get(kind="family_added")
    assert event.actor_id == world.erin.pk and event.data == {"contact": added.pk}


def test_a_contact_is_corrected_and_the_old_name_is_no_longer_found(world: World) -> None:
    case = _case(world)
    contact = _only_contact(case)
    changed = services.update_family_contact(
        case=case,
        actor=world.alice,
        contact_id=contact.pk,
        contact=FamilyInput(name="Luisa Rivas (fictional)", phone="+1 612 555 0142", relationship="sister",
                            language="es"),
    )  # fmt: skip
    assert changed == ["name", "phone", "relationship", "language"]
    assert _opened(FamilyContact.objects.get(pk=contact.pk)) == (
        "Luisa Rivas (fictional)",
        "+1 612 555 0142",
        "sister",
        "es",
    )
    assert conflicts_for(["Luis Ruiz (fictional)"]) == []
    assert [(c.case_id, c.kind) for c in conflicts_for(["Luisa Rivas (fictional)"])] == [(case.pk, "family")]
    assert [c.kind for c in conflicts_for(["Ana Ruiz (fictional)"])] == ["person"]  # the person's rows are untouched


def test_only_what_changed_is_named_and_a_phone_can_be_cleared(world: World) -> None:
    case = _case(world)
    contact = _only_contact(case)
    before = sorted(NameIndex.objects.filter(case=case, kind="family").values_list("digest", flat=True))
    changed = services.update_family_contact(
        case=case,
        actor=world.erin,
        contact_id=contact.pk,
        contact=FamilyInput(name="Luis Ruiz (fictional)", phone="", relationship="sibling"),
    )
    assert changed == ["phone"]
    assert bytes(FamilyContact.objects.get(pk=contact.pk).phone_sealed) == b""  # no phone: no SMS reaches them
    assert sorted(NameIndex.objects.filter(case=case, kind="family").values_list("digest", flat=True)) == before


def test_nothing_changed_writes_nothing(world: World) -> None:
    case = _case(world)
    contact = _only_contact(case)
    before = _state(case)
    same = FamilyInput(name="Luis Ruiz (fictional)", phone="+1 612 555 0100", relationship="sibling")
    assert services.update_family_contact(case=case, actor=world.erin, contact_id=contact.pk, contact=same) == []
    assert _state(case) == before


def test_a_contact_is_removed_with_its_index_rows(world: World) -> None:
    case = open_case(world, "Ana Ruiz (fictional)", family=["Luis Ruiz (fictional)", "Pedro Ruiz (fictional)"])
    luis, pedro = FamilyContact.objects.filter(case=case).order_by("pk")
    services.remove_family_contact(case=case, actor=world.erin, contact_id=luis.pk)
    assert list(FamilyContact.objects.filter(case=case)) == [pedro]
    assert conflicts_for(["Luis Ruiz (fictional)"]) == []
    assert conflicts_for(["Jon Smith"]) == []
    assert [c.case_id for c in conflicts_for(["Pedro Ruiz (fictional)"])] == [case.pk]
    event = case.events.get(kind="family_removed")
    assert event.data == {"contact": luis.pk}
    services.remove_family_contact(case=case, actor=world.erin, contact_id=pedro.pk)
    assert not NameIndex.objects.filter(case=case, kind="family").exists()
    assert NameIndex.objects.filter(case=case, kind="person").exists()


def test_a_sound_alike_of_a_new_name_is_found_and_of_a_removed_one_is_not(world: World) -> None:
    case = _case(world)
    added = services.add_family_contact(case=case, actor=world.erin, contact=FamilyInput(name="John Smith"))
    assert [(c.case_id, c.form) for c in conflicts_for(["Jon Smyth"])] == [(case.pk, "sound")]
    services.remove_family_contact(case=case, actor=world.erin, contact_id=added.pk)
    assert conflicts_for(["Jon Smyth"]) == []


def _good(**changes: str) -> FamilyInput:
    fields = {"name": "Changed Name (fictional)", "phone": "+1 612 555 0111", "relationship": "cousin"}
    fields.update(changes)
    return FamilyInput(**fields)


BAD = [
    ({"name": "  "}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"phone": "call me"}, "phone"),
    ({"phone": "12"}, "phone"),
    ({"relationship": "x" * 41}, "relationship"),
    ({"relationship": "The officer lives at 42 Oak Street"}, "relationship"),  # the text guard
]


@pytest.mark.parametrize(("changes", "field"), BAD)
def test_a_bad_correction_is_refused_and_nothing_is_half_written(
    world: World, changes: dict[str, str], field: str
) -> None:
    case = _case(world)
    contact = _only_contact(case)
    before = _state(case)
    with pytest.raises(VigilError) as e:
        services.update_family_contact(case=case, actor=world.erin, contact_id=contact.pk, contact=_good(**changes))
    assert e.value.code == "invalid" and field in e.value.fields
    assert _state(case) == before


@pytest.mark.parametrize(("changes", "field"), BAD)
def test_a_bad_new_contact_is_refused_and_nothing_is_written(world: World, changes: dict[str, str], field: str) -> None:
    case = _case(world)
    before = _state(case)
    with pytest.raises(VigilError) as e:
        services.add_family_contact(case=case, actor=world.erin, contact=_good(**changes))
    assert field in e.value.fields
    assert _state(case) == before


def test_opening_refuses_the_same_bad_contact(world: World) -> None:
    with pytest.raises(VigilError) as e:
        open_case(world, "Ana Ruiz (fictional)", family=["x" * 201])
    assert "family" in e.value.fields and not Case.objects.exists()


def test_a_contact_of_another_case_is_not_touched(world: World) -> None:
    case = _case(world)
    other = open_case(world, "Otro Caso (fictional)", family=["Ajeno Familiar (fictional)"])
    theirs = _only_contact(other)
    before = _state(other)
    with pytest.raises(VigilError) as e:
        services.update_family_contact(case=case, actor=world.erin, contact_id=theirs.pk, contact=_good())
    assert e.value.status == 404
    with pytest.raises(VigilError):
        services.remove_family_contact(case=case, actor=world.erin, contact_id=theirs.pk)
    assert _state(other) == before


def test_a_closed_case_keeps_its_family_as_it_is(world: World) -> None:
    case = _case(world)
    contact = _only_contact(case)
    services.close_case(case=case, actor=world.erin, reason="Family found private counsel.")
    before = _state(case)
    for attempt in ("add", "update", "remove"):
        with pytest.raises(VigilError) as e:
            if attempt == "add":
                services.add_family_contact(case=case, actor=world.erin, contact=_good())
            elif attempt == "update":
                services.update_family_contact(case=case, actor=world.erin, contact_id=contact.pk, contact=_good())
            else:
                services.remove_family_contact(case=case, actor=world.erin, contact_id=contact.pk)
        assert e.value.code == "closed" and e.value.status == 409, attempt
    assert _state(case) == before


def test_each_change_is_one_event_and_one_audit_entry_without_the_values(world: World) -> None:
    case = _case(world)
    contact = _only_contact(case)
    added = services.add_family_contact(
        case=case, actor=world.erin, contact=FamilyInput(name="Zacarías Marker (fictional)", phone="+1 612 555 0777")
    )
    services.update_family_contact(
        case=case,
        actor=world.alice,
        contact_id=contact.pk,
        contact=FamilyInput(name="Marker Luis (fictional)", phone="+1 612 555 0888", relationship="brother"),
    )
    services.remove_family_contact(case=case, actor=world.erin, contact_id=added.pk)
    kinds = list(case.events.filter(kind__startswith="family").values_list("kind", "actor_id", "data"))
    assert kinds == [
        ("family_added", world.erin.pk, {"contact": added.pk}),
        ("family_corrected", world.alice.pk, {"contact": contact.pk, "fields": ["name", "phone", "relationship"]}),
        ("family_removed", world.erin.pk, {"contact": added.pk}),
    ]
    audits = list(
        AuditEvent.objects.filter(action__startswith="case.family", object_id=str(case.pk))
        .order_by("pk")
        .values_list("action", "actor_id", "detail")
    )
    assert [(a, who) for a, who, _detail in audits] == [
        ("case.family_added", world.erin.pk),
        ("case.family_corrected", world.alice.pk),
        ("case.family_removed", world.erin.pk),
    ]
    assert audits[1][2]["fields"] == ["name", "phone", "relationship"] and audits[1][2]["contact"] == contact.pk
    with connection.cursor() as cursor:
        for table in ("cases_caseevent", "accounts_auditevent", "cases_nameindex", "cases_familycontact"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            dumped = repr(cursor.fetchall())
            assert "Marker" not in dumped, table
            assert "555 0777" not in dumped and "555 0888" not in dumped, table  # a digest is hex: no spaces
