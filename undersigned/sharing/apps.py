from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "undersigned.sharing"
    label = "sharing"

    def ready(self) -> None:
        from undersigned.core import periodic
        from undersigned.sharing import actions

        periodic.register("share_counts", actions.SHARE_FOLD_SECONDS, actions.fold_share_hits)
