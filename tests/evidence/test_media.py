from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from tests.evidence.conftest import jpeg_bytes, mp4_bytes
from vigil.evidence import media


def png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (png_header(4, 4), "image/png"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "image/heic"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "video/quicktime"),
        (b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00", "audio/mp4"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x64\x00", "audio/mpeg"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"OggS\x00\x02\x00\x00", "audio/ogg"),
    ],
)
def test_it_recognises_allowed_types_by_their_magic_bytes(head: bytes, expected: str) -> None:
    assert media.sniff(head) == expected


@pytest.mark.parametrize(
    "head",
    [
        b"<!doctype html><script>alert(1)</script>",
        b"MZ\x90\x00\x03\x00\x00\x00",  # Windows executable
        b"PK\x03\x04\x14\x00\x00\x00",  # zip
        b"%PDF-1.7\n",
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01matroska",  # Matroska that is not WebM
        b"\x00\x00\x00\x18ftypXXXX\x00\x00\x00\x00",
        b"",
    ],
)
def test_it_refuses_anything_else_whatever_its_name(head: bytes) -> None:
    assert media.sniff(head) is None


def test_it_reads_capture_time_device_and_location_from_exif() -> None:
    data = jpeg_bytes()
    found = media.describe("image/jpeg", len(data), lambda s, n: data[s : s + n])
    assert found.captured_at == "2026-03-04T05:06:07-06:00"
    assert found.device == "Acme Phone 3"
    assert found.has_location is True
    assert (found.width, found.height) == (320, 240)


def test_a_photo_without_exif_has_no_capture_time() -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "PNG")
    data = out.getvalue()
    found = media.describe("image/png", len(data), lambda s, n: data[s : s + n])
    assert found.captured_at is None and found.device is None and not found.has_location


def test_it_refuses_a_decompression_bomb_from_its_header_alone() -> None:
    with pytest.raises(media.MediaError, match="megapixels"):
        media.image_dimensions(png_header(50_000, 50_000))


def test_a_damaged_image_header_is_refused_when_the_upload_completes() -> None:
    data = b"\xff\xd8\xff\xe0" + b"\x00" * 100
    with pytest.raises(media.MediaError):
        media.describe("image/jpeg", len(data), lambda s, n: data[s : s + n])


@pytest.mark.parametrize("moov_first", [True, False])
def test_it_reads_creation_time_and_device_from_mp4_boxes_wherever_moov_is(moov_first: bool) -> None:
    data = mp4_bytes(moov_first=moov_first)
    reads: list[tuple[int, int]] = []

    def read(start: int, length: int) -> bytes:
        reads.append((start, length))
        return data[start : start + length]

    found = media.describe("video/mp4", len(data), read)
    assert found.captured_at == "2026-03-04T11:06:07Z"
    assert found.device == "Acme Cam 2"
    assert found.has_location is True
    assert sum(length for _, length in reads) < 2_000, "only headers and the moov box are read"


def test_a_hostile_box_structure_does_not_loop_or_crash() -> None:
    data = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isom" + b"\x00\x00\x00\x00moov" + b"\x00\x00\x00\x03junk"
    found = media.describe("video/mp4", len(data), lambda s, n: data[s : s + n])
    assert found.captured_at is None
