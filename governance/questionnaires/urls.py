from django.urls import path

from . import views

app_name = "questionnaires"

urlpatterns = [
    path("", views.questionnaire_list, name="list"),
    path("<int:pk>/", views.questionnaire_detail, name="detail"),
]
