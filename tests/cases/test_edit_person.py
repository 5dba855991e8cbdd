"""Correcting the person detained after the case opened: sealed again, indexes recomputed, validated, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.world import World
from vigil.accounts.models import AuditEvent
from vigil.cases import services
from vigil.cases.models import Alias, Case, NameIndex
from vigil.cases.selectors import conflicts_for
from vigil.cases.services import PersonInput
from vigil.lib.errors import VigilError
from vigil.vault import unseal


def _case(world: World) -> Case:
    return open_case(world, "Ana Ruiz (fictional)", aliases=["Anita Ruiz", "Ana R. Soto"], a_number="A-123-456-789")


def _fix(world: World, case: Case, **changes: object) -> list[str]:
    person: dict[str, object] = {
        "name": "Ana Ruiz (fictional)",
        "aliases": ["Anita Ruiz", "Ana R. Soto"],
        "a_number": "123456789",
    }
    person.update(changes)
    return services.update_person(case=case, actor=world.erin, person=PersonInput(**person))  # type: ignore[arg-type]


def _state(case: Case) -> tuple[object, ...]:
    person = case.person.__class__.objects.get(case=case)
    return (
        bytes(person.name_sealed),
        bytes(person.a_number_sealed),
        bytes(person.birth_date_sealed),
        bytes(person.country_of_birth_sealed),
        bytes(person.needs_sealed),
        person.language,
        sorted(bytes(a.name_sealed) for a in Alias.objects.filter(person=person)),
        sorted(NameIndex.objects.filter(case=case).values_list("kind", "form", "digest")),
        case.events.count(),
    )


def test_every_field_is_corrected_and_sealed_again(world: World) -> None:
    case = _case(world)
    changed = _fix(
        world,
        case,
        name="Ana María Ruiz (fictional)",
        a_number="A-987-654-32",
        birth_date=dt.date(1991, 2, 3),
        country_of_birth="Honduras",
        language="es",
        needs="Insulin twice a day",
    )
    assert set(changed) == {"name", "a_number", "birth_date", "country_of_birth", "language", "needs"}
    person = Case.objects.get(pk=case.pk).person
    assert unseal(person.name_sealed, purpose=services.P_NAME) == "Ana María Ruiz (fictional)"
    assert unseal(person.a_number_sealed, purpose=services.P_A_NUMBER) == "98765432"
    assert unseal(person.birth_date_sealed, purpose=services.P_BIRTH) == "1991-02-03"
    assert unseal(person.country_of_birth_sealed, purpose=services.P_COUNTRY) == "Honduras"
    assert unseal(person.needs_sealed, purpose=services.P_NEEDS) == "Insulin twice a day"
    assert person.language == "es"


def test_the_conflict_check_finds_the_new_alias_and_no_longer_the_removed_one(world: World) -> None:
    case = _case(world)
    assert [c.case_id for c in conflicts_for(["Ana R. Soto"])] == [case.pk]
    changed = _fix(world, case, aliases=["Anita Ruiz", "Annie Rios"])
    assert changed == ["aliases"]
    assert conflicts_for(["Ana R. Soto"]) == []
    assert [(c.case_id, c.kind, c.form) for c in conflicts_for(["Annie Rios"])] == [(case.pk, "alias", "exact")]
    assert [c.case_id for c in conflicts_for(["Anita Ruiz"])] == [case.pk]  # the kept alias is still found
    names = sorted(unseal(a.name_sealed, purpose=services.P_ALIAS) for a in Alias.objects.filter(person__case=case))
    assert names == ["Anita Ruiz", "Annie Rios"]


def test_a_new_name_and_a_number_replace_the_old_in_the_index(world: World) -> None:
    case = _case(world)
    _fix(world, case, name="Beatriz Quintero (fictional)", a_number="11122233")
    assert conflicts_for(["Ana Ruiz (fictional)"]) == []
    assert conflicts_for([], a_number="123456789") == []
    assert [c.kind for c in conflicts_for(["Beatriz Quintero (fictional)"])] == ["person"]
    assert [c.form for c in conflicts_for([], a_number="11122233")] == ["a_number"]
    family_kinds = NameIndex.objects.filter(case=case, kind="family").count()
    assert family_kinds == 0  # this case has no family; family rows are never touched by a correction


def test_family_index_rows_survive_a_correction(world: World) -> None:
    case = open_case(world, "Ana Ruiz (fictional)", family=["Luis Ruiz (fictional)"])
    before = sorted(NameIndex.objects.filter(case=case, kind="family").values_list("digest", flat=True))
    services.update_person(case=case, actor=world.erin, person=PersonInput(name="Ana Ruiz Soto (fictional)"))
    assert sorted(NameIndex.objects.filter(case=case, kind="family").values_list("digest", flat=True)) == before
    assert [c.kind for c in conflicts_for(["Luis Ruiz (fictional)"])] == ["family"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"a_number": "1234567"}, "a_number"),
        ({"a_number": "1234567890"}, "a_number"),
        ({"birth_date": timezone.localdate() + dt.timedelta(days=1)}, "birth_date"),
        ({"name": "  "}, "name"),
        ({"needs": "The officer lives at 42 Oak Street with his wife"}, "needs"),
        ({"aliases": ["x" * 201]}, "name"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_half_written(world: World, changes: dict[str, object], field: str) -> None:
    case = _case(world)
    before = _state(case)
    with pytest.raises(VigilError) as e:
        _fix(world, case, **{"name": "Changed Name (fictional)", "aliases": ["Other Alias"], **changes})
    assert field in e.value.fields
    assert _state(case) == before


def test_each_correction_is_an_event_without_the_values_and_audited(world: World) -> None:
    case = _case(world)
    _fix(world, case, name="Zacarías Marker (fictional)", aliases=["Anita Ruiz", "Marker Alias"], needs="Marker needs")
    event = case.events.get(kind="person_corrected")
    assert event.actor_id == world.erin.pk
    assert set(event.data["fields"]) == {"name", "needs", "aliases"}
    assert event.data["aliases_added"] == 1 and event.data["aliases_removed"] == 1
    assert "Marker" not in str(event.data) and "Zacar" not in str(event.data)
    audit = AuditEvent.objects.get(action="case.correct", object_id=str(case.pk))
    assert audit.actor_id == world.erin.pk and "Marker" not in str(audit.detail)
    with connection.cursor() as cursor:
        for table in ("cases_caseevent", "accounts_auditevent", "cases_nameindex", "cases_alias"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            assert "Marker" not in repr(cursor.fetchall()), table


def test_nothing_changed_writes_nothing(world: World) -> None:
    case = _case(world)
    before = _state(case)
    assert _fix(world, case) == []
    assert _state(case) == before


def test_a_closed_case_is_not_corrected(world: World) -> None:
    case = _case(world)
    services.close_case(case=case, actor=world.erin, reason="Family found private counsel.")
    before = _state(case)
    with pytest.raises(VigilError) as e:
        _fix(world, case, name="Changed Name (fictional)")
    assert e.value.code == "closed" and _state(case) == before
