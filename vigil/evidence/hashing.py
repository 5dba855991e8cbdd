"""SHA-256 whose running state survives between HTTP requests, so an upload is hashed while it is received.

A chunked upload arrives as many requests, possibly on different web processes or machines. `hashlib` objects can be
copied but not serialised, and re-reading the stored part of the file to rebuild a hasher would read it twice. So the
running state itself is kept: OpenSSL's `SHA256_CTX` (eight 32-bit chaining words, the bit count, the unprocessed
tail of at most 63 bytes; 112 bytes in all) is saved in the upload session row after every chunk and restored for the
next one. The compression runs in OpenSSL (with SHA-NI where the CPU has it), as fast as `hashlib`; a pure-Python
compression function would be about 100x slower. A known-answer self-test at first use checks that save → restore →
finish agrees with `hashlib`; if libcrypto's low-level functions are missing or disagree, `ProcessLocalSha256`
takes over: it keeps hashers in the process and rebuilds one from the stored bytes only when a chunk lands on another
process (the one documented exception to "no second read"; see docs/evidence.md).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from functools import cache
from typing import Protocol

CTX_BYTES = 112  # sizeof(SHA256_CTX) in OpenSSL 1.1 and 3.x: h[8], Nl, Nh, data[16], num, md_len (all 32-bit)


class HashStateError(Exception):
    """A saved hash state that cannot be restored (wrong engine or size)."""


class RunningSha256(Protocol):
    engine: str

    def update(self, data: bytes | memoryview) -> None: ...

    def state(self) -> bytes: ...

    def hexdigest(self) -> str: ...


class _LibCrypto:
    def __init__(self, lib: ctypes.CDLL) -> None:
        self.init = lib.SHA256_Init
        self.update = lib.SHA256_Update
        self.final = lib.SHA256_Final
        self.init.argtypes = [ctypes.c_void_p]
        self.update.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
        self.final.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        for fn in (self.init, self.update, self.final):
            fn.restype = ctypes.c_int


class OpenSslSha256:
    """A SHA-256 whose state is 112 opaque bytes that can be stored and restored (OpenSSL `SHA256_CTX`)."""

    engine = "openssl-sha256-ctx"

    def __init__(self, lib: _LibCrypto, state: bytes | None = None) -> None:
        self._lib = lib
        self._ctx = ctypes.create_string_buffer(CTX_BYTES)
        if state is None:
            if lib.init(self._ctx) != 1:
                raise HashStateError("SHA256_Init failed")
        else:
            if len(state) != CTX_BYTES:
                raise HashStateError("saved hash state has the wrong size")
            ctypes.memmove(self._ctx, state, CTX_BYTES)

    def update(self, data: bytes | memoryview) -> None:
        # bytes are passed by pointer without a copy; other buffers are copied once.
        chunk = data if isinstance(data, bytes) else bytes(data)
        if chunk and self._lib.update(self._ctx, chunk, len(chunk)) != 1:
            raise HashStateError("SHA256_Update failed")

    def state(self) -> bytes:
        return self._ctx.raw

    def hexdigest(self) -> str:
        ctx = ctypes.create_string_buffer(self._ctx.raw, CTX_BYTES)  # finishing must not spoil the running state
        out = ctypes.create_string_buffer(32)
        if self._lib.final(out, ctx) != 1:
            raise HashStateError("SHA256_Final failed")
        return out.raw.hex()


_local_lock = threading.Lock()
_local: OrderedDict[str, tuple[int, hashlib._Hash]] = OrderedDict()
_LOCAL_MAX = 64


class ProcessLocalSha256:
    """Fallback: a hashlib object kept in this process, keyed by upload; rebuilt from stored bytes when missing."""

    engine = "process-local"

    def __init__(self, key: str, offset: int, reread: Callable[[], Iterator[bytes]]) -> None:
        self._key = key
        with _local_lock:
            found = _local.pop(key, None)
        if found is not None and found[0] == offset:
            self._h = found[1]
            self._offset = offset
        else:
            self._h = hashlib.sha256()
            self._offset = 0
            for block in reread() if offset else iter(()):
                self._h.update(block)
                self._offset += len(block)
            if self._offset != offset:
                raise HashStateError("stored bytes do not match the recorded offset")

    def update(self, data: bytes | memoryview) -> None:
        self._h.update(data)
        self._offset += memoryview(data).nbytes

    def state(self) -> bytes:
        with _local_lock:
            _local[self._key] = (self._offset, self._h.copy())
            while len(_local) > _LOCAL_MAX:
                _local.popitem(last=False)
        return b""

    def hexdigest(self) -> str:
        return self._h.hexdigest()


@cache
def _libcrypto() -> _LibCrypto | None:
    name = ctypes.util.find_library("crypto")
    if not name:
        return None
    try:
        lib = _LibCrypto(ctypes.CDLL(name))
    except (OSError, AttributeError):
        return None
    # Known-answer self-test across a save/restore, with a tail that is not block aligned.
    try:
        first = OpenSslSha256(lib)
        first.update(b"a" * 100)
        second = OpenSslSha256(lib, first.state())
        second.update(b"bc" * 50)
    except HashStateError:
        return None
    if second.hexdigest() != hashlib.sha256(b"a" * 100 + b"bc" * 50).hexdigest():
        return None
    return lib


def preferred_engine() -> str:
    return OpenSslSha256.engine if _libcrypto() is not None else ProcessLocalSha256.engine


def resume(*, engine: str, state: bytes, key: str, offset: int, reread: Callable[[], Iterator[bytes]]) -> RunningSha256:
    """The running hash of an upload at `offset` bytes, from its saved state (empty state = a fresh hash)."""
    if engine == OpenSslSha256.engine:
        lib = _libcrypto()
        if lib is None:
            raise HashStateError("this process cannot restore OpenSSL hash states")
        return OpenSslSha256(lib, state or None)
    if engine == ProcessLocalSha256.engine:
        return ProcessLocalSha256(key, offset, reread)
    raise HashStateError(f"unknown hash engine {engine!r}")
