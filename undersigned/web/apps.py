from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "undersigned.web"
    label = "web"

    def ready(self) -> None:
        from undersigned.signatures.tasks import ON_COUNTS_CHANGED
        from undersigned.web.cache import on_counts_changed

        ON_COUNTS_CHANGED.append(on_counts_changed)
