from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _make_cache_table(**kwargs: object) -> None:
    # The shared cache (rate limits, throttles) lives in the database by default: `migrate` makes its table.
    from django.core.management import call_command

    call_command("createcachetable", database=str(kwargs.get("using", "default")), verbosity=0)


class AccountsConfig(AppConfig):
    name = "vigil.accounts"
    label = "accounts"

    def ready(self) -> None:
        from vigil.accounts import signals

        signals.connect()
        post_migrate.connect(_make_cache_table, sender=self, dispatch_uid="vigil.accounts.cache_table")
