from django.apps import AppConfig


class RespondentsConfig(AppConfig):
    name = "governance.respondents"
    verbose_name = "Vendor respondents"
