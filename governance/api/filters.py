"""Filter types shared by the API's filtersets."""

import django_filters
from django import forms

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
