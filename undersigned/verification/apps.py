from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "undersigned.verification"
    label = "verification"
