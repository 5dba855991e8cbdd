"""Private helpers of the bundle modules: path rules, JSON field readers, and reading and writing zip entries.

Nothing outside ``vigil.ledger`` imports this module; its names may change at any time. The rules a bundle must
follow are stated (and checked) in :mod:`vigil.ledger.manifest` and :mod:`vigil.ledger.verify`; this module only
holds the small pieces they share with :mod:`vigil.ledger.writer`.

Reading a zip entry can fail in many ways that are all "this entry is corrupt": a damaged deflate stream
(``zlib.error``), a bad CRC (``zipfile.BadZipFile``), a stream that ends early (``EOFError``), a local header that
disagrees with the central directory. :func:`stream_entry` turns every one of them into a :class:`FormatError`
naming the entry, so the verifier reports a precise failure instead of crashing. It also requires a deflated
entry to be exactly one complete deflate stream: zipfile stops once it has the declared number of bytes and never
reads the end-of-stream marker, so damage there (or data hidden after it) would otherwise pass unnoticed.
"""

from __future__ import annotations

import base64
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import IO, Final

from vigil.ledger.canonical import Timestamp, parse_timestamp
from vigil.ledger.checkpoint import b64_hash
from vigil.ledger.errors import FormatError

HASH_SIZE: Final = 32
CHUNK: Final = 1 << 20
MAX_PROOF_HASHES: Final = 128

UUID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HEX64: Final = re.compile(r"[0-9a-f]{64}")
_COMPONENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
_UNSAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")

# Everything zipfile raises while decompressing and checking one entry. Encryption and compression methods other
# than stored and deflate are refused before any entry is read, so no other decompressor is ever involved.
_ENTRY_ERRORS: Final = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)


# -- paths ------------------------------------------------------------------------------------------------------------


def check_path(path: object, what: str) -> str:
    """A bundle path: relative, '/'-separated, each part [A-Za-z0-9][A-Za-z0-9._-]* (so no '..', no hidden files)."""
    if not isinstance(path, str) or not path or len(path) > 1024:
        raise FormatError(f"{what}: expected a relative path")
    if any(_COMPONENT.fullmatch(part) is None for part in path.split("/")):
        raise FormatError(f"{what}: {path!r} is not a safe bundle path (letters, digits, '._-', no '..')")
    return path


def is_traversal(name: str) -> bool:
    """A zip entry name that would escape the directory it is extracted into (absolute, drive letter, '..')."""
    normalised = name.replace("\\", "/")
    return (
        normalised.startswith("/")
        or re.match(r"[A-Za-z]:", normalised) is not None
        or any(part == ".." for part in normalised.split("/"))
    )


def safe_file_name(name: str) -> str:
    """The last part of an uploaded file name, reduced to [A-Za-z0-9._-] (at most 120 characters, never empty)."""
    safe = _UNSAFE_NAME_CHARS.sub("_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).lstrip("._-")[:120]
    return safe or "original"


# -- JSON fields ------------------------------------------------------------------------------------------------------


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def unb64_hash(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise FormatError(f"{what}: expected a base64 string")
    return b64_hash(text, what)


def int_field(obj: Mapping[str, object], key: str, what: str) -> int:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FormatError(f"{what}.{key}: expected a non-negative integer")
    return value


def str_field(obj: Mapping[str, object], key: str, what: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise FormatError(f"{what}.{key}: expected a string")
    return value


def proof_from_json(value: object, what: str) -> tuple[bytes, ...]:
    if not isinstance(value, list) or len(value) > MAX_PROOF_HASHES:
        raise FormatError(f"{what}: expected a list of base64 hashes")
    return tuple(unb64_hash(h, f"{what}[{i}]") for i, h in enumerate(value))


def proof_from_bytes(proof: Sequence[bytes]) -> tuple[bytes, ...]:
    hashes = tuple(bytes(h) for h in proof)
    if any(len(h) != HASH_SIZE for h in hashes):
        raise FormatError("proof hashes must be 32 bytes each")
    return hashes


def check_leaf_index(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FormatError("leaf_index must be a non-negative integer")
    return value


# -- zip entries ------------------------------------------------------------------------------------------------------


def stream_entry(archive: zipfile.ZipFile, raw: IO[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The entry's bytes in chunks of at most 1 MiB, CRC checked at the end; FormatError if anything is corrupt.

    ``raw`` is the zip file itself, opened separately, for the check that a deflate stream is whole."""
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
        if info.compress_type == zipfile.ZIP_DEFLATED:
            _check_deflate_stream(raw, info)
    except _ENTRY_ERRORS as exc:
        raise FormatError(f"zip entry {info.filename} is corrupt ({type(exc).__name__}: {exc})") from None


def _check_deflate_stream(raw: IO[bytes], info: zipfile.ZipInfo) -> None:
    """The entry's compressed bytes are one complete deflate stream of exactly the declared size, nothing after."""
    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local file header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    raw.seek(info.header_offset + 30 + name_length + extra_length)
    stream = zlib.decompressobj(-zlib.MAX_WBITS)
    left, produced = info.compress_size, 0
    while left > 0 and not stream.eof:
        data = raw.read(min(CHUNK, left))
        if not data:
            raise EOFError("the compressed data ends early")
        left -= len(data)
        produced += len(stream.decompress(data, CHUNK))
        while stream.unconsumed_tail and produced <= info.file_size:
            produced += len(stream.decompress(stream.unconsumed_tail, CHUNK))
        if produced > info.file_size:
            raise zipfile.BadZipFile(f"the deflate stream holds more than the declared {info.file_size} bytes")
    if not stream.eof or left > 0 or stream.unused_data or produced != info.file_size:
        raise zipfile.BadZipFile("the deflate stream does not end exactly where the entry ends")


def read_entry(archive: zipfile.ZipFile, raw: IO[bytes], info: zipfile.ZipInfo, limit: int) -> bytes:
    """A small entry, whole; FormatError if it is corrupt or larger than ``limit`` bytes (declared or actual)."""
    if info.file_size > limit:
        raise FormatError(f"{info.filename} is larger than {limit} bytes")
    data = bytearray()
    for chunk in stream_entry(archive, raw, info):
        data += chunk
        if len(data) > limit:
            raise FormatError(f"{info.filename} is larger than {limit} bytes")
    return bytes(data)


def zip_time(created_at: Timestamp) -> tuple[int, int, int, int, int, int]:
    """The zip entry time for a bundle made at ``created_at`` (zip times cannot precede 1980)."""
    moment = max(parse_timestamp(created_at), datetime(1980, 1, 1, tzinfo=UTC))
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
