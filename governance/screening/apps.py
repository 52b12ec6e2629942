from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "governance.screening"
    verbose_name = "Watchlist screening"
