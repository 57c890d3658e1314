from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class WebConfig(AppConfig):
    name = "undersigned.web"
    label = "web"

    def ready(self) -> None:
        from undersigned.campaigns.models import Campaign, CampaignText
        from undersigned.campaigns.page_cache import on_counts_changed
        from undersigned.signatures.tasks import ON_COUNTS_CHANGED
        from undersigned.vault.models import VerifierKey
        from undersigned.web.signing import forget_campaigns

        # First of the hooks: the public count is fresh before slower work (the ledger).
        ON_COUNTS_CHANGED.insert(0, on_counts_changed)
        for model in (Campaign, CampaignText, VerifierKey):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_campaigns, sender=model, dispatch_uid=f"forget-{model.__name__}-{signal}"
                )
