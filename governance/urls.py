from django.contrib import admin
from django.urls import include, path

from governance.web import views as web_views

handler500 = "governance.api.errors.server_error"

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("governance.api.urls")),
    path("reports/", include("governance.reports.urls")),
    path("", include("governance.web.urls")),
]
