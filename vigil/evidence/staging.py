"""Where a chunked upload lives until it is complete, in the media storage (`default_storage`).

Local files: chunks are written into `evidence/partial/<upload>.part` at their offset; the finished file is moved
(one rename, no copy) to `evidence/originals/…`. S3: each chunk is one part of a multipart upload to the final key;
the object exists only once the upload is completed. Either way nothing under `evidence/originals/` is ever partial,
so no bundle can pick up half a file, and a dropped upload leaves only staging that expiry clears.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from functools import partial
from typing import IO, Any, Protocol, TypeVar

from django.core.files.storage import FileSystemStorage, Storage, default_storage

from vigil.evidence.hashing import RunningSha256

PIECE = 1024 * 1024  # read the request body in pieces of this size
S3_MIN_PART = 5 * 1024 * 1024
ORIGINALS = "evidence/originals/"

logger = logging.getLogger(__name__)
T = TypeVar("T")


class ByteSource(Protocol):
    """Where a chunk's bytes come from: the request body, an uploaded file, a test's BytesIO."""

    def read(self, size: int = -1, /) -> bytes: ...


class StagingError(Exception):
    """The chunk could not be stored; the message is safe to show."""


class ShortChunk(StagingError):
    """The request body ended before the announced chunk length (a dropped connection)."""


class StoreUnavailable(StagingError):
    """The object store did not answer or refused for a reason of its own; trying again later may work (HTTP 503)."""


class UploadGone(StagingError):
    """The store no longer knows this multipart upload (aborted or completed elsewhere); it must start again."""


class Staging(Protocol):
    def write_chunk(
        self,
        *,
        key: str,
        state: dict[str, object],
        offset: int,
        length: int,
        final: bool,
        body: ByteSource,
        hasher: RunningSha256,
        head: bytearray,
    ) -> dict[str, object]: ...

    def finish(self, *, key: str, state: dict[str, object], name: str) -> None: ...

    def discard(self, *, key: str, state: dict[str, object]) -> None: ...

    def reread(self, *, key: str, state: dict[str, object], upto: int) -> Iterator[bytes]: ...


def _pieces(body: ByteSource, length: int) -> Iterator[bytes]:
    left = length
    while left > 0:
        piece = body.read(min(PIECE, left))
        if not piece:
            raise ShortChunk("the chunk ended early")
        left -= len(piece)
        yield piece


def _hashed_pieces(body: ByteSource, length: int, hasher: RunningSha256, head: bytearray) -> Iterator[bytes]:
    """The chunk's pieces, each added to the running hash (and to `head`, the file's first 64 KiB) before use."""
    for piece in _pieces(body, length):
        if len(head) < 65536:
            head.extend(piece[: 65536 - len(head)])
        hasher.update(piece)
        yield piece


class FileStaging:
    """Local files through FileSystemStorage (its `path()` is part of the storage API)."""

    def __init__(self, storage: FileSystemStorage) -> None:
        self.storage = storage

    def _partial(self, key: str) -> str:
        return self.storage.path(f"evidence/partial/{key}.part")

    def write_chunk(
        self,
        *,
        key: str,
        state: dict[str, object],
        offset: int,
        length: int,
        final: bool,
        body: ByteSource,
        hasher: RunningSha256,
        head: bytearray,
    ) -> dict[str, object]:
        path = self._partial(key)
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            os.lseek(fd, offset, os.SEEK_SET)
            for piece in _hashed_pieces(body, length, hasher, head):
                view = memoryview(piece)
                while view:
                    view = view[os.write(fd, view) :]
            os.ftruncate(fd, offset + length)  # bytes of an earlier failed attempt beyond this chunk go
            os.fsync(fd)
        except BaseException:
            os.ftruncate(fd, offset)
            raise
        finally:
            os.close(fd)
        return state

    def finish(self, *, key: str, state: dict[str, object], name: str) -> None:
        target = self.storage.path(name)
        os.makedirs(os.path.dirname(target), mode=0o700, exist_ok=True)
        if os.path.exists(target):
            raise StagingError("the final name is taken")
        os.replace(self._partial(key), target)

    def discard(self, *, key: str, state: dict[str, object]) -> None:
        try:
            os.remove(self._partial(key))
        except FileNotFoundError:
            pass

    def reread(self, *, key: str, state: dict[str, object], upto: int) -> Iterator[bytes]:
        with open(self._partial(key), "rb") as fh:
            left = upto
            while left > 0:
                block = fh.read(min(PIECE, left))
                if not block:
                    return
                left -= len(block)
                yield block


def _s3(what: str, call: Callable[[], T]) -> T:
    """One call to the object store, with its failures turned into StagingErrors a view can answer with."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return call()
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in {"NoSuchUpload", "InvalidPart", "InvalidPartOrder"}:
            raise UploadGone("the storage no longer has this upload; start it again") from None
        logger.warning("object store refused %s: %s", what, code or exc.response.get("ResponseMetadata", {}))
        raise StoreUnavailable("the storage refused the request; try again later") from None
    except BotoCoreError as exc:
        logger.warning("object store unreachable during %s: %s", what, type(exc).__name__)
        raise StoreUnavailable("the storage cannot be reached; try again later") from None


@contextlib.contextmanager
def guard(what: str) -> Iterator[None]:
    """Turn the object store's failures inside the block (django-storages calls) into StoreUnavailable."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (BotoCoreError, ClientError) as exc:
        logger.warning("object store failed during %s: %s", what, type(exc).__name__)
        raise StoreUnavailable("the storage cannot be reached; try again later") from None


class S3Staging:
    """S3-compatible stores (django-storages S3Storage): one multipart part per chunk, to the final key.

    The multipart upload is created when the upload starts, each chunk becomes part n+1 (parts are at least 5 MiB
    except the last: S3's rule), and completing it creates the object — never before. The part list (number, ETag,
    size) lives in the session's `staging` JSON next to the hash state, so any web process can take the next chunk.
    A part sent again after a failure overwrites the same part number.
    """

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.client: Any = storage.connection.meta.client  # type: ignore[attr-defined]
        self.bucket: str = storage.bucket_name  # type: ignore[attr-defined]
        self.location = str(getattr(storage, "location", "") or "").strip("/")

    def _key(self, name: str) -> str:
        return f"{self.location}/{name}" if self.location else name

    def write_chunk(
        self,
        *,
        key: str,
        state: dict[str, object],
        offset: int,
        length: int,
        final: bool,
        body: ByteSource,
        hasher: RunningSha256,
        head: bytearray,
    ) -> dict[str, object]:
        if not final and length < S3_MIN_PART:
            raise StagingError("chunks must be at least 5 MiB with this storage")
        target = str(state.get("target") or "")
        upload_id = str(state.get("upload_id") or "")
        if not upload_id or not target:
            raise StagingError("the upload was not started")
        parts = _parts(state)
        if sum(p["size"] for p in parts) != offset:
            raise StagingError("the stored parts do not end where this chunk starts")
        pieces = list(_hashed_pieces(body, length, hasher, head))
        data = b"".join(pieces)
        del pieces
        number = len(parts) + 1
        answer = _s3(
            "upload_part",
            lambda: self.client.upload_part(
                Bucket=self.bucket, Key=self._key(target), UploadId=upload_id, PartNumber=number, Body=data
            ),
        )
        parts.append({"n": number, "etag": str(answer["ETag"]), "size": length})
        return {**state, "parts": parts}

    def begin(self, *, name: str) -> dict[str, object]:
        answer = _s3(
            "create_multipart_upload",
            lambda: self.client.create_multipart_upload(Bucket=self.bucket, Key=self._key(name)),
        )
        return {"target": name, "upload_id": str(answer["UploadId"]), "parts": []}

    def finish(self, *, key: str, state: dict[str, object], name: str) -> None:
        parts = _parts(state)
        if not parts or str(state.get("target")) != name:
            raise StagingError("the upload's part list is damaged")
        expected = sum(p["size"] for p in parts)
        _s3(
            "complete_multipart_upload",
            lambda: self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=self._key(name),
                UploadId=str(state["upload_id"]),
                MultipartUpload={"Parts": [{"PartNumber": p["n"], "ETag": p["etag"]} for p in parts]},
            ),
        )
        stored = _s3("head_object", lambda: self.client.head_object(Bucket=self.bucket, Key=self._key(name)))
        if int(stored["ContentLength"]) != expected:
            _s3("delete_object", lambda: self.client.delete_object(Bucket=self.bucket, Key=self._key(name)))
            raise StagingError("the storage assembled a file of the wrong size; send it again")

    def discard(self, *, key: str, state: dict[str, object]) -> None:
        """Abort the multipart upload, so the store drops its parts. Already gone is fine; other failures raise."""
        if not state.get("upload_id") or not state.get("target"):
            return
        try:
            _s3(
                "abort_multipart_upload",
                lambda: self.client.abort_multipart_upload(
                    Bucket=self.bucket, Key=self._key(str(state["target"])), UploadId=str(state["upload_id"])
                ),
            )
        except UploadGone:
            pass

    def reread(self, *, key: str, state: dict[str, object], upto: int) -> Iterator[bytes]:
        raise StagingError("uploads to S3 need the OpenSSL hash state engine")

    def sweep(self, *, keep: set[str], older_than: dt.datetime) -> int:
        """Abort multipart uploads under the originals' prefix that no open upload owns and that began before
        `older_than` (a process that died between creating one and saving its session, an abort that failed)."""
        prefix = self._key(ORIGINALS)
        aborted = 0
        pages = self.client.get_paginator("list_multipart_uploads").paginate(Bucket=self.bucket, Prefix=prefix)
        for page in _s3("list_multipart_uploads", lambda: list(pages)):
            for upload in page.get("Uploads", []):
                if upload["UploadId"] in keep or upload["Initiated"] >= older_than:
                    continue
                try:
                    _s3("abort_multipart_upload", partial(
                        self.client.abort_multipart_upload,
                        Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"],
                    ))  # fmt: skip
                except UploadGone:
                    continue
                aborted += 1
        return aborted

    def open(self, name: str) -> IO[bytes]:
        """The stored object as a stream read straight from the store (no local copy, no whole file in memory)."""
        answer = _s3("get_object", lambda: self.client.get_object(Bucket=self.bucket, Key=self._key(name)))
        body: IO[bytes] = answer["Body"]
        return body

    def download(self, name: str, dest: IO[bytes]) -> None:
        _s3("download", lambda: self.client.download_fileobj(self.bucket, self._key(name), dest))


def _parts(state: dict[str, object]) -> list[dict[str, Any]]:
    raw = state.get("parts", [])
    if not isinstance(raw, list):
        raise StagingError("the upload's part list is damaged")
    parts = [dict(p) for p in raw if isinstance(p, dict)]
    if len(parts) != len(raw) or [p.get("n") for p in parts] != list(range(1, len(parts) + 1)):
        raise StagingError("the upload's part list is damaged")
    return parts


def staging_for(storage: Storage | None = None) -> FileStaging | S3Staging:
    storage = storage or default_storage
    if isinstance(storage, FileSystemStorage):
        return FileStaging(storage)
    if hasattr(storage, "bucket_name") and hasattr(storage, "connection"):
        return S3Staging(storage)
    raise StagingError(f"uploads are not supported on {type(storage).__name__}")


@contextlib.contextmanager
def open_stored(name: str, storage: Storage | None = None) -> Iterator[IO[bytes]]:
    """A stored file to read once from start to end (bundles, downloads), streamed from wherever it is.

    django-storages' S3File would first download the whole object into a SpooledTemporaryFile (held in memory with
    the default settings), so S3 objects are read from the GET response's body instead.
    """
    storage = storage or default_storage
    if isinstance(storage, FileSystemStorage):
        with storage.open(name, "rb") as fh:
            yield fh
        return
    place = staging_for(storage)
    if not isinstance(place, S3Staging):
        with storage.open(name, "rb") as fh:
            yield fh
        return
    body = place.open(name)
    try:
        yield body
    finally:
        body.close()


def open_stream(name: str, storage: Storage | None = None) -> IO[bytes]:
    """Like `open_stored`, for a response that closes the stream itself when it is done (FileResponse)."""
    storage = storage or default_storage
    if not isinstance(storage, FileSystemStorage):
        place = staging_for(storage)
        if isinstance(place, S3Staging):
            return place.open(name)
    stream: IO[bytes] = storage.open(name, "rb")
    return stream


@contextlib.contextmanager
def local_copy(name: str, storage: Storage | None = None) -> Iterator[str]:
    """A local path to a stored file for tools that need one (OpenCV): the file itself, or a temporary copy."""
    storage = storage or default_storage
    if isinstance(storage, FileSystemStorage):
        yield storage.path(name)
        return
    with tempfile.NamedTemporaryFile(prefix="vigil-", suffix=os.path.splitext(name)[1]) as tmp:
        place = staging_for(storage)
        if isinstance(place, S3Staging):
            place.download(name, tmp)
        else:
            with storage.open(name, "rb") as src:
                shutil.copyfileobj(src, tmp, PIECE)
        tmp.flush()
        yield tmp.name


def read_range(name: str, start: int, length: int, storage: Storage | None = None) -> bytes:
    """`length` bytes from `start` of a stored file, without reading the rest of it."""
    storage = storage or default_storage
    if isinstance(storage, FileSystemStorage):
        with open(storage.path(name), "rb") as fh:
            fh.seek(start)
            return fh.read(length)
    staging = staging_for(storage)
    if not isinstance(staging, S3Staging):
        raise StagingError("this storage cannot read ranges")
    if length <= 0:
        return b""
    answer = _s3(
        "ranged get_object",
        lambda: staging.client.get_object(
            Bucket=staging.bucket, Key=staging._key(name), Range=f"bytes={start}-{start + length - 1}"
        ),
    )
    data: bytes = answer["Body"].read()
    return data
