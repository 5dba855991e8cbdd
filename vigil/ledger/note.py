"""C2SP signed notes (https://c2sp.org/signed-note), as in Go's golang.org/x/mod/sumdb/note.

A signed note is UTF-8 text ending in a newline, one blank line, then one or more signature lines
``— <key name> <base64(4-byte key hash ‖ signature)>``. The signature covers the text including its final newline.
The text may itself hold blank lines: it ends at the *last* blank line of the note (a checkpoint's text may not,
which :mod:`vigil.ledger.checkpoint` enforces). No control characters but newline, anywhere.

Keys (``<type>`` is the C2SP signature type byte):

* verifier key: ``<name>+<8 hex digits key hash>+<base64(<type> ‖ 32-byte Ed25519 public key)>``
* signer key:   ``PRIVATE+KEY+<name>+<8 hex digits key hash>+<base64(0x01 ‖ 32-byte Ed25519 seed)>``
* key hash: first 4 bytes (big-endian) of SHA-256(name ‖ "\\n" ‖ <type> ‖ public key).

Type 0x01 is Ed25519 over the note text: what a log signs checkpoints with, the only type that signs and verifies
here. Type 0x04 is a witness's timestamped Ed25519 cosignature (https://c2sp.org/tlog-cosignature): its verifier
keys parse, but verifying with one raises :class:`VerificationError` saying it is not supported yet.

Opening a note ignores signatures by unknown keys, fails on an invalid signature by a known key, and needs at
least one valid signature by a known key. Interoperates with Go's note package and the witness ecosystem.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, NewType

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from vigil.ledger.errors import FormatError, VerificationError

__all__ = [
    "Note",
    "NoteSignature",
    "Signer",
    "SignerKey",
    "Verifier",
    "VerifierKey",
    "generate_key",
    "open_note",
    "parse_note",
    "sign_note",
]

VerifierKey = NewType("VerifierKey", str)
"""``<name>+<hash>+<base64 key>``: safe to publish."""

SignerKey = NewType("SignerKey", str)
"""``PRIVATE+KEY+<name>+<hash>+<base64 seed>``: secret."""

ALG_ED25519: Final = 0x01
ALG_COSIGNATURE_V1: Final = 0x04
KEY_TYPES: Final = {ALG_ED25519: "Ed25519", ALG_COSIGNATURE_V1: "Ed25519 cosignature (c2sp.org/tlog-cosignature)"}
MAX_NOTE_BYTES: Final = 1 << 20
MAX_SIGNATURES: Final = 100
SIGNATURE_PREFIX: Final = "— "  # em dash, space


def _valid_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(ch.isspace() for ch in name)


def _key_hash(name: str, encoded_public_key: bytes) -> int:
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + encoded_public_key).digest()
    return int.from_bytes(digest[:4], "big")


def _b64decode(text: str) -> bytes:
    # Strict standard base64 with padding, as Go's base64.StdEncoding.
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        raise ValueError("not base64") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise ValueError("not canonical base64")
    return raw


def _parse_hash(text: str) -> int:
    if len(text) != 8 or any(ch not in "0123456789abcdefABCDEF" for ch in text):
        raise ValueError("bad key hash")
    return int(text, 16)


def _key_fields(name: str, hash_hex: str, key64: str, *, kind: str) -> tuple[int, bytes]:
    """The key hash and the decoded key of a ``<name>+<hash>+<base64>`` key string (`kind`: verifier or signer)."""
    if not _valid_name(name):
        raise FormatError(f"malformed {kind} key: bad name")
    try:
        return _parse_hash(hash_hex), _b64decode(key64)
    except ValueError as exc:
        raise FormatError(f"malformed {kind} key: {exc}") from None


@dataclass(frozen=True, slots=True)
class Verifier:
    """A public note key: checks signatures made by the matching :class:`Signer`.

    ``algorithm`` is the signature type byte: :data:`ALG_ED25519`, or :data:`ALG_COSIGNATURE_V1` for a witness's
    cosignature key, which parses and names itself but cannot verify yet."""

    name: str
    key_hash: int
    public_key: bytes  # 32 raw Ed25519 bytes
    algorithm: int = ALG_ED25519

    @staticmethod
    def from_key(vkey: str) -> Verifier:
        """Parse a verifier key string; FormatError says what is wrong with it."""
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3:
            raise FormatError("malformed verifier key: expected <name>+<hash>+<key>")
        name, hash_hex, key64 = parts
        key_hash, key = _key_fields(name, hash_hex, key64, kind="verifier")
        if not key:
            raise FormatError("malformed verifier key: empty key")
        if key[0] not in KEY_TYPES:
            known = ", ".join(f"{alg} = {what}" for alg, what in KEY_TYPES.items())
            raise FormatError(f"unknown verifier key algorithm {key[0]} (known: {known})")
        if len(key) != 33:
            raise FormatError("malformed verifier key: an Ed25519 key is 32 bytes")
        if _key_hash(name, key) != key_hash:
            raise FormatError("invalid verifier key: the key hash does not match the name and key")
        return Verifier(name=name, key_hash=key_hash, public_key=key[1:], algorithm=key[0])

    @staticmethod
    def from_public_key(name: str, public_key: bytes, algorithm: int = ALG_ED25519) -> Verifier:
        if not _valid_name(name):
            raise FormatError(f"invalid key name {name!r}: non-empty, no spaces, no '+'")
        if len(public_key) != 32:
            raise FormatError("an Ed25519 public key is 32 bytes")
        if algorithm not in KEY_TYPES:
            raise FormatError(f"unknown verifier key algorithm {algorithm}")
        key_hash = _key_hash(name, bytes([algorithm]) + public_key)
        return Verifier(name=name, key_hash=key_hash, public_key=public_key, algorithm=algorithm)

    @property
    def key(self) -> VerifierKey:
        encoded = base64.b64encode(bytes([self.algorithm]) + self.public_key).decode("ascii")
        return VerifierKey(f"{self.name}+{self.key_hash:08x}+{encoded}")

    @property
    def is_cosigner(self) -> bool:
        """A witness's cosignature key (type 0x04): it cannot sign a log's checkpoints."""
        return self.algorithm == ALG_COSIGNATURE_V1

    @property
    def key_id(self) -> str:
        """``name+hash``, how error messages name a key."""
        return f"{self.name}+{self.key_hash:08x}"

    def check_supported(self) -> None:
        """Raise VerificationError unless this key's signatures can be verified here (Ed25519, type 0x01)."""
        if self.algorithm != ALG_ED25519:
            raise VerificationError(
                f"key {self.key_id} is a {KEY_TYPES[self.algorithm]} key (signature type 0x{self.algorithm:02x}); "
                "verifying with it is not supported yet"
            )

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is this key's over ``message``; VerificationError for an unsupported key type."""
        self.check_supported()
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True, slots=True, repr=False)
class Signer:
    """A private note key. ``repr`` never shows the seed."""

    name: str
    key_hash: int
    seed: bytes

    @staticmethod
    def from_key(skey: str) -> Signer:
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
            raise FormatError("malformed signer key: expected PRIVATE+KEY+<name>+<hash>+<key>")
        _, _, name, hash_hex, key64 = parts
        key_hash, key = _key_fields(name, hash_hex, key64, kind="signer")
        if not key or key[0] != ALG_ED25519 or len(key) != 33:
            raise FormatError("malformed signer key: expected an Ed25519 seed (algorithm 1, 32 bytes)")
        signer = Signer(name=name, key_hash=key_hash, seed=key[1:])
        if signer.verifier().key_hash != key_hash:
            raise FormatError("invalid signer key: the key hash does not match the name and key")
        return signer

    @staticmethod
    def from_seed(name: str, seed: bytes) -> Signer:
        if len(seed) != 32:
            raise FormatError("an Ed25519 seed is 32 bytes")
        public = _public_from_seed(seed)
        return Signer(name=name, key_hash=Verifier.from_public_key(name, public).key_hash, seed=seed)

    @property
    def key(self) -> SignerKey:
        encoded = base64.b64encode(bytes([ALG_ED25519]) + self.seed).decode("ascii")
        return SignerKey(f"PRIVATE+KEY+{self.name}+{self.key_hash:08x}+{encoded}")

    def verifier(self) -> Verifier:
        return Verifier.from_public_key(self.name, _public_from_seed(self.seed))

    def sign(self, message: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)

    def __repr__(self) -> str:
        return f"Signer(name={self.name!r}, key_hash={self.key_hash:08x})"


def _public_from_seed(seed: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def generate_key(name: str) -> tuple[SignerKey, VerifierKey]:
    """A new Ed25519 key pair for ``name`` (for a log: its origin), as (signer key, verifier key) strings."""
    signer = Signer.from_seed(name, secrets.token_bytes(32))
    return signer.key, signer.verifier().key


@dataclass(frozen=True, slots=True)
class NoteSignature:
    name: str
    key_hash: int
    base64: str  # of key hash ‖ signature, as on the line

    @property
    def line(self) -> str:
        return f"{SIGNATURE_PREFIX}{self.name} {self.base64}\n"

    @property
    def signature(self) -> bytes:
        return base64.b64decode(self.base64)[4:]


@dataclass(frozen=True, slots=True)
class Note:
    """A parsed signed note. After :func:`open_note`, ``signatures`` are verified and ``unverified`` are by
    keys the caller did not supply. After :func:`parse_note`, everything is in ``unverified``."""

    text: str
    signatures: tuple[NoteSignature, ...] = ()
    unverified: tuple[NoteSignature, ...] = ()

    def format(self) -> str:
        return self.text + "\n" + "".join(sig.line for sig in (*self.signatures, *self.unverified))


def _check_text(text: str) -> None:
    # C2SP signed-note: the text MAY contain empty lines; it must end in a newline.
    if not text.endswith("\n"):
        raise FormatError("malformed note: the text must end with a newline")
    _check_chars(text)


def _check_chars(text: str) -> None:
    for ch in text:
        if ch < " " and ch != "\n":
            raise FormatError(f"malformed note: control character U+{ord(ch):04X} is not allowed")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise FormatError("malformed note: not valid UTF-8") from None


def parse_note(message: str | bytes) -> Note:
    """Split a signed note into its text and (unverified) signatures, strictly. Checks no signature."""
    if isinstance(message, bytes):
        if len(message) > MAX_NOTE_BYTES:
            raise FormatError("malformed note: larger than 1 MiB")
        try:
            message = message.decode("utf-8")
        except UnicodeDecodeError:
            raise FormatError("malformed note: not valid UTF-8") from None
    elif len(message.encode("utf-8", "surrogatepass")) > MAX_NOTE_BYTES:
        raise FormatError("malformed note: larger than 1 MiB")
    _check_chars(message)
    split = message.rfind("\n\n")
    if split < 0:
        raise FormatError("malformed note: no blank line before the signatures")
    text, block = message[: split + 1], message[split + 2 :]
    if not block or not block.endswith("\n"):
        raise FormatError("malformed note: no signature lines, or the last one does not end with a newline")
    _check_text(text)
    signatures: list[NoteSignature] = []
    for number, line in enumerate(block[:-1].split("\n"), start=1):
        if not line.startswith(SIGNATURE_PREFIX):
            raise FormatError(f"malformed note: signature line {number} does not start with '— '")
        name, _, b64 = line[len(SIGNATURE_PREFIX) :].partition(" ")
        try:
            raw = _b64decode(b64)
        except ValueError:
            raise FormatError(f"malformed note: signature line {number} is not base64") from None
        if not _valid_name(name) or len(raw) < 5:
            raise FormatError(f"malformed note: signature line {number} is malformed")
        if len(signatures) >= MAX_SIGNATURES:
            raise FormatError(f"malformed note: more than {MAX_SIGNATURES} signatures")
        (key_hash,) = struct.unpack(">I", raw[:4])
        signatures.append(NoteSignature(name=name, key_hash=key_hash, base64=b64))
    return Note(text=text, unverified=tuple(signatures))


def open_note(message: str | bytes, verifiers: Sequence[Verifier]) -> Note:
    """Parse a signed note and check its signatures against ``verifiers``.

    Signatures by keys not in ``verifiers`` are kept as unverified. A signature by a known key that does not verify
    is an error. At least one known key must have signed. Duplicate signatures are dropped."""
    parsed = parse_note(message)
    known: dict[tuple[str, int], Verifier] = {}
    for verifier in verifiers:
        ident = (verifier.name, verifier.key_hash)
        if ident in known and known[ident] != verifier:
            raise FormatError(f"ambiguous key {verifier.key_id}")
        known[ident] = verifier
    verified: list[NoteSignature] = []
    unverified: list[NoteSignature] = []
    seen: set[tuple[str, int]] = set()
    text = parsed.text.encode("utf-8")
    for sig in parsed.unverified:
        ident = (sig.name, sig.key_hash)
        signed_by = known.get(ident)
        if signed_by is None:
            if sig not in unverified:
                unverified.append(sig)
            continue
        if ident in seen:
            continue
        seen.add(ident)
        if not signed_by.verify(text, sig.signature):
            raise VerificationError(f"invalid signature for key {signed_by.key_id}")
        verified.append(sig)
    if not verified:
        names = ", ".join(f"{s.name}+{s.key_hash:08x}" for s in unverified) or "none"
        wanted = ", ".join(v.key_id for v in verifiers) or "none given"
        raise VerificationError(f"note has no verifiable signatures: signed by {names}; trusted keys: {wanted}")
    return Note(text=parsed.text, signatures=tuple(verified), unverified=tuple(unverified))


def sign_note(text: str, signers: Sequence[Signer], *, existing: Sequence[NoteSignature] = ()) -> str:
    """Sign ``text`` with each signer; keeps ``existing`` signatures whose key is not re-signing."""
    _check_text(text)
    if not signers:
        raise FormatError("sign_note needs at least one signer")
    message = text.encode("utf-8")
    fresh = []
    for signer in signers:
        if not _valid_name(signer.name):
            raise FormatError(f"invalid signer name {signer.name!r}")
        raw = struct.pack(">I", signer.key_hash) + signer.sign(message)
        b64 = base64.b64encode(raw).decode("ascii")
        fresh.append(NoteSignature(name=signer.name, key_hash=signer.key_hash, base64=b64))
    replaced = {(s.name, s.key_hash) for s in fresh}
    kept = []
    for sig in existing:
        try:
            raw = _b64decode(sig.base64)
        except ValueError:
            raise FormatError("malformed existing signature") from None
        if not _valid_name(sig.name) or len(raw) < 5 or struct.unpack(">I", raw[:4])[0] != sig.key_hash:
            raise FormatError("malformed existing signature")
        if (sig.name, sig.key_hash) not in replaced:
            kept.append(sig)
    return Note(text=text, signatures=(*kept, *fresh)).format()
