"""Hashing an uploaded file while it is received, against `sha256sum` on the same file in the same run.

The upload goes through the real code path: `vigil.evidence.uploads.start_upload` and `receive_chunk`, chunk by
chunk (8 MiB, the default), into the local media store of a throwaway data directory with a SQLite database — each
chunk restores the saved SHA-256 state from the database, writes and fsyncs the bytes, hashes them, saves the state.
The file is read from disk as a client would send it; no second read happens on the server.

    .venv/bin/python bench/hash_upload.py            # 1 GiB
    .venv/bin/python bench/hash_upload.py --mb 256   # quicker

Prints both throughputs and the ratio (target >= 0.9), and checks the two digests agree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from keys_apart import use_keys_apart

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_file(path: Path, megabytes: int) -> None:
    """A video-shaped file (an MP4 `ftyp` box, then one big `mdat`) so it passes the type check like a real one."""
    block = os.urandom(1 << 20)
    total = megabytes << 20
    ftyp = struct.pack(">I4s4sI8s", 24, b"ftyp", b"isom", 512, b"isommp41")
    mdat = struct.pack(">I4sQ", 1, b"mdat", total - len(ftyp))
    with path.open("wb") as out:
        out.write(ftyp + mdat)
        out.write(block[: (1 << 20) - len(ftyp) - len(mdat)])
        for i in range(1, megabytes):
            out.write(block[i % 251 :] + block[: i % 251])  # differing blocks, cheap to make


def sha256sum(path: Path) -> tuple[str, float]:
    start = time.perf_counter()
    out = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True).stdout
    return out.split()[0], time.perf_counter() - start


def upload_once(uploads, dispatch, user, source: Path, size: int, chunk: int) -> tuple[float, str, str]:  # type: ignore[no-untyped-def]
    """One upload through start_upload + receive_chunk: (seconds, sha256, stored name)."""
    from vigil.evidence.models import EvidenceItem

    start = time.perf_counter()
    session = uploads.start_upload(dispatch=dispatch, user=user, size=size, name="upload.bin", device_time=None)
    with source.open("rb") as body:
        offset = 0
        while offset < size:
            length = min(chunk, size - offset)
            session = uploads.receive_chunk(session=session, offset=offset, length=length, body=body)
            offset += length
    took = time.perf_counter() - start
    item = EvidenceItem.objects.get(pk=session.pk)
    return took, item.sha256, item.file_name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=1024, help="file size in MiB (default 1024)")
    parser.add_argument("--disk-only", action="store_true", help="skip the run with the media store on tmpfs")
    parser.add_argument("--rounds", type=int, default=2, help="alternate rounds; the best of each is reported")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="vigil-bench-hash-"))
    os.environ["VIGIL_DATA_DIR"] = str(work / "data")
    use_keys_apart()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    os.environ["VIGIL_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ["VIGIL_UPLOAD_MAX_BYTES"] = str((args.mb + 1) << 20)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings
    from django.utils import timezone

    call_command("migrate", verbosity=0, run_syncdb=False)
    from vigil.accounts.models import Group, Membership, Role, User
    from vigil.evidence import hashing, uploads
    from vigil.hotline.models import Incident
    from vigil.network.models import Dispatch, Observer
    from vigil.tlog.keys import ensure_signing_key

    ensure_signing_key(settings.VIGIL_LOG_SIGNING_KEY_FILE)
    group = Group.objects.create(name="Bench", slug="bench")
    user = User.objects.create_user(username="observer")
    Membership.objects.create(user=user, group=group, role=Role.OBSERVER)
    observer = Observer.objects.create(user=user, group=group)
    now = timezone.now()
    incident = Incident.objects.create(
        cell="8928308280fffff", zone_cell="8828308281fffff", lat=44.98, lon=-93.27,
        first_report_at=now, last_report_at=now,
    )  # fmt: skip
    dispatch = Dispatch.objects.create(
        incident=incident, observer=observer, status="accepted", sent_at=now, answer_by=now + dt.timedelta(minutes=3)
    )

    source = work / "upload.bin"
    print(f"making a {args.mb} MiB file in {work} …", flush=True)
    make_file(source, args.mb)
    size = source.stat().st_size
    chunk = settings.VIGIL_UPLOAD_CHUNK_BYTES
    print(f"hash engine: {hashing.preferred_engine()}; chunk {chunk >> 20} MiB; storage {settings.MEDIA_ROOT}")

    targets = [("disk", work / "media-disk")]
    if Path("/dev/shm").is_dir() and not args.disk_only:
        targets.append(("tmpfs", Path(tempfile.mkdtemp(prefix="vigil-bench-media-", dir="/dev/shm"))))
    results: list[tuple[str, float, float, str]] = []
    for label, media_dir in targets:
        media_dir.mkdir(parents=True, exist_ok=True)
        storages = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(media_dir)},
            },
        }
        best_sum = best_upload = float("inf")
        digest_sum = digest_upload = ""
        with override_settings(STORAGES=storages):
            for round_ in range(args.rounds):
                digest_sum, took = sha256sum(source)
                best_sum = min(best_sum, took)
                took, digest_upload, stored = upload_once(uploads, dispatch, user, source, size, chunk)
                best_upload = min(best_upload, took)
                (media_dir / stored).unlink()  # one copy at a time on disk
                print(f"{label} round {round_ + 1}: sha256sum {best_sum:.2f} s, upload {took:.2f} s", flush=True)
        if digest_sum != digest_upload:
            raise SystemExit(f"digests differ: sha256sum {digest_sum}, upload {digest_upload}")
        results.append((label, best_sum, best_upload, digest_sum))

    mb = size / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print("== hash while uploading (bench/hash_upload.py) ==")
    print(
        f"file            {size / (1 << 20):.0f} MiB in {-(-size // chunk)} chunks of {chunk >> 20} MiB, "
        f"engine {hashing.preferred_engine()}"
    )
    for label, best_sum, best_upload, digest in results:
        rate_sum, rate_upload = mb / best_sum, mb / best_upload
        print(
            f"media on {label:5}  sha256sum {rate_sum:6.0f} MB/s | upload path {rate_upload:6.0f} MB/s "
            f"(write+fsync+hash+state) | ratio {rate_upload / rate_sum:.2f} | digests agree ({digest[:16]}…)"
        )
    print(f"peak RSS        {peak:.0f} MiB   (target ratio >= 0.9)")
    source.unlink()


if __name__ == "__main__":
    main()
