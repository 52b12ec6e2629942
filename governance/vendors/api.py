"""REST API for vendor profiles, their AI offerings, use cases and contacts.

Views are thin: they parse input with a serializer, look the row up through a scoped
selector (another organisation's row is a 404), and call a service, which checks the role.
"""

from __future__ import annotations

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from governance.api.caching import CachedListMixin
from governance.api.filters import IdFilter
from governance.api.mixins import ScopedRelatedField, organisation_for_write
from governance.api.serializers import ErrorSerializer, iso_datetime
from governance.api.viewsets import ServiceCreateMixin, ServiceDestroyMixin, ServiceModelViewSet
from governance.assessments.models import Rating

from . import selectors, services
from .filters import VendorFilterSet
from .models import (
    Contact,
    DataCategory,
    Offering,
    UseCase,
    Vendor,
)

# --------------------------------------------------------------------------- vendors


class CountryCodeField(serializers.CharField):
    """An ISO 3166-1 alpha-2 code, as text.

    django-countries' own serializer field builds and sorts the translated names of every
    country each time a serializer is instantiated, which cost more than the whole rest of a
    50-row vendor list. The code is checked against the country list by the model's
    full_clean in the service.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("min_length", 2)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data).upper()

    def to_representation(self, value):
        return getattr(value, "code", value) or ""


class VendorSerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(
        source="organisation_id",
        required=False,
        min_value=1,
        help_text="Where to create it; may be left out by members of one organisation.",
    )
    headquarters_country = CountryCodeField(help_text="ISO 3166-1 alpha-2 code, e.g. 'CN'.")
    parent_country = CountryCodeField(required=False, allow_blank=True, min_length=None)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=20, required=False
    )
    rating = serializers.ChoiceField(
        choices=Rating.choices,
        read_only=True,
        allow_null=True,
        help_text="Rating of the vendor's most recently scored assessment.",
    )

    class Meta:
        model = Vendor
        # The writable fields are exactly those the service accepts.
        fields = [
            "id",
            "organisation",
            *services.VENDOR_FIELDS,
            "is_illustrative",
            "rating",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_illustrative", "created_at", "updated_at"]
        # Uniqueness of the name is the service's rule, reported as a field error there.
        validators: list = []

    def to_representation(self, vendor):
        # The vendor list is the API's busiest read. Building the row directly costs a
        # fraction of DRF's per-field machinery; the declared fields above still define
        # the input and the schema, and the contract tests check this output against it.
        return {
            "id": vendor.pk,
            "organisation": vendor.organisation_id,
            "name": vendor.name,
            "legal_name": vendor.legal_name,
            "website": vendor.website,
            "headquarters_country": vendor.headquarters_country.code or "",
            "parent_company": vendor.parent_company,
            "parent_country": vendor.parent_country.code or "",
            "ownership_type": vendor.ownership_type,
            "description": vendor.description,
            "status": vendor.status,
            "tags": list(vendor.tags or []),
            "is_illustrative": vendor.is_illustrative,
            "rating": getattr(vendor, "rating", None),
            "created_at": iso_datetime(vendor.created_at),
            "updated_at": iso_datetime(vendor.updated_at),
        }


@extend_schema(tags=["vendors"])
@extend_schema_view(
    list=extend_schema(
        summary="List vendors",
        description="Each vendor with the rating of its most recently scored assessment. "
        "Responses carry an ETag; send it back in If-None-Match to get a 304 with no body "
        "while nothing in your organisations changed.",
    ),
    create=extend_schema(summary="Create a vendor"),
    destroy=extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(
                ErrorSerializer,
                description="It has a confirmed watchlist match or hits under review; "
                "offboard it instead.",
            ),
        }
    ),
)
class VendorViewSet(CachedListMixin, ServiceModelViewSet):
    serializer_class = VendorSerializer
    # The page's FilterSet: search and sort are its filters, so the same query string lists
    # the same vendors here and on the vendor page.
    filter_backends = [DjangoFilterBackend]
    filterset_class = VendorFilterSet

    def get_queryset(self):
        return selectors.vendors_with_rating(user=self.request.user)

    create_service = services.vendor_create
    update_service = services.vendor_update
    delete_service = services.vendor_delete
    service_object = "vendor"

    def create_kwargs(self, data: dict) -> dict:
        organisation_id = organisation_for_write(self.request, data.pop("organisation_id", None))
        return {"organisation_id": organisation_id, "data": data}

    def update_kwargs(self, data: dict) -> dict:
        # A vendor stays in its organisation; the field only chooses one on create.
        data.pop("organisation_id", None)
        return {"data": data}


# --------------------------------------------------------------------------- offerings


class OfferingSerializer(serializers.ModelSerializer):
    vendor = ScopedRelatedField(scope=lambda user: selectors.vendor_list(user=user), model=Vendor)
    processing_regions = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=40, required=False
    )

    class Meta:
        model = Offering
        # As for vendors: the writable fields are exactly those the service accepts.
        fields = ["id", "vendor", *services.OFFERING_FIELDS, "created_at"]
        read_only_fields = ["created_at"]
        validators: list = []


class OfferingUpdateSerializer(OfferingSerializer):
    """An offering stays with its vendor; moving it would move it between portfolios."""

    vendor = serializers.PrimaryKeyRelatedField(read_only=True)  # type: ignore[assignment,var-annotated]


class OfferingFilter(django_filters.FilterSet):
    vendor = IdFilter(field_name="vendor_id")

    class Meta:
        model = Offering
        fields = ["vendor", "kind", "deployment", "licence_type", "pricing_model"]


@extend_schema(tags=["vendors"])
class OfferingViewSet(ServiceModelViewSet):
    serializer_class = OfferingSerializer
    filterset_class = OfferingFilter
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]
    ordering = ["vendor__name", "name", "id"]

    def get_queryset(self):
        return selectors.offering_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return OfferingUpdateSerializer
        return OfferingSerializer

    create_service = services.offering_create
    update_service = services.offering_update
    delete_service = services.offering_delete
    service_object = "offering"

    def create_kwargs(self, data: dict) -> dict:
        return {"vendor": data.pop("vendor"), "data": data}


# --------------------------------------------------------------------------- use cases


class UseCaseSerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    vendor = serializers.IntegerField(source="offering.vendor_id", read_only=True)
    offering = ScopedRelatedField(
        scope=lambda user: selectors.offering_list(user=user), model=Offering
    )
    data_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=DataCategory.choices), max_length=len(DataCategory)
    )

    class Meta:
        model = UseCase
        fields = ["id", "organisation", "vendor", *services.USE_CASE_FIELDS, "created_at"]
        read_only_fields = ["created_at"]
        validators: list = []


class UseCaseFilter(django_filters.FilterSet):
    vendor = IdFilter(field_name="offering__vendor_id")
    offering = IdFilter(field_name="offering_id")

    class Meta:
        model = UseCase
        fields = ["vendor", "offering", "business_criticality", "eu_ai_act_class"]


@extend_schema(tags=["vendors"])
class UseCaseViewSet(ServiceModelViewSet):
    serializer_class = UseCaseSerializer
    filterset_class = UseCaseFilter
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name", "id"]

    def get_queryset(self):
        return selectors.use_case_list(user=self.request.user)

    create_service = services.use_case_create
    update_service = services.use_case_update
    delete_service = services.use_case_delete
    service_object = "use_case"

    def create_kwargs(self, data: dict) -> dict:
        # A use case belongs to the organisation of its offering's vendor.
        return {"organisation_id": data["offering"].vendor.organisation_id, "data": data}


# --------------------------------------------------------------------------- contacts


class ContactSerializer(serializers.ModelSerializer):
    vendor = ScopedRelatedField(scope=lambda user: selectors.vendor_list(user=user), model=Vendor)

    class Meta:
        model = Contact
        fields = ["id", "vendor", "name", "email", "title", "phone"]


class ContactFilter(django_filters.FilterSet):
    vendor = IdFilter(field_name="vendor_id")

    class Meta:
        model = Contact
        fields = ["vendor"]


@extend_schema(tags=["vendors"])
class ContactViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, ServiceCreateMixin, ServiceDestroyMixin
):
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    search_fields = ["name", "email"]
    ordering_fields = ["name"]
    ordering = ["name", "id"]

    def get_queryset(self):
        return selectors.contact_list(user=self.request.user).select_related("vendor")

    create_service = services.contact_create
    delete_service = services.contact_delete
    service_object = "contact"

    def create_kwargs(self, data: dict) -> dict:
        return {"vendor": data.pop("vendor"), "data": data}


def register(router) -> None:
    router.register("vendors", VendorViewSet, basename="vendor")
    router.register("offerings", OfferingViewSet, basename="offering")
    router.register("use-cases", UseCaseViewSet, basename="use-case")
    router.register("contacts", ContactViewSet, basename="contact")
