from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class VaultConfig(AppConfig):
    name = "undersigned.vault"
    label = "vault"

    def ready(self) -> None:
        from undersigned.campaigns.models import Campaign
        from undersigned.vault.actions import forget_sealing_keys
        from undersigned.vault.models import VerifierKey

        for model in (Campaign, VerifierKey):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_sealing_keys,
                    sender=model,
                    dispatch_uid=f"forget-keys-{model.__name__}-{signal}",
                )
