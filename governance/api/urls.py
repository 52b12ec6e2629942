"""The API's URL map. Each app's api.py registers its viewsets on the one router."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from governance.assessments import api as assessments_api
from governance.questionnaires import api as questionnaires_api
from governance.reports import api as reports_api
from governance.screening import api as screening_api
from governance.vendors import api as vendors_api

from . import auth, invitations, members

router = DefaultRouter()
for module in (
    auth,
    members,
    invitations,
    vendors_api,
    questionnaires_api,
    assessments_api,
    reports_api,
    screening_api,
):
    module.register(router)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its initialiser as a script of its own, not inline, so the
    # Content-Security-Policy needs no exception for it.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("v1/auth/token/", auth.TokenObtainView.as_view(), name="api-token-obtain"),
    path("v1/policy/", assessments_api.PolicyView.as_view(), name="api-policy"),
    path("v1/", include(router.urls)),
]
