from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("organisation/", views.switch_organisation, name="switch-organisation"),
    path("", include("governance.accounts.urls")),
    path("vendors/", include("governance.vendors.urls")),
    path("assessments/", include("governance.assessments.urls")),
    path("questionnaires/", include("governance.questionnaires.urls")),
    path("", include("governance.respondents.urls")),
    path("", include("governance.screening.urls")),
]
