from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("<int:pk>/download/", views.report_download, name="download"),
]
