"""Reads of the log: proofs, past roots and checkpoints, each from stored subtree hashes in one query.

Every function here is answered by ``vigil.ledger.merkle`` from the subtrees its range helpers name, so what the
log serves is what the RFC 9162 reference functions compute, by construction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from vigil.ledger import merkle
from vigil.ledger.errors import LedgerError
from vigil.tlog.models import HEAD_ID, SignedCheckpoint, Subtree, TreeHead, subtree_key


class LogError(LedgerError):
    """A question the log cannot answer as asked (a size it has not reached, a bad index): the caller's mistake."""


class TreeTooSmallError(LogError):
    """The log has not reached the tree size asked about."""


@dataclass(frozen=True)
class InclusionProof:
    index: int
    size: int
    leaf_hash: bytes
    root: bytes
    proof: list[bytes]


@dataclass(frozen=True)
class ConsistencyProof:
    old_size: int
    new_size: int
    old_root: bytes
    new_root: bytes
    proof: list[bytes]


def _count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LogError(f"{name} must be an integer")
    if value < 0:
        raise LogError(f"{name} must not be negative")
    if value >= 1 << 57:
        raise LogError(f"{name} is too large")
    return value


def _fetch(nodes: Iterable[merkle.Node], size: int) -> dict[merkle.Node, bytes]:
    """One query for the given complete subtrees; any that are missing mean the tree has fewer than ``size`` leaves."""
    wanted = {subtree_key(level, index): (level, index) for level, index in nodes}
    if not wanted:
        return {}
    # One primary-key lookup, without the ORM's per-row work: this is the hot path of every proof.
    table, key_column, hash_column = (
        connection.ops.quote_name(name) for name in (Subtree._meta.db_table, "key", "hash")
    )
    sql = f"SELECT {key_column}, {hash_column} FROM {table} WHERE {key_column} IN ({', '.join(['%s'] * len(wanted))})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, list(wanted))
        found = {wanted[key]: bytes(h) for key, h in cursor.fetchall()}
    if len(found) != len(wanted):
        raise TreeTooSmallError(f"the log has fewer than {size} leaves")
    return found


def tree_size() -> int:
    head = TreeHead.objects.filter(pk=HEAD_ID).values_list("size", flat=True).first()
    return head or 0


def root_at(size: int) -> bytes:
    """The root of the tree of the first ``size`` leaves (the log never rewrites it, so this is stable)."""
    size = _count("size", size)
    frontier = merkle.frontier_nodes(size)
    stored = _fetch(frontier, size)
    return merkle.frontier_root([stored[n] for n in frontier])


def inclusion_proof(*, index: int, size: int) -> InclusionProof:
    """PATH(index, D[size]) with the leaf hash and the root it leads to, from one query."""
    index = _count("index", index)
    size = _count("size", size)
    if index >= size:
        raise LogError(f"leaf index {index} is outside a tree of size {size}")
    ranges = merkle.inclusion_ranges(index, size)
    needed = [(0, index), *merkle.ranges_nodes(ranges)]
    stored = _fetch(needed, size)
    proof = merkle.hash_ranges(ranges, stored)
    leaf = stored[(0, index)]
    root = merkle.root_from_inclusion_proof(leaf, index, size, proof)
    return InclusionProof(index=index, size=size, leaf_hash=leaf, root=root, proof=proof)


def consistency_proof(*, old_size: int, new_size: int) -> ConsistencyProof:
    """PROOF(old_size, D[new_size]) with both roots, from one query."""
    old_size = _count("old size", old_size)
    new_size = _count("new size", new_size)
    if old_size > new_size:
        raise LogError(f"old size {old_size} is larger than new size {new_size}")
    ranges = merkle.consistency_ranges(old_size, new_size)
    old_frontier = merkle.frontier_nodes(old_size)
    new_frontier = merkle.frontier_nodes(new_size)
    stored = _fetch([*merkle.ranges_nodes(ranges), *old_frontier, *new_frontier], new_size)
    return ConsistencyProof(
        old_size=old_size,
        new_size=new_size,
        old_root=merkle.frontier_root([stored[n] for n in old_frontier]),
        new_root=merkle.frontier_root([stored[n] for n in new_frontier]),
        proof=merkle.hash_ranges(ranges, stored),
    )


def latest_checkpoint() -> SignedCheckpoint | None:
    return SignedCheckpoint.objects.order_by("-size").first()


def checkpoint_at(size: int) -> SignedCheckpoint | None:
    return SignedCheckpoint.objects.filter(size=_count("size", size)).first()
