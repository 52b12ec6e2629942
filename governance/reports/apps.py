from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "governance.reports"
    verbose_name = "Reports"
