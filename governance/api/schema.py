"""OpenAPI generation: every operation documents the error responses it can give, in the
one error shape, so clients and the schema-driven tests know what to expect."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema

from .serializers import ErrorSerializer

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["429"]
        if self.get_auth():
            codes += ["401", "403"]
        if self.method in WRITE_METHODS or self.get_filter_backends() or self._is_list_view():
            codes.append("400")
        if "{" in self.path or self._is_list_view():
            # Detail routes hide other organisations' rows; lists 404 past the last page.
            codes.append("404")
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, direction=direction
                )
        return responses
