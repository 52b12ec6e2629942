"""Token login, the caller's own tokens, and the JSON face of a login lockout."""

from __future__ import annotations

import logging

from axes.helpers import get_client_username, get_cool_off, get_cool_off_iso8601, get_failure_limit
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import JsonResponse
from django.shortcuts import render
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.accounts.models import ApiToken

from .mixins import ApiViewMixin, ApiViewSet
from .serializers import ErrorSerializer
from .throttling import AuthRateThrottle

logger = logging.getLogger("governance.api.auth")

LOCKED_OUT = "Too many failed login attempts; try again later."


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out login sees: JSON for the API, the lockout page for the browser.

    Axes calls this from its middleware for every request it locked out.
    """
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": LOCKED_OUT, "code": "locked_out"}, status=settings.AXES_HTTP_RESPONSE_CODE
        )
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
    }
    cool_off = get_cool_off(request)
    if cool_off:
        context["cooloff_time"] = get_cool_off_iso8601(cool_off)
        context["cooloff_timedelta"] = cool_off
    return render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="What the token is for."
    )


class TokenIssuedSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The secret. It is shown once; store it safely.")
    id = serializers.IntegerField()
    prefix = serializers.CharField()
    name = serializers.CharField()


class ApiTokenSerializer(serializers.ModelSerializer):
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "revoked_at", "is_active"]
        read_only_fields = fields


class TokenObtainView(ApiViewMixin, APIView):
    """Exchange a username and password for an API token.

    The password goes through django.contrib.auth.authenticate with the request, so
    django-axes counts every failure and locks the username and address out after
    AXES_FAILURE_LIMIT attempts.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AuthRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            201: TokenIssuedSerializer,
            400: ErrorSerializer,
            429: OpenApiResponse(ErrorSerializer, description="Locked out or throttled."),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(
            request=django_request,
            username=form.validated_data["username"],
            password=form.validated_data["password"],
        )
        if getattr(django_request, "axes_locked_out", False):
            logger.warning("API login locked out for %r", form.validated_data["username"])
            return Response(
                {"detail": LOCKED_OUT, "code": "locked_out"},
                status=settings.AXES_HTTP_RESPONSE_CODE,
            )
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": ["Unable to log in with the provided credentials."]}
            )
        token, raw = ApiToken.issue(user, name=form.validated_data.get("name", ""))
        return Response(
            {"token": raw, "id": token.pk, "prefix": token.prefix, "name": token.name},
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["auth"])
class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """The caller's own API tokens. Deleting one revokes it; the row stays for the record."""

    serializer_class = ApiTokenSerializer
    filter_backends: list = []

    def get_queryset(self):
        # IsAuthenticated, the default permission, has run: the user is never anonymous.
        user = self.request.user
        return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")  # type: ignore[misc]

    @extend_schema(request=None, responses={204: None, 404: ErrorSerializer})
    def destroy(self, request, pk=None):
        self.get_object().revoke()
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: ApiTokenSerializer, 404: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = self.get_object()
        token.revoke()
        return Response(self.get_serializer(token).data)


def register(router) -> None:
    router.register("auth/tokens", ApiTokenViewSet, basename="api-token")
