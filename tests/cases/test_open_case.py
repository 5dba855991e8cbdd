from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from tests.cases.helpers import open_case
from tests.world import World
from vigil.cases import services
from vigil.cases.models import Alias, Case, CaseEvent, DetainedPerson, FamilyContact, NameIndex
from vigil.cases.services import FamilyInput, PersonInput
from vigil.lib.errors import VigilError
from vigil.vault import unseal


def _open(world: World, **person: object) -> Case:
    base: dict[str, object] = {"name": "Ana Ruiz (fictional)"}
    base.update(person)
    return services.open_case(
        group=world.north,
        opened_by=world.erin,
        source="attorney",
        person=PersonInput(**base),  # type: ignore[arg-type]
    )


def _nothing_written() -> None:
    assert Case.objects.count() == 0
    assert DetainedPerson.objects.count() == 0
    assert Alias.objects.count() == 0
    assert FamilyContact.objects.count() == 0
    assert NameIndex.objects.count() == 0
    assert CaseEvent.objects.count() == 0


def test_it_opens_a_case_sealed_and_indexed(world: World) -> None:
    case = _open(
        world,
        aliases=["Anita Ruiz"],
        a_number="A-123-456-789",
        birth_date=dt.date(1990, 5, 1),
        family=[FamilyInput(name="Luis Ruiz", phone="+1 612 555 0101", relationship="brother")],
    )
    person = case.person
    assert unseal(person.name_sealed, purpose=services.P_NAME) == "Ana Ruiz (fictional)"
    assert unseal(person.a_number_sealed, purpose=services.P_A_NUMBER) == "123456789"
    assert unseal(person.birth_date_sealed, purpose=services.P_BIRTH) == "1990-05-01"
    kinds = set(NameIndex.objects.filter(case=case).values_list("kind", "form"))
    assert ("person", "sound") in kinds and ("alias", "norm") in kinds and ("family", "exact") in kinds
    assert ("a_number", "exact") in kinds
    assert list(case.events.values_list("kind", flat=True)) == ["opened"]


@pytest.mark.parametrize("bad", ["1234567", "1234567890", "A12345678X", "abc"])
def test_it_refuses_an_impossible_a_number_and_writes_nothing(world: World, bad: str) -> None:
    with pytest.raises(VigilError) as e:
        _open(world, a_number=bad)
    assert "a_number" in e.value.fields
    assert "8 or 9 digits" in str(e.value.fields["a_number"][0].message)
    _nothing_written()


def test_it_accepts_eight_digit_a_numbers() -> None:
    assert services.clean_a_number("a 12345678") == "12345678"


def test_it_refuses_a_birth_date_in_the_future(world: World) -> None:
    with pytest.raises(VigilError) as e:
        _open(world, birth_date=timezone.localdate() + dt.timedelta(days=1))
    assert "future" in str(e.value.fields["birth_date"][0].message)
    _nothing_written()


def test_it_refuses_a_missing_name(world: World) -> None:
    with pytest.raises(VigilError) as e:
        _open(world, name="  ")
    assert "name" in e.value.fields
    _nothing_written()


def test_it_runs_the_text_guard_on_needs(world: World) -> None:
    with pytest.raises(VigilError) as e:
        _open(world, needs="the officer lives at 123 Elm Street, his kids go to Lincoln school")
    assert "needs" in e.value.fields
    _nothing_written()


def test_a_failure_half_way_leaves_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(NameIndex.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        _open(world, aliases=["Anita"])
    _nothing_written()


MARKERS = (
    "Zorblax Quentin",
    "Quixotl Marvane",
    "Fennimore Zzyzx",
    "987654321",
    "1977-03-09",
    "Xanadu Republic",
    "insulin-marker",
    "+1 612 555 0199",
    "note-marker-Blorp",
)


def test_a_database_dump_holds_no_plaintext_of_sealed_fields(world: World) -> None:
    case = services.open_case(
        group=world.north,
        opened_by=world.erin,
        source="attorney",
        person=PersonInput(
            name="Zorblax Quentin",
            aliases=["Quixotl Marvane"],
            a_number="987654321",
            birth_date=dt.date(1977, 3, 9),
            country_of_birth="Xanadu Republic",
            needs="insulin-marker daily",
            family=[FamilyInput(name="Fennimore Zzyzx", phone="+1 612 555 0199")],
        ),
    )
    services.add_note(case=case, author=world.erin, text="note-marker-Blorp called the family")
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names come from the schema
            for row in cursor.fetchall():
                for value in row:
                    raw = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
                    for marker in MARKERS:
                        for variant in {marker, marker.casefold(), marker.upper()}:
                            if variant.encode() in raw:
                                found.append((table, marker))
    assert found == []


def test_open_case_helper_assigns_the_attorney(world: World) -> None:
    case = open_case(world)
    assert case.attorney_id == world.erin.pk
    assert list(case.events.values_list("kind", flat=True)) == ["opened", "attorney_assigned"]
