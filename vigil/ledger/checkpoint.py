"""C2SP tlog-checkpoint notes (https://c2sp.org/tlog-checkpoint) and the text form of consistency proofs.

A checkpoint body is::

    <origin>\\n
    <tree size, decimal>\\n
    <root hash, base64>\\n
    [extension lines]\\n

signed as a C2SP signed note (:mod:`vigil.ledger.note`). Unlike a general note's text, a checkpoint has no blank
lines. Vigil's log key is an Ed25519 (type 0x01) key named after the origin, as the witness ecosystem expects, and
:func:`open_checkpoint` checks both.

A consistency proof in text form is one base64 hash per line, oldest-subtree first as RFC 9162 §2.1.4.1 emits
them, every line ending in a newline; an empty proof is an empty file.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from vigil.ledger.errors import FormatError, VerificationError
from vigil.ledger.note import Signer, Verifier, open_note, parse_note, sign_note

__all__ = [
    "Checkpoint",
    "format_proof",
    "open_checkpoint",
    "parse_proof",
    "sign_checkpoint",
]

HASH_SIZE: Final = 32
MAX_TREE_SIZE: Final = 2**64 - 1
MAX_PROOF_HASHES: Final = 128
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,19}")


def b64_hash(text: str, what: str) -> bytes:
    """A hash from its canonical standard base64 (as checkpoints, proofs and manifests write it); else FormatError."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        raise FormatError(f"{what}: not base64") from None
    if len(raw) != HASH_SIZE or base64.b64encode(raw).decode("ascii") != text:
        raise FormatError(f"{what}: expected the base64 of a {HASH_SIZE}-byte hash")
    return raw


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A tree head: the log's origin, its size and root hash, and optional extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or any(ch < " " for ch in self.origin) or self.origin != self.origin.strip():
            raise FormatError("checkpoint origin must be one non-empty line without surrounding spaces")
        if isinstance(self.size, bool) or not isinstance(self.size, int) or not 0 <= self.size <= MAX_TREE_SIZE:
            raise FormatError("checkpoint size must be an integer between 0 and 2**64 - 1")
        if not isinstance(self.root_hash, bytes) or len(self.root_hash) != HASH_SIZE:
            raise FormatError(f"checkpoint root hash must be {HASH_SIZE} bytes")
        for line in self.extensions:
            if not line or any(ch < " " for ch in line):
                raise FormatError("checkpoint extension lines must be non-empty single lines")

    @property
    def root_b64(self) -> str:
        return base64.b64encode(self.root_hash).decode("ascii")

    def format(self) -> str:
        """The note text (body) of this checkpoint."""
        return "".join(f"{line}\n" for line in (self.origin, str(self.size), self.root_b64, *self.extensions))

    @staticmethod
    def parse(text: str) -> Checkpoint:
        """Strictly parse a checkpoint body (the note text, without signatures)."""
        if not text.endswith("\n"):
            raise FormatError("malformed checkpoint: must end with a newline")
        lines = text[:-1].split("\n")
        if "" in lines:
            raise FormatError(f"malformed checkpoint: line {lines.index('') + 1} is blank (a checkpoint has none)")
        if len(lines) < 3:
            raise FormatError("malformed checkpoint: expected origin, size and root hash lines")
        origin, size_text, root_text, *extensions = lines
        if not _DECIMAL.fullmatch(size_text) or int(size_text) > MAX_TREE_SIZE:
            raise FormatError(f"malformed checkpoint: tree size {size_text!r} is not a decimal number")
        root = b64_hash(root_text, "malformed checkpoint root hash")
        try:
            return Checkpoint(origin=origin, size=int(size_text), root_hash=root, extensions=tuple(extensions))
        except FormatError as exc:
            raise FormatError(f"malformed checkpoint: {exc}") from None


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer | str) -> str:
    """The signed note for ``checkpoint``. The key must be named after the checkpoint's origin."""
    key = signer if isinstance(signer, Signer) else Signer.from_key(signer)
    if key.name != checkpoint.origin:
        raise FormatError(f"the log key is named {key.name!r} but the checkpoint origin is {checkpoint.origin!r}")
    return sign_note(checkpoint.format(), [key])


def open_checkpoint(note_text: str | bytes, verifier_key: Verifier | str) -> Checkpoint:
    """Verify a signed checkpoint note with the log's verifier key and return the checkpoint.

    Raises VerificationError if the key did not sign it (or signed something else), FormatError if malformed."""
    verifier = verifier_key if isinstance(verifier_key, Verifier) else Verifier.from_key(verifier_key)
    verifier.check_supported()  # a witness's cosignature key is not a log key, and cannot verify yet
    note = open_note(note_text, [verifier])
    checkpoint = Checkpoint.parse(note.text)
    if checkpoint.origin != verifier.name:
        raise VerificationError(
            f"checkpoint origin {checkpoint.origin!r} does not match the log key's name {verifier.name!r}"
        )
    return checkpoint


def read_checkpoint(note_text: str | bytes) -> Checkpoint:
    """Parse a signed checkpoint note WITHOUT checking any signature (for display and diagnosis only)."""
    return Checkpoint.parse(parse_note(note_text).text)


def format_proof(hashes: Sequence[bytes]) -> str:
    """Text form of a proof: one base64 hash per line."""
    for h in hashes:
        if len(h) != HASH_SIZE:
            raise FormatError(f"proof hashes must be {HASH_SIZE} bytes")
    return "".join(base64.b64encode(h).decode("ascii") + "\n" for h in hashes)


def parse_proof(text: str | bytes) -> list[bytes]:
    """Parse the text form of a proof strictly: one base64 32-byte hash per line, each line ending in a newline."""
    if isinstance(text, bytes):
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError:
            raise FormatError("malformed proof: not ASCII text") from None
    if text == "":
        return []
    if not text.endswith("\n"):
        raise FormatError("malformed proof: the last line must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) > MAX_PROOF_HASHES:
        raise FormatError(f"malformed proof: more than {MAX_PROOF_HASHES} hashes")
    return [b64_hash(line.rstrip("\r"), f"malformed proof line {n}") for n, line in enumerate(lines, start=1)]
