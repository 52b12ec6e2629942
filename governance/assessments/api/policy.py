"""The organisation's scoring policy: read it, save a new version, rescore."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.accounts.tenancy import memberships_of
from governance.api.mixins import ApiViewMixin, organisation_for_write

from .. import services


class PolicySerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation_id")
    version = serializers.IntegerField()
    body = serializers.JSONField(help_text="Domain weights, thresholds, rating matrix, ...")
    note = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class PolicyUpdateSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(required=False, min_value=1)
    body = serializers.DictField(help_text="The complete new policy.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    rescore = serializers.BooleanField(
        default=False, help_text="Rescore every scored assessment with the new policy."
    )


class PolicyUpdatedSerializer(PolicySerializer):
    rescore_enqueued = serializers.IntegerField(
        allow_null=True, help_text="Assessments queued for rescoring, if asked."
    )


def _organisation_to_read(request) -> int:
    raw = request.query_params.get("organisation")
    if raw is None:
        return organisation_for_write(request, None)
    try:
        value = int(raw)
    except ValueError:
        raise serializers.ValidationError({"organisation": ["Enter a whole number."]}) from None
    if value not in memberships_of(request.user):
        raise NotFound()
    return value


@extend_schema(tags=["policy"])
class PolicyView(ApiViewMixin, APIView):
    """The organisation's current scoring policy. Admins save a new version, and may ask
    for every scored assessment to be rescored with it."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "organisation", int, description="Needed by members of several organisations."
            )
        ],
        responses={200: PolicySerializer},
    )
    def get(self, request):
        policy = services.policy_current(organisation_id=_organisation_to_read(request))
        return Response(PolicySerializer(policy).data)

    @extend_schema(request=PolicyUpdateSerializer, responses={200: PolicyUpdatedSerializer})
    def put(self, request):
        form = PolicyUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        organisation_id = organisation_for_write(request, data.get("organisation"))
        policy = services.policy_update(
            actor=request.user,
            organisation_id=organisation_id,
            body=data["body"],
            note=data.get("note", ""),
        )
        enqueued = None
        if data["rescore"]:
            enqueued = services.rescore_request(actor=request.user, organisation_id=organisation_id)
        return Response({**PolicySerializer(policy).data, "rescore_enqueued": enqueued})
