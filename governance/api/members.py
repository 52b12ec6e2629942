"""Organisation members: list, change a role, remove, leave.

Every member may read the list (a finding's owner is picked from it); only admins
(Capability.MANAGE) change it, through the audited tenant services. Nobody is added here:
people join by accepting an invitation (invitations.py). Members may leave; an organisation
always keeps one admin.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.accounts.models import Membership, Role
from governance.accounts.services import (
    membership_change_role,
    membership_leave,
    membership_remove,
)
from governance.accounts.tenancy import organisation_ids

from .filters import IdFilter
from .serializers import ErrorSerializer
from .viewsets import ServiceDestroyMixin, ServicePartialUpdateMixin


class MembershipSerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    user = serializers.IntegerField(source="user_id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "organisation", "user", "username", "role", "created_at"]
        read_only_fields = fields


class MembershipUpdateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class MembershipFilter(django_filters.FilterSet):
    organisation = IdFilter(field_name="organisation_id")

    class Meta:
        model = Membership
        fields = ["organisation", "role"]


@extend_schema(tags=["members"])
@extend_schema_view(
    partial_update=extend_schema(
        request=MembershipUpdateSerializer,
        responses={
            200: MembershipSerializer,
            409: OpenApiResponse(ErrorSerializer, description="It would leave no admin."),
        },
    ),
    destroy=extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(ErrorSerializer, description="It would leave no admin."),
        }
    ),
)
class MembershipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ServicePartialUpdateMixin,
    ServiceDestroyMixin,
):
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    search_fields = ["user__username"]
    ordering_fields = ["created_at", "role"]
    ordering = ["organisation_id", "user__username", "id"]

    def get_queryset(self):
        return Membership.objects.filter(
            organisation_id__in=organisation_ids(self.request.user)
        ).select_related("user")

    update_service = membership_change_role
    update_serializer_class = MembershipUpdateSerializer
    delete_service = membership_remove
    service_object = "membership"

    def update_kwargs(self, data: dict) -> dict:
        return {"role": data["role"]}

    @extend_schema(
        request=None,
        responses={
            204: None,
            409: OpenApiResponse(ErrorSerializer, description="You are its last admin."),
        },
        description="Leave the organisation of this membership, which must be your own.",
    )
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        membership_leave(user=request.user, membership=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router) -> None:
    router.register("members", MembershipViewSet, basename="member")
