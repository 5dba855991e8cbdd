#!/usr/bin/env python
"""The observer's dispatch page opened without signal, from the service worker's cache, on a throttled phone.

    python bench/observer_offline.py [--rounds 20]

Debian's Chromium (Playwright, never a downloaded browser) on a phone screen with the CPU slowed 4x (DevTools'
mid-range phone preset): the service worker installs, then the network goes offline and the dispatch page is opened
again and again; each open is timed from the navigation to the "Check in" button being visible. The reference in the
same run is the same page opened online from the server (the worker passes pages through when there is signal).
Target: p99 < 1 s offline.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from keys_apart import use_keys_apart

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 1.0
CHROMIUM = "/usr/bin/chromium"


def _setup() -> None:
    os.environ.setdefault("VIGIL_DATA_DIR", tempfile.mkdtemp(prefix="vigil-bench-offline-"))
    use_keys_apart()
    os.environ.setdefault("VIGIL_DEBUG", "1")  # the test server serves static files itself
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    os.environ.setdefault("VIGIL_NOTIFY_BACKENDS", "inbox")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "1"  # Playwright's sync API runs an event loop in this thread
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("init_keys", verbosity=0)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    _setup()

    import datetime as dt

    import h3
    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler as _StaticFilesHandler
    from django.test import Client
    from django.test.testcases import LiveServerThread
    from django.utils import timezone
    from playwright.sync_api import sync_playwright

    from vigil.accounts import mfa
    from vigil.accounts.models import Group, Membership, Role, User
    from vigil.hotline.models import Incident
    from vigil.network.models import Dispatch, DispatchStatus, Observer

    now = timezone.now()
    group = Group.objects.create(name="Bench group (fictional)", slug="bench")
    user = User.objects.create_user("bench-observer", password="bench-observer-pass")  # noqa: S106 - throwaway
    Membership.objects.create(user=user, group=group, role=Role.OBSERVER)
    observer = Observer.objects.create(
        user=user, group=group, languages=["en"], trained_on=now.date(), code_accepted_at=now,
        training_expires_on=(now + dt.timedelta(days=300)).date(),
    )  # fmt: skip
    lat, lon = 44.9778, -93.2650
    incident = Incident.objects.create(
        cell=h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_REPORT),
        zone_cell=h3.latlng_to_cell(lat, lon, settings.VIGIL_H3_RES_ZONE),
        lat=lat, lon=lon, first_report_at=now, last_report_at=now, report_count=1, state="verifying",
    )  # fmt: skip
    dispatch = Dispatch.objects.create(
        incident=incident, observer=observer, status=DispatchStatus.ON_SCENE, sent_at=now,
        answer_by=now + dt.timedelta(minutes=3), responded_at=now, arrived_at=now,
    )  # fmt: skip
    client = Client()
    client.force_login(user)
    session = client.session
    session[mfa.SESSION_KEY] = True
    session.save()

    server = LiveServerThread("localhost", static_handler=_StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base = f"http://localhost:{server.port}"
    url = f"{base}/observer/dispatch/{dispatch.pk}/"
    offline: list[float] = []
    online: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run"],
        )  # fmt: skip
        context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
              "url": base}]
        )  # fmt: skip
        page = context.new_page()
        page.goto(url)
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30_000)
        page.reload()  # through the worker, which keeps the page
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        button = page.get_by_role("button", name="Check in")
        for _ in range(args.rounds):
            started = time.perf_counter()
            page.goto(url)
            button.wait_for(state="visible")
            online.append(time.perf_counter() - started)
        context.set_offline(True)
        for _ in range(args.rounds):
            started = time.perf_counter()
            page.goto(url)
            button.wait_for(state="visible")
            offline.append(time.perf_counter() - started)
        browser.close()
    server.terminate()

    def line(name: str, values: list[float]) -> str:
        return (
            f"  {name:<34} p50 {statistics.median(values) * 1000:7.1f} ms"
            f"  p99 {_percentile(values, 0.99) * 1000:7.1f} ms  max {max(values) * 1000:7.1f} ms"
        )

    print(
        f"== the dispatch page on a phone, CPU slowed 4x, {args.rounds} opens each"
        f" (load average {os.getloadavg()[0]:.1f})"
    )
    print(line("offline, from the service worker", offline))
    print(line("online, from the server (reference)", online))
    print(f"  ratio offline / online (p50): {statistics.median(offline) / statistics.median(online):.2f}")
    met = _percentile(offline, 0.99) < TARGET_SECONDS
    print(f"  target p99 < {TARGET_SECONDS:.0f} s offline: {'met' if met else 'MISSED'}")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
