"""Assessments: create, answer in bulk, attach evidence, submit, read the score, decide, and
see the answers the vendor's watchlist screening contradicts."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from governance.accounts.tenancy import Capability, require
from governance.api.filters import IdFilter
from governance.api.mixins import ApiViewSet
from governance.api.serializers import ErrorSerializer
from governance.errors import AnswersInvalid
from governance.reports import api as reports_api
from governance.reports import services as report_services
from governance.screening import selectors as screening_selectors
from governance.screening.api import AssessmentScreeningSerializer
from governance.screening.consistency import answer_conflicts, open_hits

from .. import selectors, services
from ..models import Answer, Assessment, AssessmentStatus, Decision, Rating
from .serializers import (
    SCORING_MESSAGES,
    AnswerBatchSerializer,
    AnswerItemSerializer,
    AnswerSerializer,
    AnswersInvalidSerializer,
    AnswersSavedSerializer,
    AssessmentCreateSerializer,
    AssessmentSerializer,
    DecisionSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    ScoreResultSerializer,
    SubmittedSerializer,
)


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
        # A role that may not write answers is refused before its batch is judged (a 403,
        # whatever the body); the service checks the role again as it saves.
        require(request.user, Capability.EDIT, assessment.organisation_id)
        batch = AnswerBatchSerializer(child=AnswerItemSerializer(), data=request.data)
        if not batch.is_valid():
            raise AnswersInvalid(batch.problems())
        saved = services.answers_save(
            actor=request.user, assessment=assessment, answers=batch.validated_data
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
        scoring = "queued" if outcome.enqueued else "delayed"
        return Response(
            {
                "id": assessment.pk,
                "status": current.first() or assessment.status,
                "scoring_delayed": not outcome.enqueued,
                "scoring": scoring,
                "message": SCORING_MESSAGES[scoring],
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
        responses={200: AssessmentScreeningSerializer},
        summary="The vendor's latest watchlist screening and the answers it contradicts",
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def screening(self, request, pk=None):
        assessment = self.get_assessment()
        screening = screening_selectors.latest_screening(
            user=request.user, vendor_id=assessment.vendor_id
        )
        conflicts = answer_conflicts(
            assessment.questionnaire.definition,
            selectors.answer_values(assessment=assessment),
            open_hits(screening),
        )
        return Response(
            AssessmentScreeningSerializer({"screening": screening, "conflicts": conflicts}).data
        )

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
