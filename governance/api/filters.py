"""Filter types shared by the API's filtersets."""

import django_filters
from django import forms
from rest_framework.filters import OrderingFilter

MAX_ID = 2**63 - 1


class IdFilter(django_filters.Filter):
    """An id in the query string: an integer within bigint range, else a 400.

    django-filter's NumberFilter parses to Decimal and passes any magnitude on to the
    database, where an out-of-range value on PostgreSQL is an error, not an empty result.
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class AliasedOrderingFilter(OrderingFilter):
    """`?ordering=` whose public names may map to other expressions (`view.ordering_aliases`),
    e.g. `rating` sorting by severity rank rather than by the rating's text."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        aliases = getattr(view, "ordering_aliases", None)
        if not ordering or not aliases:
            return ordering
        mapped = []
        for term in ordering:
            descending = term.startswith("-")
            name = aliases.get(term.lstrip("-"), term.lstrip("-"))
            mapped.append(f"-{name}" if descending else name)
        return mapped
