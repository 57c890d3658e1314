from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class WebConfig(AppConfig):
    name = "undersigned.web"
    label = "web"

    def ready(self) -> None:
        from undersigned.campaigns.models import Campaign, CampaignText
        from undersigned.vault.models import VerifierKey
        from undersigned.web.check_page import forget_frames
        from undersigned.web.signing import forget_campaigns

        for model in (Campaign, CampaignText, VerifierKey):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_campaigns, sender=model, dispatch_uid=f"forget-{model.__name__}-{signal}"
                )
                signal.connect(
                    forget_frames, sender=model, dispatch_uid=f"frames-{model.__name__}-{signal}"
                )
