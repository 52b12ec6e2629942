"""The vendor list's search, filters and sort: one FilterSet behind both the API's
`GET /api/v1/vendors/` and the vendor page, so the same query string means the same vendors
on both.

The meanings are chosen for a risk team: "country" is where the vendor or its ultimate
parent is based (exposure through ownership counts as much as the headquarters), search
reads the vendor's names and its parent's, and "rating" can ask for the vendors nobody has
rated yet. The FilterSet runs over a queryset that already carries the `rating` annotation
(`selectors.vendors_with_rating` or `selectors.vendor_table`).
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django_countries import countries

from governance.api.filters import IdFilter
from governance.assessments.models import Rating

from . import selectors
from .models import OwnershipType, Vendor, VendorStatus

# The value of `rating` that asks for vendors with no scored assessment yet.
NOT_RATED = "none"

# The order every sort falls back to, so pages never shuffle rows that tie.
TIE_BREAK = ("name", "id")


class SearchInput(forms.TextInput):
    input_type = "search"


class CountryCodeField(forms.ChoiceField):
    """An ISO 3166-1 alpha-2 code in any case ("fr" is France).

    The country names are only built when the field is rendered: building and sorting the
    translated names of every country costs more than the rest of an API vendor list, and
    checking a code needs no names."""

    def __init__(self, **kwargs):
        kwargs["choices"] = lambda: [("", "Any country"), *countries]
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(value).strip().upper()

    def valid_value(self, value):
        return value in countries


class CountryFilter(django_filters.Filter):
    field_class = CountryCodeField


class VendorOrderingFilter(django_filters.OrderingFilter):
    """Sort terms by their public names; `rating` sorts by severity (low → critical, the
    unrated first), not by the rating's spelling. The severity rank costs a subquery of its
    own, so it is added only when a sort asks for it."""

    def filter(self, qs: QuerySet[Vendor], value) -> QuerySet[Vendor]:
        terms = [term for term in value or () if term]
        if not terms:
            return qs.order_by(*TIE_BREAK)
        if any(term.lstrip("-") == "rating" for term in terms):
            qs = selectors.with_rating_rank(qs)
        ordering = [self.get_ordering_value(term) for term in terms]
        named = {term.lstrip("-") for term in ordering}
        return qs.order_by(*ordering, *(field for field in TIE_BREAK if field not in named))


class VendorFilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class VendorFilterSet(django_filters.FilterSet):
    # Set by FilterSet's metaclass and by _form_class below; declared for the type checker.
    _meta: ClassVar[Any]
    _built_form_class: ClassVar[type[forms.Form]]

    search = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        max_length=200,
        help_text="Text the vendor's name, legal name or parent company contains (any case).",
        widget=SearchInput(attrs={"placeholder": "Name, legal name or parent"}),
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=VendorStatus.choices,
        empty_label="Any status",
        help_text="Where the vendor stands in the relationship lifecycle.",
    )
    ownership = django_filters.ChoiceFilter(
        label="Ownership",
        field_name="ownership_type",
        choices=OwnershipType.choices,
        empty_label="Any ownership",
        help_text="How the vendor is owned.",
    )
    country = CountryFilter(
        label="Country",
        method="filter_country",
        help_text="ISO 3166-1 alpha-2 code (any case): vendors headquartered there or whose "
        "ultimate parent is.",
    )
    rating = django_filters.ChoiceFilter(
        label="Rating",
        choices=Rating.choices,
        empty_label="Any rating",
        null_value=NOT_RATED,
        null_label="Not yet rated",
        help_text="Rating of the vendor's most recently scored assessment; "
        f"`{NOT_RATED}` for vendors not yet rated.",
    )
    organisation = IdFilter(field_name="organisation_id")
    ordering = VendorOrderingFilter(
        label="Sort by",
        fields=(
            ("name", "name"),
            ("rating_rank", "rating"),
            ("headquarters_country", "headquarters_country"),
            ("status", "status"),
            ("created_at", "created_at"),
            ("updated_at", "updated_at"),
        ),
        choices=(
            ("name", "Name A–Z"),
            ("-name", "Name Z–A"),
            ("-rating", "Highest risk first"),
            ("rating", "Lowest risk first"),
            ("headquarters_country", "Country"),
            ("-headquarters_country", "Country, Z–A"),
            ("status", "Status"),
            ("-status", "Status, reversed"),
            ("-updated_at", "Recently updated"),
            ("updated_at", "Least recently updated"),
            ("-created_at", "Newest"),
            ("created_at", "Oldest"),
        ),
        empty_label=None,
        help_text="Comma-separated sort terms, `-` for descending; `rating` sorts by severity. "
        "Ties are broken by name.",
    )

    class Meta:
        model = Vendor
        form = VendorFilterForm
        fields = ["search", "status", "ownership", "country", "rating", "organisation"]

    def filter_search(self, queryset: QuerySet[Vendor], name: str, value: str) -> QuerySet[Vendor]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(legal_name__icontains=value)
            | Q(parent_company__icontains=value)
        )

    def filter_country(self, queryset: QuerySet[Vendor], name: str, value: str) -> QuerySet[Vendor]:
        return queryset.filter(Q(headquarters_country=value) | Q(parent_country=value))

    def filter_queryset(self, queryset: QuerySet[Vendor]) -> QuerySet[Vendor]:
        queryset = super().filter_queryset(queryset)
        # An unreadable sort is left out like any other filter; the list still has an order.
        if "ordering" not in self.form.cleaned_data:
            queryset = queryset.order_by(*TIE_BREAK)
        return queryset

    @classmethod
    def _form_class(cls) -> type[forms.Form]:
        # django-filter builds a new form class, and a field per filter, for every request;
        # the class depends only on the declared filters, so it is built once. The vendor
        # list is the API's busiest read.
        if "_built_form_class" not in cls.__dict__:
            # From copies: a field cached on a base filter would be copied on every request.
            filters = copy.deepcopy(cls.base_filters)
            fields = {name: f.field for name, f in filters.items()}
            cls._built_form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
        return cls._built_form_class

    def get_form_class(self) -> type[forms.Form]:
        return self._form_class()

    @property
    def filtered(self) -> bool:
        """Whether anything but the sort narrows the list (the page says "match your
        filters")."""
        data = getattr(self.form, "cleaned_data", {})
        return any(value for key, value in data.items() if key != "ordering")
