"""REST API for assessments: create, answer in bulk, attach evidence, submit, read the score,
decide; findings; the scoring policy.

Views parse input and present results; every rule (roles, lifecycle, answer validity) lives
in services.py, and every read goes through a selector scoped to the user's organisations.
"""

from __future__ import annotations

import django_filters
from django.db.models import F
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.accounts.tenancy import memberships_of
from governance.api.filters import IdFilter
from governance.api.mixins import (
    ApiViewMixin,
    ApiViewSet,
    ScopedRelatedField,
    organisation_for_write,
)
from governance.api.serializers import AnswerErrorSerializer, ErrorSerializer
from governance.questionnaires.models import Questionnaire
from governance.reports import api as reports_api
from governance.reports import services as report_services
from governance.vendors import selectors as vendor_selectors
from governance.vendors.models import Offering, UseCase, Vendor

from . import selectors, services
from .models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Decision,
    Evidence,
    Finding,
    FindingStatus,
    Rating,
    ScoreResult,
    Severity,
)

# --------------------------------------------------------------------------- serializers


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


class SubmittedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AssessmentStatus.choices)
    scoring_delayed = serializers.BooleanField(
        help_text="True when the job queue was unreachable: the submission is saved and "
        "scoring starts once the queue is back."
    )


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


# --------------------------------------------------------------------------- assessments


class AssessmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AssessmentStatus.choices)
    vendor = IdFilter(field_name="vendor_id")
    questionnaire = IdFilter(field_name="questionnaire_id")
    organisation = IdFilter(field_name="organisation_id")
    rating = django_filters.ChoiceFilter(choices=Rating.choices, field_name="latest_result__rating")
    decision = django_filters.ChoiceFilter(choices=Decision.choices)

    class Meta:
        model = Assessment
        fields = ["status", "vendor", "questionnaire", "organisation", "rating", "decision"]


@extend_schema(tags=["assessments"])
class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    search_fields = ["title", "vendor__name"]
    ordering_fields = ["created_at", "updated_at", "submitted_at", "status"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        # The questionnaire definition and the full outcome are large and unused here.
        return selectors.assessment_list(user=self.request.user).defer(
            "questionnaire__definition",
            "latest_result__outcome",
            "latest_result__inputs",
        )

    def get_assessment(self) -> Assessment:
        """The assessment named in the URL, through the scoped selector (else 404)."""
        return selectors.assessment_get(user=self.request.user, pk=self.kwargs["pk"])

    def _present(self, assessment: Assessment, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=assessment.pk)
        return Response(
            AssessmentSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(
        request=AssessmentCreateSerializer,
        responses={201: AssessmentSerializer},
        summary="Start an assessment",
    )
    def create(self, request):
        form = AssessmentCreateSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data = form.validated_data
        vendor = data["vendor"]
        assessment = services.assessment_create(
            actor=request.user,
            organisation_id=vendor.organisation_id,
            vendor=vendor,
            questionnaire=data["questionnaire"],
            offering=data.get("offering"),
            use_case=data.get("use_case"),
            title=data.get("title", ""),
        )
        return self._present(assessment, status.HTTP_201_CREATED)

    # ----- answers

    @extend_schema(
        methods=["GET"],
        responses={200: AnswerSerializer(many=True)},
        summary="List the answers",
        filters=False,
    )
    @extend_schema(
        methods=["PUT"],
        request=AnswerItemSerializer(many=True),
        responses={
            200: AnswersSavedSerializer,
            400: AnswersInvalidSerializer,
            409: OpenApiResponse(ErrorSerializer, description="The assessment is not editable."),
        },
        summary="Insert, change or remove many answers at once",
    )
    @action(detail=True, methods=["get", "put"], filter_backends=[], check_body_for_nul=False)
    def answers(self, request, pk=None):
        assessment = self.get_assessment()
        if request.method == "GET":
            rows = Answer.objects.filter(assessment_id=assessment.pk).order_by("question_key", "id")
            page = self.paginate_queryset(rows)
            return self.get_paginated_response(AnswerSerializer(page, many=True).data)
        saved = services.answers_save(
            actor=request.user, assessment=assessment, answers=request.data
        )
        return Response(
            {"status": assessment.status, "answers": AnswerSerializer(saved, many=True).data}
        )

    # ----- evidence

    @extend_schema(methods=["GET"], responses={200: EvidenceSerializer(many=True)}, filters=False)
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer, 409: ErrorSerializer},
        summary="Attach an evidence file to a question",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        filter_backends=[],
        parser_classes=[MultiPartParser, FormParser],
    )
    def evidence(self, request, pk=None):
        assessment = self.get_assessment()
        if request.method == "GET":
            rows = selectors.evidence_list(user=request.user, assessment=assessment).order_by(
                "question_key", "uploaded_at", "id"
            )
            page = self.paginate_queryset(rows)
            return self.get_paginated_response(EvidenceSerializer(page, many=True).data)
        form = EvidenceUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        evidence = services.evidence_add(
            actor=request.user,
            assessment=assessment,
            question_key=form.validated_data["question"],
            upload=form.validated_data["file"],
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    # ----- lifecycle

    def _submitted(self, outcome) -> Response:
        assessment = outcome.assessment
        # With in-process tasks the score may already be in; report the state as it is now.
        current = Assessment.objects.filter(pk=assessment.pk).values_list("status", flat=True)
        return Response(
            {
                "id": assessment.pk,
                "status": current.first() or assessment.status,
                "scoring_delayed": not outcome.enqueued,
            },
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(
        request=None,
        responses={202: SubmittedSerializer, 400: AnswersInvalidSerializer, 409: ErrorSerializer},
        summary="Submit for scoring",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        outcome = services.assessment_submit(actor=request.user, assessment=self.get_assessment())
        return self._submitted(outcome)

    @extend_schema(
        request=None,
        responses={202: SubmittedSerializer, 409: ErrorSerializer},
        summary="Score a failed assessment again",
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        outcome = services.assessment_retry(actor=request.user, assessment=self.get_assessment())
        return self._submitted(outcome)

    @extend_schema(
        request=None,
        responses={201: AssessmentSerializer, 409: ErrorSerializer},
        summary="Start the next revision of a decided assessment",
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        revision = services.assessment_reopen(actor=request.user, assessment=self.get_assessment())
        return self._present(revision, status.HTTP_201_CREATED)

    @extend_schema(
        request=DecisionSerializer,
        responses={200: AssessmentSerializer, 409: ErrorSerializer},
        summary="Record the reviewer's decision",
    )
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        assessment = self.get_assessment()
        form = DecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        services.assessment_decide(
            actor=request.user,
            assessment=assessment,
            decision=data["decision"],
            conditions=data.get("conditions", ""),
            rationale=data.get("rationale", ""),
        )
        return self._present(assessment)

    @extend_schema(
        responses={200: ScoreResultSerializer},
        summary="The latest score, with drivers, knock-outs and findings",
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def score(self, request, pk=None):
        assessment = self.get_assessment()
        if assessment.latest_result_id is None:
            raise NotFound("This assessment has no score yet.")
        result = selectors.result_list(user=request.user, assessment=assessment).get(
            pk=assessment.latest_result_id
        )
        return Response(ScoreResultSerializer(result).data)

    @extend_schema(
        request=None,
        responses={202: reports_api.ReportSerializer, 409: ErrorSerializer},
        summary="Request the PDF report of the latest score",
    )
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        report = report_services.report_request(
            actor=request.user, assessment=self.get_assessment()
        )
        return reports_api.present(report)


# --------------------------------------------------------------------------- evidence files


@extend_schema(tags=["assessments"])
class EvidenceViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    """Evidence files: metadata and the stored bytes, for members of the organisation."""

    serializer_class = EvidenceSerializer

    def get_queryset(self):
        return selectors.evidence_list(user=self.request.user)

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        summary="Download the file",
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        evidence, handle = selectors.evidence_open(user=request.user, pk=pk)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=evidence.original_name,
            content_type=evidence.content_type,
        )


# --------------------------------------------------------------------------- findings


class FindingSerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    vendor = serializers.IntegerField(source="vendor_id", read_only=True)
    question = serializers.CharField(source="question_key", read_only=True)
    owner_username = serializers.CharField(
        source="owner.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Finding
        fields = [
            "id",
            "organisation",
            "assessment",
            "vendor",
            "key",
            "question",
            "domain",
            "severity",
            "title",
            "text",
            "recommendation",
            "status",
            "owner",
            "owner_username",
            "due_date",
            "note",
            "closed_automatically",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FindingUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=FindingStatus.choices, required=False)
    owner = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="User id of a member."
    )
    due_date = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class FindingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=FindingStatus.choices)
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    assessment = IdFilter(field_name="assessment_id")
    vendor = IdFilter(field_name="assessment__vendor_id")
    owner = IdFilter(field_name="owner_id")
    organisation = IdFilter(field_name="organisation_id")

    class Meta:
        model = Finding
        fields = ["status", "severity", "domain", "assessment", "vendor", "owner", "organisation"]


@extend_schema(tags=["findings"])
class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    search_fields = ["title", "question_key"]
    ordering_fields = ["severity", "due_date", "created_at", "updated_at", "status"]
    ordering = ["-updated_at", "-id"]

    def get_queryset(self):
        # Only the owner's name is shown; the result row (with its large outcome) is not.
        return (
            selectors.finding_list(user=self.request.user)
            .select_related(None)
            .select_related("owner")
            .annotate(vendor_id=F("assessment__vendor_id"))
        )

    @extend_schema(request=FindingUpdateSerializer, responses={200: FindingSerializer})
    def partial_update(self, request, pk=None):
        finding = self.get_object()
        form = FindingUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.finding_update(actor=request.user, finding=finding, data=dict(form.validated_data))
        return Response(FindingSerializer(self.get_queryset().get(pk=finding.pk)).data)


# --------------------------------------------------------------------------- policy


class PolicySerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation_id")
    version = serializers.IntegerField()
    body = serializers.JSONField(help_text="Domain weights, thresholds, rating matrix, ...")
    note = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class PolicyUpdateSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(required=False, min_value=1)
    body = serializers.DictField(help_text="The complete new policy.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    rescore = serializers.BooleanField(
        default=False, help_text="Rescore every scored assessment with the new policy."
    )


class PolicyUpdatedSerializer(PolicySerializer):
    rescore_enqueued = serializers.IntegerField(
        allow_null=True, help_text="Assessments queued for rescoring, if asked."
    )


def _organisation_to_read(request) -> int:
    raw = request.query_params.get("organisation")
    if raw is None:
        return organisation_for_write(request, None)
    try:
        value = int(raw)
    except ValueError:
        raise serializers.ValidationError({"organisation": ["Enter a whole number."]}) from None
    if value not in memberships_of(request.user):
        raise NotFound()
    return value


@extend_schema(tags=["policy"])
class PolicyView(ApiViewMixin, APIView):
    """The organisation's current scoring policy. Admins save a new version, and may ask
    for every scored assessment to be rescored with it."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "organisation", int, description="Needed by members of several organisations."
            )
        ],
        responses={200: PolicySerializer},
    )
    def get(self, request):
        policy = services.policy_current(organisation_id=_organisation_to_read(request))
        return Response(PolicySerializer(policy).data)

    @extend_schema(request=PolicyUpdateSerializer, responses={200: PolicyUpdatedSerializer})
    def put(self, request):
        form = PolicyUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        organisation_id = organisation_for_write(request, data.get("organisation"))
        policy = services.policy_update(
            actor=request.user,
            organisation_id=organisation_id,
            body=data["body"],
            note=data.get("note", ""),
        )
        enqueued = None
        if data["rescore"]:
            enqueued = services.rescore_request(actor=request.user, organisation_id=organisation_id)
        return Response({**PolicySerializer(policy).data, "rescore_enqueued": enqueued})


def register(router) -> None:
    router.register("assessments", AssessmentViewSet, basename="assessment")
    router.register("evidence", EvidenceViewSet, basename="evidence")
    router.register("findings", FindingViewSet, basename="finding")
