"""Invitations: how people join an organisation, with their consent.

Admins (Capability.MANAGE) list, send and revoke their organisation's invitations; any
signed-in user accepts one with the token from the link they received. Nothing in these
answers says whether an e-mail address belongs to an account.
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.accounts import selectors, services
from governance.accounts.models import Invitation, InvitationStatus, Role
from governance.accounts.tenancy import Capability, organisation_ids, require

from .filters import IdFilter
from .members import MembershipSerializer
from .mixins import ApiViewSet, organisation_for_write
from .serializers import ErrorSerializer


class InvitationSerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    status = serializers.ChoiceField(choices=InvitationStatus.choices, read_only=True)
    invited_by = serializers.CharField(
        source="invited_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Invitation
        fields = [
            "id",
            "organisation",
            "email",
            "role",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
        ]
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(
        required=False, min_value=1, help_text="Needed when you belong to several."
    )
    email = serializers.EmailField(max_length=254, help_text="Where the link is sent.")
    role = serializers.ChoiceField(choices=Role.choices, help_text="The role on accepting.")


class InvitationAcceptSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200, help_text="The token from the invitation link.")


class InvitationAcceptedSerializer(serializers.Serializer):
    membership = MembershipSerializer()
    joined = serializers.BooleanField(
        help_text="False when you were a member already; your role then stays as it was."
    )


class InvitationFilter(django_filters.FilterSet):
    organisation = IdFilter(field_name="organisation_id")

    class Meta:
        model = Invitation
        fields = ["organisation", "role", "email"]


@extend_schema(tags=["members"])
class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = InvitationSerializer
    filterset_class = InvitationFilter
    search_fields = ["email"]
    ordering_fields = ["created_at", "expires_at", "email"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        if self.action == "list":
            # IsAuthenticated, the default permission, has run: the user is never anonymous.
            return selectors.invitation_list(user=self.request.user)  # type: ignore[arg-type]
        # One of the user's organisations' invitations is found, then refused with a 403
        # unless they administer it; another organisation's is a 404 like a missing one.
        return Invitation.objects.filter(
            organisation_id__in=organisation_ids(self.request.user)
        ).select_related("invited_by")

    def get_object(self):
        invitation = super().get_object()
        require(self.request.user, Capability.MANAGE, invitation.organisation_id)
        return invitation

    def list(self, request, *args, **kwargs):
        if not selectors.managed_organisation_ids(request.user):
            raise PermissionDenied("Only admins see their organisation's invitations.")
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=InvitationCreateSerializer,
        responses={201: InvitationSerializer},
        description="Send an invitation by e-mail. The answer is the same whether or not the "
        "address belongs to an account; a new invitation to the same address replaces the "
        "pending one.",
    )
    def create(self, request):
        form = InvitationCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        organisation_id = organisation_for_write(request, data.get("organisation"))
        invitation = services.invitation_create(
            actor=request.user,
            organisation_id=organisation_id,
            email=data["email"],
            role=data["role"],
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            200: InvitationSerializer,
            409: OpenApiResponse(ErrorSerializer, description="It is no longer pending."),
        },
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        invitation = services.invitation_revoke(actor=request.user, invitation=self.get_object())
        return Response(InvitationSerializer(invitation).data)

    @extend_schema(
        request=InvitationAcceptSerializer,
        responses={200: InvitationAcceptedSerializer},
        description="Accept an invitation as the signed-in user. Your other organisations and "
        "the organisation your web pages open in are unchanged.",
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def accept(self, request):
        form = InvitationAcceptSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        membership, joined = services.invitation_accept(
            user=request.user, token=form.validated_data["token"]
        )
        return Response(
            InvitationAcceptedSerializer({"membership": membership, "joined": joined}).data
        )


def register(router) -> None:
    router.register("invitations", InvitationViewSet, basename="invitation")
