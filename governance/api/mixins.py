"""Building blocks every API view shares: organisation scoping helpers, the guard against
NUL bytes, and related fields whose choices are limited to the user's organisations."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rest_framework import exceptions, serializers, viewsets

from governance.accounts.tenancy import memberships_of

if TYPE_CHECKING:
    # What the mixin is mixed into; at run time it is a plain class.
    from rest_framework.views import APIView as _View
else:
    _View = object

# Primary keys are bigints; anything longer cannot name a row and is a 404 without a query.
PK_PATTERN = r"[0-9]{1,18}"


def contains_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(v) for v in value)
    return False


class ApiViewMixin(_View):
    """Refuses NUL bytes anywhere in the query string or body before a view runs.

    PostgreSQL cannot store NUL in text or JSONB, so letting one through would surface as a
    database error (a 500) far from the input that caused it.
    """

    lookup_value_regex = PK_PATTERN
    check_body_for_nul = True

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for name, values in request.query_params.lists():
            if contains_nul(name) or contains_nul(values):
                raise exceptions.ValidationError(
                    {name.replace("\x00", ""): ["NUL bytes are not allowed."]}
                )
        if self.check_body_for_nul and request.method in {"POST", "PUT", "PATCH"}:
            data = request.data
            if hasattr(data, "lists"):  # form and multipart bodies; files by their name
                data = {k: [getattr(item, "name", item) for item in v] for k, v in data.lists()}
            if contains_nul(data):
                raise exceptions.ValidationError(
                    {"non_field_errors": ["NUL bytes are not allowed."]}
                )


class ApiViewSet(ApiViewMixin, viewsets.GenericViewSet):
    pass


def organisation_for_write(request, value: int | None) -> int:
    """The organisation a new row goes into: the one named, or the user's only one.

    Naming an organisation the user does not belong to reads exactly like naming one that
    does not exist, so the answer never confirms that it does.
    """
    roles = memberships_of(request.user)
    if value is None:
        if len(roles) == 1:
            return next(iter(roles))
        raise exceptions.ValidationError(
            {"organisation": ["You belong to several organisations; name one."]}
            if roles
            else {"organisation": ["You do not belong to any organisation."]}
        )
    if value not in roles:
        raise exceptions.ValidationError(
            {"organisation": [f'Invalid pk "{value}" - object does not exist.']}
        )
    return value


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key whose choices are the rows the requesting user may see."""

    def __init__(self, scope: Callable, model, **kwargs):
        self.scope = scope
        # The unscoped queryset only tells the schema generator the model; lookups use scope.
        super().__init__(queryset=model.objects.all(), **kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].user)
