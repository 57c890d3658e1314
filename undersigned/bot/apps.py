from django.apps import AppConfig


class BotConfig(AppConfig):
    name = "undersigned.bot"
    label = "bot"

    def ready(self) -> None:
        from undersigned.bot import notify
        from undersigned.core import periodic

        periodic.register("bot.forget_conversations", 3600, notify.forget_stale_conversations)
