from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "undersigned.desk"
    label = "desk"
