"""Viewsets whose writes are service calls.

A viewset names the service of each write and the keyword under which its services take the
row; the base does the rest the same way everywhere: parse the body with a serializer, look
the row up through the viewset's scoped queryset (another organisation's row is a 404), call
the service with the acting user, and present what it returns with the viewset's serializer.
The role is checked by the service, not here, so the web pages and the API cannot disagree.

    class OfferingViewSet(ServiceModelViewSet):
        create_service = services.offering_create
        update_service = services.offering_update
        delete_service = services.offering_delete
        service_object = "offering"

        def create_kwargs(self, data):
            return {"vendor": data.pop("vendor"), "data": data}

Only the mixins a viewset includes become routes (and operations in the schema), as with
DRF's own mixins. The classes here are described in comments, not docstrings: the schema
generator takes the first docstring it finds on a viewset's classes as the description of
every one of its operations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import Model
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from .mixins import ApiViewSet


# What every service-backed write shares: the row's keyword and the input parsing.
class ServiceViewSet(ApiViewSet):
    # The keyword under which the update and delete services take the row, e.g. "vendor".
    service_object: ClassVar[str]

    def validated_input(
        self,
        request: Request,
        input_class: type[serializers.Serializer] | None,
        *,
        instance: Model | None = None,
        partial: bool = False,
    ) -> dict[str, Any]:
        """The body, validated (a 400 otherwise), as a plain dict the mapping may change.

        Without an input class, the viewset's own serializer parses the body, bound to the row
        for an update so that a partial one checks only what it is given. An input class of
        its own describes a command rather than the row (e.g. "add this user by name") and
        is built from the body alone.
        """
        if input_class is None:
            form = self.get_serializer(instance, data=request.data, partial=partial)
        else:
            form = input_class(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        return dict(form.validated_data)

    def present(self, obj: Model, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(obj).data, status=code)


# POST to the list: `create_service(actor=..., **create_kwargs(data))`, answered 201.
class ServiceCreateMixin(ServiceViewSet):
    create_service: ClassVar[Callable[..., Model]]
    create_serializer_class: ClassVar[type[serializers.Serializer] | None] = None

    def create_kwargs(self, data: dict[str, Any]) -> dict[str, Any]:
        """The service's keyword arguments besides the actor, from the validated input."""
        return {"data": data}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated_input(request, self.create_serializer_class)
        # Read from the class: a function stored on a class would bind to the view instance.
        service = type(self).create_service
        obj = service(actor=request.user, **self.create_kwargs(data))
        return self.present(obj, status.HTTP_201_CREATED)


# PATCH to the row: `update_service(actor=..., <service_object>=row, **update_kwargs(...))`.
class ServicePartialUpdateMixin(ServiceViewSet):
    update_service: ClassVar[Callable[..., Model]]
    update_serializer_class: ClassVar[type[serializers.Serializer] | None] = None

    def update_kwargs(self, data: dict[str, Any]) -> dict[str, Any]:
        """The service's keyword arguments besides the actor and the row."""
        return {"data": data}

    def service_update(self, request: Request, *, partial: bool) -> Response:
        instance = self.get_object()
        data = self.validated_input(
            request, self.update_serializer_class, instance=instance, partial=partial
        )
        service = type(self).update_service
        obj = service(
            actor=request.user, **{self.service_object: instance}, **self.update_kwargs(data)
        )
        return self.present(obj)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.service_update(request, partial=True)


# PUT and PATCH to the row.
class ServiceUpdateMixin(ServicePartialUpdateMixin):
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.service_update(request, partial=False)


# DELETE of the row: `delete_service(actor=..., <service_object>=row)`, answered 204.
class ServiceDestroyMixin(ServiceViewSet):
    delete_service: ClassVar[Callable[..., None]]

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        service = type(self).delete_service
        service(actor=request.user, **{self.service_object: self.get_object()})
        return Response(status=status.HTTP_204_NO_CONTENT)


# List, read, create, change and delete, every write through the named service. DRF's mixins
# come first, as in its ModelViewSet (and so the schema generator stops looking for a
# description at them, before the docstrings of the plumbing below).
class ServiceModelViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    ServiceDestroyMixin,
):
    pass
