from django.apps import AppConfig


class VendorsConfig(AppConfig):
    name = "governance.vendors"
    verbose_name = "Vendors"
