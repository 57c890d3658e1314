from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "undersigned.ledger"
    label = "ledger"

    def ready(self) -> None:
        from django.conf import settings

        from undersigned.core import periodic
        from undersigned.ledger import actions

        # Also run by the count job right after it moves the tallies (undersigned.jobs).
        periodic.register("ledger", settings.LEDGER_INTERVAL_SECONDS, actions.append_pending)
