import copy
from typing import ClassVar

from django.conf import settings
from django.db import IntegrityError, models, transaction

from governance.accounts.tenancy import TenantModel
from governance.lifecycle import Lifecycle
from governance.scoring import DEFAULT_POLICY
from governance.scoring.domains import DECISION, FINDING_SEVERITY, RATING


class AssessmentStatus(Lifecycle, models.TextChoices):
    """An assessment's life, and who moves it.

        draft ─► in_progress ─► submitted ─► scoring ─► scored ─► decided
          └─────────────────────► │ ▲          │
                                  ▼ │ retry    │
                                 failed ◄──────┘

    The assessor (or a respondent link) answers: the first saved answer moves a draft in
    progress. The assessor submits an editable assessment, and retries a failed one (or
    re-sends a submission whose scoring was delayed). The scoring worker claims a
    submitted one (or takes over a claim whose worker died) and leaves it scored or
    failed. A reviewer decides a scored one. A decided assessment is final: reopening it
    starts a new revision, in progress, and rescoring keeps a scored or decided one where
    it is. The map is `TRANSITIONS` below the class; the groupings follow it.
    """

    DRAFT = "draft", "Draft"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    SCORING = "scoring", "Scoring"
    SCORED = "scored", "Scored"
    DECIDED = "decided", "Decided"
    FAILED = "failed", "Failed"

    # Set below the class body, where the members exist.
    EDITABLE: ClassVar[frozenset["AssessmentStatus"]]
    IN_FLIGHT: ClassVar[frozenset["AssessmentStatus"]]
    RETRYABLE: ClassVar[frozenset["AssessmentStatus"]]
    RESCORABLE: ClassVar[frozenset["AssessmentStatus"]]


AssessmentStatus.TRANSITIONS = {
    AssessmentStatus.DRAFT: frozenset({AssessmentStatus.IN_PROGRESS, AssessmentStatus.SUBMITTED}),
    AssessmentStatus.IN_PROGRESS: frozenset({AssessmentStatus.SUBMITTED}),
    # submitted → submitted: a retry re-sends a submission whose scoring was delayed.
    AssessmentStatus.SUBMITTED: frozenset(
        {AssessmentStatus.SUBMITTED, AssessmentStatus.SCORING, AssessmentStatus.FAILED}
    ),
    # scoring → scoring: a worker takes over the claim of one that died.
    AssessmentStatus.SCORING: frozenset(
        {AssessmentStatus.SCORING, AssessmentStatus.SCORED, AssessmentStatus.FAILED}
    ),
    AssessmentStatus.SCORED: frozenset({AssessmentStatus.DECIDED}),
    AssessmentStatus.DECIDED: frozenset(),
    AssessmentStatus.FAILED: frozenset({AssessmentStatus.SUBMITTED}),
}
# Answers can change only while the assessment is open; afterwards they are frozen.
AssessmentStatus.EDITABLE = frozenset({AssessmentStatus.DRAFT, AssessmentStatus.IN_PROGRESS})
# With the scoring worker: pages poll until it is done.
AssessmentStatus.IN_FLIGHT = frozenset({AssessmentStatus.SUBMITTED, AssessmentStatus.SCORING})
# What a retry accepts: a failure, or a submission the broker never received.
AssessmentStatus.RETRYABLE = frozenset({AssessmentStatus.FAILED, AssessmentStatus.SUBMITTED})
# Rescoring after a policy change gives these a new result and keeps their state.
AssessmentStatus.RESCORABLE = frozenset({AssessmentStatus.SCORED, AssessmentStatus.DECIDED})


# The vocabularies live in governance/scoring/domains.py; these enums only give them to models.
class Decision(models.TextChoices):
    APPROVED = DECISION.APPROVED
    APPROVED_WITH_CONDITIONS = DECISION.APPROVED_WITH_CONDITIONS
    REJECTED = DECISION.REJECTED


class Rating(models.TextChoices):
    LOW = RATING.LOW
    MODERATE = RATING.MODERATE
    HIGH = RATING.HIGH
    CRITICAL = RATING.CRITICAL


class ScoringPolicy(TenantModel):
    """One version of an organisation's scoring policy. A new version is a new row; results
    name the version they used, so history stays explainable."""

    version = models.PositiveIntegerField("version", help_text="Increases with every change.")
    body = models.JSONField(
        "policy", help_text="Domain weights, thresholds, rating matrix, review intervals."
    )
    note = models.CharField(
        "change note", max_length=500, blank=True, help_text="Why the policy changed."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="created by",
        help_text="Who saved this version.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        ordering = ["organisation", "-version"]
        verbose_name = "scoring policy"
        verbose_name_plural = "scoring policies"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"], name="policy_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"Policy v{self.version}"

    @classmethod
    def product_default(cls, organisation_id: int) -> "ScoringPolicy":
        """Version 1, the product default, stored the first time the organisation needs a
        policy (stored, so that a result naming version 1 can always be explained). Two
        processes asking at once get the same row."""
        body = copy.deepcopy(DEFAULT_POLICY)
        body["version"] = 1
        try:
            with transaction.atomic():
                policy, _ = cls.objects.get_or_create(
                    organisation_id=organisation_id,
                    version=1,
                    defaults={"body": body, "note": "Product default policy."},
                )
        except IntegrityError:
            policy = cls.objects.get(organisation_id=organisation_id, version=1)
        return policy


class Assessment(TenantModel):
    vendor = models.ForeignKey(
        "vendors.Vendor",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name="vendor",
        help_text="The vendor being assessed.",
    )
    offering = models.ForeignKey(
        "vendors.Offering",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name="offering",
        help_text="The offering assessed, if the assessment is about one.",
    )
    use_case = models.ForeignKey(
        "vendors.UseCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name="use case",
        help_text="The intended use; it sets the inherent risk tier.",
    )
    questionnaire = models.ForeignKey(
        "questionnaires.Questionnaire",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name="questionnaire",
        help_text="The published questionnaire version this assessment answers.",
    )
    title = models.CharField("title", max_length=200, blank=True, help_text="Optional label.")
    status = models.CharField(
        "status",
        max_length=12,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
        db_index=True,
        help_text="Lifecycle state.",
    )
    revision = models.PositiveIntegerField(
        "revision", default=1, help_text="1 for the first; reopening creates the next."
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_revision",
        verbose_name="previous revision",
        help_text="The decided assessment this revision reopened.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="created by",
        help_text="Who started the assessment.",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="submitted by",
        help_text="Who submitted it for scoring; they may not also approve it.",
    )
    submitted_at = models.DateTimeField("submitted", null=True, blank=True)
    scoring_started_at = models.DateTimeField(
        "scoring started",
        null=True,
        blank=True,
        help_text="When a worker claimed it; the sweep re-enqueues stale claims.",
    )
    scoring_attempts = models.PositiveSmallIntegerField(
        "scoring attempts",
        default=0,
        editable=False,
        help_text="Deliveries of the scoring task since the last outcome; a task that keeps "
        "killing its worker is given up after a few.",
    )
    scored_at = models.DateTimeField("scored", null=True, blank=True)
    failure_message = models.TextField(
        "failure", blank=True, help_text="Why scoring failed, in words a user can act on."
    )
    latest_result = models.ForeignKey(
        "assessments.ScoreResult",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="latest result",
        help_text="The most recent score.",
    )
    decision = models.CharField(
        "decision",
        max_length=32,
        choices=Decision.choices,
        blank=True,
        help_text="The reviewer's decision.",
    )
    decision_conditions = models.TextField(
        "conditions",
        blank=True,
        max_length=10000,
        help_text="Required for 'approved with conditions'.",
    )
    decision_rationale = models.TextField(
        "rationale", blank=True, max_length=10000, help_text="Why the reviewer decided so."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="decided by",
        help_text="The reviewer.",
    )
    decided_at = models.DateTimeField("decided", null=True, blank=True)
    next_review_date = models.DateField(
        "next review", null=True, blank=True, help_text="Set from the rating's review interval."
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "assessment"
        indexes = [
            models.Index(fields=["organisation", "status"], name="assessment_org_status_idx"),
            models.Index(fields=["status", "submitted_at"], name="assessment_sweep_idx"),
        ]

    def __str__(self) -> str:
        label = self.title or f"{self.vendor.name} assessment"
        return f"{label} (rev. {self.revision})" if self.revision > 1 else label


class Answer(models.Model):
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name="assessment",
        help_text="The assessment this answer belongs to.",
    )
    question_key = models.CharField(
        "question", max_length=200, help_text="Stable key of the question answered."
    )
    value = models.JSONField(
        "value",
        null=True,
        help_text="Option key, list of option keys, number, date (YYYY-MM-DD) or text.",
    )
    comment = models.TextField(
        "comment", blank=True, max_length=20000, help_text="Context, caveats, sources."
    )
    updated_by_label = models.CharField(
        "answered by", max_length=200, blank=True, help_text="User or respondent link."
    )
    # Apart from updated_by_label: a respondent who changes only the value must not become
    # the author of an assessor's comment (respondents see only their side's comments).
    comment_by_label = models.CharField(
        "comment by",
        max_length=200,
        blank=True,
        help_text="User or respondent link that wrote the comment.",
    )
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        ordering = ["assessment", "id"]
        verbose_name = "answer"
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question_key"], name="answer_unique_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_key} = {self.value!r}"


RESPONDENT_LABEL_PREFIX = "respondent:"


def by_respondent(label: str) -> bool:
    """Whether an answer, comment or evidence label names a vendor respondent's link rather
    than a member of staff: the vendor side sees only what that side gave."""
    return label.startswith(RESPONDENT_LABEL_PREFIX)


def evidence_upload_to(instance: "Evidence", filename: str) -> str:
    # The stored name is the hash, never the uploaded name, so no path tricks reach the disk.
    return f"evidence/{instance.organisation_id}/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(TenantModel):
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name="assessment",
        help_text="The assessment the file supports.",
    )
    question_key = models.CharField(
        "question", max_length=200, help_text="The question the file backs."
    )
    file = models.FileField(
        "file", upload_to=evidence_upload_to, max_length=300, help_text="The stored file."
    )
    original_name = models.CharField(
        "file name", max_length=255, help_text="Name as uploaded (display only)."
    )
    content_type = models.CharField(
        "type", max_length=100, help_text="MIME type detected from the content."
    )
    size = models.PositiveBigIntegerField("size", help_text="Bytes.")
    sha256 = models.CharField("SHA-256", max_length=64, help_text="Hash of the content.")
    uploaded_by_label = models.CharField(
        "uploaded by", max_length=200, help_text="User or respondent link."
    )
    uploaded_at = models.DateTimeField("uploaded", auto_now_add=True)

    class Meta:
        ordering = ["question_key", "uploaded_at"]
        verbose_name = "evidence file"
        verbose_name_plural = "evidence files"

    def __str__(self) -> str:
        return self.original_name


class ScoreResult(TenantModel):
    """An immutable scoring outcome. (assessment, input_hash) is unique, so scoring the
    same inputs twice, or a redelivered task, can never create a second row."""

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="results",
        verbose_name="assessment",
        help_text="The assessment scored.",
    )
    input_hash = models.CharField(
        "input hash", max_length=64, help_text="SHA-256 of the canonical scoring inputs."
    )
    engine_version = models.CharField("engine version", max_length=20)
    policy_version = models.PositiveIntegerField("policy version")
    questionnaire_key = models.CharField("questionnaire", max_length=100)
    questionnaire_version = models.CharField("questionnaire version", max_length=32)
    overall = models.FloatField("residual risk", help_text="0–100, higher is riskier.")
    residual_band = models.CharField("residual band", max_length=10, choices=Rating.choices)
    inherent_tier = models.PositiveSmallIntegerField("inherent tier", help_text="1 (low) – 4.")
    inherent_score = models.FloatField("inherent risk", null=True, blank=True)
    rating = models.CharField("rating", max_length=10, choices=Rating.choices, db_index=True)
    recommended_decision = models.CharField(
        "recommended decision", max_length=32, help_text="approve, approve_with_conditions, reject"
    )
    domain_scores = models.JSONField("domain scores", help_text="Domain key → score or null.")
    outcome = models.JSONField("outcome", help_text="The engine's full result, with drivers.")
    inputs = models.JSONField(
        "inputs", help_text="The canonical input document the hash was computed from."
    )
    duration_ms = models.FloatField("duration (ms)", help_text="Time the engine took.")
    reason = models.CharField(
        "reason", max_length=32, default="submit", help_text="submit, rescore or retry."
    )
    created_at = models.DateTimeField("scored", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "score result"
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "input_hash"], name="result_unique_inputs"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} → {self.rating} ({self.overall:.1f})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("allow_update", False):
            raise TypeError("Score results are immutable.")
        super().save(*args, **kwargs)


class FindingStatus(models.TextChoices):
    OPEN = "open", "Open"
    MITIGATING = "mitigating", "Mitigating"
    ACCEPTED = "accepted", "Risk accepted"
    CLOSED = "closed", "Closed"

    UNRESOLVED: ClassVar[frozenset["FindingStatus"]]


# Still needing work: what the register, the dashboard and the portfolio count as open.
FindingStatus.UNRESOLVED = frozenset({FindingStatus.OPEN, FindingStatus.MITIGATING})


class Severity(models.TextChoices):
    LOW = FINDING_SEVERITY.LOW
    MEDIUM = FINDING_SEVERITY.MEDIUM
    HIGH = FINDING_SEVERITY.HIGH
    CRITICAL = FINDING_SEVERITY.CRITICAL


class Finding(TenantModel):
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="findings",
        verbose_name="assessment",
        help_text="The assessment that raised it.",
    )
    result = models.ForeignKey(
        ScoreResult,
        on_delete=models.CASCADE,
        related_name="findings",
        verbose_name="raised by",
        help_text="The score result that raised or last confirmed it.",
    )
    key = models.CharField(
        "key", max_length=250, help_text="question:option — stable, so reruns never duplicate."
    )
    question_key = models.CharField("question", max_length=200)
    domain = models.CharField("domain", max_length=20)
    severity = models.CharField("severity", max_length=10, choices=Severity.choices)
    title = models.CharField("title", max_length=300)
    text = models.TextField("finding", blank=True)
    recommendation = models.TextField("recommendation", blank=True)
    status = models.CharField(
        "status",
        max_length=12,
        choices=FindingStatus.choices,
        default=FindingStatus.OPEN,
        db_index=True,
        help_text="open → mitigating → closed, or accepted by a reviewer.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_findings",
        verbose_name="owner",
        help_text="Who is responsible for the remediation.",
    )
    due_date = models.DateField("due", null=True, blank=True, help_text="Remediation deadline.")
    note = models.TextField("note", blank=True, max_length=10000, help_text="Progress notes.")
    closed_automatically = models.BooleanField(
        "closed by rescoring",
        default=False,
        help_text="Closed because a rescore no longer raised it; reopened if one raises it "
        "again. A finding closed by a person stays closed.",
    )
    created_at = models.DateTimeField("raised", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        ordering = ["assessment", "-updated_at"]
        verbose_name = "finding"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "key"], name="finding_unique_key")
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="finding_org_status_idx")]

    def __str__(self) -> str:
        return self.title
