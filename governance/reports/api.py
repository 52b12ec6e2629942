"""REST API for reports: request one (202, rendered in the background), poll its status,
download the PDF once it is ready."""

from __future__ import annotations

import django_filters
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.api.errors import Conflict
from governance.api.filters import IdFilter
from governance.api.mixins import ApiViewSet, organisation_for_write
from governance.api.serializers import ErrorSerializer

from . import selectors, services
from .models import Report, ReportKind, ReportStatus


class ReportSerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    pdf_url = serializers.SerializerMethodField(help_text="Where to fetch the PDF once ready.")

    class Meta:
        model = Report
        fields = [
            "id",
            "organisation",
            "kind",
            "assessment",
            "result",
            "status",
            "error",
            "sha256",
            "size",
            "page_count",
            "created_at",
            "started_at",
            "completed_at",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_pdf_url(self, report) -> str:
        return reverse("report-pdf", args=[report.pk])


class PortfolioRequestSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(required=False, min_value=1)


class ReportFilter(django_filters.FilterSet):
    assessment = IdFilter(field_name="assessment_id")
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices)
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)

    class Meta:
        model = Report
        fields = ["assessment", "kind", "status"]


def present(report: Report, code=status.HTTP_202_ACCEPTED) -> Response:
    return Response(ReportSerializer(report).data, status=code)


@extend_schema(tags=["reports"])
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = ReportSerializer
    filterset_class = ReportFilter
    ordering_fields = ["created_at", "completed_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        # Ids are enough here; the joined result row would drag its whole outcome along.
        return selectors.report_list(user=self.request.user).select_related(None)

    @extend_schema(
        request=PortfolioRequestSerializer,
        responses={202: ReportSerializer},
        summary="Request a portfolio report of the organisation",
    )
    @action(detail=False, methods=["post"])
    def portfolio(self, request):
        form = PortfolioRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        organisation_id = organisation_for_write(request, form.validated_data.get("organisation"))
        report = services.portfolio_report_request(
            actor=request.user, organisation_id=organisation_id
        )
        return present(report)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            409: OpenApiResponse(ErrorSerializer, description="Not rendered (yet)."),
        },
        summary="Download the PDF",
    )
    @action(detail=True, methods=["get"], url_path="pdf", url_name="pdf", filter_backends=[])
    def pdf(self, request, pk=None):
        report = selectors.report_get(user=request.user, pk=pk)
        if report.status != ReportStatus.READY or not report.file:
            raise Conflict(f"The report is {report.get_status_display().lower()}, not ready yet.")
        response = FileResponse(
            report.file.open("rb"),
            as_attachment=True,
            filename=report.download_name,
            content_type="application/pdf",
        )
        # The PDF is confidential: no shared cache may keep a copy.
        response["Cache-Control"] = "private, no-store"
        return response


def register(router) -> None:
    router.register("reports", ReportViewSet, basename="report")
