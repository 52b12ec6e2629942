from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "governance.assessments"
    verbose_name = "Assessments"
