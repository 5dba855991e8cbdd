"""Properties of the Merkle core: every proof verifies, every one-bit change fails.

One caveat is inherent to RFC 9162 rather than to this code: a proof does not hash the tree size in, so a size whose
tree has the same shape along the proof's path (leaf 0 of 5 and of 7 leaves, say) re-verifies against the *same* root.
The size is bound to the root by the signed checkpoint instead; so a changed size must fail against the real root of
that size, and against the original root it must fail whenever the path's shape differs. Both are tested.
"""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.ledger import (
    EMPTY_ROOT,
    VerificationError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)
from vigil.ledger.merkle import consistency_ranges, inclusion_ranges

MAX = 400


def leaves(n: int, salt: int = 0) -> list[bytes]:
    return [leaf_hash(f"{salt}:record {i}".encode()) for i in range(n)]


ALL = leaves(MAX)
ROOTS = [tree_root(ALL[:n]) for n in range(MAX + 1)]


def flip(b: bytes, bit: int) -> bytes:
    out = bytearray(b)
    out[bit // 8 % len(out)] ^= 1 << (bit % 8)
    return bytes(out)


def fails(fn: object, *args: object) -> bool:
    try:
        fn(*args)  # type: ignore[operator]
    except VerificationError:
        return True
    return False


def test_every_inclusion_proof_up_to_128_leaves_verifies() -> None:
    for n in range(1, 129):
        for i in range(n):
            proof = inclusion_proof(ALL[:n], i)
            assert len(proof) == len(inclusion_ranges(i, n))
            verify_inclusion(ALL[i], i, n, proof, ROOTS[n])


def test_every_consistency_proof_up_to_96_leaves_verifies() -> None:
    for n in range(0, 97):
        for m in range(0, n + 1):
            proof = consistency_proof(ALL[:n], m)
            assert len(proof) == len(consistency_ranges(m, n))
            verify_consistency(m, n, proof, ROOTS[m], ROOTS[n])


def test_the_root_is_the_recursive_definition() -> None:
    def mth(hs: list[bytes]) -> bytes:
        if not hs:
            return hashlib.sha256(b"").digest()
        if len(hs) == 1:
            return hs[0]
        k = 1
        while k * 2 < len(hs):
            k *= 2
        return hashlib.sha256(b"\x01" + mth(hs[:k]) + mth(hs[k:])).digest()

    for n in range(0, 70):
        assert tree_root(ALL[:n]) == mth(ALL[:n])
    assert ROOTS[0] == EMPTY_ROOT


def _directions(index: int, size: int) -> list[bool]:
    """Which side each sibling of the path is on: the same shape means the verifier cannot tell the sizes apart."""
    return [start > index for start, _ in inclusion_ranges(index, size)]


@settings(max_examples=300, deadline=None)
@given(data=st.data(), size=st.integers(1, MAX), salt=st.integers(0, 3))
def test_every_one_bit_change_to_an_inclusion_proof_fails(data: st.DataObject, size: int, salt: int) -> None:
    hs = leaves(size, salt) if salt else ALL[:size]
    root = tree_root(hs)
    index = data.draw(st.integers(0, size - 1), label="index")
    proof = inclusion_proof(hs, index)
    verify_inclusion(hs[index], index, size, proof, root)

    bit = data.draw(st.integers(0, 255), label="bit")
    assert fails(verify_inclusion, flip(hs[index], bit), index, size, proof, root)
    assert fails(verify_inclusion, hs[index], index, size, proof, flip(root, bit))
    for k in range(len(proof)):
        changed = [*proof[:k], flip(proof[k], bit), *proof[k + 1 :]]
        assert fails(verify_inclusion, hs[index], index, size, changed, root)
    for b in range(size.bit_length() + 1):
        assert fails(verify_inclusion, hs[index], index ^ (1 << b), size, proof, root)
        other = size ^ (1 << b)
        if 0 < other <= size and index < other:
            # a smaller real tree head: the proof must not pass for it
            assert fails(verify_inclusion, hs[index], index, other, proof, tree_root(hs[:other]))
        same_shape = index < other and _directions(index, other) == _directions(index, size)
        if not same_shape:
            assert fails(verify_inclusion, hs[index], index, other, proof, root)
    if proof:
        assert fails(verify_inclusion, hs[index], index, size, proof[:-1], root)
        assert (
            fails(verify_inclusion, hs[index], index, size, proof[::-1], root)
            or len(set(proof)) == 1
            or (proof == proof[::-1])
        )
    assert fails(verify_inclusion, hs[index], index, size, [*proof, root], root)


def _sides(old: int, new: int) -> tuple[bool, list[bool]]:
    """The shape of a consistency proof: whether the old root leads, and which side of the old edge each range is."""
    return old & (old - 1) == 0, [start >= old for start, _ in consistency_ranges(old, new)]


@settings(max_examples=300, deadline=None)
@given(data=st.data(), new=st.integers(2, MAX), salt=st.integers(0, 3))
def test_every_one_bit_change_to_a_consistency_proof_fails(data: st.DataObject, new: int, salt: int) -> None:
    hs = leaves(new, salt) if salt else ALL[:new]
    old = data.draw(st.integers(1, new - 1), label="old")
    r1, r2 = tree_root(hs[:old]), tree_root(hs)
    proof = consistency_proof(hs, old)
    verify_consistency(old, new, proof, r1, r2)

    bit = data.draw(st.integers(0, 255), label="bit")
    assert fails(verify_consistency, old, new, proof, flip(r1, bit), r2)
    assert fails(verify_consistency, old, new, proof, r1, flip(r2, bit))
    for k in range(len(proof)):
        changed = [*proof[:k], flip(proof[k], bit), *proof[k + 1 :]]
        assert fails(verify_consistency, old, new, changed, r1, r2)
    # a changed leaf anywhere changes one of the roots: the old tree's prefix can't be rewritten
    leaf = data.draw(st.integers(0, new - 1), label="leaf")
    rewritten = [*hs[:leaf], flip(hs[leaf], bit), *hs[leaf + 1 :]]
    assert fails(verify_consistency, old, new, proof, r1, tree_root(rewritten))
    if leaf < old:
        assert fails(verify_consistency, old, new, proof, tree_root(rewritten[:old]), r2)
    for b in range(new.bit_length() + 1):
        other_old, other_new = old ^ (1 << b), new ^ (1 << b)
        # against the real roots of the changed sizes (what a signed checkpoint binds), it always fails
        if 0 < other_old <= new and other_old != old:
            assert fails(verify_consistency, other_old, new, proof, tree_root(hs[:other_old]), r2)
        if old <= other_new <= new and other_new != new:
            assert fails(verify_consistency, old, other_new, proof, r1, tree_root(hs[:other_new]))
        # against the original roots, it fails unless the proof has the very same shape for the changed size
        if 0 < other_old < new and _sides(other_old, new) != _sides(old, new):
            assert fails(verify_consistency, other_old, new, proof, r1, r2)
        if old < other_new and _sides(old, other_new) != _sides(old, new):
            assert fails(verify_consistency, old, other_new, proof, r1, r2)
    assert fails(verify_consistency, old, new, proof[:-1], r1, r2)
    assert fails(verify_consistency, old, new, [*proof, r2], r1, r2)
    assert fails(verify_consistency, old, new, proof, r2, r1)
