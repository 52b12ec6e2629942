"""Evidence files: metadata and download."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action

from governance.api.mixins import ApiViewSet

from .. import selectors
from .serializers import EvidenceSerializer


@extend_schema(tags=["assessments"])
class EvidenceViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    """Evidence files: metadata and the stored bytes, for members of the organisation."""

    serializer_class = EvidenceSerializer

    def get_queryset(self):
        return selectors.evidence_list(user=self.request.user)

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        summary="Download the file",
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        evidence, handle = selectors.evidence_open(user=request.user, pk=pk)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=evidence.original_name,
            content_type=evidence.content_type,
        )
