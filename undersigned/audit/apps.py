from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "undersigned.audit"
    label = "audit"
