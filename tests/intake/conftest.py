"""Intake tests post many reports: each starts with empty rate limits."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_rate_limits(fresh_rate_limits: None) -> None:
    """Uses the shared fresh_rate_limits fixture of tests/conftest.py for every intake test."""
