from django.apps import AppConfig


class OfficialsConfig(AppConfig):
    name = "undersigned.officials"
    label = "officials"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from undersigned.officials import matching, models

        # The in-memory index is rebuilt after any change to an official in this process.
        post_save.connect(matching.registry_changed, sender=models.Official)
        post_delete.connect(matching.registry_changed, sender=models.Official)
