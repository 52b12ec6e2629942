"""Serializers shared by every part of the API: the error shape, documented once."""

from rest_framework import serializers


class AnswerErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(allow_null=True, help_text="Position in the submitted list.")
    question = serializers.CharField(allow_null=True, allow_blank=True)
    field = serializers.CharField(help_text="value, question or comment.")
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="A human summary.")
    code = serializers.CharField(help_text="invalid, not_found, conflict, permission_denied, ...")
    errors = serializers.JSONField(
        required=False,
        help_text="400 only: {field: [messages]}, or for answers a list of "
        "{index, question, field, message}.",
    )
