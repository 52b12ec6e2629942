from django.urls import path

from . import views

app_name = "vendors"

urlpatterns = [
    path("", views.vendor_list, name="list"),
    path("new/", views.vendor_create, name="create"),
    path("<int:pk>/", views.vendor_detail, name="detail"),
    path("<int:pk>/edit/", views.vendor_edit, name="edit"),
    path("<int:pk>/offerings/new/", views.offering_create, name="offering-create"),
    path("<int:pk>/offerings/<int:offering_pk>/edit/", views.offering_edit, name="offering-edit"),
    path("<int:pk>/use-cases/new/", views.use_case_create, name="use-case-create"),
    path("<int:pk>/use-cases/<int:use_case_pk>/edit/", views.use_case_edit, name="use-case-edit"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact-create"),
    path("<int:pk>/contacts/<int:contact_pk>/delete/", views.contact_delete, name="contact-delete"),
]
