from django.apps import AppConfig


class BotConfig(AppConfig):
    name = "undersigned.bot"
    label = "bot"
