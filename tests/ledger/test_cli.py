"""``vigil-verify``: exit codes, messages, and the consistency check; run as a real process where it matters."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.ledger.test_bundle import Evidence, make_evidence, rezip, write_bundle
from vigil.ledger.checkpoint import Checkpoint, format_proof, sign_checkpoint
from vigil.ledger.cli import main
from vigil.ledger.merkle import consistency_proof, leaf_hash, tree_root
from vigil.ledger.note import generate_key

VIGIL_VERIFY = Path(sys.executable).parent / "vigil-verify"
ORIGIN = "vigil.example.org/log"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(VIGIL_VERIFY), *map(str, args)], capture_output=True, text=True, timeout=60, check=False)


def call(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def evidence() -> Evidence:
    return make_evidence()


@pytest.fixture
def bundle(evidence: Evidence, tmp_path: Path) -> Path:
    return write_bundle(evidence, tmp_path / "bundle.zip")


def test_the_console_script_is_installed() -> None:
    assert VIGIL_VERIFY.exists()


def test_a_good_bundle_exits_0_with_a_summary(bundle: Path, evidence: Evidence) -> None:
    result = run(bundle, "--key", evidence.log.vkey)
    assert result.returncode == 0, result.stderr
    assert "[6/6] nothing in the zip is unaccounted for: ok" in result.stdout
    assert "OK: every check passed." in result.stdout
    assert "(given with --key)" in result.stdout
    for _, item in evidence.items:
        assert item.sha256 in result.stdout
    assert "WARNING" not in result.stdout
    assert result.stderr == ""


def test_the_summary_says_what_the_signature_does_not_cover(bundle: Path, evidence: Evidence) -> None:
    code, out, _ = call(bundle, "--key", evidence.log.vkey)
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ") and line.split()}
    assert lines["export"] == (
        f"  export     {evidence.export_id}  exported at 2025-06-01T14:40:00.000000Z "
        "(per its 'exported' custody events in the log)"
    )
    assert lines["title"] == "  title      'Incident 42'  (manifest.json only: NOT covered by the signature)"
    assert lines["created"].endswith("(manifest.json only: NOT covered by the signature)")


def test_a_log_key_file_that_is_malformed_fails_even_with_a_key(
    bundle: Path, evidence: Evidence, tmp_path: Path
) -> None:
    def spoil(contents: dict[str, bytes]) -> None:
        contents["log-key.txt"] = b"not a key\n"

    code, _, err = call(rezip(bundle, tmp_path / "t.zip", spoil), "--key", evidence.log.vkey)
    assert code == 1
    assert err.startswith("FAILED: step 1 (zip and manifest are well-formed): log-key.txt is malformed: ")


def test_an_unexpected_error_is_a_failed_line_not_a_traceback(
    bundle: Path, evidence: Evidence, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise KeyError("surprise")

    monkeypatch.setattr("vigil.ledger.cli.verify_bundle", broken)
    code, _, err = call(bundle, "--key", evidence.log.vkey)
    assert code == 1
    assert err.startswith("FAILED: the check could not be completed (KeyError: 'surprise'); the input is NOT verified.")


def test_without_a_key_it_passes_but_warns_loudly(bundle: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vigil.ledger.cli", str(bundle)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "OK, but see the WARNING below." in result.stdout
    assert "NOT independently trusted" in result.stdout


def test_a_tampered_bundle_exits_1_naming_the_file(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    _, item = evidence.items[1]
    name = next(n for n in zipfile.ZipFile(bundle).namelist() if n.startswith(f"files/{item.item}/"))

    def flip(contents: dict[str, bytes]) -> None:
        contents[name] = contents[name][:-1] + b"!"

    tampered = rezip(bundle, tmp_path / "tampered.zip", flip)
    result = run(tampered, "--key", evidence.log.vkey)
    assert result.returncode == 1
    assert result.stderr.startswith("FAILED: step 3 (every file matches its leaf record (item, SHA-256, size)): ")
    assert name in result.stderr
    assert "[2/6] checkpoint is signed by the log key: ok" in result.stdout
    assert "[3/6]" not in result.stdout


def test_a_wrong_key_exits_1(bundle: Path) -> None:
    code, _, err = call(bundle, "--key", generate_key(ORIGIN)[1])
    assert code == 1
    assert "FAILED: step 2" in err
    assert "no verifiable signatures" in err


def test_the_key_can_come_from_a_file(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    key_file = tmp_path / "log.pub"
    key_file.write_text(f"# Vigil demo log key\n{evidence.log.vkey}\n")
    code, out, _ = call(bundle, "--key-file", key_file)
    assert code == 0
    assert "(given with --key)" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "the following arguments are required"),
        (("{bundle}", "--key", "not-a-key"), "--key: malformed verifier key"),
        (("{tmp}/missing.zip",), "no such bundle file"),
        (("{bundle}", "--key-file", "{tmp}/nope.pub"), "cannot read key file"),
        (("{bundle}", "--key", "a+b+c", "--key-file", "x"), "not allowed with argument"),
        (("consistency", "{tmp}/old.txt"), "the following arguments are required"),
    ],
)
def test_usage_errors_exit_2(
    bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, _, err = call(*(a.format(bundle=bundle, tmp=tmp_path) for a in args))
    captured = capsys.readouterr()  # argparse writes its own usage errors to sys.stderr
    assert code == 2
    assert message in err + captured.err


# -- consistency --------------------------------------------------------------------------------------------------


def checkpoints(tmp_path: Path, skey: str, leaves: list[bytes], old_size: int) -> tuple[Path, Path, Path]:
    old = tmp_path / "old.txt"
    new = tmp_path / "new.txt"
    proof = tmp_path / "proof.txt"
    old.write_text(sign_checkpoint(Checkpoint(ORIGIN, old_size, tree_root(leaves[:old_size])), skey))
    new.write_text(sign_checkpoint(Checkpoint(ORIGIN, len(leaves), tree_root(leaves)), skey))
    proof.write_text(format_proof(consistency_proof(leaves, old_size)))
    return old, new, proof


def test_consistency_exits_0_when_the_new_checkpoint_extends_the_old(tmp_path: Path) -> None:
    skey, vkey = generate_key(ORIGIN)
    leaves = [leaf_hash(bytes([i])) for i in range(13)]
    old, new, proof = checkpoints(tmp_path, skey, leaves, 5)
    result = run("consistency", old, new, proof, "--key", vkey)
    assert result.returncode == 0, result.stderr
    assert "OK: the new checkpoint extends the old one" in result.stdout
    assert "both signatures checked" in result.stdout


def test_consistency_exits_1_when_history_was_rewritten(tmp_path: Path) -> None:
    skey, vkey = generate_key(ORIGIN)
    leaves = [leaf_hash(bytes([i])) for i in range(13)]
    old, new, proof = checkpoints(tmp_path, skey, leaves, 5)
    rewritten = [*leaves[:2], leaf_hash(b"rewritten"), *leaves[3:]]
    new.write_text(sign_checkpoint(Checkpoint(ORIGIN, len(rewritten), tree_root(rewritten)), skey))
    proof.write_text(format_proof(consistency_proof(rewritten, 5)))
    code, _, err = call("consistency", old, new, proof, "--key", vkey)
    assert code == 1
    assert "FAILED: consistency proof does not lead to the old root (size 5)" in err


def test_consistency_checks_both_signatures(tmp_path: Path) -> None:
    skey, vkey = generate_key(ORIGIN)
    leaves = [leaf_hash(bytes([i])) for i in range(8)]
    old, new, proof = checkpoints(tmp_path, skey, leaves, 3)
    other_skey, _ = generate_key(ORIGIN)
    new.write_text(sign_checkpoint(Checkpoint(ORIGIN, len(leaves), tree_root(leaves)), other_skey))
    code, _, err = call("consistency", old, new, proof, "--key", vkey)
    assert code == 1
    assert f"FAILED: new checkpoint {new}: note has no verifiable signatures" in err


def test_consistency_without_a_key_warns_that_signatures_were_not_checked(tmp_path: Path) -> None:
    skey, _ = generate_key(ORIGIN)
    leaves = [leaf_hash(bytes([i])) for i in range(8)]
    old, new, proof = checkpoints(tmp_path, skey, leaves, 8)
    code, out, _ = call("consistency", old, new, proof)
    assert code == 0
    assert "SIGNATURES WERE NOT CHECKED" in out


def test_consistency_rejects_a_malformed_proof_file(tmp_path: Path) -> None:
    skey, vkey = generate_key(ORIGIN)
    leaves = [leaf_hash(bytes([i])) for i in range(8)]
    old, new, proof = checkpoints(tmp_path, skey, leaves, 3)
    proof.write_text(proof.read_text().rstrip("\n"))
    code, _, err = call("consistency", old, new, proof, "--key", vkey)
    assert code == 1
    assert "malformed proof: the last line must end with a newline" in err


def test_the_verifier_needs_no_django() -> None:
    check = (
        "import sys, vigil.ledger.cli, vigil.ledger.manifest, vigil.ledger.writer, vigil.ledger.verify\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'ninja'))\n"
        "assert not loaded, loaded\n"
    )
    command = [sys.executable, "-I", "-c", check]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
