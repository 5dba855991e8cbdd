"""Signed checkpoints of the log and its key file."""

from __future__ import annotations

import stat
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from vigil.ledger.checkpoint import open_checkpoint
from vigil.ledger.errors import VerificationError
from vigil.ledger.note import Verifier, generate_key
from vigil.tlog import keys, services, tasks
from vigil.tlog.models import SignedCheckpoint


def record(i: int) -> dict[str, object]:
    return {"type": "test", "n": i}


@pytest.mark.django_db
def test_it_signs_a_c2sp_checkpoint_of_the_tree_head_with_the_log_key() -> None:
    services.append(records=[record(i) for i in range(7)])
    signed = services.issue_checkpoint()
    assert signed.size == 7
    assert bytes(signed.root) == services.root_at(7)
    opened = open_checkpoint(signed.note, keys.load_verifier())
    assert (opened.origin, opened.size, opened.root_hash) == (settings.VIGIL_LOG_ORIGIN, 7, services.root_at(7))
    lines = signed.note.split("\n")
    assert lines[:3] == [settings.VIGIL_LOG_ORIGIN, "7", opened.root_b64]
    assert lines[3] == ""
    assert lines[4].startswith(f"— {settings.VIGIL_LOG_ORIGIN} ")


@pytest.mark.django_db
def test_it_signs_again_only_when_the_tree_grew() -> None:
    first = services.issue_checkpoint()  # the empty tree
    assert first.size == 0
    assert services.issue_checkpoint().pk == first.pk
    services.append(records=[record(0)])
    second = services.issue_checkpoint()
    assert second.size == 1
    assert services.issue_checkpoint().pk == second.pk
    assert SignedCheckpoint.objects.count() == 2
    assert services.latest_checkpoint() == second
    assert services.checkpoint_at(0) == first


@pytest.mark.django_db
def test_a_checkpoint_signed_by_another_key_does_not_open_with_the_log_key() -> None:
    services.append(records=[record(0)])
    signed = services.issue_checkpoint()
    _, other = generate_key(settings.VIGIL_LOG_ORIGIN)
    with pytest.raises(VerificationError):
        open_checkpoint(signed.note, Verifier.from_key(other))


@pytest.mark.django_db
def test_the_clock_task_signs_checkpoints() -> None:
    assert ("vigil.tlog.tasks.issue_checkpoint", settings.VIGIL_CHECKPOINT_SECONDS) in settings.VIGIL_CLOCK_JOBS
    services.append(records=[record(0), record(1)])
    result = tasks.issue_checkpoint.enqueue()
    assert result.return_value == {"size": 2}
    assert services.latest_checkpoint() is not None


@pytest.mark.django_db
def test_the_checkpoint_command_prints_the_signed_note() -> None:
    services.append(records=[record(0)])
    out = StringIO()
    call_command("checkpoint", stdout=out)
    assert out.getvalue() == services.latest_checkpoint().note  # type: ignore[union-attr]


@pytest.mark.django_db
def test_the_checkpoint_command_explains_a_missing_key(tmp_path: Path) -> None:
    with (
        override_settings(VIGIL_LOG_SIGNING_KEY_FILE=tmp_path / "none.key"),
        pytest.raises(CommandError, match="init_keys"),
    ):
        call_command("checkpoint")
    assert SignedCheckpoint.objects.count() == 0


def test_it_creates_a_private_signing_key_once_and_never_overwrites_it(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "log.key"
    keys.ensure_signing_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert text.startswith(f"PRIVATE+KEY+{settings.VIGIL_LOG_ORIGIN}+")
    keys.ensure_signing_key(path)
    assert path.read_text() == text
    signer = keys.load_signer(path)
    verifier_key = keys.verifier_key(path)
    assert verifier_key == signer.verifier().key
    assert verifier_key.startswith(f"{settings.VIGIL_LOG_ORIGIN}+")
    assert "PRIVATE" not in verifier_key


def test_it_explains_what_is_wrong_with_a_key_file(tmp_path: Path) -> None:
    with pytest.raises(keys.SigningKeyError, match=r"does not exist.*init_keys"):
        keys.load_signer(tmp_path / "missing.key")
    bad = tmp_path / "bad.key"
    bad.write_text("not a key\n")
    bad.chmod(0o600)
    with pytest.raises(keys.SigningKeyError, match="does not hold a C2SP Ed25519 signer key"):
        keys.load_signer(bad)
    other = tmp_path / "other.key"
    keys.ensure_signing_key(other, origin="someone.else/log")
    with pytest.raises(keys.SigningKeyError, match="VIGIL_LOG_ORIGIN"):
        keys.load_signer(other)
    loose = tmp_path / "loose.key"
    keys.ensure_signing_key(loose)
    loose.chmod(0o666)
    with pytest.raises(keys.SigningKeyError, match="writable by others"):
        keys.load_signer(loose)
    with pytest.raises(keys.SigningKeyError, match="not a regular file"):
        keys.load_signer(tmp_path)
