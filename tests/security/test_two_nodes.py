"""Item 13, for real: two web nodes (gunicorn, as production runs it) on one PostgreSQL database, debug off, keys
kept apart from the data. They must share what must be shared:

(a) the intake limit (6 a minute) holds for one client across both nodes: 6 reports accepted in all, not 12;
(b) a network administrator's settings change saved through node A is in force on node B within
    vigil.places.config.CACHE_SECONDS;
(c) a second `manage.py clock` started while one holds the lease waits and enqueues nothing;
(d) a node started with debug off and no shared secret key refuses to start and says why.

Only on PostgreSQL (SQLite is one file on one machine: there is no second node to speak of). The nodes are real
subprocesses on loopback ports; every one is stopped when the test ends, passed or not.
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import json
import os
import re
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.nodes import START_SECONDS, Cluster, Node, static_manifest, wait_until_serving
from tests.world import NORTH_CENTER, PASSWORD, World, totp_code
from vigil.hotline.models import Report
from vigil.hotline.services import normalise_receipt
from vigil.ops.models import Lease
from vigil.places.config import CACHE_SECONDS
from vigil.places.settings_table import SETTINGS

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="two nodes share a PostgreSQL server; SQLite has no second node"),
    pytest.mark.django_db(transaction=True),
]

LIMIT = 6


def _database_url() -> str:
    """DATABASE_URL, pointed at the test database this process uses (so the nodes see what the test writes)."""
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(parts._replace(path="/" + str(connection.settings_dict["NAME"])))


@pytest.fixture
def cluster(world: World, tmp_path: Path) -> Iterator[Cluster]:
    data = tmp_path / "data"
    keys = tmp_path / "keys"
    for folder in (data, keys):
        folder.mkdir(mode=0o700)
    # The same keys on every node, none in the data directory: the vault master key of this test run (TOTP secrets
    # are sealed with it), a log signing key, and one shared secret key.
    for setting, name in (("VIGIL_MASTER_KEY_FILE", "master.key"), ("VIGIL_LOG_SIGNING_KEY_FILE", "log-signing.key")):
        shutil.copyfile(getattr(settings, setting), keys / name)
        (keys / name).chmod(0o600)
    static_manifest(data / "staticfiles")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "DJANGO_", "PYTEST_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="vigil.settings",
        DATABASE_URL=_database_url(),
        VIGIL_DEBUG="0",
        VIGIL_DATA_DIR=str(data),
        VIGIL_MASTER_KEY_FILE=str(keys / "master.key"),
        VIGIL_LOG_SIGNING_KEY_FILE=str(keys / "log-signing.key"),
        VIGIL_VAPID_KEY_FILE=str(keys / "vapid.pem"),
        VIGIL_SECRET_KEY_FILE=str(keys / "secret_key"),
        VIGIL_SECRET_KEY="two-nodes-shared-secret-" + os.urandom(16).hex(),
        VIGIL_REPORT_RATE_PER_MINUTE=str(LIMIT),
        VIGIL_PROXY_HOPS="1",  # behind one load balancer: X-Forwarded-For tells the test's clients apart
        VIGIL_NOTIFY_BACKENDS="inbox",
        PYTHONUNBUFFERED="1",
    )
    # The nodes check passwords with production's hashers, not the tests' fast one.
    world.alice.password = PBKDF2PasswordHasher().encode(PASSWORD, "twonodessalt", iterations=1000)
    world.alice.save(update_fields=["password"])
    made = Cluster(env, tmp_path)
    try:
        yield made
    finally:
        made.stop_all()


# --- a tiny HTTP client (standard library) -----------------------------------------------------------------------


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def open(self, path: str, data: Mapping[str, str] | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})  # noqa: S310
        try:
            with self.opener.open(request, timeout=15) as answer:
                return answer.status, answer.geturl(), answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode()

    def submit(self, path: str, fields: Mapping[str, str]) -> tuple[int, str, str]:
        status, _url, page = self.open(path)
        assert status == 200, page[-2000:]
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, page[-2000:]
        return self.open(path, {"csrfmiddlewaretoken": found.group(1), **fields})


def post_report(node: Node, *, client: str, contact: str = "") -> tuple[int, dict[str, object]]:
    body = {
        "language": "en",
        "size": "3 agents",
        "activity": "stopping cars at the corner",
        "location_text": "Lake St and 5th Ave",
        "lat": NORTH_CENTER[0],
        "lon": NORTH_CENTER[1],
        "contact": contact,
    }
    request = urllib.request.Request(  # noqa: S310 (loopback http)
        f"{node.url}/api/v1/reports",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-Forwarded-For": client},
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def retention_of(receipt: object) -> dt.timedelta:
    report = Report.objects.get(receipt=normalise_receipt(str(receipt)))
    assert report.contact_expires_at is not None
    return report.contact_expires_at - report.received_at


# --- the checks -----------------------------------------------------------------------------------------------------


def test_two_nodes_share_the_limit_and_the_settings(cluster: Cluster, world: World) -> None:
    a, b = cluster.web("node-a"), cluster.web("node-b")
    wait_until_serving(a)
    wait_until_serving(b)

    # (a) One client, alternating between the nodes, 12 reports: 6 accepted in all.
    before = Report.objects.count()
    answers = [post_report((a, b)[n % 2], client="198.51.100.30")[0] for n in range(2 * LIMIT)]
    assert answers.count(201) == LIMIT and answers.count(429) == LIMIT, answers
    assert Report.objects.count() == before + LIMIT
    assert "198.51.100.30" not in a.output() + b.output()

    # (b) Node B has read the settings (and keeps them); the network administrator changes one on node A.
    status, answer = post_report(b, client="198.51.100.40", contact="+1 612 555 0101")
    assert status == 201 and retention_of(answer["receipt"]).days == 14
    admin = Browser(a.url)
    status, url, page = admin.submit("/accounts/login/", {"login": "alice", "password": PASSWORD})
    assert "/accounts/2fa/authenticate/" in url, page[-2000:]
    status, url, page = admin.submit("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert status == 200 and url.endswith("/home/"), page[-2000:]
    values = {s.name: str(s.default) for s in SETTINGS} | {"contact_retention_days": "3"}
    status, url, page = admin.submit("/network/settings/", values)
    saved_at = time.monotonic()
    assert status == 200 and url.endswith("/network/settings/"), page[-2000:]
    seen_after: float | None = None
    for n in range(int(CACHE_SECONDS * 4) + 8):
        status, answer = post_report(b, client=f"198.51.100.{50 + n}", contact="+1 612 555 0102")
        assert status == 201, answer
        if retention_of(answer["receipt"]).days == 3:
            seen_after = time.monotonic() - saved_at
            break
        time.sleep(0.25)
    assert seen_after is not None, "node B never applied the settings saved on node A"
    assert seen_after <= CACHE_SECONDS + 2.0, seen_after


def test_a_second_clock_waits(cluster: Cluster) -> None:
    from django_tasks_db.models import DBTaskResult

    first = cluster.manage("clock-1", "clock")
    deadline = time.monotonic() + START_SECONDS
    jobs = len(settings.VIGIL_CLOCK_JOBS)
    while not (Lease.objects.filter(name="clock").exists() and DBTaskResult.objects.count() >= jobs):
        assert first.process.poll() is None, first.output()
        assert time.monotonic() < deadline, f"the first clock never took the lease:\n{first.output()}"
        time.sleep(0.1)
    holder = Lease.objects.get(name="clock").holder
    assert f":{first.process.pid}:" in holder
    enqueued = DBTaskResult.objects.count()

    second = cluster.manage("clock-2", "clock")
    once = cluster.manage("clock-once", "clock", "--once")
    assert once.process.wait(timeout=START_SECONDS) == 0, once.output()
    assert "another clock is running; nothing enqueued" in once.output()
    assert second.process.poll() is None, second.output()  # still there, waiting for the lease
    assert Lease.objects.get(name="clock").holder == holder
    assert DBTaskResult.objects.count() == enqueued  # neither of the two enqueued anything


def test_a_node_without_the_shared_secret_key_refuses_to_start(cluster: Cluster) -> None:
    env = {k: v for k, v in cluster.env.items() if k != "VIGIL_SECRET_KEY"}
    env["VIGIL_SECRET_KEY_FILE"] = str(cluster.tmp / "keys" / "no-such-secret")
    node = cluster.web("node-without-key", env)
    code = node.process.wait(timeout=START_SECONDS)
    assert code != 0
    assert "no secret key: set VIGIL_SECRET_KEY or write one to VIGIL_SECRET_KEY_FILE" in node.output()
    assert not (cluster.tmp / "keys" / "no-such-secret").exists()  # it made no key of its own
    assert not (cluster.tmp / "data" / "secret_key").exists()
