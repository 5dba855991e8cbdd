from __future__ import annotations

from django_tasks import task

from vigil.vault.retention import purge_expired


@task()
def purge_expired_secrets() -> dict[str, int]:
    return purge_expired()
