"""A separate process that appends batches to the log until it is killed: `python -m tests.tlog.appender`.

Prints ``<first index> <count>`` after each committed batch. With ``--die-inside`` it kills itself with SIGKILL
after its last batch is written but before that batch commits.
"""

from __future__ import annotations

import argparse
import os
import signal

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writer", required=True)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--batches", type=int, default=1_000_000)
    parser.add_argument("--die-inside", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()

    from django.db import transaction

    from vigil.tlog import services

    for b in range(args.batches):
        records = [{"type": "test", "writer": args.writer, "batch": b, "n": i} for i in range(args.batch)]
        if args.die_inside and b == args.batches - 1:
            with transaction.atomic():
                services.append(records=records)
                os.kill(os.getpid(), signal.SIGKILL)
        refs = services.append(records=records)
        print(refs[0].index, len(refs), flush=True)


if __name__ == "__main__":
    main()
