"""Bug: a 9000 x 9000 PNG of 78 KB made a derivative worker peak at 1.9 GB. Derivatives have a pixel cap of their
own, checked from the header before any pixel is decoded."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pytest_django import Settings as SettingsWrapper

from vigil.evidence.redaction import RedactionError, upright


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height)).save(out, "PNG", optimize=True)
    return out.getvalue()


def test_an_image_over_the_derivative_cap_is_refused_before_decoding(settings: SettingsWrapper) -> None:
    settings.VIGIL_DERIVATIVE_MAX_PIXELS = 1_000_000
    data = _png(1001, 1000)
    assert len(data) < 10_000  # small on disk, large in memory
    with pytest.raises(RedactionError, match="more pixels"):
        upright(io.BytesIO(data))


def test_an_image_within_it_is_made(settings: SettingsWrapper) -> None:
    settings.VIGIL_DERIVATIVE_MAX_PIXELS = 1_000_000
    assert upright(io.BytesIO(_png(1000, 1000))).size == (1000, 1000)


def test_the_default_cap_is_below_the_nine_thousand_square_image(settings: SettingsWrapper) -> None:
    from django.conf import settings as live

    assert live.VIGIL_DERIVATIVE_MAX_PIXELS < 9000 * 9000
