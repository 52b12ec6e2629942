"""REST API for questionnaires: the library and an organisation's own versions, each with its
full definition so integrators can see how every answer scores; import and export."""

from __future__ import annotations

from typing import Literal, cast

import django_filters
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from governance.api.filters import IdFilter
from governance.api.mixins import ApiViewSet, contains_nul, organisation_for_write
from governance.api.parsers import BoundedJSONParser
from governance.api.serializers import ErrorSerializer
from governance.scoring.domains import KNOCKOUT_SEVERITIES, QUESTION_TYPES, SPECIAL_OPTIONS

from . import services
from .models import Questionnaire, QuestionnaireStatus


# The definition is stored in canonical form; these serializers only describe and emit it.
class FindingTemplateSerializer(serializers.Serializer):
    title = serializers.CharField()
    text = serializers.CharField()
    recommendation = serializers.CharField()


class OptionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    special = serializers.ChoiceField(
        choices=SPECIAL_OPTIONS, required=False, help_text="Don't know / N/A."
    )
    risk = serializers.IntegerField(help_text="Risk points 0–100 when this option is chosen.")
    knockout = serializers.ChoiceField(
        choices=KNOCKOUT_SEVERITIES,
        required=False,
        help_text="Choosing it lifts the rating to at least this level.",
    )
    finding = FindingTemplateSerializer(required=False)


class NumberBandSerializer(serializers.Serializer):
    max = serializers.FloatField(allow_null=True, help_text="Upper bound; null = no bound.")
    risk = serializers.IntegerField()
    finding = FindingTemplateSerializer(required=False)


class NumberSpecSerializer(serializers.Serializer):
    min = serializers.FloatField()
    max = serializers.FloatField()
    unit = serializers.CharField(required=False)
    bands = NumberBandSerializer(many=True)


class DateBandSerializer(serializers.Serializer):
    max_age_days = serializers.IntegerField(allow_null=True)
    risk = serializers.IntegerField()
    finding = FindingTemplateSerializer(required=False)


class DateSpecSerializer(serializers.Serializer):
    bands = DateBandSerializer(many=True)


class ShowIfSerializer(serializers.Serializer):
    question = serializers.CharField()
    # "in" is a Python keyword; the field is renamed in to_representation.
    in_ = serializers.ListField(child=serializers.CharField(), source="in")

    def to_representation(self, instance):
        return {"question": instance["question"], "in": list(instance["in"])}


class QuestionSerializer(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()
    help = serializers.CharField(allow_blank=True)
    type = serializers.ChoiceField(choices=QUESTION_TYPES)
    required = serializers.BooleanField()  # type: ignore[assignment]  # not Field.required
    domain = serializers.CharField()
    weight = serializers.FloatField()
    evidence = serializers.ListField(child=serializers.CharField())
    references = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    show_if = ShowIfSerializer(required=False)
    options = OptionSerializer(many=True, required=False)
    number = NumberSpecSerializer(required=False)
    date = DateSpecSerializer(required=False)


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    questions = QuestionSerializer(many=True)


class DefinitionSerializer(serializers.Serializer):
    key = serializers.CharField()
    version = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    sections = SectionSerializer(many=True)


class QuestionnaireSerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(
        source="organisation_id", allow_null=True, help_text="Null for the product library."
    )

    class Meta:
        model = Questionnaire
        fields = [
            "id",
            "organisation",
            "key",
            "version",
            "title",
            "description",
            "status",
            "content_hash",
            "question_count",
            "source",
            "created_at",
            "published_at",
        ]
        read_only_fields = fields


class QuestionnaireDetailSerializer(QuestionnaireSerializer):
    definition = DefinitionSerializer(read_only=True)

    class Meta(QuestionnaireSerializer.Meta):
        fields = [*QuestionnaireSerializer.Meta.fields, "definition"]
        read_only_fields = fields


class QuestionnaireImportSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(required=False, min_value=1)
    format = serializers.ChoiceField(
        choices=["yaml", "json"],
        required=False,
        help_text="Defaults to the file's extension, else yaml.",
    )
    text = serializers.CharField(
        required=False, trim_whitespace=False, help_text="The definition as YAML or JSON."
    )
    file = serializers.FileField(required=False, help_text="Or upload it as a file.")
    source = serializers.CharField(  # type: ignore[assignment]  # a field, not Field.source
        required=False, max_length=300, allow_blank=True
    )

    def validate(self, attrs):
        if ("text" in attrs) == ("file" in attrs):
            raise serializers.ValidationError({"text": ["Send either text or a file."]})
        return attrs


class QuestionnaireFilter(django_filters.FilterSet):
    organisation = IdFilter(field_name="organisation_id")
    status = django_filters.ChoiceFilter(choices=QuestionnaireStatus.choices)

    class Meta:
        model = Questionnaire
        fields = ["key", "status", "organisation"]


def _read_upload(upload) -> str:
    raw = upload.read(services.qdef.MAX_DEFINITION_CHARS * 4 + 1)
    try:
        # utf-8-sig: editors on some platforms prepend a byte-order mark.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise serializers.ValidationError(
            {"file": [f"The file is not valid UTF-8 (byte {exc.start})."]}
        ) from None


def _refuse_escaped_nul(text: str, fmt: str, source: str) -> None:
    """JSON's \\u0000 and YAML's \\0 escapes put NUL characters into a definition that the
    raw-text check never sees; PostgreSQL cannot store them. Definitions that do not parse
    are left to the service, which reports every problem."""
    if fmt not in ("yaml", "json"):
        return
    try:
        parsed = services.qdef.parse_definition(
            text, fmt=cast(Literal["yaml", "json"], fmt), source=source or "upload"
        )
    except services.qdef.DefinitionInvalid:
        return
    if contains_nul(parsed):
        raise serializers.ValidationError(
            {"definition": ["Text in the definition may not contain NUL characters."]}
        )


@extend_schema(tags=["questionnaires"])
class QuestionnaireViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Questionnaire versions: the product library plus the organisation's own imports."""

    filterset_class = QuestionnaireFilter
    search_fields = ["title", "key"]
    ordering_fields = ["key", "created_at", "title"]
    ordering = ["key", "-created_at", "-id"]

    def get_queryset(self):
        qs = Questionnaire.objects.for_user(self.request.user)
        if self.action == "list":
            # The definition is large; a list shows only the summary.
            qs = qs.defer("definition")
        return qs

    def get_serializer_class(self):
        if self.action == "retrieve":
            return QuestionnaireDetailSerializer
        if self.action == "import_definition":
            return QuestionnaireImportSerializer
        return QuestionnaireSerializer

    @extend_schema(
        request={
            "application/json": QuestionnaireImportSerializer,
            "multipart/form-data": QuestionnaireImportSerializer,
        },
        responses={201: QuestionnaireDetailSerializer, 400: ErrorSerializer},
        summary="Import a questionnaire definition (admins)",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[BoundedJSONParser, MultiPartParser, FormParser],
    )
    def import_definition(self, request):
        form = QuestionnaireImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        organisation_id = organisation_for_write(request, data.get("organisation"))
        upload = data.get("file")
        source = data.get("source") or (upload.name if upload else "")
        fmt = data.get("format")
        if fmt is None:
            fmt = "json" if source.lower().endswith(".json") else "yaml"
        text = _read_upload(upload) if upload else data["text"]
        _refuse_escaped_nul(text, fmt, source)
        questionnaire = services.questionnaire_import(
            actor=request.user,
            organisation_id=organisation_id,
            text=text,
            fmt=fmt,
            source=source[:300],
        )
        return Response(
            QuestionnaireDetailSerializer(
                questionnaire, context=self.get_serializer_context()
            ).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "fmt", OpenApiTypes.STR, enum=["yaml", "json"], description="yaml (default) or json"
            )
        ],
        responses={
            # YAML and JSON carry the same document; clients that parse YAML get an object.
            (200, "application/yaml"): OpenApiTypes.OBJECT,
            (200, "application/json"): OpenApiTypes.OBJECT,
        },
        summary="Export the definition as YAML or JSON",
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        fmt = request.query_params.get("fmt", "yaml")
        if fmt not in ("yaml", "json"):
            raise serializers.ValidationError({"fmt": ["Choose yaml or json."]})
        questionnaire = self.get_object()
        text = services.questionnaire_export(questionnaire, fmt)
        response = HttpResponse(
            text, content_type="application/json" if fmt == "json" else "application/yaml"
        )
        filename = f"{questionnaire.key}-{questionnaire.version}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def register(router) -> None:
    router.register("questionnaires", QuestionnaireViewSet, basename="questionnaire")
