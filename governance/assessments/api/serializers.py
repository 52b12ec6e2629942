"""Serializers of assessments, answers, evidence and scores."""

from __future__ import annotations

from functools import cached_property
from typing import Any, cast

from rest_framework import serializers
from rest_framework.settings import api_settings

from governance.api.mixins import ScopedRelatedField
from governance.api.serializers import AnswerErrorSerializer, iso_datetime
from governance.errors import AnswerProblem
from governance.questionnaires.models import Questionnaire
from governance.vendors import selectors as vendor_selectors
from governance.vendors.models import Offering, UseCase, Vendor

from ..models import Answer, Assessment, AssessmentStatus, Decision, Evidence, ScoreResult
from ..services import comment_problem


class ScoreSummarySerializer(serializers.ModelSerializer):
    """The headline of a score result, as shown in lists."""

    class Meta:
        model = ScoreResult
        fields = [
            "id",
            "overall",
            "residual_band",
            "inherent_tier",
            "inherent_score",
            "rating",
            "recommended_decision",
            "domain_scores",
            "input_hash",
            "engine_version",
            "policy_version",
            "created_at",
        ]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    questionnaire_key = serializers.CharField(source="questionnaire.key", read_only=True)
    questionnaire_version = serializers.CharField(source="questionnaire.version", read_only=True)
    latest_score = ScoreSummarySerializer(source="latest_result", read_only=True, allow_null=True)
    decision = serializers.ChoiceField(
        choices=Decision.choices, allow_blank=True, read_only=True, help_text="Empty until decided."
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "organisation",
            "vendor",
            "vendor_name",
            "offering",
            "use_case",
            "questionnaire",
            "questionnaire_key",
            "questionnaire_version",
            "title",
            "status",
            "revision",
            "previous",
            "submitted_at",
            "scored_at",
            "failure_message",
            "decision",
            "decision_conditions",
            "decision_rationale",
            "decided_at",
            "next_review_date",
            "latest_score",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


def _published_questionnaires(user):
    return Questionnaire.objects.for_user(user).defer("definition")


class AssessmentCreateSerializer(serializers.Serializer):
    vendor = ScopedRelatedField(
        scope=lambda user: vendor_selectors.vendor_list(user=user), model=Vendor
    )
    questionnaire = ScopedRelatedField(scope=_published_questionnaires, model=Questionnaire)
    offering = ScopedRelatedField(
        scope=lambda user: vendor_selectors.offering_list(user=user),
        model=Offering,
        required=False,
        allow_null=True,
    )
    use_case = ScopedRelatedField(
        scope=lambda user: vendor_selectors.use_case_list(user=user),
        model=UseCase,
        required=False,
        allow_null=True,
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)


class AnswerSerializer(serializers.ModelSerializer):
    question = serializers.CharField(source="question_key")
    value = serializers.JSONField(
        allow_null=True,
        help_text="Option key, list of option keys, number, date (YYYY-MM-DD) or text.",
    )

    class Meta:
        model = Answer
        fields = ["question", "value", "comment", "updated_by_label", "updated_at"]
        read_only_fields = fields

    def to_representation(self, answer):
        # A save of 100 answers returns all of them: building the row directly costs a
        # fraction of DRF's per-field machinery. The declared fields still define the schema,
        # and the contract tests check this output against it.
        return {
            "question": answer.question_key,
            "value": answer.value,
            "comment": answer.comment,
            "updated_by_label": answer.updated_by_label,
            "updated_at": iso_datetime(answer.updated_at),
        }


class AnswerKeyField(serializers.CharField):
    """A question's key: non-empty text, exactly as sent (a number is not a key, and a key
    with spaces is reported as unknown by the service rather than trimmed into another)."""

    default_error_messages = {"invalid": "Name the question (its key)."}

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or not data:
            self.fail("invalid")
        return data


class AnswerCommentField(serializers.CharField):
    """A comment: text (or null for none) within the limit every answer's comment keeps."""

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        problem = comment_problem(data)
        if problem:
            raise serializers.ValidationError(problem)
        return data


class AnswerBatchSerializer(serializers.ListSerializer):
    """A bulk upsert: a list of items, each question at most once.

    Its errors are DRF's, one entry per item (empty for a good one); `problems()` lists them
    in the API's answer error shape, each with its item's position, and all of them at once.
    """

    default_error_messages = {
        "not_a_list": "Send a list of answers.",
        "twice": "Question answered twice in one batch (also item {index}).",
    }

    def run_validation(self, data=serializers.empty):
        # Anything but a list, null and an empty body included, is one error for the batch.
        if not isinstance(data, list):
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [self.error_messages["not_a_list"]]}
            )
        return self.to_internal_value(data)

    def to_internal_value(self, data: list) -> list[dict]:
        items: list[dict] = []
        errors: list[dict] = []
        first: dict[str, int] = {}
        child = self.item_serializer
        for index, raw in enumerate(data):
            detail: dict[str, Any] = {}
            try:
                item = child.to_internal_value(raw)
            except serializers.ValidationError as exc:
                detail = cast(dict[str, Any], exc.detail)  # an item's errors are by field
                key = child.question_key(raw)
            else:
                items.append(item)
                key = item["question"]
            if key is not None:
                if key in first:
                    # A second answer to one question is refused whatever else it says.
                    twice = self.error_messages["twice"].format(index=first[key])
                    detail = {"question": [*detail.get("question", []), twice]}
                else:
                    first[key] = index
            errors.append(detail)
        if any(errors):
            raise serializers.ValidationError(errors)
        return items

    @property
    def item_serializer(self) -> AnswerItemSerializer:
        assert isinstance(self.child, AnswerItemSerializer)
        return self.child

    def problems(self) -> list[AnswerProblem]:
        """The errors of an invalid batch, flattened: one AnswerProblem per message."""
        errors = self.errors
        if isinstance(errors, dict):  # not a list at all
            return [
                AnswerProblem(index=None, question="", field="question", message=str(message))
                for messages in errors.values()
                for message in messages
            ]
        return [
            AnswerProblem(
                index=index,
                question=self.item_serializer.question_key(raw) or "",
                field=field,
                message=str(message),
            )
            for index, (raw, detail) in enumerate(zip(self.initial_data, errors, strict=True))
            for field, messages in detail.items()
            for message in messages
        ]


class AnswerItemSerializer(serializers.Serializer):
    """One item of a bulk upsert. The whole batch is checked and every problem reported at
    once, each with its item's position."""

    question = AnswerKeyField(help_text="The question's key.")
    value = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text="Option key, list of keys, number, date or text; null removes the answer.",
    )
    comment = AnswerCommentField(required=False, allow_blank=True, allow_null=True)

    default_error_messages = {
        "not_an_object": "Each answer must be an object with a question key.",
        "unknown": "Unknown field(s): {fields}.",
    }

    class Meta:
        list_serializer_class = AnswerBatchSerializer

    @cached_property
    def _bound(self) -> tuple[serializers.Field, serializers.Field, frozenset[str]]:
        fields = self.fields
        return fields["question"], fields["comment"], frozenset(fields)

    def question_key(self, data) -> str | None:
        """The item's question key, or None when it does not name one."""
        if not isinstance(data, dict):
            return None
        try:
            return self._bound[0].to_internal_value(data.get("question"))
        except serializers.ValidationError:
            return None

    def to_internal_value(self, data) -> dict:
        # Written out rather than DRF's generic field loop, which cost about ten times as
        # much (3.5 ms for a batch of 100, a fifth of the request's CPU); for the same
        # reason no validate_<field>() or validate() hook is called. The value is any JSON
        # the parser produced; whether it suits its question is the questionnaire's rule,
        # which the service checks against the answers as they will be after the save.
        if not isinstance(data, dict):
            raise serializers.ValidationError({"question": [self.error_messages["not_an_object"]]})
        question, comment, names = self._bound
        try:
            item = {"question": question.to_internal_value(data.get("question"))}
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"question": exc.detail}) from None
        errors: dict[str, Any] = {}
        unknown = data.keys() - names
        if unknown:
            listed = ", ".join(sorted(unknown))
            errors["question"] = [self.error_messages["unknown"].format(fields=listed)]
        if "value" in data:
            item["value"] = data["value"]
        if "comment" in data:
            try:
                item["comment"] = comment.to_internal_value(data["comment"])
            except serializers.ValidationError as exc:
                errors["comment"] = exc.detail
        if errors:
            raise serializers.ValidationError(errors)
        return item


class AnswersSavedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AssessmentStatus.choices)
    answers = AnswerSerializer(many=True)


class AnswersInvalidSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    # Absent when the body is not even JSON (code "parse_error").
    errors = AnswerErrorSerializer(many=True, required=False)  # type: ignore[assignment]


class EvidenceSerializer(serializers.ModelSerializer):
    question = serializers.CharField(source="question_key")

    class Meta:
        model = Evidence
        fields = [
            "id",
            "assessment",
            "question",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by_label",
            "uploaded_at",
        ]
        read_only_fields = fields


class EvidenceUploadSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=200, help_text="The question the file backs.")
    file = serializers.FileField()


# What a 202 from submit or retry says about scoring, in a word and in a sentence.
SCORING_MESSAGES = {
    "queued": "Submitted. Scoring has started.",
    "delayed": "Submitted. The scoring queue is unreachable: the submission is saved and "
    "will be scored automatically once the queue is back.",
}


class SubmittedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AssessmentStatus.choices)
    scoring_delayed = serializers.BooleanField(
        help_text="True when the job queue was unreachable: the submission is saved and "
        "scoring starts once the queue is back."
    )
    scoring = serializers.ChoiceField(
        choices=[("queued", "Queued"), ("delayed", "Delayed")],
        help_text="`queued`: handed to a scoring worker. `delayed`: the job queue was "
        "unreachable; the submission is kept and a periodic sweep queues it once the "
        "queue is back, with no further call needed.",
    )
    message = serializers.CharField(help_text="The same, in a sentence for a person.")


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    conditions = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    rationale = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class ScoreDomainSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    score = serializers.FloatField(allow_null=True)
    weight = serializers.FloatField()
    questions = serializers.IntegerField()
    scored = serializers.IntegerField()
    unknown = serializers.IntegerField()
    not_applicable = serializers.IntegerField()


class ScoreResultSerializer(serializers.ModelSerializer):
    """A stored score with everything that explains it."""

    assessment = serializers.IntegerField(source="assessment_id")
    inherent = serializers.JSONField(source="outcome.inherent")
    domains = serializers.DictField(child=ScoreDomainSerializer(), source="outcome.domains")
    drivers = serializers.ListField(child=serializers.DictField(), source="outcome.drivers")
    knockouts = serializers.ListField(child=serializers.DictField(), source="outcome.knockouts")
    findings = serializers.ListField(child=serializers.DictField(), source="outcome.findings")
    review_interval_days = serializers.IntegerField(
        source="outcome.review_interval_days", allow_null=True
    )

    class Meta:
        model = ScoreResult
        fields = [
            "id",
            "assessment",
            "overall",
            "residual_band",
            "inherent_tier",
            "inherent_score",
            "inherent",
            "rating",
            "recommended_decision",
            "review_interval_days",
            "domain_scores",
            "domains",
            "drivers",
            "knockouts",
            "findings",
            "input_hash",
            "engine_version",
            "policy_version",
            "questionnaire_key",
            "questionnaire_version",
            "reason",
            "duration_ms",
            "created_at",
        ]
        read_only_fields = fields
