"""The evidence fixtures (a scene with a dispatched observer, a media folder, a log key) for case bundle tests."""

from tests.evidence.conftest import log_key, media, scene

__all__ = ["log_key", "media", "scene"]
