from django.urls import path

from . import views

app_name = "respondents"

urlpatterns = [
    path("respond/<str:token>/", views.respond_start, name="start"),
    path("respond/<str:token>/review/", views.respond_review, name="review"),
    path("respond/<str:token>/s/<slug:section>/", views.respond_section, name="section"),
    path("assessments/<int:pk>/links/", views.link_create, name="link-create"),
    path("assessments/<int:pk>/links/<int:link_pk>/revoke/", views.link_revoke, name="link-revoke"),
]
