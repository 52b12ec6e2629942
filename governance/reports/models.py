from django.conf import settings
from django.db import models
from django.db.models import Q

from governance.accounts.tenancy import TenantModel


class ReportKind(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment report"
    PORTFOLIO = "portfolio", "Portfolio report"


class ReportStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


def report_upload_to(instance: "Report", filename: str) -> str:
    return f"reports/{instance.organisation_id}/{instance.pk}-{instance.kind}.pdf"


class Report(TenantModel):
    """A rendered PDF and its job state. The row, not Celery's result backend, says
    where the job stands."""

    kind = models.CharField(
        "kind", max_length=12, choices=ReportKind.choices, default=ReportKind.ASSESSMENT
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name="assessment",
        help_text="For an assessment report: the assessment.",
    )
    result = models.ForeignKey(
        "assessments.ScoreResult",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name="score result",
        help_text="The stored result the report is rendered from (never live data).",
    )
    status = models.CharField(
        "status",
        max_length=10,
        choices=ReportStatus.choices,
        default=ReportStatus.PENDING,
        db_index=True,
    )
    file = models.FileField("PDF", upload_to=report_upload_to, blank=True, max_length=300)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveBigIntegerField("size", null=True, blank=True, help_text="Bytes.")
    page_count = models.PositiveIntegerField("pages", null=True, blank=True)
    render_ms = models.FloatField("render time (ms)", null=True, blank=True)
    error = models.TextField("error", blank=True, help_text="Why rendering failed.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="requested by",
    )
    created_at = models.DateTimeField("requested", auto_now_add=True)
    started_at = models.DateTimeField("started", null=True, blank=True)
    completed_at = models.DateTimeField("completed", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "report"
        constraints = [
            # Requesting the same assessment report twice for one result reuses it.
            models.UniqueConstraint(
                fields=["result"],
                condition=Q(kind="assessment"),
                name="report_unique_per_result",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
