from __future__ import annotations

from tests.cases.helpers import open_case
from tests.world import World
from vigil.cases import blind
from vigil.cases.selectors import conflicts_for, conflicts_of_case


def test_normal_form_strips_accents_punctuation_and_order() -> None:
    assert blind.normal_form("García-López,  María") == blind.normal_form("maria garcia lopez")


def test_sound_form_meets_sound_alikes() -> None:
    assert blind.sound_form("Jon Smyth") == blind.sound_form("John Smith")
    assert blind.sound_form("Jon Smyth") != blind.sound_form("Joan Smart")


def test_digests_are_keyed_not_plain_hashes() -> None:
    import hashlib

    d = blind.name_digests("Maria Garcia")[blind.EXACT]
    assert d != hashlib.sha256(b"exact\x00maria garcia").hexdigest()
    assert len(d) == 64


def test_it_finds_the_same_person_exactly(world: World) -> None:
    case = open_case(world, "Maria Garcia")
    hits = conflicts_for(["Maria Garcia"])
    assert hits[0].case_id == case.pk and hits[0].form == "exact" and hits[0].kind == "person"


def test_it_finds_a_name_written_with_accents_and_another_order(world: World) -> None:
    case = open_case(world, "María García-López")
    hits = conflicts_for(["lopez garcia maria"])
    assert [(h.case_id, h.form) for h in hits] == [(case.pk, "norm")]


def test_it_finds_a_sound_alike(world: World) -> None:
    case = open_case(world, "Jon Smyth")
    assert [(h.case_id, h.form) for h in conflicts_for(["John Smith"])] == [(case.pk, "sound")]


def test_it_finds_an_alias(world: World) -> None:
    case = open_case(world, "Roberto Diaz", aliases=["Beto Díaz"])
    hits = conflicts_for(["beto diaz"])
    assert [(h.case_id, h.kind, h.form) for h in hits] == [(case.pk, "alias", "norm")]


def test_it_finds_a_family_member(world: World) -> None:
    case = open_case(world, "Roberto Diaz", family=["Carmen Diaz"])
    hits = conflicts_for(["Carmen Diaz"])
    assert [(h.case_id, h.kind) for h in hits] == [(case.pk, "family")]


def test_it_finds_the_same_a_number(world: World) -> None:
    case = open_case(world, "Someone Else", a_number="A123456789")
    assert [(h.case_id, h.form) for h in conflicts_for([], a_number="123456789")] == [(case.pk, "a_number")]


def test_it_misses_other_people(world: World) -> None:
    open_case(world, "Maria Garcia", aliases=["Mari G"], family=["Jose Garcia"])
    assert conflicts_for(["Pedro Alvarez"]) == []
    assert conflicts_for(["Maria Gonzalez"]) == []


def test_a_new_case_sees_earlier_cases_sharing_its_people(world: World) -> None:
    first = open_case(world, "Maria Garcia", family=["Jose Garcia"])
    second = open_case(world, "José García", aliases=["Maria Garcia"])
    hits = conflicts_of_case(second)
    assert {(h.case_id, h.kind) for h in hits} == {(first.pk, "person"), (first.pk, "family")}
    assert conflicts_of_case(first) and all(h.case_id == second.pk for h in conflicts_of_case(first))
