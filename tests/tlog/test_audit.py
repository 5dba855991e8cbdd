"""`audit_tree` / `manage.py verify_log` recompute the log from its leaves and catch any tampering done behind the
application's back (straight in the database)."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from vigil.ledger import leaf_hash
from vigil.ledger.checkpoint import Checkpoint, sign_checkpoint
from vigil.ledger.note import Signer, generate_key
from vigil.tlog import services
from vigil.tlog.models import subtree_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def log() -> None:
    for start, end in ((0, 6), (6, 13), (13, 20)):
        services.append(records=[{"type": "test", "n": i} for i in range(start, end)])
        services.issue_checkpoint()


def sql(statement: str, *params: int | bytes | str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_untouched_log_verifies(log: None) -> None:
    report = services.audit_tree()
    assert report.ok, report.problems
    assert (report.size, report.leaves, report.checkpoints) == (20, 20, 3)
    assert report.subtrees == sum(20 >> level for level in range(6))
    assert report.root == services.root_at(20)
    out = StringIO()
    call_command("verify_log", stdout=out)
    assert out.getvalue().startswith("OK 20 leaves")


def test_an_empty_log_verifies() -> None:
    assert services.audit_tree().ok


def _change_record(_: None) -> None:
    sql('UPDATE tlog_leaf SET record = %s WHERE "index" = 4', b'{"n":99,"type":"test"}')


def _change_record_and_hash(_: None) -> None:
    body = b'{"n":99,"type":"test"}'
    sql('UPDATE tlog_leaf SET record = %s, hash = %s WHERE "index" = 4', body, leaf_hash(body))


def _change_subtree(_: None) -> None:
    sql("UPDATE tlog_subtree SET hash = %s WHERE key = %s", b"\x07" * 32, subtree_key(2, 1))


def _drop_subtree(_: None) -> None:
    sql("DELETE FROM tlog_subtree WHERE key = %s", subtree_key(1, 3))


def _extra_subtree(_: None) -> None:
    sql('INSERT INTO tlog_subtree (key, level, "index", hash) VALUES (%s, 5, 0, %s)', subtree_key(5, 0), b"\x01" * 32)


def _drop_leaf(_: None) -> None:
    sql('DELETE FROM tlog_leaf WHERE "index" = 10')


def _change_head(_: None) -> None:
    sql("UPDATE tlog_treehead SET size = 19")


def _forge_checkpoint(_: None) -> None:
    forger = Signer.from_key(generate_key(settings.VIGIL_LOG_ORIGIN)[0])
    note = sign_checkpoint(Checkpoint(settings.VIGIL_LOG_ORIGIN, 13, services.root_at(13)), forger)
    sql("UPDATE tlog_signedcheckpoint SET note = %s WHERE size = 13", note)


def _rewrite_checkpoint_root(_: None) -> None:
    sql("UPDATE tlog_signedcheckpoint SET root = %s WHERE size = 20", b"\x02" * 32)


@pytest.mark.parametrize(
    ("tamper", "finding"),
    [
        (_change_record, "leaf 4: stored hash does not match its record"),
        (_change_record_and_hash, "subtree 0/4 does not match the leaves"),
        (_change_subtree, "subtree 2/1 does not match the leaves"),
        (_drop_subtree, "subtree 1/3 is missing"),
        (_extra_subtree, "subtrees are stored where the leaves make"),
        (_drop_leaf, "leaf 10 is missing"),
        (_change_head, "the tree head says 19 leaves; 20 are stored"),
        (_forge_checkpoint, "checkpoint 13:"),
        (_rewrite_checkpoint_root, "checkpoint 20 records a root the leaves do not give"),
    ],
)
def test_it_finds_tampering(log: None, tamper: Callable[[None], None], finding: str) -> None:
    tamper(None)
    report = services.audit_tree()
    assert not report.ok
    assert any(finding in p for p in report.problems), report.problems
    err = StringIO()
    with pytest.raises(CommandError, match="does not verify"):
        call_command("verify_log", stderr=err)
    assert finding in err.getvalue()


def test_a_rewritten_leaf_changes_the_roots_that_checkpoints_signed(log: None) -> None:
    body = b'{"n":99,"type":"test"}'
    sql('UPDATE tlog_leaf SET record = %s, hash = %s WHERE "index" = 8', body, leaf_hash(body))
    problems = services.audit_tree().problems
    assert any("checkpoint 13 records a root the leaves do not give" in p for p in problems)
    assert any("checkpoint 20 records a root" in p for p in problems)
    assert not any("checkpoint 6 " in p for p in problems)


def test_it_refuses_to_sign_a_head_its_stored_subtrees_contradict(log: None) -> None:
    services.append(records=[{"type": "test", "n": 100}])
    sql("UPDATE tlog_subtree SET hash = %s WHERE key = %s", b"\x07" * 32, subtree_key(4, 0))  # on the frontier
    with pytest.raises(services.LogError, match="disagree"):
        services.issue_checkpoint()
