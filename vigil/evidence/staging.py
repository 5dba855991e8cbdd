"""Where a chunked upload lives until it is complete, in the media storage (`default_storage`).

Local files: chunks are written into `evidence/partial/<upload>.part` at their offset; the finished file is moved
(one rename, no copy) to `evidence/originals/…`. S3: each chunk is one part of a multipart upload to the final key;
the object exists only once the upload is completed. Either way nothing under `evidence/originals/` is ever partial,
so no bundle can pick up half a file, and a dropped upload leaves only staging that expiry clears.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Protocol

from django.core.files.storage import FileSystemStorage, Storage, default_storage

from vigil.evidence.hashing import RunningSha256

PIECE = 1024 * 1024  # read the request body in pieces of this size
S3_MIN_PART = 5 * 1024 * 1024


class ByteSource(Protocol):
    """Where a chunk's bytes come from: the request body, an uploaded file, a test's BytesIO."""

    def read(self, size: int = -1, /) -> bytes: ...


class StagingError(Exception):
    """The chunk could not be stored; the message is safe to show."""


class ShortChunk(StagingError):
    """The request body ended before the announced chunk length (a dropped connection)."""


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
            for piece in _pieces(body, length):
                if len(head) < 65536:
                    head.extend(piece[: 65536 - len(head)])
                hasher.update(piece)
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


class S3Staging:
    """S3-compatible stores (django-storages S3Storage): one multipart part per chunk, to the final key."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.client = storage.connection.meta.client  # type: ignore[attr-defined]
        self.bucket = storage.bucket_name  # type: ignore[attr-defined]
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
        if not upload_id:
            raise StagingError("the upload was not started")
        parts = [dict(p) for p in state.get("parts", []) if isinstance(p, dict)]  # type: ignore[attr-defined]
        data = bytearray()
        for piece in _pieces(body, length):
            if len(head) < 65536:
                head.extend(piece[: 65536 - len(head)])
            hasher.update(piece)
            data.extend(piece)
        answer = self.client.upload_part(
            Bucket=self.bucket, Key=self._key(target), UploadId=upload_id, PartNumber=len(parts) + 1, Body=bytes(data)
        )
        parts.append({"n": len(parts) + 1, "etag": answer["ETag"], "size": length})
        return {**state, "parts": parts}

    def begin(self, *, name: str) -> dict[str, object]:
        answer = self.client.create_multipart_upload(Bucket=self.bucket, Key=self._key(name))
        return {"target": name, "upload_id": answer["UploadId"], "parts": []}

    def finish(self, *, key: str, state: dict[str, object], name: str) -> None:
        parts = state.get("parts", [])
        if not isinstance(parts, list):
            raise StagingError("the upload's part list is damaged")
        self.client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self._key(name),
            UploadId=str(state["upload_id"]),
            MultipartUpload={"Parts": [{"PartNumber": p["n"], "ETag": p["etag"]} for p in parts]},
        )

    def discard(self, *, key: str, state: dict[str, object]) -> None:
        if state.get("upload_id"):
            try:
                self.client.abort_multipart_upload(
                    Bucket=self.bucket, Key=self._key(str(state["target"])), UploadId=str(state["upload_id"])
                )
            except Exception:  # noqa: S110 - already gone is fine; expiry retries others
                pass

    def reread(self, *, key: str, state: dict[str, object], upto: int) -> Iterator[bytes]:
        raise StagingError("uploads to S3 need the OpenSSL hash state engine")


def staging_for(storage: Storage | None = None) -> FileStaging | S3Staging:
    storage = storage or default_storage
    if isinstance(storage, FileSystemStorage):
        return FileStaging(storage)
    if hasattr(storage, "bucket_name") and hasattr(storage, "connection"):
        return S3Staging(storage)
    raise StagingError(f"uploads are not supported on {type(storage).__name__}")


@contextlib.contextmanager
def local_copy(name: str, storage: Storage | None = None) -> Iterator[str]:
    """A local path to a stored file for tools that need one (OpenCV): the file itself, or a temporary copy."""
    storage = storage or default_storage
    if isinstance(storage, FileSystemStorage):
        yield storage.path(name)
        return
    with tempfile.NamedTemporaryFile(prefix="vigil-", suffix=os.path.splitext(name)[1]) as tmp:
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
    answer = staging.client.get_object(
        Bucket=staging.bucket, Key=staging._key(name), Range=f"bytes={start}-{start + length - 1}"
    )
    data: bytes = answer["Body"].read()
    return data
