"""Merkle tree hashing, proofs and their verification, as RFC 9162 §2.1 defines them (the same as RFC 6962 §2.1).

Two halves, which the tests check against each other:

* The reference functions work on an in-memory list of leaf hashes and follow the RFC's recursive definitions
  literally: ``tree_root`` (MTH), ``inclusion_proof`` (PATH), ``consistency_proof`` (PROOF / SUBPROOF), and the
  verifiers ``verify_inclusion`` (§2.1.3.2) and ``verify_consistency`` (§2.1.4.2), which raise ``VerificationError``.
* The storage-side helpers let a persistent log answer the same questions from stored hashes of complete subtrees.
  A complete subtree is addressed as ``(level, index)`` and covers leaves ``[index·2^level, (index+1)·2^level)``.
  ``inclusion_ranges`` / ``consistency_ranges`` say which leaf range each proof element hashes, ``range_nodes`` tiles
  a range with stored subtrees, ``hash_ranges`` folds the tiles back into proof elements, and ``append_leaves``
  extends the right frontier (a "compact range" over ``[0, size)``) with new leaves, returning the subtree hashes
  to store and the new root. Every proof costs O(log n) stored hashes.

Indices are 0-based. Sizes and indices are Python ints; hashes are 32-byte SHA-256 digests.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from vigil.ledger.errors import LedgerError, VerificationError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}) — the root of the empty tree is the hash of nothing."""

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

Node = tuple[int, int]
"""A complete subtree ``(level, index)``: leaves ``[index << level, (index + 1) << level)``."""

LeafRange = tuple[int, int]
"""Leaves ``[start, end)``."""


# --- hashing ---------------------------------------------------------------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 ‖ data): the hash of one leaf (RFC 9162 §2.1.1)."""
    return hashlib.sha256(_LEAF_PREFIX + bytes(data)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 ‖ left ‖ right): the hash of an interior node."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1): where the RFC splits a tree of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


def _check_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LedgerError(f"{name} must be an integer, not {type(value).__name__}")
    if value < 0:
        raise LedgerError(f"{name} must not be negative (got {value})")
    return value


def _check_hashes(leaf_hashes: Sequence[bytes]) -> list[bytes]:
    hashes = list(leaf_hashes)
    for i, h in enumerate(hashes):
        if not isinstance(h, bytes | bytearray) or len(h) != HASH_SIZE:
            raise LedgerError(f"leaf hash {i} is not a {HASH_SIZE}-byte hash")
    return [bytes(h) for h in hashes]


# --- reference functions over in-memory leaf hashes ---------------------------------------------------------------


def _mth(hashes: list[bytes]) -> bytes:
    """MTH over already-hashed leaves, level by level.

    Pairing neighbours and carrying an odd last node up unchanged builds exactly the RFC tree: its left subtrees are
    always complete, so the only incomplete subtree on every level is the rightmost one.
    """
    if not hashes:
        return EMPTY_ROOT
    level = hashes
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def tree_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of the given leaf hashes (RFC 9162 §2.1.1); the empty tree's root is SHA-256 of nothing."""
    return _mth(_check_hashes(leaf_hashes))


def _path(m: int, hashes: list[bytes]) -> list[bytes]:
    n = len(hashes)
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*_path(m, hashes[:k]), _mth(hashes[k:])]
    return [*_path(m - k, hashes[k:]), _mth(hashes[:k])]


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(index, D[n]): the audit path of leaf ``index`` in the tree of all given leaves (RFC 9162 §2.1.3.1)."""
    hashes = _check_hashes(leaf_hashes)
    index = _check_count("index", index)
    if index >= len(hashes):
        raise LedgerError(f"leaf index {index} is outside a tree of size {len(hashes)}")
    return _path(index, hashes)


def _subproof(m: int, hashes: list[bytes], whole: bool) -> list[bytes]:
    n = len(hashes)
    if m == n:
        return [] if whole else [_mth(hashes)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, hashes[:k], whole), _mth(hashes[k:])]
    return [*_subproof(m - k, hashes[k:], False), _mth(hashes[:k])]


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """PROOF(old_size, D[n]): proves the tree of the first ``old_size`` leaves is a prefix (RFC 9162 §2.1.4.1).

    Empty when ``old_size`` is 0 or the whole tree.
    """
    hashes = _check_hashes(leaf_hashes)
    old_size = _check_count("old size", old_size)
    if old_size > len(hashes):
        raise LedgerError(f"old size {old_size} is larger than the tree ({len(hashes)})")
    if old_size in (0, len(hashes)):
        return []
    return _subproof(old_size, hashes, True)


# --- verification -------------------------------------------------------------------------------------------------


def _check_hash(name: str, value: object) -> bytes:
    if not isinstance(value, bytes | bytearray) or len(value) != HASH_SIZE:
        raise VerificationError(f"{name} is not a {HASH_SIZE}-byte hash")
    return bytes(value)


def _check_proof(proof: Sequence[bytes], expected: int, what: str) -> list[bytes]:
    items = list(proof)
    if len(items) != expected:
        raise VerificationError(f"{what} has {len(items)} hashes where {expected} are needed")
    return [_check_hash(f"proof element {i}", h) for i, h in enumerate(items)]


def _verify_count(name: str, value: object) -> int:
    try:
        return _check_count(name, value)
    except LedgerError as exc:
        raise VerificationError(str(exc)) from None


def root_from_inclusion_proof(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root an inclusion proof leads to (RFC 9162 §2.1.3.2, steps 1 to 5); raises if the proof is malformed."""
    index = _verify_count("leaf index", index)
    size = _verify_count("tree size", size)
    if index >= size:
        raise VerificationError(f"leaf index {index} is outside a tree of size {size}")
    r = _check_hash("leaf hash", leaf_hash)
    path = _check_proof(proof, len(inclusion_ranges(index, size)), f"inclusion proof for leaf {index} of {size}")
    fn, sn = index, size - 1
    for p in path:
        if sn == 0:  # unreachable after the length check; kept because the RFC's algorithm says so
            raise VerificationError("inclusion proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError("inclusion proof is shorter than the tree is deep")
    return r


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` leaves whose root is ``root``.

    Raises ``VerificationError`` saying what failed; returns None when the proof holds.
    """
    expected = _check_hash("root", root)
    computed = root_from_inclusion_proof(leaf_hash, index, size, proof)
    if not hmac.compare_digest(computed, expected):
        raise VerificationError(f"inclusion proof for leaf {index} does not lead to the root of tree size {size}")


def verify_consistency(old_size: int, new_size: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes) -> None:
    """Check that the tree of ``old_size`` leaves (root ``old_root``) is a prefix of the tree of ``new_size``.

    RFC 9162 §2.1.4.2. An empty old tree is a prefix of every tree, but its root must be the empty root.
    Raises ``VerificationError`` saying what failed; returns None when the proof holds.
    """
    old_size = _verify_count("old size", old_size)
    new_size = _verify_count("new size", new_size)
    first = _check_hash("old root", old_root)
    second = _check_hash("new root", new_root)
    if old_size > new_size:
        raise VerificationError(f"old size {old_size} is larger than new size {new_size}")
    if old_size == new_size:
        _check_proof(proof, 0, f"consistency proof between equal sizes {old_size}")
        if not hmac.compare_digest(first, second):
            raise VerificationError(f"the two roots of size {old_size} differ")
        return
    if old_size == 0:
        _check_proof(proof, 0, "consistency proof from the empty tree")
        if not hmac.compare_digest(first, EMPTY_ROOT):
            raise VerificationError("old root is not the root of the empty tree")
        return
    path = _check_proof(
        proof, len(consistency_ranges(old_size, new_size)), f"consistency proof from {old_size} to {new_size}"
    )
    # (1) the proof is not empty (checked above by its length);
    # (2) if the old size is an exact power of two, its root is the first node of the path.
    if old_size & (old_size - 1) == 0:
        path = [first, *path]
    # (3), (4) start at the old tree's last leaf, skipping the levels where it is a right child.
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # (5) both running hashes start from the first node.
    fr = sr = path[0]
    # (6) fold in the rest.
    for c in path[1:]:
        if sn == 0:
            raise VerificationError("consistency proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    # (7) both roots must come out, and the path must have reached the top.
    if sn != 0:
        raise VerificationError("consistency proof is shorter than the tree is deep")
    if not hmac.compare_digest(fr, first):
        raise VerificationError(f"consistency proof does not lead to the old root (size {old_size})")
    if not hmac.compare_digest(sr, second):
        raise VerificationError(f"consistency proof does not lead to the new root (size {new_size})")


# --- storage side: complete subtrees, ranges, the right frontier --------------------------------------------------


def node_range(level: int, index: int) -> LeafRange:
    """The leaves ``[start, end)`` a complete subtree covers."""
    return index << level, (index + 1) << level


def range_nodes(start: int, end: int) -> list[Node]:
    """The aligned complete subtrees that tile leaves ``[start, end)``, left to right (at most 2·log2 n of them)."""
    start = _check_count("start", start)
    end = _check_count("end", end)
    if start > end:
        raise LedgerError(f"range start {start} is after its end {end}")
    nodes: list[Node] = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start:
            level = min(level, (start & -start).bit_length() - 1)
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def inclusion_ranges(index: int, size: int) -> list[LeafRange]:
    """The leaf range each element of PATH(index, D[size]) hashes, in proof order (bottom up)."""
    index = _check_count("index", index)
    size = _check_count("size", size)
    if index >= size:
        raise LedgerError(f"leaf index {index} is outside a tree of size {size}")
    ranges: list[LeafRange] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index - lo < k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
    ranges.reverse()
    return ranges


def consistency_ranges(old_size: int, new_size: int) -> list[LeafRange]:
    """The leaf range each element of PROOF(old_size, D[new_size]) hashes, in proof order."""
    old_size = _check_count("old size", old_size)
    new_size = _check_count("new size", new_size)
    if old_size > new_size:
        raise LedgerError(f"old size {old_size} is larger than new size {new_size}")
    if old_size in (0, new_size):
        return []
    ranges: list[LeafRange] = []
    lo, hi, m, whole = 0, new_size, old_size, True
    while True:
        if m == hi - lo:
            if not whole:
                ranges.append((lo, hi))
            break
        k = _split(hi - lo)
        if m <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
            m -= k
            whole = False
    ranges.reverse()
    return ranges


def fold_range(tile_hashes: Sequence[bytes]) -> bytes:
    """The hash of a range from the hashes of its tiles (``range_nodes`` order), folded from the right.

    Right for every range a proof uses: those are subtrees of the RFC tree, whose tiles shrink from left to right.
    """
    if not tile_hashes:
        raise LedgerError("an empty range has no hash")
    acc = tile_hashes[-1]
    for h in reversed(tile_hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def ranges_nodes(ranges: Iterable[LeafRange]) -> list[Node]:
    """Every stored subtree needed to hash the given ranges, without repeats: what one query must fetch."""
    seen: dict[Node, None] = {}
    for start, end in ranges:
        for node in range_nodes(start, end):
            seen[node] = None
    return list(seen)


def hash_ranges(ranges: Iterable[LeafRange], stored: Mapping[Node, bytes]) -> list[bytes]:
    """Hash each range from stored complete-subtree hashes: the proof elements, in order."""
    out: list[bytes] = []
    for start, end in ranges:
        tiles: list[bytes] = []
        for node in range_nodes(start, end):
            try:
                tiles.append(stored[node])
            except KeyError:
                raise LedgerError(f"stored subtree {node} is missing") from None
        out.append(fold_range(tiles))
    return out


def frontier_nodes(size: int) -> list[Node]:
    """The complete subtrees that make up the right frontier of a tree of ``size`` leaves, largest first."""
    return range_nodes(0, size)


def frontier_root(frontier: Sequence[bytes]) -> bytes:
    """The root of the tree whose right frontier is given (largest subtree first)."""
    return fold_range(frontier) if frontier else EMPTY_ROOT


@dataclass(frozen=True)
class Appended:
    """What appending leaves produced: subtrees to store, the new frontier, size and root."""

    nodes: list[tuple[int, int, bytes]]
    """Every complete subtree that now exists and did not before, as ``(level, index, hash)``, leaves included."""
    frontier: list[bytes]
    size: int
    root: bytes


def append_leaves(frontier: Sequence[bytes], size: int, leaf_hashes: Sequence[bytes]) -> Appended:
    """Append leaves to the tree of ``size`` leaves whose right frontier is ``frontier`` (``frontier_nodes`` order).

    Each new leaf is merged with its left neighbours for as long as it completes a subtree, like a binary counter
    carrying; every subtree completed on the way is returned for storage.
    """
    size = _check_count("size", size)
    stack = list(frontier)
    if len(stack) != size.bit_count():
        raise LedgerError(f"a frontier of a tree of size {size} has {size.bit_count()} hashes, not {len(stack)}")
    _check_hashes(stack)
    nodes: list[tuple[int, int, bytes]] = []
    for h in _check_hashes(leaf_hashes):
        level, index, cur = 0, size, h
        nodes.append((0, index, cur))
        while index & 1:
            cur = node_hash(stack.pop(), cur)
            level += 1
            index >>= 1
            nodes.append((level, index, cur))
        stack.append(cur)
        size += 1
    return Appended(nodes=nodes, frontier=stack, size=size, root=frontier_root(stack))
