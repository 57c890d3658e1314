from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "undersigned.signatures"
    label = "signatures"

    def ready(self) -> None:
        from undersigned.core import periodic
        from undersigned.signatures import counts, retention

        # The count job is registered by undersigned.jobs, with what follows it.
        periodic.register("reconcile", 3600, counts.reconcile_all)
        periodic.register("forget-client-hashes", 60, retention.forget_client_hashes)
        periodic.register("retention", 3600, retention.apply_retention)
