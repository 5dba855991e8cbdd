"""Public-safe copies of photos and video: stripped of metadata, faces, licence plates and marked boxes blurred.

A copy is always re-encoded from pixels into a new JPEG written by Pillow without EXIF, XMP, GPS, ICC or comments,
so nothing of the original file's metadata can survive. Detection uses the Haar cascades that ship with
opencv-python-headless (frontal and profile faces, both licence-plate cascades); they miss faces at odd angles and
in the dark, which is why a coordinator can mark boxes by hand and must look at the copy before it is published.
Regions are pixelated into coarse blocks and then blurred: a Gaussian blur alone can be partly undone.

A video's copy (`redact_video`) is a new MP4 written by OpenCV from decoded frames only: no audio track (voices
identify people), no container metadata of the original (creation time, GPS `\xa9xyz`, make and model are never
copied; the writer adds only its own encoder name). Every frame is decoded; faces and plates are looked for on every
Nth frame (VIDEO_DETECTIONS_PER_SECOND) and each detection is blurred on the frames around it, before and after, with
a margin that grows with the distance in frames (`_video_boxes`): over-blurring is the safe side. A coordinator's
marked boxes apply to every frame. Frames wider or taller than VIDEO_MAX_SIDE are scaled down to bound the cost.
`redact_video_frame` still makes a still of the first frame (a poster), the same way as a photo.
"""

from __future__ import annotations

import io
import logging
import math
import os
import struct
import warnings
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

import cv2
import numpy as np
from django.conf import settings
from django.core.files.base import File
from django.utils.translation import gettext as _
from numpy.typing import NDArray
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from vigil.evidence.media import max_pixels

Box = tuple[int, int, int, int]  # x, y, width, height in upright image pixels
DETECT_MAX_SIDE = 1600
HAAR_DIR = os.path.join(os.path.dirname(cv2.__file__), "data")  # = cv2.data.haarcascades
PAD = 0.15

VIDEO_MAX_SIDE = 1280  # longer side of a public-safe video; larger originals are scaled down (cost, size)
VIDEO_DETECT_MAX_SIDE = 960  # detection runs on a copy at most this large (a Haar pass costs ~ pixels)
VIDEO_DETECTIONS_PER_SECOND = 5
VIDEO_LINGER_SECONDS = 0.5  # a detection is also blurred this long beyond the neighbouring detections
VIDEO_MOTION_PAD = 0.03  # extra margin per frame away from the detection (people move; boxes grow)
VIDEO_MAX_PAD = 0.75
VIDEO_FOURCCS = ("avc1", "mp4v")  # H.264 where the OpenCV build can write it, else MPEG-4 Part 2
VIDEO_DEFAULT_FPS = 30.0

logger = logging.getLogger(__name__)


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
    return _detect_all(rgb, cv2.COLOR_RGB2GRAY, DETECT_MAX_SIDE)


def _detect_all(image: NDArray[np.uint8], to_gray: int, max_side: int) -> tuple[list[Box], list[Box]]:
    height, width = image.shape[:2]
    scale = min(1.0, max_side / max(height, width))
    small = cv2.resize(image, (max(1, int(width * scale)), max(1, int(height * scale)))) if scale < 1 else image
    gray = np.asarray(cv2.equalizeHist(cv2.cvtColor(small, to_gray)), dtype=np.uint8)
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


def derivative_max_pixels() -> int:
    """Largest image a derivative is made of. Decoding, face and plate detection and blurring hold several copies
    of the pixels at once (a 9000 x 9000 PNG of 78 KB took 1.9 GB), so this is lower than what uploads accept."""
    return int(getattr(settings, "VIGIL_DERIVATIVE_MAX_PIXELS", 50_000_000))


def upright(source: IO[bytes] | File[bytes]) -> Image.Image:
    """The image as it is meant to be seen (EXIF orientation applied), in RGB, within the pixel cap."""
    lenient = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(source)
            if image.width * image.height > min(max_pixels(), derivative_max_pixels()):
                raise RedactionError(_("This image has more pixels than we process."))
            # weasyprint sets this process-wide when imported (bundles); a damaged picture must fail, not turn grey
            ImageFile.LOAD_TRUNCATED_IMAGES = False
            image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise RedactionError(_("This image has more pixels than we process.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, RuntimeError) as exc:
        # pillow-heif reports libheif's decoding errors as EOFError / RuntimeError
        raise RedactionError(_("This image cannot be read: %(error)s") % {"error": exc}) from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    try:
        turned = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, EOFError, struct.error):
        turned = image  # EXIF too damaged to say how the picture is turned: shown as stored, like any viewer does
    return turned.convert("RGB")


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


@dataclass(frozen=True)
class RedactedVideo:
    """What `redact_video` wrote (the MP4 is at the destination path the caller gave)."""

    width: int
    height: int
    fps: float
    frames: int
    frames_expected: int  # as the container declares; 0 when it does not say
    codec: str
    detect_every: int  # faces and plates were looked for on every this-many frames
    faces: int  # most faces found on one frame
    plates: int  # most plates found on one frame
    frames_with_detections: int  # of the frames looked at
    boxes: int


@dataclass(frozen=True)
class _Found:
    frame: int
    faces: list[Box]
    plates: list[Box]


def _video_plan(fps: float) -> tuple[int, int]:
    """(detect every N frames, how many frames a detection reaches before and after itself)."""
    every = max(1, round(fps / VIDEO_DETECTIONS_PER_SECOND))
    return every, every + max(1, round(fps * VIDEO_LINGER_SECONDS))


def _video_boxes(frame: int, found: Sequence[_Found], reach: int) -> list[tuple[Box, float]]:
    """The detections that cover `frame`, each with its padding (growing with the distance in frames)."""
    covering: list[tuple[Box, float]] = []
    for f in found:
        distance = abs(f.frame - frame)
        if distance <= reach:
            pad = min(VIDEO_MAX_PAD, PAD + VIDEO_MOTION_PAD * distance)
            covering.extend((box, pad) for box in (*f.faces, *f.plates))
    return covering


def _open_writer(path: str, fps: float, size: tuple[int, int]) -> tuple[cv2.VideoWriter, str]:
    for fourcc in VIDEO_FOURCCS:
        writer = cv2.VideoWriter(path, cv2.VideoWriter.fourcc(*fourcc), fps, size)
        if writer.isOpened():
            return writer, fourcc
        writer.release()
    raise RedactionError(_("This server cannot write MP4 video (no encoder in its OpenCV build)."))


def redact_video(source: str, dest: str, *, boxes: Sequence[Box]) -> RedactedVideo:
    """Write a public-safe copy of the video at `source` to `dest` (an .mp4 path): every frame, blurred, no audio.

    `boxes` are in pixels of the upright original frame. Memory stays bounded: only the frames a later detection can
    still reach (about VIDEO_LINGER_SECONDS plus one detection interval) are held before they are written.
    """
    capture = cv2.VideoCapture(source, cv2.CAP_FFMPEG)
    try:
        if not capture.isOpened():
            raise RedactionError(_("This video cannot be read: no decoder could open it."))
        capture.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)  # frames upright, as the phone showed them
        fps = float(capture.get(cv2.CAP_PROP_FPS) or 0)
        if not math.isfinite(fps) or not 1 <= fps <= 240:
            fps = VIDEO_DEFAULT_FPS
        declared = capture.get(cv2.CAP_PROP_FRAME_COUNT)
        expected = int(declared) if math.isfinite(declared) and declared > 0 else 0
        return _redact_frames(capture, dest, fps=fps, expected=expected, boxes=boxes)
    finally:
        capture.release()


def _redact_frames(
    capture: cv2.VideoCapture, dest: str, *, fps: float, expected: int, boxes: Sequence[Box]
) -> RedactedVideo:
    every, reach = _video_plan(fps)
    found: deque[_Found] = deque()
    held: deque[tuple[int, NDArray[np.uint8]]] = deque()
    writer: cv2.VideoWriter | None = None
    codec = ""
    scale = 1.0
    size = (0, 0)
    scaled_boxes: list[Box] = []
    most_faces = most_plates = with_detections = 0

    def look(index: int, frame: NDArray[np.uint8]) -> None:
        nonlocal most_faces, most_plates, with_detections
        faces, plates = _detect_all(frame, cv2.COLOR_BGR2GRAY, VIDEO_DETECT_MAX_SIDE)
        found.append(_Found(index, faces, plates))
        most_faces, most_plates = max(most_faces, len(faces)), max(most_plates, len(plates))
        with_detections += bool(faces or plates)

    def write(writer: cv2.VideoWriter, index: int, frame: NDArray[np.uint8]) -> None:
        for box, pad in _video_boxes(index, found, reach):
            obscure(frame, box, pad=pad)
        for box in scaled_boxes:
            obscure(frame, box)
        writer.write(frame)

    count = 0
    try:
        while True:
            ok, raw = capture.read()
            if not ok or raw is None:
                break
            if writer is None:
                height, width = raw.shape[:2]
                scale = min(1.0, VIDEO_MAX_SIDE / max(width, height))
                size = (max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2))
                scaled_boxes = [
                    (int(x * scale), int(y * scale), math.ceil(w * scale), math.ceil(h * scale)) for x, y, w, h in boxes
                ]
                writer, codec = _open_writer(dest, fps, size)
            sized = raw if (raw.shape[1], raw.shape[0]) == size else cv2.resize(raw, size, interpolation=cv2.INTER_AREA)
            frame: NDArray[np.uint8] = np.ascontiguousarray(sized, dtype=np.uint8)
            if count % every == 0:
                look(count, frame)
            held.append((count, frame))
            while held and held[0][0] + reach < count:
                write(writer, *held.popleft())
            while found and found[0].frame + reach < (held[0][0] if held else count):
                found.popleft()
            count += 1
        if writer is None:
            raise RedactionError(_("No frame of this video could be decoded."))
        last, tail = held[-1]
        if last % every:
            look(last, tail)  # the tail after the last regular detection is covered too
        while held:
            write(writer, *held.popleft())
    finally:
        if writer is not None:
            writer.release()
    return RedactedVideo(
        width=size[0], height=size[1], fps=fps, frames=count, frames_expected=expected, codec=codec,
        detect_every=every, faces=most_faces, plates=most_plates, frames_with_detections=with_detections,
        boxes=len(boxes),
    )  # fmt: skip


def video_size(path: str) -> tuple[int, int] | None:
    capture = cv2.VideoCapture(path)
    try:
        width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    finally:
        capture.release()
    return (width, height) if width and height else None
