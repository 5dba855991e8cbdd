"""The printable wallet card and poster (PDF, weasyprint), per language, from the know-your-rights pages."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

from vigil.public import selectors


def site_qr_data_uri(url: str) -> str:
    """A QR code of `url` as an SVG data URI (no file, no third-party service)."""
    svg = segno.make(url, error="m").svg_inline(scale=6, dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _pdf(template: str, ctx: dict[str, object]) -> bytes:
    html = render_to_string(template, ctx)
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    assert pdf is not None  # noqa: S101 - write_pdf without a target returns the bytes
    return bytes(pdf)


def card(language: str) -> bytes:
    page = selectors.rights_page("card", language)
    return _pdf(
        "site/print_card.html",
        {
            "page": page,
            "language": language,
            "hotline_numbers": settings.VIGIL_HOTLINE_NUMBERS,
            "site_url": settings.SITE_URL,
        },
    )


def poster(language: str) -> bytes:
    url = f"{settings.SITE_URL.rstrip('/')}/rights/?lang={language}"
    return _pdf(
        "site/print_poster.html",
        {
            "language": language,
            "qr": site_qr_data_uri(url),
            "url": url,
            "topics": selectors.rights_index(language),
            "hotline_numbers": settings.VIGIL_HOTLINE_NUMBERS,
        },
    )
