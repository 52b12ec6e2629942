from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "governance.questionnaires"
    verbose_name = "Questionnaires"
