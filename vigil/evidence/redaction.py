"""Public-safe copies of photos and video: stripped of metadata, faces, licence plates and marked boxes blurred.

A copy is always re-encoded from pixels into a new JPEG written by Pillow without EXIF, XMP, GPS, ICC or comments,
so nothing of the original file's metadata can survive. Detection uses the Haar cascades that ship with
opencv-python-headless (frontal and profile faces, both licence-plate cascades); they miss faces at odd angles and
in the dark, which is why a coordinator can mark boxes by hand and must look at the copy before it is published.
Regions are pixelated into coarse blocks and then blurred: a Gaussian blur alone can be partly undone.
For video, the copy is a still of the first frame (a thumbnail), made the same way.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

import cv2
import numpy as np
from django.core.files.base import File
from django.utils.translation import gettext as _
from numpy.typing import NDArray
from PIL import Image, ImageOps, UnidentifiedImageError

from vigil.evidence.media import max_pixels

Box = tuple[int, int, int, int]  # x, y, width, height in upright image pixels
DETECT_MAX_SIDE = 1600
HAAR_DIR = os.path.join(os.path.dirname(cv2.__file__), "data")  # = cv2.data.haarcascades
PAD = 0.15


class RedactionError(Exception):
    """The original could not be turned into a public-safe copy; the message is safe to show."""


@dataclass(frozen=True)
class Redacted:
    data: bytes  # JPEG
    width: int
    height: int
    faces: int
    plates: int
    boxes: int


_cascades: dict[str, cv2.CascadeClassifier] = {}


def _cascade(name: str) -> cv2.CascadeClassifier:
    if name not in _cascades:
        classifier = cv2.CascadeClassifier(os.path.join(HAAR_DIR, name))
        if classifier.empty():
            raise RedactionError(f"detector {name} is missing")
        _cascades[name] = classifier
    return _cascades[name]


def _detect(gray: NDArray[np.uint8], name: str, min_size: int, flip: bool = False) -> list[Box]:
    found: list[Box] = []
    images = [(gray, False)] + ([(cv2.flip(gray, 1), True)] if flip else [])
    width = gray.shape[1]
    for image, flipped in images:
        rects = _cascade(name).detectMultiScale(image, scaleFactor=1.1, minNeighbors=4, minSize=(min_size, min_size))
        for x, y, w, h in rects if len(rects) else []:
            found.append((int(width - x - w) if flipped else int(x), int(y), int(w), int(h)))
    return found


def detect(rgb: NDArray[np.uint8]) -> tuple[list[Box], list[Box]]:
    """Faces and licence plates in an RGB image, in its own pixel coordinates."""
    height, width = rgb.shape[:2]
    scale = min(1.0, DETECT_MAX_SIDE / max(height, width))
    small = cv2.resize(rgb, (max(1, int(width * scale)), max(1, int(height * scale)))) if scale < 1 else rgb
    gray = np.asarray(cv2.equalizeHist(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)), dtype=np.uint8)
    faces = _detect(gray, "haarcascade_frontalface_default.xml", 20) + _detect(
        gray, "haarcascade_profileface.xml", 20, flip=True
    )
    plates = _detect(gray, "haarcascade_russian_plate_number.xml", 16) + _detect(
        gray, "haarcascade_license_plate_rus_16stages.xml", 16
    )

    def back(boxes: list[Box]) -> list[Box]:
        return [(int(x / scale), int(y / scale), int(w / scale), int(h / scale)) for x, y, w, h in boxes]

    return back(faces), back(plates)


def obscure(rgb: NDArray[np.uint8], box: Box, *, pad: float = 0.0) -> None:
    """Pixelate then blur one region in place (clipped to the image)."""
    height, width = rgb.shape[:2]
    x, y, w, h = box
    px, py = int(w * pad), int(h * pad)
    x0, y0 = max(0, x - px), max(0, y - py)
    x1, y1 = min(width, x + w + px), min(height, y + h + py)
    if x1 <= x0 or y1 <= y0:
        return
    region = rgb[y0:y1, x0:x1]
    rw, rh = x1 - x0, y1 - y0
    block = max(8, min(rw, rh) // 6)
    tiny = cv2.resize(region, (max(1, rw // block), max(1, rh // block)), interpolation=cv2.INTER_AREA)
    mosaic = cv2.resize(tiny, (rw, rh), interpolation=cv2.INTER_NEAREST)
    kernel = max(3, (block // 2) * 2 + 1)
    rgb[y0:y1, x0:x1] = cv2.GaussianBlur(mosaic, (kernel, kernel), 0)


def redact_array(rgb: NDArray[np.uint8], *, boxes: Sequence[Box]) -> Redacted:
    faces, plates = detect(rgb)
    for box in faces:
        obscure(rgb, box, pad=PAD)
    for box in plates:
        obscure(rgb, box, pad=PAD)
    for box in boxes:
        obscure(rgb, box)
    out = io.BytesIO()
    # A new image from pixels only: no exif=, no icc_profile=, no comment — nothing of the original's metadata.
    Image.fromarray(rgb, "RGB").save(out, "JPEG", quality=90, optimize=True)
    height, width = rgb.shape[:2]
    return Redacted(out.getvalue(), width, height, len(faces), len(plates), len(boxes))


def upright(source: IO[bytes] | File[bytes]) -> Image.Image:
    """The image as it is meant to be seen (EXIF orientation applied), in RGB, within the pixel cap."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source)
            if image.width * image.height > max_pixels():
                raise RedactionError(_("This image has more pixels than we process."))
            image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise RedactionError(_("This image has more pixels than we process.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise RedactionError(_("This image cannot be read: %(error)s") % {"error": exc}) from None
    return ImageOps.exif_transpose(image).convert("RGB")


def redact_image(source: IO[bytes] | File[bytes], *, boxes: Sequence[Box]) -> Redacted:
    image = upright(source)
    rgb = np.array(image, dtype=np.uint8)
    return redact_array(rgb, boxes=boxes)


def redact_video_frame(path: str, *, boxes: Sequence[Box]) -> Redacted:
    capture = cv2.VideoCapture(path)
    try:
        ok, frame = capture.read()
    finally:
        capture.release()
    if not ok or frame is None:
        raise RedactionError(_("No frame of this video could be decoded."))
    rgb = np.ascontiguousarray(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB), dtype=np.uint8)
    return redact_array(rgb, boxes=boxes)


def video_size(path: str) -> tuple[int, int] | None:
    capture = cv2.VideoCapture(path)
    try:
        width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    finally:
        capture.release()
    return (width, height) if width and height else None
