"""A damaged or hostile zip never crashes the verifier: every corruption ends in a precise FAILED line, exit 1.

The bundles here are real (written by BundleWriter over a real log); the damage is done to the raw zip bytes, the
way a bad disk, a truncated download or a tamperer with a hex editor would do it.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.ledger.test_bundle import Evidence, entries, failure, make_evidence, write_bundle
from vigil.ledger import VerificationError, verify_bundle
from vigil.ledger.cli import main

LOCAL_HEADER = b"PK\x03\x04"
CENTRAL_HEADER = b"PK\x01\x02"


@pytest.fixture(scope="module")
def evidence() -> Evidence:
    return make_evidence()


@pytest.fixture(scope="module")
def bundle(evidence: Evidence, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_bundle(evidence, tmp_path_factory.mktemp("bundle") / "bundle.zip")


def call(path: Path, key: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(path), "--key", key], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def data_span(raw: bytes, info: zipfile.ZipInfo) -> tuple[int, int]:
    """Where an entry's (compressed) data lies in the raw zip: after its local header, name and extra field."""
    start = info.header_offset
    assert raw[start : start + 4] == LOCAL_HEADER
    name_length, extra_length = struct.unpack("<HH", raw[start + 26 : start + 30])
    begin = start + 30 + name_length + extra_length
    return begin, begin + info.compress_size


def central_directory(raw: bytes) -> int:
    """The offset of the central directory, from the end-of-central-directory record (the zip has no comment)."""
    assert raw[-22:-18] == b"PK\x05\x06"
    offset: int = struct.unpack("<I", raw[-6:-2])[0]
    assert raw[offset : offset + 4] == CENTRAL_HEADER
    return offset


def central_record(raw: bytes, name: str) -> int:
    """The offset of an entry's record in the central directory."""
    at = central_directory(raw)
    while raw[at : at + 4] == CENTRAL_HEADER:
        name_length, extra_length, comment_length = struct.unpack("<HHH", raw[at + 28 : at + 34])
        if raw[at + 46 : at + 46 + name_length].decode() == name:
            return at
        at += 46 + name_length + extra_length + comment_length
    raise AssertionError(f"{name} is not in the central directory")


def members(bundle: Path) -> list[zipfile.ZipInfo]:
    with zipfile.ZipFile(bundle) as archive:
        return archive.infolist()


def test_the_bundle_holds_deflated_and_stored_entries(bundle: Path) -> None:
    methods = {info.filename: info.compress_type for info in members(bundle)}
    assert methods["manifest.json"] == methods["checkpoint.txt"] == zipfile.ZIP_DEFLATED
    assert {m for name, m in methods.items() if name.startswith("files/")} == {zipfile.ZIP_STORED}


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_corrupt_stream_in_any_entry_is_a_failed_line_naming_the_entry(
    bundle: Path, evidence: Evidence, tmp_path: Path, where: str
) -> None:
    raw = bundle.read_bytes()
    infos = members(bundle)
    assert len(infos) == 9
    for info in infos:
        begin, end = data_span(raw, info)
        at = {"first": begin, "middle": (begin + end) // 2, "last": end - 1}[where]
        damaged = bytearray(raw)
        damaged[at] ^= 0xFF
        path = tmp_path / "damaged.zip"
        path.write_bytes(bytes(damaged))
        code, _, err = call(path, evidence.log.vkey)
        assert code == 1, (info.filename, err)
        assert err.startswith("FAILED: step "), (info.filename, err)
        assert "Traceback" not in err
        assert f"zip entry {info.filename} is corrupt" in err, err


def test_a_broken_deflate_stream_is_reported_not_raised(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    # Garbage where the manifest's deflate stream starts: zlib itself refuses it (the crash the corpus found).
    raw = bytearray(bundle.read_bytes())
    info = next(i for i in members(bundle) if i.filename == "manifest.json")
    begin, _ = data_span(bytes(raw), info)
    raw[begin : begin + 4] = b"\xff\xff\xff\xff"
    path = tmp_path / "deflate.zip"
    path.write_bytes(bytes(raw))
    with pytest.raises(zlib.error):
        zipfile.ZipFile(path).read("manifest.json")
    message = failure(path, evidence.log.vkey)
    assert message.startswith("step 1 (zip and manifest are well-formed): zip entry manifest.json is corrupt (error: ")


@pytest.mark.parametrize("name", ["manifest.json", "checkpoint.txt", "README.txt"])
def test_a_wrong_crc_is_caught(bundle: Path, evidence: Evidence, tmp_path: Path, name: str) -> None:
    raw = bytearray(bundle.read_bytes())
    at = central_record(bytes(raw), name) + 16  # CRC-32 in the central directory
    raw[at] ^= 0x01
    path = tmp_path / "crc.zip"
    path.write_bytes(bytes(raw))
    message = failure(path, evidence.log.vkey)
    assert f"zip entry {name} is corrupt (BadZipFile: Bad CRC-32" in message


def test_a_truncated_zip_fails_at_every_length(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    raw = bundle.read_bytes()
    path = tmp_path / "short.zip"
    for length in [0, 1, 4, 30, *range(100, len(raw), 997), len(raw) - 22, len(raw) - 1]:
        path.write_bytes(raw[:length])
        code, _, err = call(path, evidence.log.vkey)
        assert code == 1, length
        assert err.startswith("FAILED: step 1 (zip and manifest are well-formed): "), (length, err)


def test_no_single_flipped_byte_anywhere_crashes_the_verifier(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    # Headers and the central directory included. Some bytes (times, "version made by") change nothing that is
    # checked, so the bundle may still verify; what must never happen is any error but VerificationError.
    raw = bundle.read_bytes()
    path = tmp_path / "flipped.zip"
    central = central_directory(raw)
    positions = sorted({*range(0, len(raw), 211), *range(central, len(raw))})
    failed = 0
    for at in positions:
        damaged = bytearray(raw)
        damaged[at] ^= 0x5A
        path.write_bytes(bytes(damaged))
        try:
            verify_bundle(path, evidence.log.vkey)
        except VerificationError:
            failed += 1
    assert failed > len(positions) // 2


def rewrite_header(bundle: Path, target: Path, name: str, offset: int, fmt: str, value: int) -> Path:
    raw = bytearray(bundle.read_bytes())
    at = central_record(bytes(raw), name) + offset
    raw[at : at + struct.calcsize(fmt)] = struct.pack(fmt, value)
    target.write_bytes(bytes(raw))
    return target


@pytest.mark.parametrize(
    ("name", "offset", "value", "expected"),
    [
        ("checkpoint.txt", 24, 2**31, "claims to expand"),  # uncompressed size: a zip bomb's ratio
        ("manifest.json", 24, 300 << 20, "claims to expand"),
        ("README.txt", 10, 12, "uses compression method 12; only stored (0) and deflate (8) are allowed"),
        ("checkpoint.txt", 8, 0x1, "is encrypted"),  # general purpose flag bit 0
    ],
    ids=["bomb-ratio", "huge-manifest", "bzip2", "encrypted"],
)
def test_a_lying_zip_header_is_refused_before_anything_is_read(
    bundle: Path, evidence: Evidence, tmp_path: Path, name: str, offset: int, value: int, expected: str
) -> None:
    fmt = "<I" if offset in (16, 20, 24) else "<H"
    path = rewrite_header(bundle, tmp_path / "lie.zip", name, offset, fmt, value)
    message = failure(path, evidence.log.vkey)
    assert message.startswith("step 1 ")
    assert f"zip entry {name!r} " in message
    assert expected in message


def test_a_stored_original_whose_sizes_disagree_is_refused(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    name = next(i.filename for i in members(bundle) if i.filename.startswith("files/"))
    path = rewrite_header(bundle, tmp_path / "lie.zip", name, 24, "<I", 10**9)
    assert "is stored uncompressed but claims 1000000000 bytes" in failure(path, evidence.log.vkey)


def test_a_real_zip_bomb_document_is_refused(bundle: Path, evidence: Evidence, tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries(bundle).items():
            archive.writestr(name, data)
        archive.writestr("custody-report.txt", b"\0" * (16 << 20), compress_type=zipfile.ZIP_DEFLATED)
    message = failure(path, evidence.log.vkey)
    assert message.startswith("step 1 ")
    assert "'custody-report.txt' claims to expand" in message
    assert "refusing a possible zip bomb" in message
