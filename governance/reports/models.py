from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import slugify

from governance.accounts.tenancy import TenantModel
from governance.lifecycle import Lifecycle


class ReportKind(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment report"
    PORTFOLIO = "portfolio", "Portfolio report"


class ReportStatus(Lifecycle, models.TextChoices):
    """A report job's life: pending ─► rendering ─► ready | failed.

    A request creates it pending; the render worker claims it (rendering) and leaves it
    ready or failed, or gives the claim back when the database went away; the sweep gives
    back the claim of a worker that died. A new request renders a failed report again, and
    a ready one whose assessment was decided after it was rendered."""

    PENDING = "pending", "Pending"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


ReportStatus.TRANSITIONS = {
    ReportStatus.PENDING: frozenset({ReportStatus.RENDERING, ReportStatus.FAILED}),
    ReportStatus.RENDERING: frozenset(
        {ReportStatus.READY, ReportStatus.FAILED, ReportStatus.PENDING}
    ),
    ReportStatus.READY: frozenset({ReportStatus.PENDING}),
    ReportStatus.FAILED: frozenset({ReportStatus.PENDING}),
}


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

    @property
    def download_name(self) -> str:
        """The PDF's file name when downloaded, from the page or the API."""
        if self.kind == ReportKind.PORTFOLIO:
            stem = f"portfolio-report-{self.created_at:%Y-%m-%d}"
        else:
            vendor = slugify(self.assessment.vendor.name)[:60] if self.assessment else ""
            stem = f"assessment-report-{vendor or 'vendor'}-{self.pk}"
        return f"{stem}.pdf"
