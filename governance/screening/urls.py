from django.urls import path

from . import views

app_name = "screening"

urlpatterns = [
    path("vendors/<int:pk>/screen/", views.screen, name="screen"),
    path(
        "vendors/<int:pk>/screenings/<int:screening_pk>/disposition/",
        views.dispose,
        name="dispose",
    ),
]
