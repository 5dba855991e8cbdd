"""Small real videos for the redaction tests: written by OpenCV, then given what phones put in theirs.

`with_phone_metadata` adds what a phone's MP4 carries and a public copy must not: a creation time in `mvhd`, the
device and GPS position in `udta` (©mak, ©mod, ©xyz), and a sound track (16-bit PCM, a real `soun` trak whose
samples sit in a second `mdat`), so the copy can be checked for having dropped all of them.
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

Frame = NDArray[np.uint8]
CREATED = dt.datetime(2026, 3, 4, 11, 6, 7, tzinfo=dt.UTC)
GPS = "+44.9778-093.2650/"
MAKE, MODEL = "Acme", "Acme Cam 2"


def write_clip(path: Path, frames: Iterator[Frame], *, fps: float, size: tuple[int, int]) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, size)
    assert writer.isOpened()
    for frame in frames:
        writer.write(frame)
    writer.release()


def read_frames(path: Path | str) -> list[Frame]:
    capture = cv2.VideoCapture(str(path))
    frames: list[Frame] = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(np.asarray(frame, dtype=np.uint8))
    capture.release()
    return frames


def checkerboard(width: int, height: int, square: int = 8) -> Frame:
    ys, xs = np.indices((height, width))
    board = (((ys // square) + (xs // square)) % 2 * 220 + 20).astype(np.uint8)
    return np.repeat(board[:, :, None], 3, axis=2)


def draw_face(frame: Frame, cx: int, cy: int, s: int) -> None:
    """A drawn face that OpenCV's frontal-face cascade finds (skin oval, eyes, brows, nose, mouth, hair)."""
    cv2.ellipse(frame, (cx, cy), (int(s * 0.42), int(s * 0.55)), 0, 0, 360, (170, 190, 220), -1)
    for dx in (-1, 1):
        cv2.ellipse(frame, (cx + dx * int(s * 0.17), cy - int(s * 0.1)), (int(s * 0.09), int(s * 0.045)), 0, 0, 360,
                    (40, 40, 40), -1)  # fmt: skip
        cv2.line(frame, (cx + dx * int(s * 0.08), cy - int(s * 0.2)), (cx + dx * int(s * 0.28), cy - int(s * 0.22)),
                 (50, 50, 60), max(2, s // 30))  # fmt: skip
    cv2.ellipse(frame, (cx, cy + int(s * 0.08)), (int(s * 0.05), int(s * 0.1)), 0, 0, 360, (140, 160, 190), -1)
    cv2.ellipse(frame, (cx, cy + int(s * 0.27)), (int(s * 0.14), int(s * 0.04)), 0, 0, 360, (60, 60, 120), -1)
    cv2.ellipse(frame, (cx, cy - int(s * 0.5)), (int(s * 0.45), int(s * 0.2)), 0, 180, 360, (30, 30, 40), -1)


# --- ISO-BMFF boxes ----------------------------------------------------------------------------------------------


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def full_box(kind: bytes, flags: int, payload: bytes) -> bytes:
    return box(kind, struct.pack(">I", flags) + payload)


def children(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of the boxes in data[start:end]."""
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if size < 8:
            return
        yield kind, pos + 8, pos + size
        pos += size


def find(data: bytes, path: list[bytes], start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Payload ranges of every box at `path` (e.g. [b"moov", b"trak"])."""
    end = len(data) if end is None else end
    found: list[tuple[int, int]] = []
    for kind, s, e in children(data, start, end):
        if kind == path[0]:
            found.extend([(s, e)] if len(path) == 1 else find(data, path[1:], s, e))
    return found


def track_handlers(data: bytes) -> list[bytes]:
    """The handler type of every track: b"vide", b"soun", ..."""
    return [data[s + 8 : s + 12] for s, _ in find(data, [b"moov", b"trak", b"mdia", b"hdlr"])]


def creation_time(data: bytes) -> int:
    (s, _), *_ = find(data, [b"moov", b"mvhd"])
    return int(struct.unpack(">I", data[s + 4 : s + 8])[0])


def _text(kind: bytes, value: str) -> bytes:
    raw = value.encode()
    return box(kind, struct.pack(">HH", len(raw), 0x15C7) + raw)


def _sound_trak(samples: int, offset: int) -> bytes:
    rate = 8000
    identity = struct.pack(">9i", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    tkhd = full_box(b"tkhd", 3, struct.pack(">IIIII", 0, 0, 2, 0, samples * 1000 // rate) + bytes(8)
                    + struct.pack(">hhhh", 0, 1, 0x0100, 0) + identity + struct.pack(">II", 0, 0))  # fmt: skip
    mdhd = full_box(b"mdhd", 0, struct.pack(">IIIIHH", 0, 0, rate, samples, 0x55C4, 0))
    hdlr = full_box(b"hdlr", 0, struct.pack(">I", 0) + b"soun" + bytes(12) + b"SoundHandler\0")
    smhd = full_box(b"smhd", 0, struct.pack(">hh", 0, 0))
    dinf = box(b"dinf", full_box(b"dref", 0, struct.pack(">I", 1) + full_box(b"url ", 1, b"")))
    entry = box(b"sowt", bytes(6) + struct.pack(">HHHIHHHHI", 1, 0, 0, 0, 1, 16, 0, 0, rate << 16))
    stbl = box(
        b"stbl",
        full_box(b"stsd", 0, struct.pack(">I", 1) + entry)
        + full_box(b"stts", 0, struct.pack(">III", 1, samples, 1))
        + full_box(b"stsc", 0, struct.pack(">IIII", 1, 1, samples, 1))
        + full_box(b"stsz", 0, struct.pack(">II", 2, samples))
        + full_box(b"stco", 0, struct.pack(">II", 1, offset)),
    )
    return box(b"trak", tkhd + box(b"mdia", mdhd + hdlr + box(b"minf", smhd + dinf + stbl)))


def with_phone_metadata(data: bytes, *, rotate_quarter: bool = False) -> bytes:
    """An OpenCV-written MP4 (mdat first, moov last) with a phone's creation time, device, GPS and a sound track;
    `rotate_quarter` sets the video track's matrix to 90° as phones filming upright do."""
    top = list(children(data, 0, len(data)))
    kind, start, end = top[-1]
    assert kind == b"moov", "OpenCV writes the moov box last"
    moov = bytearray(data[start:end])
    seconds = int((CREATED - dt.datetime(1904, 1, 1, tzinfo=dt.UTC)).total_seconds())
    at = moov.find(b"mvhd") + 4
    struct.pack_into(">II", moov, at + 4, seconds, seconds)
    if rotate_quarter:
        at = moov.find(b"tkhd") + 4
        struct.pack_into(">9i", moov, at + 40, 0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000)
    udta = box(b"udta", _text(b"\xa9mak", MAKE) + _text(b"\xa9mod", MODEL) + _text(b"\xa9xyz", GPS))
    samples = 8000 * 2
    pcm = (np.sin(np.arange(samples) * 2 * np.pi * 440 / 8000) * 8000).astype("<i2").tobytes()
    moov_size = 8 + len(moov) + len(_sound_trak(samples, 0)) + len(udta)
    new_moov = box(b"moov", bytes(moov) + _sound_trak(samples, start - 8 + moov_size + 8) + udta)
    assert len(new_moov) == moov_size
    return data[: start - 8] + new_moov + box(b"mdat", pcm)


def clip_bytes(tmp: Path, frames: Callable[[int], Frame], *, count: int, fps: float, size: tuple[int, int]) -> bytes:
    path = tmp / "clip-plain.mp4"
    write_clip(path, (frames(i) for i in range(count)), fps=fps, size=size)
    return with_phone_metadata(path.read_bytes())
