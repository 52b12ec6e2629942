from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "governance.web"
    verbose_name = "Web"
