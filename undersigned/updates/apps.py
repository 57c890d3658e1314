from django.apps import AppConfig


class UpdatesConfig(AppConfig):
    name = "undersigned.updates"
    label = "updates"

    def ready(self) -> None:
        from undersigned.core import periodic
        from undersigned.updates import actions, tasks

        periodic.register("updates.retry_deliveries", 60, tasks.retry_due_deliveries)
        periodic.register("updates.purge_subscriptions", 3600, actions.purge_finished_campaigns)
