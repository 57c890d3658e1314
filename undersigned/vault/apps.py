from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "undersigned.vault"
    label = "vault"

    def ready(self) -> None:
        from undersigned.core import periodic
        from undersigned.vault import retention

        periodic.register("forget-client-hashes", 60, retention.forget_client_hashes)
        periodic.register("retention", 3600, retention.apply_retention)
