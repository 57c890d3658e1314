from django.apps import AppConfig
from django.conf import settings


class SignaturesConfig(AppConfig):
    name = "undersigned.signatures"
    label = "signatures"

    def ready(self) -> None:
        from undersigned.core import periodic
        from undersigned.signatures import counts

        periodic.register("counts", settings.COUNT_INTERVAL_SECONDS, counts.refresh_counts)
        periodic.register("reconcile", 3600, counts.reconcile_all)
