"""Appending to the persistent log, and reading proofs back: always what the RFC 9162 reference functions give."""

from __future__ import annotations

import pytest
from django.db import transaction

from vigil.ledger import (
    EMPTY_ROOT,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)
from vigil.ledger.canonical import canonical_json
from vigil.ledger.errors import FormatError
from vigil.tlog import services
from vigil.tlog.models import AppendOnlyError, Leaf, SignedCheckpoint, Subtree, TreeHead

pytestmark = pytest.mark.django_db


def record(i: int) -> dict[str, object]:
    return {"type": "test", "n": i, "note": f"fictional record {i}"}


def hashes(n: int) -> list[bytes]:
    return [leaf_hash(canonical_json(record(i))) for i in range(n)]


def test_it_appends_records_as_consecutive_leaves_of_canonical_json() -> None:
    refs = services.append(records=[record(0), record(1), record(2)])
    assert [r.index for r in refs] == [0, 1, 2]
    assert [r.leaf_hash for r in refs] == hashes(3)
    leaf = Leaf.objects.get(index=1)
    assert bytes(leaf.record) == b'{"n":1,"note":"fictional record 1","type":"test"}'
    assert bytes(leaf.hash) == leaf_hash(bytes(leaf.record))
    assert [r.index for r in services.append(records=[record(3)])] == [3]
    head = TreeHead.objects.get()
    assert head.size == 4
    assert bytes(head.root) == tree_root(hashes(4)) == services.root_at(4)


def test_an_empty_append_changes_nothing() -> None:
    assert services.append(records=[]) == []
    assert services.tree_size() == 0
    assert services.root_at(0) == EMPTY_ROOT


def test_it_refuses_records_that_are_not_canonical_json_and_appends_nothing() -> None:
    services.append(records=[record(0)])
    with pytest.raises(FormatError):
        services.append(records=[record(1), {"type": "test", "weight": 1.5}])
    with pytest.raises(FormatError):
        services.append(records=[{"when": object()}])
    assert services.tree_size() == 1
    assert Leaf.objects.count() == 1


def test_leaves_roll_back_with_the_callers_transaction() -> None:
    services.append(records=[record(0)])
    with pytest.raises(RuntimeError), transaction.atomic():
        services.append(records=[record(1), record(2)])
        assert services.tree_size() == 3
        raise RuntimeError("the caller's own write failed")
    assert services.tree_size() == 1
    assert Leaf.objects.count() == 1
    assert Subtree.objects.count() == 1
    assert [r.index for r in services.append(records=[record(1)])] == [1]
    assert services.root_at(2) == tree_root(hashes(2))


def test_proofs_from_the_database_match_the_reference_for_every_index_and_size() -> None:
    for start in range(0, 37, 5):  # batches of 5, the last one short
        services.append(records=[record(i) for i in range(start, min(start + 5, 37))])
    hs = hashes(37)
    for size in range(1, 38):
        root = tree_root(hs[:size])
        assert services.root_at(size) == root
        for index in range(size):
            got = services.inclusion_proof(index=index, size=size)
            assert got.proof == inclusion_proof(hs[:size], index)
            assert (got.leaf_hash, got.root) == (hs[index], root)
            verify_inclusion(got.leaf_hash, index, size, got.proof, root)
        for old in range(size + 1):
            c = services.consistency_proof(old_size=old, new_size=size)
            assert c.proof == consistency_proof(hs[:size], old)
            assert (c.old_root, c.new_root) == (tree_root(hs[:old]), root)
            verify_consistency(old, size, c.proof, c.old_root, c.new_root)


def test_a_proof_costs_one_query(django_assert_num_queries: object) -> None:
    services.append(records=[record(i) for i in range(100)])
    with django_assert_num_queries(1):  # type: ignore[operator]
        services.inclusion_proof(index=37, size=99)
    with django_assert_num_queries(1):  # type: ignore[operator]
        services.consistency_proof(old_size=37, new_size=99)
    with django_assert_num_queries(1):  # type: ignore[operator]
        services.root_at(77)


def test_it_says_so_when_asked_about_a_tree_it_has_not_reached() -> None:
    services.append(records=[record(i) for i in range(5)])
    with pytest.raises(services.TreeTooSmallError, match="fewer than 6 leaves"):
        services.inclusion_proof(index=0, size=6)
    with pytest.raises(services.TreeTooSmallError):
        services.consistency_proof(old_size=2, new_size=9)
    with pytest.raises(services.TreeTooSmallError):
        services.root_at(6)
    with pytest.raises(services.LogError, match="outside a tree of size 5"):
        services.inclusion_proof(index=5, size=5)
    with pytest.raises(services.LogError, match="larger than new size"):
        services.consistency_proof(old_size=5, new_size=4)
    with pytest.raises(services.LogError, match="negative"):
        services.root_at(-1)


def test_nothing_can_change_or_remove_a_leaf_a_subtree_or_a_checkpoint() -> None:
    services.append(records=[record(0), record(1)])
    services.issue_checkpoint()
    leaf = Leaf.objects.get(index=0)
    leaf.record = b"{}"
    with pytest.raises(AppendOnlyError):
        leaf.save()
    with pytest.raises(AppendOnlyError):
        leaf.delete()
    with pytest.raises(AppendOnlyError):
        Leaf.objects.filter(index=0).update(record=b"{}")
    with pytest.raises(AppendOnlyError):
        Leaf.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        Subtree.objects.all().update(hash=b"x" * 32)
    with pytest.raises(AppendOnlyError):
        Subtree.objects.first().delete()  # type: ignore[union-attr]
    with pytest.raises(AppendOnlyError):
        SignedCheckpoint.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        TreeHead.objects.get().delete()
    assert bytes(Leaf.objects.get(index=0).record) == bytes(canonical_json(record(0)))
    assert services.audit_tree().ok
