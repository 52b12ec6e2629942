from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_start, name="start"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/status.json", views.assessment_status, name="status"),
    path("<int:pk>/answer/", views.assessment_answer, name="answer"),
    path("<int:pk>/answer/<slug:section>/", views.assessment_section, name="section"),
    path("<int:pk>/review/", views.assessment_review, name="review"),
    path("<int:pk>/submit/", views.assessment_submit, name="submit"),
    path("<int:pk>/retry/", views.assessment_retry, name="retry"),
    path("<int:pk>/reopen/", views.assessment_reopen, name="reopen"),
    path("<int:pk>/decide/", views.assessment_decide, name="decide"),
    path("<int:pk>/findings/<int:finding_pk>/", views.finding_edit, name="finding"),
    path("<int:pk>/report/", views.report_request, name="report"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence"),
]
