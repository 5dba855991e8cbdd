"""C2SP tlog-checkpoint bodies, signed checkpoints, and the text form of proofs."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.ledger.checkpoint import (
    Checkpoint,
    format_proof,
    open_checkpoint,
    parse_proof,
    read_checkpoint,
    sign_checkpoint,
)
from vigil.ledger.errors import FormatError, VerificationError
from vigil.ledger.merkle import consistency_proof, leaf_hash, tree_root, verify_consistency
from vigil.ledger.note import ALG_COSIGNATURE_V1, Signer, Verifier, generate_key, sign_note

ORIGIN = "vigil.example.org/log"
# The example body of the C2SP tlog-checkpoint specification.
C2SP_EXAMPLE = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"


def test_it_parses_the_c2sp_example_and_formats_it_back() -> None:
    checkpoint = Checkpoint.parse(C2SP_EXAMPLE)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163
    assert checkpoint.root_hash == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert checkpoint.format() == C2SP_EXAMPLE


def test_extension_lines_round_trip() -> None:
    text = C2SP_EXAMPLE + "Timestamp: 1689748607742585419\n"
    checkpoint = Checkpoint.parse(text)
    assert checkpoint.extensions == ("Timestamp: 1689748607742585419",)
    assert checkpoint.format() == text


@given(
    origin=st.from_regex(r"[a-z0-9.]{1,20}(/[a-z0-9]{1,10})?", fullmatch=True),
    size=st.integers(0, 2**64 - 1),
    root=st.binary(min_size=32, max_size=32),
)
def test_format_and_parse_round_trip(origin: str, size: int, root: bytes) -> None:
    checkpoint = Checkpoint(origin=origin, size=size, root_hash=root)
    assert Checkpoint.parse(checkpoint.format()) == checkpoint


@pytest.mark.parametrize(
    "text",
    [
        "example.com\n0123\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "example.com\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "example.com\n+5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "example.com\n18446744073709551616\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "example.com\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",
        "example.com\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n",
        "example.com\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2==\n",
        "example.com\n5\n\n",
        "\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "example.com\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n",
        "example.com\n5\n",
    ],
    ids=[
        "leading-zero",
        "negative",
        "plus",
        "too-big",
        "no-newline",
        "unpadded-root",
        "short-root",
        "empty-root",
        "empty-origin",
        "empty-extension",
        "no-root",
    ],
)
def test_it_rejects_malformed_checkpoints(text: str) -> None:
    with pytest.raises(FormatError, match="malformed checkpoint"):
        Checkpoint.parse(text)


def test_a_signed_checkpoint_opens_with_the_log_key_only() -> None:
    skey, vkey = generate_key(ORIGIN)
    root = tree_root([leaf_hash(b"a"), leaf_hash(b"b"), leaf_hash(b"c")])
    checkpoint = Checkpoint(origin=ORIGIN, size=3, root_hash=root)
    note = sign_checkpoint(checkpoint, skey)
    assert open_checkpoint(note, vkey) == checkpoint
    assert read_checkpoint(note) == checkpoint
    _, other = generate_key(ORIGIN)
    with pytest.raises(VerificationError, match="no verifiable signatures"):
        open_checkpoint(note, other)
    forged = note.replace("\n3\n", "\n4\n")
    with pytest.raises(VerificationError, match="invalid signature"):
        open_checkpoint(forged, vkey)


def test_the_key_name_must_be_the_origin() -> None:
    skey, vkey = generate_key("someone-else")
    checkpoint = Checkpoint(origin=ORIGIN, size=0, root_hash=tree_root([]))
    with pytest.raises(FormatError, match="origin"):
        sign_checkpoint(checkpoint, skey)
    note = sign_note(checkpoint.format(), [Signer.from_key(skey)])
    with pytest.raises(VerificationError, match="does not match the log key's name"):
        open_checkpoint(note, vkey)


def test_proof_text_round_trips_and_is_strict() -> None:
    leaves = [leaf_hash(bytes([i])) for i in range(11)]
    proof = consistency_proof(leaves, 4)
    text = format_proof(proof)
    assert text.count("\n") == len(proof)
    assert parse_proof(text) == proof
    verify_consistency(4, 11, parse_proof(text), tree_root(leaves[:4]), tree_root(leaves))
    assert parse_proof("") == []
    for bad in (text.rstrip("\n"), text + "\n", "not base64\n", base64.b64encode(b"x" * 31).decode() + "\n"):
        with pytest.raises(FormatError, match="malformed proof"):
            parse_proof(bad)


@pytest.mark.parametrize(
    "text",
    [
        "example.com\n\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "example.com\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\nextension\n",
        "\nexample.com\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    ],
    ids=["after-origin", "before-extension", "leading"],
)
def test_a_checkpoint_rejects_blank_lines_that_a_general_note_allows(text: str) -> None:
    skey, vkey = generate_key("example.com")
    signed = sign_note(text, [Signer.from_key(skey)])  # a valid signed note ...
    with pytest.raises(FormatError, match=r"malformed checkpoint: line [0-9]+ is blank"):
        read_checkpoint(signed)  # ... but not a checkpoint
    with pytest.raises(FormatError, match="malformed checkpoint"):
        open_checkpoint(signed, vkey)


def test_opening_a_checkpoint_with_a_witness_cosignature_key_is_not_supported_yet() -> None:
    skey, _ = generate_key(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, 1, leaf_hash(b"x")), skey)
    public = Signer.from_key(skey).verifier().public_key
    witness = Verifier.from_public_key(ORIGIN, public, ALG_COSIGNATURE_V1)
    with pytest.raises(VerificationError, match=r"cosignature .* not supported yet"):
        open_checkpoint(note, witness)
    with pytest.raises(VerificationError, match="not supported yet"):
        open_checkpoint(note, witness.key)
