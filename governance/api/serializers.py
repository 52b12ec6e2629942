"""Serializers shared by every part of the API: the error shape, documented once, and the
datetime format of rows built without DRF's per-field machinery."""

import datetime as dt

from django.utils import timezone
from rest_framework import serializers


def iso_datetime(value: dt.datetime | None) -> str | None:
    """A datetime as DRF writes it (ISO 8601, UTC as "Z"), without its per-value lookup of
    the request's active time zone, which showed up as the largest cost of a vendor list."""
    if value is None:
        return None
    text = value.astimezone(timezone.get_default_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class AnswerErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(allow_null=True, help_text="Position in the submitted list.")
    question = serializers.CharField(allow_null=True, allow_blank=True)
    field = serializers.CharField(help_text="value, question or comment.")
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="A human summary.")
    code = serializers.CharField(help_text="invalid, not_found, conflict, permission_denied, ...")
    # A declared field (the metaclass moves it out of the class), not Serializer.errors.
    errors = serializers.JSONField(  # type: ignore[assignment]
        required=False,
        help_text="400 only: {field: [messages]}, or for answers a list of "
        "{index, question, field, message}.",
    )
