from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "vigil.evidence"
    label = "evidence"

    def ready(self) -> None:
        from vigil.evidence import checks  # noqa: F401 - registers the system checks
