"""REST API for watchlist screening: screen a vendor, read the outcomes, dispose of hits."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.api.filters import IdFilter
from governance.api.mixins import ApiViewSet, ScopedRelatedField
from governance.api.serializers import ErrorSerializer
from governance.vendors import selectors as vendor_selectors
from governance.vendors.models import Vendor

from . import selectors, services
from .models import Disposition, Screening, ScreeningStatus


class HitSerializer(serializers.Serializer):
    entry = serializers.IntegerField(help_text="The listed party's id in the list it matched.")
    name = serializers.CharField(help_text="The listed party's name as published.")
    alt_names = serializers.ListField(child=serializers.CharField())
    matched_name = serializers.CharField(help_text="The listed name that matched.")
    source = serializers.CharField(  # type: ignore[assignment]  # a field, not Field.source
        help_text="The list, e.g. 'Entity List (EL) - BIS'."
    )
    programs = serializers.ListField(child=serializers.CharField())
    countries = serializers.ListField(child=serializers.CharField())
    start_date = serializers.CharField(help_text="Listed since (YYYY-MM-DD), when published.")
    remarks = serializers.CharField()
    source_url = serializers.CharField()
    field = serializers.CharField(help_text="Which of the vendor's names matched.")
    value = serializers.CharField(help_text="That name as screened.")
    score = serializers.IntegerField(help_text="Name similarity, 0-100.")
    same_country = serializers.BooleanField(
        help_text="The listed party has an address in the vendor's or its parent's country."
    )


class ScreeningSerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    names = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(), min_length=2, max_length=2),
        read_only=True,
        help_text="The vendor's names as screened: [field, value] pairs.",
    )
    hits = HitSerializer(many=True, read_only=True)
    screened_by = serializers.CharField(
        source="screened_by.username", read_only=True, allow_null=True, default=None
    )
    disposed_by = serializers.CharField(
        source="disposed_by.username", read_only=True, allow_null=True, default=None
    )
    needs_review = serializers.BooleanField(read_only=True)

    class Meta:
        model = Screening
        fields = [
            "id",
            "organisation",
            "vendor",
            "list_label",
            "list_sha256",
            "names",
            "hits",
            "status",
            "needs_review",
            "screened_at",
            "screened_by",
            "disposition",
            "disposition_note",
            "disposed_at",
            "disposed_by",
        ]
        read_only_fields = fields


class ConflictSerializer(serializers.Serializer):
    section = serializers.CharField(help_text="Key of the question's section.")
    question = serializers.CharField(help_text="Key of the question.")
    text = serializers.CharField(help_text="The question.")
    answer = serializers.CharField(help_text="The answer given, which says 'not listed'.")
    hits = HitSerializer(
        many=True, help_text="The screening's hits on the lists the question is about."
    )


class AssessmentScreeningSerializer(serializers.Serializer):
    screening = ScreeningSerializer(
        allow_null=True, help_text="The vendor's latest screening; null if never screened."
    )
    conflicts = ConflictSerializer(
        many=True,
        help_text="Answers saying the vendor is not listed while the screening has a hit on "
        "the lists the question is about that no reviewer has cleared as a false positive. "
        "Scoring counts the answers as given.",
    )


class ScreeningRequestSerializer(serializers.Serializer):
    vendor = ScopedRelatedField(
        scope=lambda user: vendor_selectors.vendor_list(user=user), model=Vendor
    )


class DispositionSerializer(serializers.Serializer):
    disposition = serializers.ChoiceField(
        choices=[c for c in Disposition.choices if c[0]],
        help_text="false_positive or confirmed.",
    )
    note = serializers.CharField(max_length=5000, help_text="Why; kept in the audit trail.")


class ScreeningFilter(django_filters.FilterSet):
    vendor = IdFilter(field_name="vendor_id")
    status = django_filters.ChoiceFilter(choices=ScreeningStatus.choices)
    organisation = IdFilter(field_name="organisation_id")

    class Meta:
        model = Screening
        fields = ["vendor", "status", "organisation"]


@extend_schema(tags=["screening"])
class ScreeningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Watchlist screenings of vendors, newest first."""

    serializer_class = ScreeningSerializer
    filterset_class = ScreeningFilter
    ordering_fields = ["screened_at"]
    ordering = ["-screened_at", "-id"]

    def get_queryset(self):
        return selectors.screening_list(user=self.request.user)

    @extend_schema(
        request=ScreeningRequestSerializer,
        responses={201: ScreeningSerializer, 409: ErrorSerializer},
        summary="Screen a vendor's names against the watchlist in force",
    )
    def create(self, request):
        form = ScreeningRequestSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        screening = services.vendor_screen(actor=request.user, vendor=form.validated_data["vendor"])
        return Response(ScreeningSerializer(screening).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=DispositionSerializer,
        responses={200: ScreeningSerializer, 409: ErrorSerializer},
        summary="Record a reviewer's verdict on a potential match",
    )
    @action(detail=True, methods=["post"])
    def disposition(self, request, pk=None):
        screening = self.get_object()
        form = DispositionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.screening_dispose(
            actor=request.user,
            screening=screening,
            disposition=form.validated_data["disposition"],
            note=form.validated_data["note"],
        )
        return Response(ScreeningSerializer(self.get_queryset().get(pk=screening.pk)).data)


def register(router) -> None:
    router.register("screenings", ScreeningViewSet, basename="screening")
