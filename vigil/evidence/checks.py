"""System checks of the evidence app: settings that would make uploads fail only once someone is on the scene."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from vigil.evidence.staging import S3_MIN_PART


@register()
def s3_chunks_fit_multipart_rules(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """With S3 every chunk but the last is one multipart part, and S3 refuses parts under 5 MiB."""
    default = settings.STORAGES.get("default")
    backend = str(default.get("BACKEND", "")) if isinstance(default, dict) else ""
    if backend.startswith("storages.backends.s3") and settings.VIGIL_UPLOAD_CHUNK_BYTES < S3_MIN_PART:
        return [
            Error(
                f"VIGIL_UPLOAD_CHUNK_BYTES is {settings.VIGIL_UPLOAD_CHUNK_BYTES}, but with the S3 media storage "
                f"every chunk except the last is one multipart part and must be at least {S3_MIN_PART} bytes.",
                hint="Leave VIGIL_UPLOAD_CHUNK_BYTES unset (8 MiB) or set it to 5242880 or more.",
                id="evidence.E001",
            )
        ]
    return []
