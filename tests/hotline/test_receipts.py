"""Receipt codes: random, uniform over Crockford's alphabet, unique by the database's index without a look-up."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from django.db import IntegrityError

from tests.factories import salute
from tests.world import World
from vigil.hotline import services
from vigil.hotline.models import Incident, IncidentEvent, Report


def test_receipts_are_eight_symbols_spread_over_the_whole_alphabet() -> None:
    codes = [services.random_receipt() for _ in range(3000)]
    assert all(len(code) == services.RECEIPT_LENGTH for code in codes)
    for position in range(services.RECEIPT_LENGTH):
        seen = Counter(code[position] for code in codes)
        assert set(seen) == set(services.RECEIPT_ALPHABET)
        assert max(seen.values()) < 3 * min(seen.values())
    assert len(set(codes)) == len(codes)


def _draws(*codes: str) -> Iterator[str]:
    yield from codes


def test_it_draws_another_receipt_when_the_first_is_taken(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    first = services.submit_report(**salute())
    draws = _draws(first.receipt, "NEWC0DE1")
    monkeypatch.setattr(services, "random_receipt", lambda: next(draws))
    second = services.submit_report(**salute())
    assert second.receipt == "NEWC0DE1"
    assert Report.objects.count() == 2
    incident = Incident.objects.get()
    assert incident.report_count == 2  # the attempt refused by the index left nothing behind
    assert IncidentEvent.objects.filter(kind="report_added").count() == 2


def test_it_gives_up_after_a_few_taken_receipts(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    first = services.submit_report(**salute())
    monkeypatch.setattr(services, "random_receipt", lambda: first.receipt)
    with pytest.raises(IntegrityError):
        services.submit_report(**salute())
    assert Report.objects.count() == 1
    assert Incident.objects.get().report_count == 1
