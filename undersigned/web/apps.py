from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "undersigned.web"
    label = "web"
