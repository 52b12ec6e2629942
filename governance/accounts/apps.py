from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "governance.accounts"
    verbose_name = "Organisations and access"

    def ready(self) -> None:
        from .versioning import connect_signals

        connect_signals()
