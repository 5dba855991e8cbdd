"""C2SP signed notes, checked against the published vectors of Go's golang.org/x/mod/sumdb/note (note_test.go)."""

from __future__ import annotations

import base64
import hashlib

import pytest

from vigil.ledger.errors import FormatError, VerificationError
from vigil.ledger.note import Signer, Verifier, generate_key, open_note, parse_note, sign_note

PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PETER_B64 = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
PETER_SIG = f"— PeterNeumann {PETER_B64}\n"
ENOCH_SIG = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"


def test_it_reads_gos_verifier_key_vector() -> None:
    peter = Verifier.from_key(PETER_VKEY)
    assert (peter.name, peter.key_hash) == ("PeterNeumann", 0xC74F20A3)
    assert peter.key == PETER_VKEY


def test_it_rejects_every_mangling_of_the_verifier_key() -> None:
    raw = PETER_VKEY.encode()
    for i in range(len(raw) + 1):
        for j in range(i + 1, len(raw) + 1):
            if (i, j) != (0, len(raw)):
                with pytest.raises(FormatError):
                    Verifier.from_key(raw[i:j].decode())
    for i in range(len(raw)):
        mangled = raw[:i] + bytes([raw[i] + 1]) + raw[i + 1 :]
        with pytest.raises(FormatError):
            Verifier.from_key(mangled.decode())
    # Go's extra cases: wrong key length and unknown algorithm, each with an adjusted key hash.
    with pytest.raises(FormatError):
        Verifier.from_key("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
    with pytest.raises(FormatError, match="unknown verifier key algorithm"):
        Verifier.from_key("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


def test_it_reads_gos_signer_key_vector_and_rejects_its_manglings() -> None:
    signer = Signer.from_key(PETER_SKEY)
    assert signer.key == PETER_SKEY
    assert signer.verifier().key == PETER_VKEY
    assert "AYEKF" not in repr(signer)
    raw = PETER_SKEY.encode()
    for i in range(len(raw)):
        mangled = raw[:i] + bytes([raw[i] + 1]) + raw[i + 1 :]
        with pytest.raises(FormatError):
            Signer.from_key(mangled.decode())
    for cut in range(1, len(raw)):
        with pytest.raises(FormatError):
            Signer.from_key(raw[:cut].decode())


def test_signing_gives_gos_exact_signed_note() -> None:
    assert sign_note(TEXT, [Signer.from_key(PETER_SKEY)]) == TEXT + "\n" + PETER_SIG


def test_resigning_replaces_the_signers_old_signature_and_keeps_others() -> None:
    existing = parse_note(TEXT + "\n" + ENOCH_SIG + PETER_SIG).unverified
    assert sign_note(TEXT, [Signer.from_key(PETER_SKEY)], existing=existing) == TEXT + "\n" + ENOCH_SIG + PETER_SIG


def test_opening_verifies_known_keys_and_keeps_unknown_ones_unverified() -> None:
    peter, enoch = Verifier.from_key(PETER_VKEY), Verifier.from_key(ENOCH_VKEY)
    note = open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [peter])
    assert note.text == TEXT
    assert [s.name for s in note.signatures] == ["PeterNeumann"]
    assert [(s.name, s.key_hash) for s in note.unverified] == [("EnochRoot", 0xAF0CFE78)]
    both = open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [peter, enoch])
    assert [s.name for s in both.signatures] == ["PeterNeumann", "EnochRoot"]
    assert both.unverified == ()
    assert both.format() == TEXT + "\n" + PETER_SIG + ENOCH_SIG


def test_opening_needs_at_least_one_known_signature() -> None:
    with pytest.raises(VerificationError, match="no verifiable signatures"):
        open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [])
    with pytest.raises(VerificationError, match="no verifiable signatures"):
        open_note(TEXT + "\n" + ENOCH_SIG, [Verifier.from_key(PETER_VKEY)])


def test_an_invalid_signature_by_a_known_key_is_an_error() -> None:
    forged = PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(VerificationError, match=r"invalid signature for key PeterNeumann\+c74f20a3"):
        open_note(TEXT + "\n" + forged, [Verifier.from_key(PETER_VKEY)])
    with pytest.raises(VerificationError, match="invalid signature"):
        open_note(TEXT.replace("answer", "Answer") + "\n" + PETER_SIG, [Verifier.from_key(PETER_VKEY)])


def test_duplicate_signatures_are_dropped() -> None:
    message = TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG
    note = open_note(message, [Verifier.from_key(PETER_VKEY)])
    assert len(note.signatures) == 1
    assert len(note.unverified) == 1


@pytest.mark.parametrize(
    "message",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        TEXT + "\n" + f"— Bad Name {PETER_B64}",
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        TEXT + "\n" + PETER_SIG * 101,
        "no final newline\n" + "\n" + PETER_SIG.replace("\n", ""),
    ],
    ids=["no-sigs", "blank-only", "no-final-newline", "control-char", "bad-name", "extra-line", "101-sigs",
         "unterminated-sig"],
)
def test_it_rejects_malformed_notes(message: str) -> None:
    with pytest.raises(FormatError, match="malformed note"):
        open_note(message, [Verifier.from_key(PETER_VKEY)])


def test_it_rejects_invalid_utf8() -> None:
    with pytest.raises(FormatError, match="UTF-8"):
        open_note(b"\xff" + (TEXT + "\n" + PETER_SIG).encode(), [Verifier.from_key(PETER_VKEY)])


def test_it_refuses_to_sign_text_without_a_final_newline_or_with_a_control_character() -> None:
    signer = Signer.from_key(PETER_SKEY)
    with pytest.raises(FormatError):
        sign_note("abc", [signer])
    with pytest.raises(FormatError):
        sign_note("", [signer])
    with pytest.raises(FormatError, match="control character"):
        sign_note("a\tb\n", [signer])


# -- blank lines: C2SP signed-note lets a note's text hold them; the text ends at the note's last blank line ---------

QUASIMODO = "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n"


@pytest.mark.parametrize(
    "text",
    [QUASIMODO, "a\n\nb\n", "a\n\n\nb\n", "ends with a blank line\n\n", "\nstarts with one\n", "\n"],
    ids=["poem", "one-blank", "two-blanks", "trailing-blank", "leading-blank", "only-a-newline"],
)
def test_a_note_text_may_hold_blank_lines_and_round_trips(text: str) -> None:
    signer = Signer.from_key(PETER_SKEY)
    message = sign_note(text, [signer])
    assert message == text + "\n" + f"— PeterNeumann {message.rsplit(' ', 1)[1]}"
    note = open_note(message, [Verifier.from_key(PETER_VKEY)])
    assert note.text == text
    assert note.format() == message
    assert parse_note(message).format() == message


def test_a_blank_line_in_a_note_text_is_still_signed() -> None:
    message = sign_note("a\n\nb\n", [Signer.from_key(PETER_SKEY)])
    with pytest.raises(VerificationError, match="invalid signature"):
        open_note(message.replace("a\n\nb\n", "a\nb\n\n", 1), [Verifier.from_key(PETER_VKEY)])


def test_signature_lines_above_the_last_blank_line_are_text_not_signatures() -> None:
    message = sign_note("a\n\nb\n", [Signer.from_key(PETER_SKEY)])
    shifted = message + "\n" + ENOCH_SIG
    assert parse_note(shifted).text == message
    with pytest.raises(VerificationError, match="no verifiable signatures: signed by EnochRoot"):
        open_note(shifted, [Verifier.from_key(PETER_VKEY)])


# -- cosignature keys (C2SP tlog-cosignature, signature type 0x04): parsed, not verified yet -------------------------

# A witness's published keys: the same Ed25519 public key as a cosignature (0x04) and as a plain note key (0x01).
WITNESS_COSIGNATURE_VKEY = (
    "transparency.dev/DEV:witness-little-garden+d8042a87+BCtusOxINQNUTN5Oj8HObRkh2yHf/MwYaGX4CPdiVEPM"
)
WITNESS_ED25519_VKEY = (
    "transparency.dev/DEV:witness-little-garden+4b7fca75+AStusOxINQNUTN5Oj8HObRkh2yHf/MwYaGX4CPdiVEPM"
)


def test_it_parses_a_cosignature_verifier_key_and_round_trips_it() -> None:
    witness = Verifier.from_key(WITNESS_COSIGNATURE_VKEY)
    plain = Verifier.from_key(WITNESS_ED25519_VKEY)
    assert (witness.name, witness.key_hash, witness.algorithm) == (
        "transparency.dev/DEV:witness-little-garden", 0xD8042A87, 0x04,
    )  # fmt: skip
    assert witness.is_cosigner and not plain.is_cosigner
    assert witness.public_key == plain.public_key and witness.key_hash != plain.key_hash
    assert witness.key == WITNESS_COSIGNATURE_VKEY
    assert Verifier.from_public_key(witness.name, witness.public_key, 0x04) == witness


def test_a_cosignature_key_with_the_plain_key_hash_is_rejected() -> None:
    mixed = WITNESS_COSIGNATURE_VKEY.replace("+d8042a87+", "+4b7fca75+")
    with pytest.raises(FormatError, match="key hash does not match"):
        Verifier.from_key(mixed)


def test_verifying_with_a_cosignature_key_says_it_is_not_supported_yet() -> None:
    witness = Verifier.from_key(WITNESS_COSIGNATURE_VKEY)
    with pytest.raises(VerificationError, match=r"signature type 0x04\); verifying with it is not supported yet"):
        witness.verify(b"text\n", b"\0" * 72)
    # A note carrying a cosignature by that key: opening it with the key is the same clear error, never a crash.
    raw = witness.key_hash.to_bytes(4, "big") + b"\0" * 72
    cosigned = TEXT + "\n" + PETER_SIG + f"— {witness.name} {base64.b64encode(raw).decode()}\n"
    with pytest.raises(VerificationError, match="not supported yet"):
        open_note(cosigned, [Verifier.from_key(PETER_VKEY), witness])
    # Not knowing the witness, the cosignature is just an unverified signature.
    note = open_note(cosigned, [Verifier.from_key(PETER_VKEY)])
    assert [(s.name, s.key_hash) for s in note.unverified] == [(witness.name, witness.key_hash)]
    assert note.format() == cosigned


def test_a_signature_type_that_is_neither_ed25519_nor_a_cosignature_is_unknown() -> None:
    name, public = "example.com/w", Verifier.from_key(WITNESS_ED25519_VKEY).public_key
    encoded = bytes([0x02]) + public
    key_hash = hashlib.sha256(name.encode() + b"\n" + encoded).digest()[:4].hex()
    with pytest.raises(FormatError, match="unknown verifier key algorithm 2"):
        Verifier.from_key(f"{name}+{key_hash}+{base64.b64encode(encoded).decode()}")


def test_generated_keys_sign_and_verify() -> None:
    skey, vkey = generate_key("vigil.example.org/log")
    signer, verifier = Signer.from_key(skey), Verifier.from_key(vkey)
    assert (signer.name, signer.key_hash) == (verifier.name, verifier.key_hash)
    note = open_note(sign_note("hello\n", [signer]), [verifier])
    assert note.text == "hello\n"
    other = Verifier.from_key(generate_key("vigil.example.org/log")[1])
    with pytest.raises(VerificationError):
        open_note(sign_note("hello\n", [signer]), [other])


def test_parse_and_format_round_trip() -> None:
    message = TEXT + "\n" + PETER_SIG + ENOCH_SIG
    assert parse_note(message).format() == message
