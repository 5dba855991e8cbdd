"""The Merkle core against the published RFC 6962 known-answer vectors (transparency-dev/merkle, proof/verify_test.go,
the same tree certificate-transparency's tests use): 8 leaves, the roots of every prefix, inclusion and consistency
proofs. Plus the package's promise never to import Django."""

from __future__ import annotations

import ast
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

import vigil.ledger
from vigil.ledger import (
    EMPTY_ROOT,
    LedgerError,
    VerificationError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [
    bytes.fromhex(h)
    for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")
]
ROOTS = [
    bytes.fromhex(h)
    for h in (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]  # ROOTS[i] is the root of the first i + 1 leaves


def h(s: str) -> bytes:
    return bytes.fromhex(s)


# (0-based leaf index, tree size, proof)
INCLUSION = [
    (0, 1, []),
    (
        0,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        5,
        8,
        [
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (2, 3, [h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
    (
        1,
        5,
        [
            h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]

# (old size, new size, proof)
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (
        6,
        7,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
]

HASHES = [leaf_hash(d) for d in LEAVES]
SOME_HASH = h("abacaba000000000000000000000000000000000000000000060061e00123456")


def test_it_hashes_leaves_and_nodes_with_the_rfc_prefixes() -> None:
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert leaf_hash(b"L123456") == hashlib.sha256(b"\x00L123456").digest()
    assert node_hash(b"N123", b"N456") == hashlib.sha256(b"\x01N123N456").digest()
    # the published leaf and node vectors (transparency-dev/merkle rfc6962_test.go)
    assert leaf_hash(b"").hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    assert leaf_hash(b"L123456").hex() == "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    assert node_hash(b"N123", b"N456").hex() == "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"


def test_the_empty_tree_has_the_hash_of_nothing_as_its_root() -> None:
    assert tree_root([]) == EMPTY_ROOT == hashlib.sha256(b"").digest()
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize("size", range(1, 9))
def test_it_computes_the_published_root_of_every_prefix(size: int) -> None:
    assert tree_root(HASHES[:size]) == ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_it_builds_and_verifies_the_published_inclusion_proofs(index: int, size: int, proof: list[bytes]) -> None:
    assert inclusion_proof(HASHES[:size], index) == proof
    verify_inclusion(HASHES[index], index, size, proof, ROOTS[size - 1])


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_it_builds_and_verifies_the_published_consistency_proofs(old: int, new: int, proof: list[bytes]) -> None:
    assert consistency_proof(HASHES[:new], old) == proof
    verify_consistency(old, new, proof, ROOTS[old - 1], ROOTS[new - 1])


def _inclusion_probes(index: int, size: int, proof: list[bytes], root: bytes, leaf: bytes) -> list[tuple[object, ...]]:
    """The corruptions transparency-dev/merkle's verifier test applies; each must fail."""
    probes: list[tuple[object, ...]] = [
        (leaf, index - 1, size, proof, root),
        (leaf, index + 1, size, proof, root),
        (leaf, index ^ 2, size, proof, root),
        (leaf, index, size * 2, proof, root),
        (leaf, index, size // 2, proof, root),
        (b"WrongLeaf", index, size, proof, root),
        (leaf, index, size, proof, EMPTY_ROOT),
        (leaf, index, size, proof, SOME_HASH),
        (leaf, index, size, [*proof, b""], root),
        (leaf, index, size, [*proof, root], root),
        (leaf, index, size, [b"", *proof], root),
        (leaf, index, size, [root, *proof], root),
    ]
    for i in range(len(proof)):
        wrong = list(proof)
        wrong[i] = bytes([wrong[i][0] ^ 8]) + wrong[i][1:]
        probes.append((leaf, index, size, wrong, root))
    if proof:
        probes.append((leaf, index, size, proof[:-1], root))
    if len(proof) > 1:
        probes.append((leaf, index, size, [proof[0], SOME_HASH, *proof[1:]], root))
    return probes


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_it_rejects_every_published_corruption_of_an_inclusion_proof(index: int, size: int, proof: list[bytes]) -> None:
    for leaf, i, n, p, r in _inclusion_probes(index, size, proof, ROOTS[size - 1], HASHES[index]):
        with pytest.raises(VerificationError):
            verify_inclusion(leaf, i, n, p, r)  # type: ignore[arg-type]


@pytest.mark.parametrize(("old", "new", "proof"), [c for c in CONSISTENCY if c[2]])
def test_it_rejects_every_published_corruption_of_a_consistency_proof(old: int, new: int, proof: list[bytes]) -> None:
    r1, r2 = ROOTS[old - 1], ROOTS[new - 1]
    probes: list[tuple[object, ...]] = [
        (old - 1, new, proof, r1, r2),
        (old + 1, new, proof, r1, r2),
        (old ^ 2, new, proof, r1, r2),
        (old, new * 2, proof, r1, r2),
        (old, new // 2, proof, r1, r2),
        (old, new, proof, b"WrongRoot", r2),
        (old, new, proof, r1, b"WrongRoot"),
        (old, new, proof, r2, r1),
        (old, new, [], r1, r2),
        (old, new, [*proof, b""], r1, r2),
        (old, new, [*proof, r1], r1, r2),
        (old, new, [*proof, r2], r1, r2),
        (old, new, [b"", *proof], r1, r2),
        (old, new, [r1, *proof], r1, r2),
        (old, new, [r2, *proof], r1, r2),
        (old, new, [proof[0], *proof], r1, r2),
        (old, new, proof[:-1], r1, r2),
    ]
    for i in range(len(proof)):
        wrong = list(proof)
        wrong[i] = bytes([wrong[i][0] ^ 16]) + wrong[i][1:]
        probes.append((old, new, wrong, r1, r2))
    for o, n, p, a, b in probes:
        with pytest.raises(VerificationError):
            verify_consistency(o, n, p, a, b)  # type: ignore[arg-type]


def test_it_accepts_the_trivially_consistent_sizes_and_rejects_the_rest() -> None:
    verify_consistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)
    verify_consistency(0, 5, [], EMPTY_ROOT, ROOTS[4])
    verify_consistency(3, 3, [], ROOTS[2], ROOTS[2])
    bad: list[tuple[int, int, list[bytes], bytes, bytes]] = [
        (3, 3, [], ROOTS[2], ROOTS[3]),  # same size, different roots
        (3, 3, [EMPTY_ROOT], ROOTS[2], ROOTS[2]),  # same size, a proof that should be empty
        (0, 1, [EMPTY_ROOT], EMPTY_ROOT, ROOTS[0]),  # from empty, a proof that should be empty
        (0, 1, [], ROOTS[0], ROOTS[0]),  # an empty tree whose root is not the empty root
        (2, 1, [], ROOTS[1], ROOTS[0]),  # time travel
        (1, 2, [], ROOTS[0], ROOTS[1]),  # empty proof
    ]
    for args in bad:
        with pytest.raises(VerificationError):
            verify_consistency(*args)


def test_it_rejects_impossible_indices_and_sizes_with_a_clear_message() -> None:
    with pytest.raises(VerificationError, match="outside a tree of size 0"):
        verify_inclusion(SOME_HASH, 0, 0, [], EMPTY_ROOT)
    with pytest.raises(VerificationError, match="outside a tree of size 1"):
        verify_inclusion(SOME_HASH, 2, 1, [], SOME_HASH)
    with pytest.raises(VerificationError, match="must not be negative"):
        verify_inclusion(SOME_HASH, -1, 1, [], SOME_HASH)
    with pytest.raises(VerificationError, match="must be an integer"):
        verify_inclusion(SOME_HASH, True, 2, [SOME_HASH], SOME_HASH)
    with pytest.raises(VerificationError, match="32-byte"):
        verify_inclusion(b"", 0, 1, [], SOME_HASH)
    with pytest.raises(VerificationError, match="3 hashes where 2 are needed"):
        verify_inclusion(HASHES[0], 0, 3, [SOME_HASH] * 3, ROOTS[2])
    with pytest.raises(LedgerError, match="outside a tree of size 8"):
        inclusion_proof(HASHES, 8)
    with pytest.raises(LedgerError, match="larger than the tree"):
        consistency_proof(HASHES, 9)
    with pytest.raises(LedgerError, match="leaf hash 1"):
        tree_root([HASHES[0], b"short"])


def test_a_verification_error_is_a_ledger_error() -> None:
    assert issubclass(VerificationError, LedgerError)
    assert issubclass(LedgerError, Exception)


def test_the_ledger_package_never_imports_django() -> None:
    code = (
        "import sys, vigil.ledger, vigil.ledger.merkle, vigil.ledger.errors\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])


def test_no_file_of_the_ledger_package_imports_django_or_the_rest_of_vigil() -> None:
    package = Path(vigil.ledger.__file__).parent
    files = sorted(package.rglob("*.py"))
    assert files
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top != "django", f"{path.name} imports {name}"
                assert top != "vigil" or name.startswith("vigil.ledger"), f"{path.name} imports {name}"
