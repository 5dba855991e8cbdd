"""Vigil's ledger: RFC 9162 Merkle hashing and proofs, checkpoints and bundles. Pure Python; never imports Django.

The names below are the public surface: what the evidence app, the log and outside verifiers use. Modules:

* ``merkle``: RFC 9162 hashing, reference proofs, their verifiers, and the storage-side range algorithms
  the persistent log (``vigil.tlog``) builds on (``vigil.ledger.merkle.append_leaves`` and friends);
* ``canonical``: canonical JSON and the two leaf record schemas;
* ``note`` and ``checkpoint``: C2SP signed notes, keys and checkpoints;
* ``manifest``, ``writer``, ``verify``: the evidence bundle's format, its writer, and its offline verifier;
* ``cli``: ``vigil-verify``; ``errors``: the one error tree; ``_internal``: private helpers.
"""

from vigil.ledger.canonical import CustodyEvent, EvidenceItem, canonical_json, format_timestamp
from vigil.ledger.checkpoint import Checkpoint, format_proof, open_checkpoint, parse_proof, sign_checkpoint
from vigil.ledger.errors import FormatError, LedgerError, VerificationError
from vigil.ledger.manifest import Manifest, item_arcname
from vigil.ledger.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)
from vigil.ledger.note import Signer, Verifier, generate_key, open_note, sign_note
from vigil.ledger.verify import STEPS, BundleReport, verify_bundle
from vigil.ledger.writer import BundleWriter

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "STEPS",
    "BundleReport",
    "BundleWriter",
    "Checkpoint",
    "CustodyEvent",
    "EvidenceItem",
    "FormatError",
    "LedgerError",
    "Manifest",
    "Signer",
    "VerificationError",
    "Verifier",
    "canonical_json",
    "consistency_proof",
    "format_proof",
    "format_timestamp",
    "generate_key",
    "inclusion_proof",
    "item_arcname",
    "leaf_hash",
    "node_hash",
    "open_checkpoint",
    "open_note",
    "parse_proof",
    "sign_checkpoint",
    "sign_note",
    "tree_root",
    "verify_bundle",
    "verify_consistency",
    "verify_inclusion",
]
