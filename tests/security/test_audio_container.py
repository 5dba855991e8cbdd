"""Replay: random bytes after an MP3/WAV/Ogg header were stored as a recording. The container must parse."""

from __future__ import annotations

import io
import os
import struct
import wave

import pytest

from vigil.evidence.audio import _ogg_crc, audio_parses
from vigil.evidence.media import MediaError, describe, sniff


def _wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * 1600)
    return out.getvalue()


def _bitwise_crc(data: bytes) -> int:  # written apart from the table-driven one it checks
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def _ogg_page(packet: bytes) -> bytes:
    header = b"OggS" + bytes([0, 0x02]) + struct.pack("<qII", 0, 1234, 0) + b"\0\0\0\0" + bytes([1, len(packet)])
    page = bytearray(header + packet)
    page[22:26] = struct.pack("<I", _bitwise_crc(bytes(page)))
    return bytes(page)


def _opus() -> bytes:
    return _ogg_page(b"OpusHead" + bytes([1, 1]) + struct.pack("<HIhB", 312, 48000, 0, 0)) + b"\0" * 100


def _mp3() -> bytes:
    frame = b"\xff\xfb\x90\x64" + b"\0" * 413  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz: 417 bytes
    return b"ID3\x04\x00\x00\x00\x00\x00\x00" + frame * 4


@pytest.mark.parametrize(("kind", "make"), [("audio/wav", _wav), ("audio/ogg", _opus), ("audio/mpeg", _mp3)])
def test_a_real_container_passes(kind: str, make: object) -> None:
    data = make()  # type: ignore[operator]
    assert sniff(data[:64]) == kind
    assert audio_parses(kind, data, complete=True)


@pytest.mark.parametrize(
    ("kind", "header"),
    [
        ("audio/wav", b"RIFF\x24\x00\x00\x00WAVEfmt "),
        ("audio/ogg", b"OggS\x00\x02\x00\x00"),
        ("audio/mpeg", b"ID3\x04\x00\x00\x00\x00\x00\x00"),
        ("audio/mpeg", b"\xff\xfb\x90\x64"),
    ],
)
def test_random_bytes_behind_a_header_are_refused(kind: str, header: bytes) -> None:
    data = header + os.urandom(64 * 1024)
    assert sniff(data[:64]) == kind
    assert not audio_parses(kind, data, complete=True)


def test_an_ogg_page_with_a_wrong_checksum_is_refused() -> None:
    page = bytearray(_opus())
    page[30] ^= 1
    assert not audio_parses("audio/ogg", bytes(page), complete=True)


def test_the_checksum_matches_a_plain_implementation() -> None:
    data = os.urandom(3000)
    assert _ogg_crc(data) == _bitwise_crc(data)


def test_describing_an_upload_refuses_random_bytes_behind_an_audio_header() -> None:
    data = b"OggS\x00\x02\x00\x00" + os.urandom(64 * 1024)
    with pytest.raises(MediaError, match="cannot be read"):
        describe("audio/ogg", len(data), lambda start, end: data[start:end])
    good = _opus()
    describe("audio/ogg", len(good), lambda start, end: good[start:end])
