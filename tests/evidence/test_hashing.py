from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.evidence import hashing


def _nothing() -> Iterator[bytes]:
    return iter(())


@settings(max_examples=60, deadline=None)
@given(data=st.binary(min_size=0, max_size=3000), cuts=st.lists(st.integers(min_value=0, max_value=3000), max_size=6))
def test_a_saved_state_resumes_to_the_same_digest_wherever_the_chunks_are_cut(data: bytes, cuts: list[int]) -> None:
    points = sorted({0, len(data), *(c for c in cuts if c <= len(data))})
    state, engine = b"", hashing.preferred_engine()
    for start, end in itertools.pairwise(points):
        running = hashing.resume(engine=engine, state=state, key="k", offset=start, reread=_nothing)
        running.update(data[start:end])
        state = running.state()
    final = hashing.resume(engine=engine, state=state, key="k", offset=len(data), reread=_nothing)
    assert final.hexdigest() == hashlib.sha256(data).hexdigest()


def test_the_openssl_state_engine_is_available_here() -> None:
    assert hashing.preferred_engine() == hashing.OpenSslSha256.engine


def test_finishing_does_not_spoil_the_running_state() -> None:
    running = hashing.resume(engine=hashing.preferred_engine(), state=b"", key="k", offset=0, reread=_nothing)
    running.update(b"abc")
    assert running.hexdigest() == hashlib.sha256(b"abc").hexdigest()
    running.update(b"def")
    assert running.hexdigest() == hashlib.sha256(b"abcdef").hexdigest()


def test_the_process_local_fallback_rebuilds_from_the_stored_bytes_when_it_lost_its_hasher() -> None:
    data = b"x" * 5000 + b"y" * 123
    first = hashing.ProcessLocalSha256("upload-1", 0, _nothing)
    first.update(data[:4000])
    first.state()
    hashing._local.clear()  # another process takes the next chunk
    second = hashing.resume(
        engine=hashing.ProcessLocalSha256.engine,
        state=b"",
        key="upload-1",
        offset=4000,
        reread=lambda: iter([data[:4000]]),
    )
    second.update(data[4000:])
    assert second.hexdigest() == hashlib.sha256(data).hexdigest()


def test_a_damaged_state_is_refused() -> None:
    try:
        hashing.resume(engine=hashing.OpenSslSha256.engine, state=b"short", key="k", offset=5, reread=_nothing)
    except hashing.HashStateError:
        return
    raise AssertionError("a state of the wrong size was accepted")
