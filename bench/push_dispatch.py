#!/usr/bin/env python
"""From the dispatcher's action to the push requests leaving the server, with 1,000 subscribed observers.

    python bench/push_dispatch.py                 # 1,000 observers, 200 dispatch actions of a pair each
    python bench/push_dispatch.py --actions 500

Seeds a throwaway SQLite database: one fictional group and zone, 1,000 observers on shift around the centre, each
with a Web Push subscription at a local push service (tests/push_service.py: it verifies the VAPID JWT and decrypts
every aes128gcm payload, as a browser's push service and the browser would). Then times `dispatch_observers`
(selection, dispatch rows, events, inbox rows, the push backend: encryption, VAPID signature, HTTP POST) from the
call until the push service has received the last of the action's messages. Tasks run in-process (django-tasks'
immediate backend): with the database backend, add the worker's polling interval.
Reference, measured in the same run: one bare pywebpush call to the same service (no Django, no database), so the
ratio says how much the dispatch itself adds to the unavoidable encryption and HTTP request.
Target: p99 < 1 s.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from keys_apart import use_keys_apart

ROOT = Path(__file__).resolve().parents[1]
CENTRE = (44.9778, -93.2650)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--observers", type=int, default=1000)
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()

    data = tempfile.mkdtemp(prefix="vigil-bench-push-")
    os.environ.setdefault("VIGIL_DATA_DIR", data)
    os.environ["VIGIL_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ["VIGIL_NOTIFY_BACKENDS"] = "inbox,push"
    os.environ["VIGIL_PUSH_ALLOW_HTTP"] = "1"
    use_keys_apart()  # debug off: the VAPID key and the others outside the data directory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)

    import datetime as dt

    import h3
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone
    from pywebpush import webpush

    from tests.push_service import start
    from vigil.accounts.models import Group, User
    from vigil.hotline.models import Incident
    from vigil.network.dispatch import dispatch_observers
    from vigil.network.models import Dispatch, DispatchStatus, Observer, PushSubscription, Shift
    from vigil.places.models import Zone, ZoneCell

    call_command("migrate", verbosity=0, interactive=False)
    call_command("init_keys", verbosity=0)
    service = start()
    rng = random.Random(args.seed)
    res = settings.VIGIL_H3_RES_ZONE
    now = timezone.now()
    today = timezone.localdate()

    def point() -> tuple[float, float]:
        return (CENTRE[0] + rng.uniform(-0.05, 0.05), CENTRE[1] + rng.uniform(-0.07, 0.07))

    group = Group.objects.create(name="Bench group (fictional)", slug="bench-push")
    zone = Zone.objects.create(group=group, name="Bench zone")
    cells = {h3.latlng_to_cell(*point(), res) for _ in range(5000)}
    ZoneCell.objects.bulk_create(ZoneCell(zone=zone, cell=c) for c in cells)
    users = User.objects.bulk_create(User(username=f"bench-push-{i}", password="!") for i in range(args.observers))  # noqa: S106
    placed = [point() for _ in users]
    people = Observer.objects.bulk_create(
        Observer(
            user=u,
            group=group,
            languages=["en"],
            trained_on=today - dt.timedelta(days=60),
            training_expires_on=today + dt.timedelta(days=300),
            code_accepted_at=now - dt.timedelta(days=60),
            notify_by=["inbox"],
        )
        for u in users
    )
    Shift.objects.bulk_create(
        Shift(
            observer=o,
            starts_at=now - dt.timedelta(hours=1),
            ends_at=now + dt.timedelta(hours=5),
            started_at=now - dt.timedelta(hours=1),
            cell=h3.latlng_to_cell(*placed[i], res),
        )
        for i, o in enumerate(people)
    )
    subscriptions = [service.subscribe() for _ in users]
    PushSubscription.objects.bulk_create(
        PushSubscription(
            user=u,
            endpoint=str(s["endpoint"]),
            p256dh=str(s["keys"]["p256dh"]),  # type: ignore[index]
            auth=str(s["keys"]["auth"]),  # type: ignore[index]
            created_at=now,
        )
        for u, s in zip(users, subscriptions, strict=True)
    )
    dispatcher = User.objects.create(username="bench-dispatcher", password="!")  # noqa: S106

    # Reference: the bare cost of one encrypted, signed push request to the same service.
    reference: list[float] = []
    for s in subscriptions[:50]:
        t = time.perf_counter()
        webpush(
            subscription_info=s,
            data=b'{"kind":"dispatch_offer","title":"Vigil","body":"An incident near you needs observers."}',
            vapid_private_key=str(settings.VIGIL_VAPID_KEY_FILE),
            vapid_claims={"sub": settings.VIGIL_VAPID_SUBJECT},
            content_encoding="aes128gcm",
            ttl=600,
        )
        reference.append(time.perf_counter() - t)

    def incident() -> Incident:
        lat, lon = point()
        return Incident.objects.create(
            cell=h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_REPORT),
            zone_cell=h3.latlng_to_cell(lat, lon, res),
            zone=zone,
            lat=lat,
            lon=lon,
            state="new",
            report_count=1,
            first_report_at=timezone.now(),
            last_report_at=timezone.now(),
            language="en",
        )

    timings: list[float] = []
    messages = 0
    for n in range(args.actions + 10):
        target = incident()
        before = len(service.received)
        t0 = time.monotonic()
        dispatch_observers(incident=target, actor=dispatcher, count=2)
        arrived = service.received[before:]
        if n >= 10:  # the first ten warm connections and caches
            if len(arrived) != 2:
                raise SystemExit(f"expected 2 pushes, got {len(arrived)}; refused: {service.refused[-3:]}")
            timings.append(max(m.at for m in arrived) - t0)
            messages += len(arrived)
        Dispatch.objects.filter(incident=target).update(status=DispatchStatus.CANCELLED)
    service.close()

    timings.sort()
    reference.sort()

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, round(p / 100 * len(values)) - 1)]

    p50, p99 = pct(timings, 50), pct(timings, 99)
    ref = pct(reference, 50)
    print(
        f"observers subscribed: {args.observers}; dispatch actions: {args.actions} "
        f"(2 observers each, {messages} pushes)"
    )
    print(
        f"dispatcher's action -> last push received: p50 {p50 * 1000:.1f} ms  p90 {pct(timings, 90) * 1000:.1f} ms  "
        f"p99 {p99 * 1000:.1f} ms  max {timings[-1] * 1000:.1f} ms"
    )
    print(
        f"reference, one bare pywebpush request: p50 {ref * 1000:.1f} ms; ratio action p50 / reference p50 = "
        f"{p50 / ref:.1f}x"
    )
    print(f"load average: {os.getloadavg()[0]:.2f}; target p99 < 1000 ms: {'met' if p99 < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
