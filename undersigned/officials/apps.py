from django.apps import AppConfig


class OfficialsConfig(AppConfig):
    name = "undersigned.officials"
    label = "officials"
