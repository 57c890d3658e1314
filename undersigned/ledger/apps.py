from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "undersigned.ledger"
    label = "ledger"

    def ready(self) -> None:
        from django.conf import settings

        from undersigned.core import periodic
        from undersigned.ledger import actions
        from undersigned.signatures import tasks

        periodic.register("ledger", settings.LEDGER_INTERVAL_SECONDS, actions.append_pending)
        # Right after the count job folds a batch, so the log and the counts move together.
        tasks.ON_COUNTS_CHANGED.append(actions.append_after_counts)
