from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "undersigned.sharing"
    label = "sharing"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from undersigned.sharing import models

        for signal in (post_save, post_delete):
            signal.connect(models.forget_codes, sender=models.ShareChannel)
