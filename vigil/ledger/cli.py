"""``vigil-verify``: check an evidence bundle or the consistency of two checkpoints, offline.

    vigil-verify BUNDLE.zip [--key VERIFIER-KEY | --key-file PATH]
    vigil-verify consistency OLD-CHECKPOINT NEW-CHECKPOINT PROOF [--key VERIFIER-KEY | --key-file PATH]

Exit status: 0 when everything holds, 1 when verification fails (the message says exactly what), 2 on usage errors
(bad arguments, unreadable files, a malformed key). Needs only the standard library and ``cryptography``.
Whatever a bundle holds, the answer is a ``FAILED:`` line and a non-zero status, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final, TextIO

from vigil.ledger.checkpoint import Checkpoint, open_checkpoint, parse_proof, read_checkpoint
from vigil.ledger.errors import FormatError, LedgerError
from vigil.ledger.merkle import verify_consistency
from vigil.ledger.note import Verifier
from vigil.ledger.verify import STEPS, BundleReport, verify_bundle

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2
MAX_INPUT_BYTES: Final = 1 << 20

UNTRUSTED_KEY_WARNING: Final = (
    "WARNING: no --key given. The checkpoint was checked against the bundle's OWN log-key.txt, which is\n"
    "         NOT independently trusted: whoever could alter the bundle could also replace that key.\n"
    "         Re-run with --key (or --key-file) holding the log's verifier key obtained from a source you trust."
)


class UsageError(Exception):
    """Bad arguments or unreadable input: exit status 2."""


def _parser(prog: str, consistency: bool) -> argparse.ArgumentParser:
    if consistency:
        parser = argparse.ArgumentParser(
            prog=f"{prog} consistency",
            description="Check that the NEW checkpoint extends the OLD one (the log never rewrote history).",
        )
        parser.add_argument("old", metavar="OLD", help="file holding the older signed checkpoint note")
        parser.add_argument("new", metavar="NEW", help="file holding the newer signed checkpoint note")
        parser.add_argument(
            "proof", metavar="PROOF", help="consistency proof, one base64 hash per line (?format=text at the log)"
        )
    else:
        parser = argparse.ArgumentParser(
            prog=prog,
            description=(
                "Verify a Vigil evidence bundle offline: checkpoint signature, every file's SHA-256, every inclusion "
                f"proof, custody events, nothing extra. Also: '{prog} consistency OLD NEW PROOF'."
            ),
        )
        parser.add_argument("bundle", metavar="BUNDLE.zip", help="the evidence bundle")
    keys = parser.add_mutually_exclusive_group()
    keys.add_argument("--key", metavar="VERIFIER-KEY", help="the log's verifier key, <name>+<hash>+<base64>")
    keys.add_argument("--key-file", metavar="PATH", type=Path, help="file holding the log's verifier key")
    return parser


def _read(path: Path | str, what: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_INPUT_BYTES:
        raise UsageError(f"{what} {path} is larger than {MAX_INPUT_BYTES} bytes")
    return data


def _key(args: argparse.Namespace) -> Verifier | None:
    text: str | None = args.key
    if args.key_file is not None:
        try:
            lines = [line.strip() for line in _read(args.key_file, "key file").decode("utf-8").splitlines()]
        except UnicodeDecodeError:
            raise UsageError(f"key file {args.key_file} is not UTF-8 text") from None
        keys = [line for line in lines if line and not line.startswith("#")]
        if len(keys) != 1:
            raise UsageError(f"key file {args.key_file} must hold exactly one verifier key line")
        text = keys[0]
    if text is None:
        return None
    try:
        return Verifier.from_key(text)
    except FormatError as exc:
        raise UsageError(f"--key: {exc}") from None


def _bundle(args: argparse.Namespace, out: TextIO) -> int:
    key = _key(args)
    path = Path(args.bundle)
    if not path.is_file():
        raise UsageError(f"no such bundle file: {path}")
    print(f"Checking evidence bundle {path}", file=out)

    def progress(step: int, label: str) -> None:
        print(f"  [{step}/{len(STEPS)}] {label}: ok", file=out)

    report = verify_bundle(path, key.key if key is not None else None, progress=progress)
    _summary(report, out)
    return EXIT_OK


def _summary(report: BundleReport, out: TextIO) -> None:
    manifest, checkpoint = report.manifest, report.checkpoint
    files = report.files
    deleted = len(manifest.items) - len(files)
    print("", file=out)
    print("OK: every check passed." if report.key_trusted else "OK, but see the WARNING below.", file=out)
    if report.exported_at is not None:
        logged = f"exported at {report.exported_at} (per its 'exported' custody events in the log)"
    else:
        logged = "(no 'exported' custody event: NOT covered by the log)"
    print(f"  export     {manifest.export_id}  {logged}", file=out)
    print(f"  title      {manifest.title!r}  (manifest.json only: NOT covered by the signature)", file=out)
    print(f"  created    {manifest.created_at}  (manifest.json only: NOT covered by the signature)", file=out)
    print(f"  log        {checkpoint.origin}  size {checkpoint.size}  root {checkpoint.root_b64}", file=out)
    trust = "given with --key" if report.key_trusted else "from the bundle itself, NOT independently trusted"
    print(f"  key        {report.verifier_key}  ({trust})", file=out)
    print(
        f"  contents   {len(files)} file(s), {deleted} item(s) deleted under retention, "
        f"{len(manifest.custody_events)} custody event(s)",
        file=out,
    )
    for item in files:
        record = item.record
        print(f"    {record.sha256}  {record.size:>12}  {item.path}", file=out)
        print(f"      leaf {item.leaf_index}, received {record.received_at}, incident {record.incident}", file=out)
    if manifest.documents:
        names = ", ".join(doc.path for doc in manifest.documents)
        print(f"  documents  {names} (for reading; not covered by the log)", file=out)
    for note in report.notes:
        if not note.startswith("the log key was taken from the bundle"):
            print(f"  note       {note}", file=out)
    if not report.key_trusted:
        print("", file=out)
        print(UNTRUSTED_KEY_WARNING, file=out)


def _checkpoint(path: str, key: Verifier | None, what: str) -> Checkpoint:
    data = _read(path, f"{what} checkpoint")
    try:
        return open_checkpoint(data, key) if key is not None else read_checkpoint(data)
    except LedgerError as exc:
        raise type(exc)(f"{what} checkpoint {path}: {exc}") from None


def _consistency(args: argparse.Namespace, out: TextIO) -> int:
    key = _key(args)
    old = _checkpoint(args.old, key, "old")
    new = _checkpoint(args.new, key, "new")
    proof_data = _read(args.proof, "proof")
    try:
        proof = parse_proof(proof_data)
    except FormatError as exc:
        raise FormatError(f"proof {args.proof}: {exc}") from None
    if old.origin != new.origin:
        raise FormatError(f"the checkpoints are of different logs: {old.origin!r} and {new.origin!r}")
    verify_consistency(old.size, new.size, proof, old.root_hash, new.root_hash)
    print("OK: the new checkpoint extends the old one; the log did not rewrite history between them.", file=out)
    print(f"  log   {old.origin}", file=out)
    print(f"  old   size {old.size}  root {old.root_b64}", file=out)
    print(f"  new   size {new.size}  root {new.root_b64}", file=out)
    if key is not None:
        print(f"  key   {key.key}  (both signatures checked)", file=out)
    else:
        print("", file=out)
        print("WARNING: no --key given: the checkpoint SIGNATURES WERE NOT CHECKED,", file=out)
        print("         only the proof between them. Re-run with --key to check who signed them.", file=out)
    return EXIT_OK


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    stdout = out if out is not None else sys.stdout
    stderr = err if err is not None else sys.stderr
    prog = "vigil-verify"
    consistency = bool(args_list) and args_list[0] == "consistency"
    parser = _parser(prog, consistency)
    try:
        args = parser.parse_args(args_list[1:] if consistency else args_list)
    except SystemExit as exc:  # argparse: --help exits 0, usage errors exit 2
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return _consistency(args, stdout) if consistency else _bundle(args, stdout)
    except UsageError as exc:
        print(f"{prog}: error: {exc}", file=stderr)
        return EXIT_USAGE
    except LedgerError as exc:
        stdout.flush()
        print(f"FAILED: {exc}", file=stderr)
        return EXIT_FAILED
    except Exception as exc:  # a verifier bug must still end in a clear "not verified", not a traceback
        stdout.flush()
        print(
            f"FAILED: the check could not be completed ({type(exc).__name__}: {exc}); the input is NOT verified. "
            "This is a bug in vigil-verify: please report it with the file.",
            file=stderr,
        )
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
