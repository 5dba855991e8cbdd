"""The schema and its migrations agree, and each app's migrations form one line.

From 0.1 on, every change to a model ships a migration (this test fails until it does) and an upgrade test under
tests/upgrades/ that migrates a database holding data from the previous state to the new one (see docs/testing.md).
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

VIGIL_APPS = ("accounts", "vault", "places", "hotline", "network", "tlog", "evidence")


@pytest.mark.django_db
def test_every_model_change_has_its_migration() -> None:
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"models changed without a migration (exit {exit_.code}):\n{out.getvalue()}")


@pytest.mark.django_db
def test_each_app_has_one_line_of_migrations() -> None:
    loader = MigrationLoader(connection)
    leaves = {app: [name for a, name in loader.graph.leaf_nodes() if a == app] for app in VIGIL_APPS}
    assert all(len(names) == 1 for names in leaves.values()), f"more than one head: {leaves}"
    conflicts = loader.detect_conflicts()
    assert not conflicts, f"conflicting migrations: {conflicts}"
