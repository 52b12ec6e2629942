from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("members/", views.member_list, name="members"),
    path("members/invite/", views.invitation_create, name="members-invite"),
    path("members/<int:pk>/role/", views.member_role, name="member-role"),
    path("members/<int:pk>/remove/", views.member_remove, name="member-remove"),
    path(
        "members/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("organisation/leave/", views.organisation_leave, name="organisation-leave"),
    path("organisation/none/", views.no_organisation, name="no-organisation"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
