from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from vigil.accounts.models import AuditEvent
from vigil.hotline.models import Channel, Report
from vigil.vault import VaultError, seal, unseal
from vigil.vault.crypto import forget_keys, rewrap_data_keys, rotate_data_key
from vigil.vault.keyfile import read_master_key, write_master_key
from vigil.vault.models import DataKey
from vigil.vault.retention import purge_expired

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_key_cache() -> None:
    forget_keys()


def test_it_round_trips_a_value() -> None:
    blob = seal("+1 612 555 0142", purpose="report-contact")
    assert unseal(blob, purpose="report-contact") == "+1 612 555 0142"


def test_it_never_stores_the_plaintext_or_the_data_key_in_clear() -> None:
    blob = seal("call María at 612-555-0142", purpose="report-contact")
    assert b"555" not in blob and "María".encode() not in blob
    row = DataKey.objects.get()
    master = read_master_key()
    assert master not in bytes(row.wrapped)


def test_each_seal_uses_a_fresh_nonce() -> None:
    assert seal("same", purpose="p") != seal("same", purpose="p")


def test_it_refuses_a_blob_sealed_for_another_purpose() -> None:
    blob = seal("612-555-0142", purpose="report-contact")
    with pytest.raises(VaultError, match="does not open"):
        unseal(blob, purpose="observer-phone")


@pytest.mark.parametrize("position", [0, 5, 6, 20, -1])
def test_it_refuses_an_altered_blob(position: int) -> None:
    blob = bytearray(seal("612-555-0142", purpose="report-contact"))
    blob[position] ^= 0x01
    with pytest.raises(VaultError):
        unseal(bytes(blob), purpose="report-contact")


def test_it_refuses_a_truncated_blob() -> None:
    with pytest.raises(VaultError, match="truncated"):
        unseal(b"V1\x00", purpose="report-contact")


def test_a_database_dump_without_the_master_key_reveals_nothing(tmp_path: Path) -> None:
    blob = seal("612-555-0142", purpose="report-contact")
    other = tmp_path / "other.key"
    write_master_key(other)
    forget_keys()
    with override_settings(VIGIL_MASTER_KEY_FILE=other), pytest.raises(VaultError, match="master key"):
        unseal(blob, purpose="report-contact")


def test_a_missing_master_key_file_is_a_clear_error(tmp_path: Path) -> None:
    forget_keys()
    with override_settings(VIGIL_MASTER_KEY_FILE=tmp_path / "absent.key"), pytest.raises(VaultError, match="init_keys"):
        seal("x", purpose="report-contact")


def test_write_master_key_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "master.key"
    assert write_master_key(path) is True
    before = path.read_bytes()
    assert write_master_key(path) is False
    assert path.read_bytes() == before
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"


def test_rotating_the_data_key_keeps_old_values_readable() -> None:
    old = seal("old value", purpose="p")
    new_id = rotate_data_key()
    new = seal("new value", purpose="p")
    assert int.from_bytes(new[2:6], "big") == new_id != int.from_bytes(old[2:6], "big")
    assert unseal(old, purpose="p") == "old value"
    assert unseal(new, purpose="p") == "new value"
    assert DataKey.objects.filter(retired_at__isnull=True).count() == 1


def test_rewrapping_under_a_new_master_key_keeps_values_readable(tmp_path: Path) -> None:
    blob = seal("612-555-0142", purpose="report-contact")
    new_path = tmp_path / "new.key"
    write_master_key(new_path)
    count = rewrap_data_keys(old_master=read_master_key(), new_master=read_master_key(new_path))
    assert count == 1
    with override_settings(VIGIL_MASTER_KEY_FILE=new_path):
        assert unseal(blob, purpose="report-contact") == "612-555-0142"


def _report(receipt: str, expires: dt.datetime | None) -> Report:
    now = timezone.now()
    return Report.objects.create(
        receipt=receipt,
        channel=Channel.WEB,
        seen_at=now,
        received_at=now,
        contact_sealed=seal("612-555-0142", purpose="report-contact"),
        contact_expires_at=expires,
    )


def test_retention_erases_expired_contacts_and_keeps_the_rest() -> None:
    now = timezone.now()
    expired = _report("EXPIRED1", now - dt.timedelta(minutes=1))
    kept = _report("KEPT0001", now + dt.timedelta(days=3))
    counts = purge_expired(now=now)
    assert counts["hotline.Report.contact_sealed"] == 1 and counts["hotline.Report.sender_hash"] == 0
    expired.refresh_from_db()
    kept.refresh_from_db()
    assert expired.contact_sealed is None and expired.contact_expires_at is None
    assert kept.contact_sealed is not None
    assert AuditEvent.objects.filter(action="retention.erase").count() == 1
    # The erased value is gone from the table itself, not merely hidden.
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_sealed FROM hotline_report WHERE receipt = %s", ["EXPIRED1"])
        assert cursor.fetchone() == (None,)
