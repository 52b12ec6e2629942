from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "governance.accounts"
    verbose_name = "Organisations and access"
