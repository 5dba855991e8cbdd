"""C2SP signed notes, checked against the published vectors of Go's golang.org/x/mod/sumdb/note (note_test.go)."""

from __future__ import annotations

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
        "first\n\nsecond\n\n" + PETER_SIG,
        "no final newline\n" + "\n" + PETER_SIG.replace("\n", ""),
    ],
    ids=[
        "no-sigs",
        "blank-only",
        "no-final-newline",
        "control-char",
        "bad-name",
        "extra-line",
        "101-sigs",
        "blank-line-in-text",
        "unterminated-sig",
    ],
)
def test_it_rejects_malformed_notes(message: str) -> None:
    with pytest.raises(FormatError, match="malformed note"):
        open_note(message, [Verifier.from_key(PETER_VKEY)])


def test_it_rejects_invalid_utf8() -> None:
    with pytest.raises(FormatError, match="UTF-8"):
        open_note(b"\xff" + (TEXT + "\n" + PETER_SIG).encode(), [Verifier.from_key(PETER_VKEY)])


def test_it_refuses_to_sign_text_without_a_final_newline_or_with_blank_lines() -> None:
    signer = Signer.from_key(PETER_SKEY)
    with pytest.raises(FormatError):
        sign_note("abc", [signer])
    with pytest.raises(FormatError):
        sign_note("a\n\nb\n", [signer])


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
