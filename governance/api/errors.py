"""One error shape for the whole API:

    {"detail": "human summary", "code": "invalid", "errors": {field: [messages]} | [...]}

400 carries field-level messages (for a bulk answer upsert, a list of
{"index", "question", "field", "message"}), 409 a state conflict, 404 hides other
organisations: a row the user may not see is reported exactly like a row that does not exist,
503 a database that cannot be reached (the client may retry; nothing was written).
"""

import logging
import sys
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from governance.errors import AnswersInvalid, RateLimited, StateConflict

logger = logging.getLogger(__name__)

UNSTORABLE = (
    "A value could not be stored: text may not contain NUL characters and numbers must be "
    "within range."
)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The object is not in a state that allows this."
    default_code = "conflict"


class DatabaseUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The database is unreachable; try again shortly."
    default_code = "database_unavailable"


DATABASE_ERRORS = (OperationalError, InterfaceError)


class AnswersRejected(exceptions.APIException):
    """A batch of answers with problems; `errors` lists every one of them."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Invalid input."
    default_code = "invalid"

    def __init__(self, detail: str, errors: list[dict]):
        super().__init__(detail)
        self.errors = errors


def _django_validation_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {
            field: [m for e in errs for m in e.messages] for field, errs in exc.error_dict.items()
        }
    return {"non_field_errors": exc.messages}


def exception_handler(exc, context):
    # AnswersInvalid is a ValidationError too; it must be caught before the generic case.
    if isinstance(exc, AnswersInvalid):
        exc = AnswersRejected(exc.summary, exc.errors)
    elif isinstance(exc, StateConflict):
        exc = Conflict(exc.message)
    elif isinstance(exc, RateLimited):
        # DRF's own 429 (with Retry-After), so it reads like the request throttles' answer.
        exc = exceptions.Throttled(wait=exc.retry_after, detail=exc.message)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_validation_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DataError):
        # The database refused a value that validation let through (PostgreSQL rejects NUL
        # in text, SQLite does not). That is bad input, not a server fault; it is logged so
        # the validation that missed it can be tightened.
        logger.warning("Database refused a value: %s", exc)
        exc = exceptions.ValidationError({"non_field_errors": [UNSTORABLE]})
    elif isinstance(exc, DATABASE_ERRORS):
        logger.error("Database unavailable: %s", exc)
        exc = DatabaseUnavailable()
    elif isinstance(exc, Http404 | ObjectDoesNotExist):
        # Selectors raise Model.DoesNotExist for rows of other organisations.
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    body: dict[str, Any]
    if isinstance(exc, AnswersRejected):
        body = {"detail": str(exc.detail), "code": "invalid", "errors": exc.errors}
    elif isinstance(exc, exceptions.ValidationError):
        body = {"detail": "Invalid input.", "code": "invalid", "errors": data}
    else:
        detail = data.get("detail", data) if isinstance(data, dict) else data
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body = {"detail": str(detail), "code": code}
    return Response(body, status=response.status_code, headers=response.headers)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler, for what fails outside a DRF view (a middleware reading the
    session user, say): API paths keep the API's JSON shape, pages keep the HTML page."""
    if not request.path.startswith("/api/"):
        return defaults.server_error(request)
    # Django calls the handler while the exception is being handled.
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        unavailable = DatabaseUnavailable()
        return JsonResponse(
            {"detail": str(unavailable.detail), "code": unavailable.default_code},
            status=unavailable.status_code,
        )
    return JsonResponse({"detail": "A server error occurred.", "code": "error"}, status=500)
