"""Findings: list, read, and update status, owner, due date and note."""

from __future__ import annotations

import django_filters
from django.db.models import F
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.response import Response

from governance.api.filters import IdFilter
from governance.api.mixins import ApiViewSet

from .. import selectors, services
from ..models import Finding, FindingStatus, Severity


class FindingSerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    vendor = serializers.IntegerField(source="vendor_id", read_only=True)
    question = serializers.CharField(source="question_key", read_only=True)
    owner_username = serializers.CharField(
        source="owner.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Finding
        fields = [
            "id",
            "organisation",
            "assessment",
            "vendor",
            "key",
            "question",
            "domain",
            "severity",
            "title",
            "text",
            "recommendation",
            "status",
            "owner",
            "owner_username",
            "due_date",
            "note",
            "closed_automatically",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FindingUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=FindingStatus.choices, required=False)
    owner = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="User id of a member."
    )
    due_date = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class FindingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=FindingStatus.choices)
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    assessment = IdFilter(field_name="assessment_id")
    vendor = IdFilter(field_name="assessment__vendor_id")
    owner = IdFilter(field_name="owner_id")
    organisation = IdFilter(field_name="organisation_id")

    class Meta:
        model = Finding
        fields = ["status", "severity", "domain", "assessment", "vendor", "owner", "organisation"]


@extend_schema(tags=["findings"])
class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    search_fields = ["title", "question_key"]
    ordering_fields = ["severity", "due_date", "created_at", "updated_at", "status"]
    ordering = ["-updated_at", "-id"]

    def get_queryset(self):
        # Only the owner's name is shown; the result row (with its large outcome) is not.
        return (
            selectors.finding_list(user=self.request.user)
            .select_related(None)
            .select_related("owner")
            .annotate(vendor_id=F("assessment__vendor_id"))
        )

    @extend_schema(request=FindingUpdateSerializer, responses={200: FindingSerializer})
    def partial_update(self, request, pk=None):
        finding = self.get_object()
        form = FindingUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.finding_update(actor=request.user, finding=finding, data=dict(form.validated_data))
        return Response(FindingSerializer(self.get_queryset().get(pk=finding.pk)).data)
