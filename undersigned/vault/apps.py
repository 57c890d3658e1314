from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "undersigned.vault"
    label = "vault"
