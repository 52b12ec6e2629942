"""Serializers of assessments, answers, evidence and scores."""

from __future__ import annotations

from rest_framework import serializers

from governance.api.mixins import ScopedRelatedField
from governance.api.serializers import AnswerErrorSerializer
from governance.questionnaires.models import Questionnaire
from governance.vendors import selectors as vendor_selectors
from governance.vendors.models import Offering, UseCase, Vendor

from ..models import Answer, Assessment, AssessmentStatus, Decision, Evidence, ScoreResult


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


class AnswerItemSerializer(serializers.Serializer):
    """One item of a bulk upsert (documentation only: the service validates every item and
    reports all problems at once, with their positions)."""

    question = serializers.CharField(help_text="The question's key.")
    value = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text="Option key, list of keys, number, date or text; null removes the answer.",
    )
    comment = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class AnswersSavedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AssessmentStatus.choices)
    answers = AnswerSerializer(many=True)


class AnswersInvalidSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    # Absent when the body is not even JSON (code "parse_error").
    errors = AnswerErrorSerializer(many=True, required=False)


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
    label = serializers.CharField()
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
