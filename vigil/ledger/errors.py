"""Errors of the ledger package: one base class, so callers (and the CLI) can catch everything the ledger raises."""

from __future__ import annotations


class LedgerError(Exception):
    """Base class of every error the ledger raises."""


class VerificationError(LedgerError):
    """A proof, root, signature or bundle did not verify. The message says exactly what failed."""


class FormatError(LedgerError):
    """Input is malformed: not canonical JSON, a bad record, note, key, checkpoint, proof text or bundle layout."""
