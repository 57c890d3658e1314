from django.apps import AppConfig
from django.conf import settings


class UpdatesConfig(AppConfig):
    name = "undersigned.updates"
    label = "updates"

    def ready(self) -> None:
        from undersigned.core import periodic
        from undersigned.updates import actions, tasks

        periodic.register("updates.retry_deliveries", 60, tasks.retry_due_deliveries)
        periodic.register("updates.purge_subscriptions", 3600, actions.purge_finished_campaigns)
        # Apart from signing, on its own schedule: a subscription's time says nothing of a
        # signature's.
        periodic.register(
            "updates.subscription_requests",
            settings.UPDATES_REQUEST_SECONDS,
            actions.handle_subscription_requests,
        )
