"""Audio containers must parse, not just start with the right magic bytes.

`audio_parses(media_type, head)` walks the start of a WAV, Ogg or MP3 file (the first megabyte, or the whole file if
smaller) and says whether it is the container it claims to be; vigil.evidence.media refuses it when not: random bytes
behind a "RIFF....WAVE", "OggS" or "ID3" header are refused instead of stored as a recording.
"""

from __future__ import annotations

import struct

_MP3_FRAMES = 3  # consecutive valid MPEG audio frames asked for


def audio_parses(media_type: str, head: bytes, *, complete: bool) -> bool:
    checks = {"audio/wav": _wav, "audio/ogg": _ogg, "audio/mpeg": _mp3}
    check = checks.get(media_type)
    return check is None or check(head, complete)


def _wav(head: bytes, complete: bool) -> bool:
    # (1) RIFF header; (2) chunks in order, a sane "fmt " before "data"; stop at "data" (its samples are opaque).
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return False
    offset, fmt_ok = 12, False
    while offset + 8 <= len(head):
        chunk_id, chunk_size = head[offset : offset + 4], struct.unpack_from("<I", head, offset + 4)[0]
        if not all(32 <= c < 127 for c in chunk_id):
            return False
        body = head[offset + 8 : offset + 8 + chunk_size]
        if chunk_id == b"fmt ":
            if chunk_size < 16 or len(body) < 16:
                return False
            audio_format, channels, rate, byte_rate, align, bits = struct.unpack_from("<HHIIHH", body)
            fmt_ok = (
                audio_format in (1, 3, 6, 7, 0xFFFE)
                and 1 <= channels <= 16
                and 1000 <= rate <= 768_000
                and bits in (8, 16, 24, 32, 64)
                and align == channels * bits // 8
                and byte_rate == rate * align
            )
            if not fmt_ok:
                return False
        elif chunk_id == b"data":
            return fmt_ok
        offset += 8 + chunk_size + (chunk_size & 1)
    return False


def _crc_table() -> tuple[int, ...]:
    table = []
    for index in range(256):
        crc = index << 24
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if crc & 0x80000000 else (crc << 1) & 0xFFFFFFFF
        table.append(crc)
    return tuple(table)


_CRC = _crc_table()


def _ogg_crc(page: bytes) -> int:
    """Ogg's CRC-32 (polynomial 0x04C11DB7, no reflection, initial value 0), RFC 3533 section 6."""
    crc = 0
    for byte in page:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _CRC[(crc >> 24) ^ byte]
    return crc


def _ogg(head: bytes, complete: bool) -> bool:
    # The first page: capture pattern, version 0, "beginning of stream", a correct CRC, and a known codec header.
    if len(head) < 27 or head[:4] != b"OggS" or head[4] != 0 or not head[5] & 0x02:
        return False
    segments = head[26]
    table = head[27 : 27 + segments]
    end = 27 + segments + sum(table)
    if len(table) < segments or end > len(head):
        return False
    page = bytearray(head[:end])
    stored = struct.unpack_from("<I", page, 22)[0]
    page[22:26] = b"\0\0\0\0"
    if _ogg_crc(bytes(page)) != stored:
        return False
    packet = head[27 + segments : end]
    return packet.startswith((b"\x01vorbis", b"OpusHead", b"\x7fFLAC", b"Speex   "))


_BITRATES = {  # kbit/s by (MPEG-1?, layer) and index 1..14
    (True, 3): (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (True, 2): (32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 1): (32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (False, 3): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 2): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 1): (32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _frame_length(header: bytes) -> int | None:
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version, layer_bits = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate_index, rate_index, padding = header[2] >> 4, (header[2] >> 2) & 3, (header[2] >> 1) & 1
    if version == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    layer = 4 - layer_bits
    mpeg1 = version == 3
    bitrate = _BITRATES[(mpeg1, layer)][bitrate_index - 1] * 1000
    rate = _RATES[version][rate_index]
    if layer == 1:
        return (12 * bitrate // rate + padding) * 4
    return (144 if mpeg1 or layer == 2 else 72) * bitrate // rate + padding


def _mp3(head: bytes, complete: bool) -> bool:
    # Skip an ID3v2 tag (its size is "syncsafe"), then ask for several MPEG audio frames in a row.
    offset = 0
    if head.startswith(b"ID3"):
        if len(head) < 10 or any(b & 0x80 for b in head[6:10]):
            return False
        size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
        offset = 10 + size + (10 if head[5] & 0x10 else 0)
    frames = 0
    while frames < _MP3_FRAMES:
        if offset >= len(head) and complete and frames > 0:
            return True  # a very short but well-formed file
        length = _frame_length(head[offset : offset + 4])
        if length is None or length < 4:
            return False
        offset += length
        frames += 1
    return True
