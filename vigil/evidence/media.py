"""What an uploaded file is and what its own metadata says, from its bytes — never from its name or the browser.

`sniff` decides the media type from the first bytes against an allow-list (magic numbers). `describe` reads what a
file says about itself: image size (the decompression-bomb check), capture time and device from EXIF, and from an
MP4/MOV container's `mvhd` and `udta`/`meta` boxes (and the video track's upright size from its `tkhd`). Both only
ever read small ranges (headers, the `moov` box), so the file is not read a second time — except HEIC photos:
libheif opens only a whole file, so a HEIC photo (at most HEIF_MAX_BYTES) is read once more to describe it.
HEIC/HEIF is decoded through pillow-heif, whose Pillow opener is registered when this module is imported.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pillow_heif
from django.conf import settings
from django.utils.translation import gettext
from PIL import Image, UnidentifiedImageError

from vigil.evidence.audio import audio_parses

ReadRange = Callable[[int, int], bytes]

IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
HEIF_TYPES = frozenset({"image/heic"})  # decoded by pillow-heif (libheif + libde265)
ISO_BMFF_TYPES = frozenset({"video/mp4", "video/quicktime", "audio/mp4", "image/heic"})
ALLOWED_TYPES = frozenset(
    {*IMAGE_TYPES, *ISO_BMFF_TYPES, "video/webm", "audio/mpeg", "audio/wav", "audio/ogg", "text/plain"}
)
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/heic": "heic",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "audio/mp4": "m4a",
    "video/webm": "webm",
    "audio/mpeg": "mp3",
    "audio/wav": "wav",
    "audio/ogg": "ogg",
    "text/plain": "txt",
}
SNIFF_BYTES = 64  # sniff() needs at most this many bytes
HEAD_BYTES = 1024 * 1024  # image headers (EXIF, XMP, ICC) are read from at most this much of the file
MOOV_MAX_BYTES = 64 * 1024 * 1024
HEIF_MAX_BYTES = 64 * 1024 * 1024  # a HEIC photo is a few MB; libheif needs the whole file in memory to open it

# Pillow opens HEIC/HEIF from here on (Image.open, the pixel cap, EXIF); libheif applies the file's rotation
# (`irot`/`imir`) when decoding and pillow-heif then reports EXIF orientation 1, so sizes are already upright.
pillow_heif.register_heif_opener()

_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_MP4_AUDIO_BRANDS = {b"M4A ", b"M4B "}
_QT_BRANDS = {b"qt  "}


class MediaError(ValueError):
    """The file is not something we accept; the message is safe to show to the uploader."""


def max_pixels() -> int:
    return int(getattr(settings, "VIGIL_UPLOAD_MAX_PIXELS", 120_000_000))


def sniff(head: bytes) -> str | None:
    """The allow-listed media type the first bytes of a file show, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIC_BRANDS:
            return "image/heic"
        if brand in _MP4_AUDIO_BRANDS:
            return "audio/mp4"
        if brand in _QT_BRANDS:
            return "video/quicktime"
        if brand[:3] in {b"iso", b"mp4", b"avc", b"M4V", b"3gp", b"3g2", b"das", b"MSN", b"f4v"} or brand == b"mp41":
            return "video/mp4"
        return None
    if len(head) >= 8 and head[4:8] in {b"moov", b"mdat", b"wide", b"free"} and struct.unpack(">I", head[:4])[0] >= 8:
        return "video/quicktime"  # QuickTime files from before `ftyp`
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm" if b"webm" in head[:SNIFF_BYTES] else None
    if head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE6 == 0xE2):
        return "audio/mpeg"  # ID3 tag or an MPEG-1/2 layer III frame sync
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    return None


@dataclass
class Description:
    width: int | None = None
    height: int | None = None
    captured_at: str | None = None  # as the file states it, RFC 3339; without offset when the file gives none
    device: str | None = None
    has_location: bool = False
    notes: list[str] = field(default_factory=list)


def describe(media_type: str, size: int, read_range: ReadRange) -> Description:
    """What the file's own metadata says. Raises MediaError for images over the pixel cap or unreadable headers."""
    if media_type in IMAGE_TYPES:
        return _describe_image(read_range(0, min(size, HEAD_BYTES)), complete=size <= HEAD_BYTES)
    if media_type in HEIF_TYPES:
        return _describe_heif(size, read_range)
    if media_type in ISO_BMFF_TYPES and media_type != "image/heic":
        return _describe_iso_bmff(size, read_range)
    if media_type in ("audio/wav", "audio/ogg", "audio/mpeg"):
        if not audio_parses(media_type, read_range(0, min(size, HEAD_BYTES)), complete=size <= HEAD_BYTES):
            raise MediaError(gettext("This recording cannot be read: the file is damaged or is not the audio it says."))
    return Description()


def image_dimensions(head: bytes) -> tuple[int, int] | None:
    """Width and height from an image's first bytes, if they are there; raises MediaError over the pixel cap."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(head)) as im:
                width, height = im.size
    except (UnidentifiedImageError, OSError, SyntaxError, struct.error, ValueError, EOFError, RuntimeError):
        return None  # RuntimeError: how pillow-heif reports some of libheif's refusals
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise MediaError(_too_many_pixels()) from None
    if width * height > max_pixels():
        raise MediaError(_too_many_pixels())
    return width, height


def _too_many_pixels() -> str:
    from django.utils.translation import gettext

    return gettext("This image has more pixels than we accept (%(limit)d megapixels).") % {
        "limit": max_pixels() // 1_000_000
    }


def _describe_image(head: bytes, *, complete: bool) -> Description:
    from django.utils.translation import gettext

    dims = image_dimensions(head)
    if dims is None:
        raise MediaError(gettext("This image cannot be read: its header is damaged or missing."))
    desc = Description(width=dims[0], height=dims[1])
    try:
        with Image.open(io.BytesIO(head)) as im:
            exif = im.getexif()
    except (OSError, SyntaxError, ValueError, struct.error, EOFError, RuntimeError):
        desc.notes.append("exif unreadable")
        return desc
    if exif.get(0x0112) in (5, 6, 7, 8):  # rotated a quarter turn: boxes are drawn on the upright picture
        desc.width, desc.height = desc.height, desc.width
    make = str(exif.get(0x010F, "") or "").strip("\x00 ")
    model = str(exif.get(0x0110, "") or "").strip("\x00 ")
    desc.device = _device(make, model)
    try:
        sub = exif.get_ifd(0x8769)
        gps = exif.get_ifd(0x8825)
    except (OSError, ValueError, struct.error, KeyError):
        sub, gps = {}, {}
    desc.has_location = bool(gps)
    original = str(sub.get(0x9003) or exif.get(0x0132) or "").strip("\x00 ")
    offset = str(sub.get(0x9011) or sub.get(0x9010) or "").strip("\x00 ")
    desc.captured_at = _exif_time(original, offset)
    if not complete and not desc.captured_at:
        desc.notes.append("metadata read from the first megabyte only")
    return desc


def _describe_heif(size: int, read_range: ReadRange) -> Description:
    from django.utils.translation import gettext

    if size > HEIF_MAX_BYTES:
        raise MediaError(
            gettext("HEIC photos larger than %(limit)d MB are not accepted.") % {"limit": HEIF_MAX_BYTES // 2**20}
        )
    return _describe_image(read_range(0, size), complete=True)


def _device(make: str, model: str) -> str | None:
    """ "Apple iPhone 15" from make "Apple" and model "iPhone 15"; "Acme Phone 3" when the model repeats the make."""
    text = model if make and model.startswith(make) else " ".join(p for p in (make, model) if p)
    return text[:200] or None


def _exif_time(value: str, offset: str) -> str | None:
    try:
        when = dt.datetime.strptime(value, "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007 - EXIF times carry no zone
    except ValueError:
        return None
    text = when.isoformat()
    if len(offset) == 6 and offset[0] in "+-" and offset[3] == ":":
        return text + offset
    return text


# --- ISO base media (MP4, MOV, M4A) -----------------------------------------------------------------------------

_MAC_EPOCH = dt.datetime(1904, 1, 1, tzinfo=dt.UTC)


def _boxes(data: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of the boxes in data[start:end]."""
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        header = 8
        if size == 1:
            if pos + 16 > end:
                return
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            return
        yield kind, pos + header, pos + size
        pos += size


def _find_moov(size: int, read_range: ReadRange) -> bytes | None:
    pos = 0
    for _ in range(10_000):  # top-level boxes are few; this bounds a hostile file
        if pos + 8 > size:
            return None
        header = read_range(pos, 16)
        if len(header) < 8:
            return None
        box_size, kind = struct.unpack(">I4s", header[:8])
        if box_size == 1 and len(header) >= 16:
            box_size = struct.unpack(">Q", header[8:16])[0]
        elif box_size == 0:
            box_size = size - pos
        if box_size < 8:
            return None
        if kind == b"moov":
            if box_size > MOOV_MAX_BYTES:
                return None
            return read_range(pos, box_size)
        pos += box_size
    return None


def _describe_iso_bmff(size: int, read_range: ReadRange) -> Description:
    desc = Description()
    moov = _find_moov(size, read_range)
    if moov is None:
        desc.notes.append("no moov box")
        return desc
    apple: dict[str, str] = {}
    user: dict[bytes, str] = {}
    for kind, start, end in _boxes(moov, 8):
        if kind == b"mvhd" and end - start >= 12:
            version = moov[start]
            seconds = (
                struct.unpack(">Q", moov[start + 4 : start + 12])[0]
                if version == 1
                else struct.unpack(">I", moov[start + 4 : start + 8])[0]
            )
            if seconds:
                created = _MAC_EPOCH + dt.timedelta(seconds=seconds)
                desc.captured_at = created.isoformat().replace("+00:00", "Z")
        elif kind == b"udta":
            user.update(_udta_strings(moov, start, end))
        elif kind == b"meta":
            apple.update(_mdta_items(moov, start, end))
        elif kind == b"trak" and desc.width is None:
            upright = _video_track_size(moov, start, end)
            if upright is not None:
                desc.width, desc.height = upright
    make = apple.get("com.apple.quicktime.make") or user.get(b"\xa9mak", "")
    model = apple.get("com.apple.quicktime.model") or user.get(b"\xa9mod", "")
    desc.device = _device(make, model)
    if apple.get("com.apple.quicktime.creationdate"):
        desc.captured_at = apple["com.apple.quicktime.creationdate"]
    desc.has_location = b"\xa9xyz" in user or "com.apple.quicktime.location.ISO6709" in apple
    return desc


def _video_track_size(data: bytes, start: int, end: int) -> tuple[int, int] | None:
    """Upright width and height of a video track (`tkhd` size, turned by its matrix), or None for other tracks."""
    handler = None
    tkhd: tuple[int, int] | None = None
    for kind, s, e in _boxes(data, start, end):
        if kind == b"tkhd" and e - s >= 84:
            tkhd = (s, e)
        elif kind == b"mdia":
            for kind2, s2, e2 in _boxes(data, s, e):
                if kind2 == b"hdlr" and e2 - s2 >= 12:
                    handler = data[s2 + 8 : s2 + 12]
    if handler != b"vide" or tkhd is None:
        return None
    s, e = tkhd
    matrix_at = s + (52 if data[s] == 1 else 40)  # after version/flags, times, track id, duration, layer, volume
    if matrix_at + 44 > e:
        return None
    a, b = struct.unpack(">ii", data[matrix_at : matrix_at + 8])
    width, height = (v >> 16 for v in struct.unpack(">II", data[matrix_at + 36 : matrix_at + 44]))
    if not width or not height:
        return None
    if a == 0 and abs(b) == 0x10000:  # turned a quarter: phones filming upright store landscape frames
        width, height = height, width
    return width, height


def _udta_strings(data: bytes, start: int, end: int) -> dict[bytes, str]:
    """QuickTime user data text items (©mak, ©mod, ©xyz): 16-bit length, 16-bit language, text."""
    found: dict[bytes, str] = {}
    for kind, s, e in _boxes(data, start, end):
        if kind[:1] == b"\xa9" and e - s >= 4:
            length = struct.unpack(">H", data[s : s + 2])[0]
            found[kind] = data[s + 4 : min(e, s + 4 + length)].decode("utf-8", "replace").strip("\x00 ")
        elif kind == b"meta" and e - s >= 4:
            found.update({k.encode(): v for k, v in _mdta_items(data, s, e).items()})
    return found


def _mdta_items(data: bytes, start: int, end: int) -> dict[str, str]:
    """Apple `meta` box with `keys` + `ilst` (com.apple.quicktime.make/model/creationdate)."""
    # `meta` is a full box in MP4 (4 bytes of version/flags) but not in QuickTime: accept both.
    body = start + 4 if data[start + 4 : start + 8] in (b"hdlr", b"keys", b"ilst") else start
    keys: list[str] = []
    items: dict[str, str] = {}
    for kind, s, e in _boxes(data, body, end):
        if kind == b"keys" and e - s >= 8:
            count = struct.unpack(">I", data[s + 4 : s + 8])[0]
            for _k, ks, ke in list(_boxes(data, s + 8, e))[:count]:
                keys.append(data[ks:ke].decode("utf-8", "replace"))
        elif kind == b"ilst":
            for index_box, s2, e2 in _boxes(data, s, e):
                index = struct.unpack(">I", index_box)[0]
                for dkind, ds, de in _boxes(data, s2, e2):
                    if dkind == b"data" and de - ds >= 8 and 1 <= index <= len(keys):
                        items[keys[index - 1]] = data[ds + 8 : de].decode("utf-8", "replace").strip("\x00 ")
    return items
