import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

app = Celery("governance")
# All Celery configuration lives in settings.py under the CELERY_ prefix, so one file
# (driven by the environment) describes the whole deployment.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
