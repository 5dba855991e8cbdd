"""The storage-side algorithms agree with the reference functions: what the persistent log serves is, by
construction, what RFC 9162 defines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.ledger import EMPTY_ROOT, LedgerError, consistency_proof, inclusion_proof, leaf_hash, tree_root
from vigil.ledger.merkle import (
    Node,
    append_leaves,
    consistency_ranges,
    fold_range,
    frontier_nodes,
    frontier_root,
    hash_ranges,
    inclusion_ranges,
    node_range,
    range_nodes,
    ranges_nodes,
)

ALL = [leaf_hash(b"leaf %d" % i) for i in range(1100)]


def build(size: int, cuts: list[int]) -> tuple[dict[Node, bytes], list[bytes]]:
    """Append ALL[:size] in batches split at `cuts`, keeping every stored node, as the log does."""
    stored: dict[Node, bytes] = {}
    frontier: list[bytes] = []
    done = 0
    for cut in [*sorted(c for c in cuts if 0 < c < size), size]:
        step = append_leaves(frontier, done, ALL[done:cut])
        for level, index, h in step.nodes:
            assert (level, index) not in stored, "a node is produced twice"
            stored[(level, index)] = h
        frontier, done = step.frontier, step.size
        assert step.root == tree_root(ALL[:done])
    return stored, frontier


def test_it_tiles_a_range_with_aligned_complete_subtrees_left_to_right() -> None:
    assert range_nodes(0, 0) == []
    assert range_nodes(0, 1) == [(0, 0)]
    assert range_nodes(0, 8) == [(3, 0)]
    assert range_nodes(0, 7) == [(2, 0), (1, 2), (0, 6)]
    assert range_nodes(3, 13) == [(0, 3), (2, 1), (2, 2), (0, 12)]
    for start in range(0, 70):
        for end in range(start, 140):
            nodes = range_nodes(start, end)
            covered = [node_range(level, index) for level, index in nodes]
            assert [s for s, _ in covered] == sorted(s for s, _ in covered)
            pos = start
            for s, e in covered:
                assert s == pos
                pos = e
            assert pos == end
            assert len(nodes) <= 2 * max(1, (end - start).bit_length())


def test_it_rejects_backwards_ranges_and_wrong_frontiers() -> None:
    with pytest.raises(LedgerError, match="after its end"):
        range_nodes(5, 4)
    with pytest.raises(LedgerError, match="has 2 hashes, not 1"):
        append_leaves([ALL[0]], 3, [ALL[3]])
    with pytest.raises(LedgerError, match="missing"):
        hash_ranges([(0, 2)], {(0, 0): ALL[0]})
    with pytest.raises(LedgerError, match="empty range"):
        fold_range([])
    with pytest.raises(LedgerError, match="outside"):
        inclusion_ranges(3, 3)
    with pytest.raises(LedgerError, match="larger"):
        consistency_ranges(4, 3)


def test_the_empty_frontier_has_the_empty_root() -> None:
    assert frontier_root([]) == EMPTY_ROOT
    step = append_leaves([], 0, [])
    assert (step.nodes, step.frontier, step.size, step.root) == ([], [], 0, EMPTY_ROOT)


def test_appending_stores_every_complete_subtree_exactly_once() -> None:
    stored, frontier = build(300, [1, 2, 7, 64, 65, 200])
    expected = {(level, index) for level in range(10) for index in range(300 >> level)}
    assert set(stored) == expected
    for (level, index), h in stored.items():
        start, end = node_range(level, index)
        assert h == tree_root(ALL[start:end])
    assert frontier == [stored[n] for n in frontier_nodes(300)]


@settings(max_examples=120, deadline=None)
@given(size=st.integers(1, 1100), cuts=st.lists(st.integers(1, 1099), max_size=6), data=st.data())
def test_proofs_from_stored_subtrees_match_the_reference(size: int, cuts: list[int], data: st.DataObject) -> None:
    stored, frontier = build(size, cuts)
    assert frontier_root(frontier) == tree_root(ALL[:size])
    assert fold_range([stored[n] for n in range_nodes(0, size)]) == tree_root(ALL[:size])

    index = data.draw(st.integers(0, size - 1), label="index")
    ranges = inclusion_ranges(index, size)
    needed = ranges_nodes(ranges)
    assert len(needed) <= 2 * size.bit_length()  # O(log n) reads
    assert hash_ranges(ranges, {n: stored[n] for n in needed}) == inclusion_proof(ALL[:size], index)

    old = data.draw(st.integers(0, size), label="old")
    ranges = consistency_ranges(old, size)
    needed = ranges_nodes(ranges)
    assert len(needed) <= 2 * size.bit_length() + 2
    assert hash_ranges(ranges, {n: stored[n] for n in needed}) == consistency_proof(ALL[:size], old)

    # a past tree head is folded from the nodes stored now
    if old:
        assert fold_range([stored[n] for n in range_nodes(0, old)]) == tree_root(ALL[:old])


def test_every_range_of_a_small_tree_matches_the_reference() -> None:
    for size in range(1, 80):
        stored, _ = build(size, [size // 3])
        for index in range(size):
            assert hash_ranges(inclusion_ranges(index, size), stored) == inclusion_proof(ALL[:size], index)
        for old in range(size + 1):
            assert hash_ranges(consistency_ranges(old, size), stored) == consistency_proof(ALL[:size], old)
